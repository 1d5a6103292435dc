"""Fuzzing: generated programs (hypothesmith) and arbitrary bytes through ``Linter.lint_bytes``,
the flake8 plugin class and the CLI in-process. Nothing may escape: no exception, exit status 0
or 1 only (2 is for usage errors, never for a file), every diagnostic at a valid position.

The suite runs few examples (``FASTLINT_FUZZ_EXAMPLES``, default 15 per test); ``python
bench/fuzz.py --examples 5000`` is the long run, with the same checks (``check_*`` below).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import hypothesmith
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastlint.config.settings import build_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import Linter
from fastlint.engine.source import decode
from fastlint.frontends.cli import cli
from fastlint.frontends.flake8_plugin import FastlintChecker
from fastlint.run.session import LintRun

settings.register_profile(
    "fastlint-fuzz",
    max_examples=int(os.environ.get("FASTLINT_FUZZ_EXAMPLES", "15")),
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fastlint-fuzz")

_PREFIX = b"import time\nimport requests\n\n\nasync def handler(a=[]):\n    time.sleep(1)\n"

programs = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())
# Programs with a few bytes changed, arbitrary bytes, and bytes after a real prefix (encodings,
# BOMs, stray NULs, broken UTF-8 and unterminated strings next to real findings).
mutated = st.builds(
    lambda source, at, junk: (
        source[: at % (len(source) + 1)] + junk + source[at % (len(source) + 1) :]
    ),
    programs.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.integers(0, 10_000),
    st.binary(max_size=8),
)
raw = st.one_of(st.binary(max_size=400), st.binary(max_size=200).map(_PREFIX.__add__))
sources = st.one_of(programs.map(lambda text: text.encode("utf-8", "surrogatepass")), mutated, raw)


def _linter(root: Path) -> Linter:
    run = LintRun(build_settings({"select": ["ALL"]}, origin="fuzz", root=root), [])
    return run.linter.linter_for(root / "fuzzed.py")


def _line_count(data: bytes) -> int:
    try:
        text, _ = decode(data)
    except (UnicodeDecodeError, LookupError):
        return 1
    return text.count("\n") + text.count("\r") + 1


def check_diagnostics(found: Iterable[Diagnostic], data: bytes) -> None:
    rows = _line_count(data)
    for d in found:
        assert 1 <= d.row <= rows, d
        assert d.column >= 1, d
        assert (d.end_row, d.end_column) >= (d.row, d.column - 1), d
        assert d.code.startswith("FST") and d.message, d


def check_lint_bytes(linter: Linter, data: bytes) -> list[Diagnostic]:
    found = linter.lint_bytes(data, "fuzzed.py")
    check_diagnostics(found, data)
    return found


def check_flake8_plugin(data: bytes) -> None:
    try:
        text, _ = decode(data)
    except (UnicodeDecodeError, LookupError):
        return  # flake8 itself reports an undecodable file (E902) and never calls plugins
    lines = text.splitlines(keepends=True)
    for row, column, message, kind in FastlintChecker(None, lines, "fuzzed.py").run():
        assert kind is FastlintChecker
        assert row >= 1 and column >= 0 and message.startswith("FST"), (row, column, message)


def check_cli(directory: Path, data: bytes) -> None:
    (directory / "fuzzed.py").write_bytes(data)
    result = CliRunner().invoke(
        cli,
        ["check", "--isolated", "--no-cache", "--jobs", "1", "--select", "ALL", "fuzzed.py"],
        catch_exceptions=True,
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


@FUZZ
@given(data=sources)
def test_lint_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check_lint_bytes(_linter(Path(directory)), data)


@FUZZ
@given(data=sources)
def test_flake8_plugin(data: bytes) -> None:
    check_flake8_plugin(data)


@FUZZ
@given(data=sources)
def test_cli(data: bytes) -> None:
    previous = os.getcwd()
    with tempfile.TemporaryDirectory() as directory:
        os.chdir(directory)
        try:
            check_cli(Path(directory), data)
        finally:
            os.chdir(previous)


def test_the_known_hard_inputs() -> None:
    """Examples the fuzzers found or the issue names, kept as plain cases."""
    hard = [
        b"",
        b"\xef\xbb\xbf",
        b"\x00",
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
        b"# coding: nonsense\n",
        b"x = '''\n",
        b"\\\n",
        b"x = " + b" and ".join([b"a"] * 8_000) + b"\n",
        b"x = " + b"(" * 3_000 + b")" * 3_000 + b"\n",
        b"if a:\n    pass\n" + b"elif a:\n    pass\n" * 1_000,
        b"\x0c\nx = 1\n",
        b"async def f():\n    return [await x async for x in y]\n",
    ]
    with tempfile.TemporaryDirectory() as directory:
        linter = _linter(Path(directory))
        for data in hard:
            check_lint_bytes(linter, data)
            check_flake8_plugin(data)
