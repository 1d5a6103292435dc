"""The results cache: reused when nothing changed, never trusted when something did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.config.settings import Settings, build_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import Linter
from fastlint.frontends.cli import cli
from fastlint.rules import ALL_RULES
from fastlint.run.cache import CACHE_DIR_NAME, Cache, default_cache_dir
from fastlint.run.runner import FileLinter, lint_files

PROJECT_RULES = {rule.code for rule in ALL_RULES if getattr(rule, "needs_project", False)}

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
MUTABLE = "def add(item, tags=[]):\n    return tags\n"
LONG = "def long():\n" + "".join(f"    x{i} = {i}\n" for i in range(40))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in (("a.py", BLOCKING), ("b.py", MUTABLE), ("c.py", LONG)):
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files actually linted (not taken from the cache)."""
    seen: list[str] = []
    original = FileLinter.lint_bytes

    def spy(self: FileLinter, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        seen.append(path.name)
        return original(self, data, path, shown)

    monkeypatch.setattr(FileLinter, "lint_bytes", spy)
    return seen


def _settings(root: Path, **table: object) -> Settings:
    return build_settings(table, origin="test", root=root)


def _run(project: Path, settings: Settings, extra: str = "") -> list[Diagnostic]:
    files = sorted(project.glob("*.py"))
    cache = Cache(default_cache_dir(settings), settings, extra)
    return lint_files(files, settings, cache=cache)


def test_warm_run_reuses_every_result(project: Path, linted: list[str]) -> None:
    settings = _settings(project)
    cold = _run(project, settings)
    assert sorted(linted) == ["a.py", "b.py", "c.py"]
    linted.clear()
    assert _run(project, settings) == cold
    assert linted == []


def test_cache_dir_is_tagged_and_ignored_by_git(project: Path) -> None:
    _run(project, _settings(project))
    directory = project / CACHE_DIR_NAME
    assert (
        (directory / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (directory / ".gitignore").read_text() == "*\n"
    assert not list(directory.glob(".tmp-*"))  # atomic writes leave nothing behind


def test_changed_file_is_linted_again(project: Path, linted: list[str]) -> None:
    settings = _settings(project, ignore=sorted(PROJECT_RULES))
    _run(project, settings)
    linted.clear()
    (project / "b.py").write_text("def add(item, tags=None):\n    return tags\n")
    found = _run(project, settings)
    assert linted == ["b.py"]
    assert "FST501" not in {d.code for d in found}
    assert {d.code for d in found} - {"FST504"} == {"FST101", "FST502"}  # FST504: no annotations


@pytest.mark.skipif(not PROJECT_RULES, reason="no rule reads other files")
def test_rules_that_read_other_files_relint_only_what_depends_on_the_edit(
    project: Path, linted: list[str]
) -> None:
    """Files that read nothing of ``b.py`` keep their results (tests/test_incremental.py has
    files that do)."""
    settings = _settings(project, select=sorted(PROJECT_RULES | {"FST101"}))
    _run(project, settings)
    linted.clear()
    (project / "b.py").write_text("def add(item, tags=None):\n    return tags\n")
    _run(project, settings)
    assert sorted(linted) == ["b.py"]


def test_settings_change_invalidates(project: Path, linted: list[str]) -> None:
    _run(project, _settings(project))
    linted.clear()
    found = _run(project, _settings(project, **{"max-function-lines": 50}))
    assert sorted(linted) == ["a.py", "b.py", "c.py"]
    assert "FST502" not in {d.code for d in found}


def test_extra_key_invalidates(project: Path, linted: list[str]) -> None:
    settings = _settings(project)
    _run(project, settings, extra="index-1")
    linted.clear()
    _run(project, settings, extra="index-2")
    assert sorted(linted) == ["a.py", "b.py", "c.py"]


def _bad_entries(data: dict) -> str:
    broken = [["5", 5, "FST101", "m", 5, 9]], [[1, 2]], "x", [None]
    keys = sorted(data["files"])
    for key, diagnostics in zip(keys, broken, strict=False):
        data["files"][key][1] = diagnostics
    data["files"][keys[-1]] = {"not": "a list"}
    return json.dumps(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "\x00\xff garbage",
        lambda text: "[]",
        lambda text: _bad_entries(json.loads(text)),  # valid JSON, entries of the wrong shape
    ],
    ids=["truncated", "garbage", "wrong-shape", "bad-entries"],
)
def test_corrupt_cache_is_ignored_and_rebuilt(project: Path, damage) -> None:
    settings = _settings(project)
    cold = _run(project, settings)
    (result,) = (project / CACHE_DIR_NAME).glob("results-*.json")
    result.write_text(damage(result.read_text()), encoding="utf-8", errors="surrogateescape")
    assert _run(project, settings) == cold
    assert json.loads(result.read_text())["files"]  # rewritten whole


def test_crashes_are_not_cached(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(project)

    def broken(self: Linter, data: bytes, path: str) -> list[Diagnostic]:
        raise RuntimeError("boom")

    monkeypatch.setattr(Linter, "lint_bytes", broken)
    assert {d.code for d in _run(project, settings)} == {"FST001"}
    monkeypatch.undo()
    monkeypatch.chdir(project)
    assert "FST001" not in {d.code for d in _run(project, settings)}


def test_cli_no_cache_writes_nothing(project: Path) -> None:
    first = CliRunner().invoke(cli, ["check", "--no-cache", "."])
    assert first.exit_code == 1
    assert not (project / CACHE_DIR_NAME).exists()
    second = CliRunner().invoke(cli, ["check", "."])
    assert (project / CACHE_DIR_NAME / "CACHEDIR.TAG").is_file()
    assert CliRunner().invoke(cli, ["check", "."]).output == second.output == first.output


def test_cli_cache_dir(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("cache") / "here"
    result = CliRunner().invoke(cli, ["check", "--cache-dir", str(elsewhere), "."])
    assert result.exit_code == 1
    assert (elsewhere / "CACHEDIR.TAG").is_file()
    assert list(elsewhere.glob("results-*.json"))
    assert not (project / CACHE_DIR_NAME).exists()
