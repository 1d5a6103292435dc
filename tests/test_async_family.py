"""The async fixture app (FST102-FST105, FST301, FST302), compared with its golden file.

The golden file lists ``path:row:col: CODE message``, so a changed message fails the test as a
moved diagnostic does; set FASTLINT_UPDATE_GOLDEN=1 to rewrite it after an intended change, then
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastlint.config.settings import build_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.run.discovery import discover
from fastlint.run.runner import lint_files

APP = Path(__file__).resolve().parent.parent / "fixtures" / "async_app"


def lint_app(monkeypatch: pytest.MonkeyPatch, jobs: int = 1) -> list[Diagnostic]:
    monkeypatch.chdir(APP)
    settings = build_settings({}, origin="test", root=APP)
    return sorted(lint_files(discover([Path(".")], settings), settings, jobs=jobs))


def short(found: list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}" for d in found]


@pytest.mark.parametrize("jobs", [1, 2])
def test_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    found = short(lint_app(monkeypatch, jobs))
    golden = APP / "expected.txt"
    if os.environ.get("FASTLINT_UPDATE_GOLDEN") and jobs == 1:
        golden.write_text("".join(line + "\n" for line in found), encoding="utf-8")
    assert found == golden.read_text(encoding="utf-8").splitlines()


def _at(found: list[Diagnostic], path: str, row: int) -> list[Diagnostic]:
    return [d for d in found if d.path == os.path.join(*path.split("/")) and d.row == row]


def test_route_reaching_requests_two_modules_away_shows_the_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = _at(lint_app(monkeypatch), "routers/profiles.py", 14)
    assert [d.code for d in found] == ["FST102"]
    where = os.path.join("services", "http.py")
    assert f"load_profile -> fetch -> requests.get ({where}:13)" in found[0].message


def test_references_are_not_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    found = lint_app(monkeypatch)
    assert not _at(found, "routers/users.py", 35)  # tasks.add_task(load_profile, ...)
    assert not _at(found, "routers/users.py", 45)  # run_in_threadpool(load_profile, ...)
    assert not _at(found, "routers/profiles.py", 24)  # asyncio.to_thread(get_profile, ...)


def test_a_cycle_terminates_and_only_the_blocking_one_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = _at(lint_app(monkeypatch), "routers/users.py", 40)
    assert [(d.code, d.column) for d in found] == [("FST102", 54)]
    assert "throttled_even -> throttled_odd -> time.sleep" in found[0].message


def test_awaited_session_calls_are_not_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    found = lint_app(monkeypatch)
    assert not _at(found, "repositories/users.py", 17)  # await self.session.execute(...)
    assert not _at(found, "repositories/users.py", 21)  # self.session.add(user)
    assert [d.code for d in _at(found, "repositories/users.py", 22)] == ["FST302"]


def test_fst102_honours_the_fst101_table_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(APP)
    table = {"select": ["FST102"], "allowed-blocking-calls": ["requests.get"]}
    settings = build_settings(table, origin="test", root=APP)
    found = lint_files(discover([Path(".")], settings), settings)
    # only the time.sleep chain and the sync SQLAlchemy helpers are left
    assert {(d.path, d.row) for d in found} == {
        (os.path.join("routers", "users.py"), 40),
        (os.path.join("routers", "reports.py"), 24),
        (os.path.join("routers", "reports.py"), 30),
    }


def test_fst102_follows_sync_session_work_into_repository_helpers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = lint_app(monkeypatch)
    get_user = _at(found, "routers/reports.py", 24)
    assert [d.code for d in get_user] == ["FST102"]
    assert "get_user -> db.execute (Session.execute) (repositories/legacy_users.py:11)" in (
        get_user[0].message
    )
    rename = _at(found, "routers/reports.py", 30)
    assert "rename_user -> get_user -> db.execute" in rename[0].message
    assert not _at(found, "routers/reports.py", 35)  # stage_user only calls db.add
    # FST101 never reports the sync session's methods: FST301 does, with its own message.
    at_14 = [d.code for d in _at(found, "routers/reports.py", 14) if d.code != "FST304"]
    assert at_14 == ["FST301"]  # FST304 (query in a route handler) is another matter


def test_allowed_blocking_calls_can_allow_the_sync_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(APP)
    table = {"select": ["FST102"], "allowed-blocking-calls": ["Session", "requests.get"]}
    settings = build_settings(table, origin="test", root=APP)
    found = lint_files(discover([Path(".")], settings), settings)
    assert {d.row for d in found} == {40}
