"""``--jobs``: worker processes give the same results, in the same order, and survive crashes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.config.settings import Settings, build_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.frontends.cli import cli
from fastlint.run import parallel
from fastlint.run.parallel import Plan, Task, make_chunks
from fastlint.run.runner import MIN_PARALLEL_FILES, lint_files
from fastlint.run.session import FileLinter

SOURCES = (
    "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n",
    "def add(item, tags=[]):\n    return tags\n",
    "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n",
    "def broken(:\n",
    "def long():\n" + "".join(f"    x{i} = {i}\n" for i in range(40)),
)
needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="a patched worker needs fork")


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    found = []
    for index in range(2 * MIN_PARALLEL_FILES):
        path = tmp_path / f"pkg{index % 3}" / f"module_{index:02}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(SOURCES[index % len(SOURCES)] * (1 + index % 4))
        found.append(path)
    return sorted(found)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return build_settings({}, origin="test", root=tmp_path)


def test_jobs_give_the_same_results_in_the_same_order(
    files: list[Path], settings: Settings
) -> None:
    alone = lint_files(files, settings, jobs=1)
    assert {d.code for d in alone} >= {"FST000", "FST101", "FST501", "FST502"}
    for jobs in (2, 3):
        assert lint_files(files, settings, jobs=jobs) == alone
        assert lint_files(list(reversed(files)), settings, jobs=jobs) == lint_files(
            list(reversed(files)), settings, jobs=1
        )


def test_every_file_is_reported_done_once(files: list[Path], settings: Settings) -> None:
    done: list[Path] = []
    lint_files(files, settings, jobs=2, on_file=done.append)
    assert sorted(done) == files


def test_chunks_cover_every_task_once_in_order() -> None:
    tasks = [(index, f"f{index}.py", f"f{index}.py", 1 + index % 7) for index in range(50)]
    chunks = make_chunks(tasks, 2)
    assert [task for chunk in chunks for task in chunk] == tasks
    assert len(chunks) > 2


def test_each_worker_keeps_to_its_stretch_then_helps_the_others() -> None:
    tasks = [(index, f"f{index}.py", f"f{index}.py", 10) for index in range(40)]
    plan = Plan(make_chunks(tasks, 2), 2)
    first, second = plan.next_for(0), plan.next_for(1)
    assert first is not None and first[0][0] == 0
    assert second is not None and second[0][0] == 20
    taken: list[list[Task]] = [first, second]
    while plan:
        chunk = plan.next_for(0)  # worker 1 is slow: worker 0 ends up taking its chunks
        assert chunk is not None
        taken.append(chunk)
    assert sorted(task for chunk in taken for task in chunk) == tasks
    assert taken[-1][0][0] > 20  # taken from the stretch of worker 1


@needs_fork
def test_a_worker_that_dies_is_reported_for_its_file_only(
    files: list[Path], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = lint_files(files, settings, jobs=1)
    victims = {files[3].name, files[10].name}
    original = FileLinter.lint_bytes

    def die_on_victims(self: FileLinter, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        if path.name in victims:
            os._exit(3)  # as a segfault in native code would: no exception, no cleanup
        return original(self, data, path, shown)

    monkeypatch.setattr(FileLinter, "lint_bytes", die_on_victims)
    found = lint_files(files, settings, jobs=2)
    crashed = [d for d in found if d.code == "FST001"]
    assert sorted(Path(d.path).name for d in crashed) == sorted(victims)
    assert all("worker process died" in d.message and "exit code 3" in d.message for d in crashed)
    survivors = [d for d in expected if Path(d.path).name not in victims]
    assert [d for d in found if d.code != "FST001"] == survivors


def test_cli_jobs_option(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outputs = set()
    for jobs in ("1", "2"):
        result = CliRunner().invoke(cli, ["check", "--no-cache", "--jobs", jobs, "."])
        assert result.exit_code == 1
        outputs.add(result.output)
    assert len(outputs) == 1
    result = CliRunner().invoke(cli, ["check", "--jobs", "0", "."])
    assert result.exit_code == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_unreadable_file_is_a_note_not_an_internal_error(
    files: list[Path], settings: Settings, tmp_path: Path, jobs: int
) -> None:
    dangling = tmp_path / "pkg0" / "dangling.py"
    dangling.symlink_to(tmp_path / "missing.py")
    notes: list[tuple[Path, str]] = []
    found = lint_files(
        sorted([*files, dangling]),
        settings,
        jobs=jobs,
        on_skip=lambda path, note: notes.append((path, note)),
    )
    assert notes == [(dangling, "cannot read: No such file or directory")]
    assert not any(d.code == "FST001" for d in found)
    assert found == lint_files(files, settings, jobs=jobs)


def test_cli_reports_unreadable_files_and_exits_2_only_when_nothing_was_linted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("gone.py").symlink_to("nowhere.py")
    result = CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert result.exit_code == 2
    assert "gone.py: cannot read: No such file or directory" in result.output
    assert "FST001" not in result.output
    Path("ok.py").write_text("x = 1\n")
    result = CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert result.exit_code == 0
    assert "gone.py: cannot read" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_unreadable(tmp_path: Path, settings: Settings) -> None:
    private = tmp_path / "private.py"
    private.write_text("x = 1\n")
    private.chmod(0)
    notes: list[str] = []
    assert lint_files([private], settings, on_skip=lambda _, note: notes.append(note)) == []
    assert notes == ["cannot read: Permission denied"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_above_max_file_size_are_skipped_with_a_note(
    files: list[Path], tmp_path: Path, jobs: int
) -> None:
    limit = 300
    small = build_settings({"max-file-size": limit}, origin="test", root=tmp_path)
    notes: dict[Path, str] = {}
    found = lint_files(files, small, jobs=jobs, on_skip=notes.__setitem__)
    big = {path for path in files if path.stat().st_size > limit}
    assert big and set(notes) == big
    assert all("is above max-file-size (300 bytes)" in note for note in notes.values())
    assert {Path(d.path).resolve() for d in found}.isdisjoint(big)
    everything = lint_files(files, build_settings({}, origin="test", root=tmp_path), jobs=jobs)
    assert found == [d for d in everything if Path(d.path).resolve() not in big]


def test_max_file_size_is_read_from_the_config(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\nmax-file-size = 300\n")
    result = CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert "is above max-file-size (300 bytes)" in result.output
    (tmp_path / "pyproject.toml").write_text('[tool.fastlint]\nmax-file-size = "big"\n')
    result = CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert result.exit_code == 2 and "max-file-size" in result.output


def test_the_plan_never_hands_out_two_big_files_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "BIG_FILE", 100)
    tasks = [
        (index, f"f{index}.py", f"f{index}.py", 500 if index % 5 == 0 else 10)
        for index in range(30)
    ]
    chunks = make_chunks(tasks, 3)
    assert all(len(chunk) == 1 for chunk in chunks if chunk[0][3] > 100)
    plan = Plan(chunks, 3)
    first = plan.next_for(0)
    assert first is not None and parallel.is_big(first)  # big files first
    for position in (1, 2, 1, 2):
        chunk = plan.next_for(position)
        assert chunk is not None and not parallel.is_big(chunk)
    plan.big_running = False  # the worker is done with it
    second = plan.next_for(1)
    assert second is not None and parallel.is_big(second)


@needs_fork
def test_big_files_run_one_at_a_time_each_on_a_fresh_worker(
    files: list[Path], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "BIG_FILE", 400)
    big = {path.name for path in files if path.stat().st_size > 400}
    assert len(big) >= 3
    log = tmp_path / "log.txt"
    original = FileLinter.lint_bytes

    def record(self: FileLinter, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        with open(log, "a") as stream:
            stream.write(f"start {os.getpid()} {path.name}\n")
        found = original(self, data, path, shown)
        with open(log, "a") as stream:
            stream.write(f"end {os.getpid()} {path.name}\n")
        return found

    monkeypatch.setattr(FileLinter, "lint_bytes", record)
    assert lint_files(files, settings, jobs=3) == lint_files(files, settings, jobs=1)
    events = [line.split() for line in log.read_text().splitlines()]
    parallel_events = events[: len(events) // 2]  # the jobs=3 run came first
    running: set[str] = set()
    big_pids: list[str] = []
    for kind, pid, name in parallel_events:
        if name in big:
            if kind == "start":
                assert not running, f"{name} started while {running} ran"
                running.add(name)
                big_pids.append(pid)
            else:
                running.discard(name)
    assert len(big_pids) == len(big) and len(set(big_pids)) == len(big)  # a fresh worker each


def test_workers_started_by_spawn_get_the_run_pickled(
    files: list[Path], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    assert any(rule.needs_project for rule in settings.rules)  # the index travels too
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    assert lint_files(files, settings, jobs=2) == lint_files(files, settings, jobs=1)


def test_the_flake8_plugin_keeps_one_run_and_rereads_edits_every_two_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastlint.frontends.flake8_plugin import FastlintChecker
    from fastlint.run import session

    clock = [1000.0]
    monkeypatch.setattr(session.time, "monotonic", lambda: clock[0])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(FastlintChecker, "_runs", {})
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("import time\n\n\ndef wait():\n    time.sleep(1)\n")
    handler = "from pkg.helpers import wait\n\n\nasync def handler() -> None:\n    wait()\n"
    (package / "api.py").write_text(handler)

    def codes() -> list[str]:
        checker = FastlintChecker(None, handler.splitlines(True), str(package / "api.py"))
        return [message.split()[0] for _, _, message, _ in checker.run()]

    assert codes() == ["FST102"]
    run = FastlintChecker.lint_run()
    assert FastlintChecker.lint_run() is run and run.project is not None
    (package / "helpers.py").write_text("def wait():\n    return None\n")
    clock[0] += 2.5
    assert codes() == []
    assert FastlintChecker.lint_run() is run


def test_the_flake8_plugin_skips_files_above_max_file_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fastlint.frontends.flake8_plugin import FastlintChecker

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(FastlintChecker, "_runs", {})
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\nmax-file-size = 100\n")
    lines = ["def add(item, tags=[]):\n", "    return tags\n"]
    # flake8 selects the codes; the small file is linted (its FST501, besides FST504's)
    small = [message for _, _, message, _ in FastlintChecker(None, lines, "small.py").run()]
    assert [message[:6] for message in small].count("FST501") == 1
    assert list(FastlintChecker(None, lines * 10, "big.py").run()) == []
    assert (
        "big.py: skipped: 400 bytes is above max-file-size (100 bytes)" in capsys.readouterr().err
    )
