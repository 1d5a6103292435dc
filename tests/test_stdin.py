"""``fastlint check -`` lints stdin; ``--stdin-filename PATH`` lints it as the file at PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"


def fastlint(
    cwd: Path, *args: str, source: str | bytes = BLOCKING
) -> subprocess.CompletedProcess[str]:
    data = source.encode() if isinstance(source, str) else source
    done = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", *args],
        cwd=cwd,
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.fastlint]\n"
        # the rules these tests are about, whatever rules are on by default
        'select = ["FST101", "FST102"]\n'
        'per-file-ignores = { "tests/*" = ["FST101"] }\n'
        'extend-exclude = ["generated"]\n'
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "views.py").write_text(CLEAN)
    return tmp_path


def test_dash_reads_stdin_and_shows_dash(project: Path) -> None:
    done = fastlint(project, "-")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("-:5:5: FST101 `time.sleep()` blocks")
    assert "Found 1 error." in done.stdout


def test_stdin_filename_names_the_diagnostics(project: Path) -> None:
    done = fastlint(project, "--stdin-filename", "app/views.py", "-")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("app/views.py:5:5: FST101")  # the piped text, not the file


def test_stdin_filename_alone_reads_stdin(project: Path) -> None:
    done = fastlint(project, "--stdin-filename", "app/new.py")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("app/new.py:5:5: FST101")


def test_clean_stdin(project: Path) -> None:
    done = fastlint(project, "-", source=CLEAN)
    assert done.returncode == 0, done.stderr
    assert "All checks passed!" in done.stdout
    assert "No Python files found" not in done.stderr


def test_per_file_ignores_apply_as_for_the_path(project: Path) -> None:
    assert fastlint(project, "--stdin-filename", "tests/test_x.py", "-").returncode == 0
    assert fastlint(project, "--stdin-filename", "app/x.py", "-").returncode == 1


def test_config_is_found_from_the_path_not_the_cwd(project: Path, tmp_path_factory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    named = project / "tests" / "test_x.py"  # need not exist
    assert fastlint(elsewhere, "--stdin-filename", str(named), "-").returncode == 0
    assert fastlint(elsewhere, "--isolated", "--stdin-filename", str(named)).returncode == 1


def test_excludes_apply_with_force_exclude_only(project: Path) -> None:
    excluded = fastlint(project, "--force-exclude", "--stdin-filename", "generated/x.py", "-")
    assert excluded.returncode == 0, excluded.stderr
    assert "FST101" not in excluded.stdout
    named = fastlint(project, "--stdin-filename", "generated/x.py", "-")
    assert named.returncode == 1  # like a file named on the command line


def test_select_and_noqa_apply(project: Path) -> None:
    assert fastlint(project, "--select", "FST2", "-").returncode == 0
    suppressed = BLOCKING.replace("time.sleep(1)", "time.sleep(1)  # noqa: FST101")
    assert fastlint(project, "-", source=suppressed).returncode == 0


def test_syntax_error_on_stdin(project: Path) -> None:
    done = fastlint(project, "--stdin-filename", "app/broken.py", source="def f(:\n")
    assert done.returncode == 1
    assert done.stdout.startswith("app/broken.py:1:")
    assert "FST000" in done.stdout


def test_encoding_cookie_and_undecodable_bytes(project: Path) -> None:
    latin = b"# -*- coding: latin-1 -*-\n" + BLOCKING.replace("1)", "1)  # caf\xe9").encode(
        "latin-1"
    )
    assert "-:6:5: FST101" in fastlint(project, "-", source=latin).stdout
    done = fastlint(project, "-", source=b"x = '\xff'\n")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("-:1:1: FST000")


def test_formats_read_source_lines_from_stdin(project: Path) -> None:
    full = fastlint(project, "--output-format", "full", "--stdin-filename", "app/new.py")
    assert "time.sleep(1)" in full.stdout  # app/new.py does not exist on disk
    records = fastlint(project, "--output-format", "json", "--stdin-filename", "app/new.py")
    [record] = json.loads(records.stdout)
    assert record["code"] == "FST101"
    assert Path(record["filename"]).name == "new.py"


def test_baseline_applies_to_stdin(project: Path) -> None:
    (project / "app" / "views.py").write_text(BLOCKING)
    assert fastlint(project, "--write-baseline", "base.json", "app").returncode == 0
    args = ("--baseline", "base.json", "--stdin-filename", "app/views.py")
    assert fastlint(project, *args).returncode == 0
    worse = BLOCKING + "\n\nasync def other():\n    time.sleep(2)\n"
    done = fastlint(project, *args, source=worse)
    assert done.returncode == 1
    assert done.stdout.count("FST101") == 1


def test_project_index_reads_the_piped_text_as_the_file(project: Path) -> None:
    """FST102 follows calls across modules; the file at PATH is the piped text, also when the
    chain comes back to it through a module on disk."""
    (project / "app" / "helpers.py").write_text(
        "from app.views import wait\n\n\ndef load():\n    wait()\n"
    )
    piped = (
        "import time\n\nfrom app.helpers import load\n\n\n"
        "def wait():\n    time.sleep(1)\n\n\n"
        "async def handler():\n    load()\n"
    )
    done = fastlint(project, "--stdin-filename", "app/views.py", source=piped)
    assert done.returncode == 1, done.stderr
    assert "app/views.py:11:5: FST102" in done.stdout
    assert "load -> wait -> time.sleep (app/views.py:7)" in done.stdout
    # the file on disk (CLEAN, no `wait`) is unchanged and still clean
    assert fastlint(project, "app/views.py").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "app"], "cannot be combined with app"),
        (["--stdin-filename", "x.py", "app/views.py"], "cannot be combined with app/views.py"),
        (["--add-noqa", "-"], "--add-noqa cannot be used with stdin"),
        (["--write-baseline", "b.json", "-"], "--write-baseline cannot be used with stdin"),
    ],
)
def test_stdin_usage_errors(project: Path, args: list[str], message: str) -> None:
    done = fastlint(project, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("fastlint: error: ") and message in line
    assert not (project / "b.json").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_stdin_above_max_file_size_is_skipped_not_read_to_the_end(project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + "max-file-size = 1000\n")
    with open("/dev/zero", "rb") as zero:  # endless: only max-file-size + 1 bytes are read
        done = subprocess.run(
            [sys.executable, "-m", "fastlint", "check", "--stdin-filename", "app/z.py"],
            cwd=project,
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert "fastlint: warning: app/z.py: skipped: stdin is above max-file-size" in done.stderr
    assert fastlint(project, "-", source=BLOCKING + "#" * 2000).returncode == 0
    assert fastlint(project, "-").returncode == 1  # below the limit: linted
