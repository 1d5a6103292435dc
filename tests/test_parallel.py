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
from fastlint.run.parallel import Plan, Task, make_chunks
from fastlint.run.runner import MIN_PARALLEL_FILES, FileLinter, lint_files

SOURCES = (
    "import time\n\n\nasync def handler():\n    time.sleep(1)\n",
    "def add(item, tags=[]):\n    return tags\n",
    "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n",
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
