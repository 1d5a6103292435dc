"""Only regular files are linted: a FIFO or a device named ``*.py`` is skipped with one warning
and the run goes on; a run that finds no Python files says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fastlint.config.settings import load_settings
from fastlint.project import ProjectIndex
from fastlint.run.discovery import discover

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
TIMEOUT = 60  # a FIFO that is read blocks forever; /dev/zero never ends

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


def fastlint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastlint", "check", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(BLOCKING)
    return tmp_path


def warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("fastlint: warning:")]


@needs_fifo
def test_fifo_found_in_a_directory_is_skipped_with_a_warning(project: Path) -> None:
    os.mkfifo(project / "app" / "x.py")
    done = fastlint(project, "--no-cache", ".")
    assert done.returncode == 1, done.stderr
    assert "views.py:5:5: FST101" in done.stdout
    skipped = f"skipping {Path('app', 'x.py')}: not a regular file (a named pipe)"
    assert warnings(done) == [f"fastlint: warning: {skipped}"]
    assert "Traceback" not in done.stderr


@needs_fifo
def test_fifo_named_on_the_command_line_is_skipped_once(project: Path) -> None:
    os.mkfifo(project / "app" / "x.py")
    done = fastlint(project, "--no-cache", "app/x.py", "app", "app/views.py", "app/x.py")
    assert done.returncode == 1, done.stderr
    assert "views.py:5:5: FST101" in done.stdout
    assert len(warnings(done)) == 1
    assert "app/x.py: not a regular file (a named pipe)" in warnings(done)[0]


@needs_fifo
def test_fifo_with_many_files_and_workers(project: Path) -> None:
    for number in range(12):  # enough files for worker processes
        (project / "app" / f"m{number}.py").write_text(BLOCKING)
    os.mkfifo(project / "app" / "pipe.py")
    done = fastlint(project, "--no-cache", "--jobs", "2", ".")
    assert done.returncode == 1, done.stderr
    assert done.stdout.count("FST101") == 13
    assert len(warnings(done)) == 1


@needs_fifo
def test_project_index_lists_regular_files_only(project: Path) -> None:
    os.mkfifo(project / "app" / "x.py")
    index = ProjectIndex([project / "app" / "views.py"])
    assert project / "app" / "x.py" not in index.files()


@needs_dev_zero
def test_symlink_to_dev_zero_is_skipped(project: Path) -> None:
    (project / "app" / "zero.py").symlink_to("/dev/zero")
    done = fastlint(project, "--no-cache", ".")
    assert done.returncode == 1, done.stderr
    assert "views.py:5:5: FST101" in done.stdout
    assert warnings(done) == [
        f"fastlint: warning: skipping {Path('app', 'zero.py')}: "
        "not a regular file (a symlink to a character device)"
    ]


@needs_dev_zero
def test_symlink_to_dev_zero_named_on_the_command_line(project: Path) -> None:
    (project / "zero.py").symlink_to("/dev/zero")
    done = fastlint(project, "zero.py", "app/views.py")
    assert done.returncode == 1, done.stderr
    assert "FST101" in done.stdout
    assert "zero.py: not a regular file (a symlink to a character device)" in done.stderr


def test_symlink_to_a_regular_file_is_linted(project: Path) -> None:
    (project / "link.py").symlink_to(project / "app" / "views.py")
    done = fastlint(project, "--no-cache", ".")
    assert done.stdout.count("FST101") == 2
    assert warnings(done) == []


def test_dangling_symlink_in_a_directory_is_left_to_the_runner(project: Path) -> None:
    """Discovery keeps it (no warning of its own): reading it reports it as unreadable."""
    (project / "app" / "gone.py").symlink_to(project / "missing.py")
    settings = load_settings(isolated=True, cwd=project)
    skipped: list[tuple[Path, str]] = []
    found = discover([project], settings, on_skip=lambda path, why: skipped.append((path, why)))
    assert project / "app" / "gone.py" in found
    assert skipped == []


@needs_fifo
def test_only_special_files_means_no_python_files(project: Path) -> None:
    (project / "app" / "views.py").unlink()
    os.mkfifo(project / "app" / "x.py")
    done = fastlint(project, "--no-cache", "app")
    assert done.returncode == 0, done.stderr
    assert warnings(done) == [
        f"fastlint: warning: skipping {Path('app', 'x.py')}: not a regular file (a named pipe)",
        "fastlint: warning: No Python files found under the given path(s)",
    ]


# -- empty runs ---------------------------------------------------------------------------------


def test_directory_without_python_files_warns_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# docs\n")
    done = fastlint(tmp_path, "docs")
    assert done.returncode == 0, done.stderr
    assert warnings(done) == ["fastlint: warning: No Python files found under the given path(s)"]
    assert "All checks passed!" in done.stdout


def test_empty_run_keeps_machine_output_valid(tmp_path: Path) -> None:
    done = fastlint(tmp_path, "--output-format", "json", ".")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert "No Python files found" in done.stderr


def test_every_file_force_excluded_is_an_empty_run(project: Path) -> None:
    (project / "build").mkdir()
    (project / "build" / "gen.py").write_text(BLOCKING)
    done = fastlint(project, "--force-exclude", "build/gen.py")
    assert done.returncode == 0, done.stderr
    assert "No Python files found" in done.stderr


def test_a_run_with_files_does_not_warn(project: Path) -> None:
    assert warnings(fastlint(project, ".")) == []
