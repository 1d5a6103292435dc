"""Adopting fastlint on an existing codebase: baselines, ``--add-noqa``, progress, ``--quiet``."""

from __future__ import annotations

import codecs
import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner, Result

from fastlint.frontends.cli import cli
from fastlint.frontends.progress import Progress

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.py")))
BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["check", "--isolated", *args], catch_exceptions=False)


def codes(result: Result) -> list[str]:
    return [json.loads(line)["code"] for line in result.stdout.splitlines()]


@pytest.fixture
def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in APPS:
        shutil.copytree(FIXTURES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- baselines ------------------------------------------------------------------------------


def test_baseline_makes_the_next_run_clean_and_reports_new_violations(apps: Path) -> None:
    assert run(".").exit_code == 1
    written = run(".", "--write-baseline", "fastlint-baseline.json")
    assert written.exit_code == 0
    data = json.loads((apps / "fastlint-baseline.json").read_text())
    assert data["fastlint-baseline"] == 1 and data["files"]
    assert run(".", "--baseline", "fastlint-baseline.json").exit_code == 0

    target = next(apps.rglob("routers/*.py"))
    # lines moving (an import added on top) keep the baseline valid
    target.write_text("import os\n\n" + target.read_text())
    assert run(".", "--baseline", "fastlint-baseline.json").exit_code == 0
    # a new violation, even a copy of a recorded one, is reported and fails the run
    target.write_text(target.read_text() + "\n\n" + BLOCKING.replace("handler", "added"))
    result = run(".", "--baseline", "fastlint-baseline.json", "--output-format", "json-lines")
    assert result.exit_code == 1
    assert codes(result) == ["FST101"]


def test_a_fixed_violation_drops_out_of_the_baseline_on_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(BLOCKING)
    run("a.py", "--write-baseline", "base.json")
    assert json.loads((tmp_path / "base.json").read_text())["files"]["a.py"]["FST101"]
    (tmp_path / "a.py").write_text(BLOCKING.replace("time.sleep(1)", "pass"))
    run("a.py", "--write-baseline", "base.json")
    assert json.loads((tmp_path / "base.json").read_text())["files"] == {}
    # the violation coming back is new
    (tmp_path / "a.py").write_text(BLOCKING)
    assert run("a.py", "--baseline", "base.json").exit_code == 1


def test_baseline_counts_identical_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(BLOCKING + "    time.sleep(1)\n")
    run("a.py", "--write-baseline", "base.json")
    assert run("a.py", "--baseline", "base.json").exit_code == 0
    (tmp_path / "a.py").write_text(BLOCKING + "    time.sleep(1)\n" * 2)
    assert run("a.py", "--baseline", "base.json").exit_code == 1


@pytest.mark.parametrize("content", [None, "not json", "[]", '{"files": []}'])
def test_a_missing_or_broken_baseline_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(BLOCKING)
    if content is not None:
        (tmp_path / "base.json").write_text(content)
    result = CliRunner().invoke(cli, ["check", "--isolated", "a.py", "--baseline", "base.json"])
    assert result.exit_code == 2
    assert result.output.startswith("fastlint: error: ")


# -- --add-noqa -----------------------------------------------------------------------------

NOQA_SOURCE = '''import time
import requests


async def f(a=[]):  # keep me
    time.sleep(1)  # noqa: E501 explained
    text = requests.get("""
    multi""")
    return text
'''
NOQA_EXPECTED = '''import time
import requests


async def f(a=[]):  # keep me  # noqa: FST501
    time.sleep(1)  # noqa: E501, FST101 explained
    text = requests.get("""
    multi""")  # noqa: FST101
    return text
'''


def test_add_noqa_extends_and_keeps_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(NOQA_SOURCE)
    rules = ("--select", "FST101,FST501")  # the rules the expected comments name
    result = run("a.py", *rules, "--add-noqa")
    assert result.exit_code == 0
    assert (tmp_path / "a.py").read_text() == NOQA_EXPECTED
    # the line that ends inside a string: the comment goes at the end of the string's span
    assert "no noqa added" not in result.output
    assert codes(run("a.py", *rules, "--output-format", "json-lines")) == []


@pytest.mark.parametrize(
    ("encoding", "newline", "prefix"),
    [
        ("utf-8", "\r\n", b""),
        ("utf-8-sig", "\n", b""),
        ("latin-1", "\n", b"# -*- coding: latin-1 -*-\n"),
    ],
)
def test_add_noqa_keeps_newlines_and_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, newline: str, prefix: bytes
) -> None:
    monkeypatch.chdir(tmp_path)
    source = "import time\n\n\nasync def handler() -> None:\n    s = 'café'\n    time.sleep(1)\n"
    data = prefix + source.replace("\n", newline).encode(encoding)
    (tmp_path / "a.py").write_bytes(data)
    assert run("a.py", "--add-noqa").exit_code == 0
    after = (tmp_path / "a.py").read_bytes()
    expected = source.replace("time.sleep(1)\n", "time.sleep(1)  # noqa: FST101\n")
    assert after == prefix + expected.replace("\n", newline).encode(encoding)
    assert after.startswith(codecs.BOM_UTF8) == (encoding == "utf-8-sig")
    assert run("a.py").exit_code == 0


def test_add_noqa_on_the_fixture_apps_silences_them_and_keeps_them_parsing(apps: Path) -> None:
    before = {path: path.read_bytes() for path in apps.rglob("*.py")}
    assert run(".", "--add-noqa").exit_code == 0
    left = codes(run(".", "--output-format", "json-lines"))
    assert set(left) <= {"FST000", "FST001"}  # what no noqa can silence
    for path, data in before.items():
        after = path.read_bytes()
        if after != data:
            cst.parse_module(after.decode("utf-8"))
            assert after.count(b"\n") == data.count(b"\n")
    assert run(".", "--add-noqa").output.startswith("Added 0 noqa directives")


# -- progress and --quiet -------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_waits_a_second_then_draws_and_erases(tmp_path: Path) -> None:
    files = []
    for index in range(3):
        files.append(tmp_path / f"m{index}.py")
        files[-1].write_text("x = 1\n" * 100)
    now = [0.0]
    stream = FakeTerminal()
    progress = Progress(3, stream=stream, clock=lambda: now[0])
    progress.file_done(files[0])
    assert stream.getvalue() == ""  # not yet a second
    now[0] = 2.0
    progress.file_done(files[1])
    assert "fastlint: 2/3 files, 100 lines/s" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_is_off_without_a_terminal_or_with_quiet() -> None:
    assert not Progress(1, stream=io.StringIO(), clock=lambda: 5.0).enabled
    assert not Progress(1, stream=FakeTerminal(), enabled=False).enabled


def _run_with_terminal_stderr(cwd: Path, *args: str) -> str:
    """Run the CLI with stderr on a pseudo-terminal and the delay set to 0; return stderr."""
    code = (
        "import fastlint.frontends.progress as p; p.DELAY = 0\n"
        "from fastlint.frontends.cli import main; main()\n"
    )
    leader, follower = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-c", code, "check", "--isolated", *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            check=False,
            timeout=60,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return b"".join(chunks).decode()


def test_progress_line_on_a_terminal_only(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BLOCKING)
    assert "fastlint: 1/1 files" in _run_with_terminal_stderr(tmp_path, ".")
    assert "files" not in _run_with_terminal_stderr(tmp_path, ".", "--quiet")
    piped = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", "--isolated", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.returncode == 1 and piped.stderr == ""
