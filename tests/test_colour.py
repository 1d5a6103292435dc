"""Colour: on a terminal (a real pseudo-terminal here), off when piped; NO_COLOR, FORCE_COLOR and
--color as ruff and pytest honour them; only the formats for people are ever coloured."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fastlint.engine.diagnostic import Diagnostic
from fastlint.frontends.colour import wanted
from fastlint.frontends.formats import FORMATS, OutputContext, SourceLines

pty = pytest.importorskip("pty")  # POSIX only

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SOURCE = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "environ", "terminal", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty: as if unset (no-color.org)
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": ""}, False, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins (pytest)
        ("auto", {"TERM": "dumb"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),  # --color wins over the environment
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_when_colour_is_wanted(
    choice: str, environ: dict[str, str], terminal: bool, expected: bool
) -> None:
    stream = _Terminal() if terminal else io.StringIO()
    assert wanted(choice, stream, environ) is expected


def test_a_report_file_is_coloured_by_color_always_only() -> None:
    assert not wanted("auto", None, {})
    assert not wanted("auto", None, {"FORCE_COLOR": "1"})  # FORCE_COLOR is for logs and pipes
    assert wanted("always", None, {})


def test_output_file_is_plain_even_with_force_color(tmp_path: Path) -> None:
    _piped(_project(tmp_path), "--output-file", "report.txt", "app.py", FORCE_COLOR="1")
    report = (tmp_path / "report.txt").read_text()
    assert "FST101" in report and not ANSI.search(report)


@pytest.mark.parametrize("name", ["text", "concise", "full"])
def test_colour_only_adds_styles(tmp_path: Path, name: str) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE)
    diagnostics = [
        Diagnostic(str(path), 5, 5, "FST101", "`time.sleep()` blocks", end_row=5, end_column=18)
    ]
    plain = FORMATS[name](diagnostics, OutputContext(sources=SourceLines()))
    coloured = FORMATS[name](diagnostics, OutputContext(sources=SourceLines(), use_colour=True))
    assert ANSI.search(coloured) and not ANSI.search(plain)
    assert ANSI.sub("", coloured) == plain


def _project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def _environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "TERM": "xterm-256color", **extra}


def _on_terminal(cwd: Path, *args: str, **env: str) -> str:
    """fastlint's stdout when it is a pseudo-terminal."""
    leader, follower = os.openpty()
    command = [
        sys.executable,
        "-m",
        "fastlint",
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        "FST101",
        *args,
    ]
    with subprocess.Popen(
        command, cwd=cwd, stdout=follower, stderr=subprocess.PIPE, env=_environ(**env)
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 1
    return b"".join(chunks).decode()


def _piped(cwd: Path, *args: str, **env: str) -> str:
    command = [
        sys.executable,
        "-m",
        "fastlint",
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        "FST101",
        *args,
    ]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_environ(**env))
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_a_terminal_gets_colour(tmp_path: Path) -> None:
    out = _on_terminal(_project(tmp_path), "app.py")
    assert "\x1b[1m\x1b[31mFST101\x1b[0m" in out  # the code
    assert "\x1b[1mapp.py\x1b[0m" in out  # the path
    assert "\x1b[1mFound 1 error.\x1b[0m" in out  # the summary


def test_no_color_turns_it_off_on_a_terminal(tmp_path: Path) -> None:
    out = _on_terminal(_project(tmp_path), "app.py", NO_COLOR="1")
    assert "FST101" in out and not ANSI.search(out)


def test_color_never_wins_over_force_color(tmp_path: Path) -> None:
    out = _on_terminal(_project(tmp_path), "--color", "never", "app.py", FORCE_COLOR="1")
    assert "FST101" in out and not ANSI.search(out)


def test_machine_formats_are_never_coloured_on_a_terminal(tmp_path: Path) -> None:
    out = _on_terminal(_project(tmp_path), "--color", "always", "--output-format", "json", "app.py")
    assert '"FST101"' in out and not ANSI.search(out)


def test_a_pipe_gets_no_colour(tmp_path: Path) -> None:
    out = _piped(_project(tmp_path), "--output-format", "full", "app.py")
    assert "FST101" in out and not ANSI.search(out)


@pytest.mark.parametrize(("args", "env"), [(("--color", "always"), {}), ((), {"FORCE_COLOR": "1"})])
def test_a_pipe_gets_colour_when_forced(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    out = _piped(_project(tmp_path), *args, "app.py", **env)
    assert "\x1b[1m\x1b[31mFST101\x1b[0m" in out


def test_statistics_are_not_coloured(tmp_path: Path) -> None:
    out = _piped(_project(tmp_path), "--color", "always", "--statistics", "app.py")
    assert "FST101" in out and not ANSI.search(out)


def test_a_bad_color_choice_is_a_one_line_usage_error(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "fastlint", "check", "--color", "sometimes", "app.py"]
    done = subprocess.run(command, cwd=_project(tmp_path), capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("fastlint: error: Invalid value for '--color'")
    assert len(done.stderr.strip().splitlines()) == 1
