"""The language server's pieces without a client: position encodings, edits, fix-all rounds,
the ``lsp`` command's options, and the setup snippets of docs/editors.md."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.edits import Edit, TextFix
from fastlint.frontends.cli import cli
from fastlint.frontends.lsp import convert
from fastlint.frontends.lsp.convert import Lines
from fastlint.frontends.lsp.state import Outcome, State

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DOC = Path(__file__).resolve().parent.parent / "docs" / "editors.md"
LINE = 'x = "😀中"; time.sleep(1)\n'


@pytest.mark.parametrize(
    ("encoding", "start"),
    [
        (lsp.PositionEncodingKind.Utf16, 11),  # the emoji is two UTF-16 units
        (lsp.PositionEncodingKind.Utf8, 15),  # four bytes, and three for 中
        (lsp.PositionEncodingKind.Utf32, 10),  # characters
    ],
)
def test_ranges_in_each_position_encoding(encoding: str, start: int) -> None:
    lines = Lines(LINE, PositionCodec(encoding))
    column = LINE.index("time") + 1
    found = lines.range(1, column, 1, column + len("time.sleep(1)"))
    assert found.start == lsp.Position(line=0, character=start)
    assert found.end == lsp.Position(line=0, character=start + 13)


def test_a_point_is_one_character_and_positions_past_the_end_are_clamped() -> None:
    lines = Lines("def f(:\n", PositionCodec())
    point = lines.range(1, 7, 1, 7)
    assert (point.start.character, point.end.character) == (6, 7)
    past = lines.range(3, 1, 3, 1)  # "unexpected EOF" below the last line
    assert past.start == past.end == lsp.Position(line=0, character=7)
    assert Lines("", PositionCodec()).range(1, 1, 1, 1).start == lsp.Position(line=0, character=0)


def test_lines_split_as_lsp_splits_them() -> None:
    assert convert.split_lines("a\r\nb\rc\nd\x0ce") == ["a\r\n", "b\r", "c\n", "d\x0ce"]


def test_noqa_edits_touch_only_the_changed_line() -> None:
    old, new = "a = 1\r\nb = 2\r\n", "a = 1\r\nb = 2  # noqa: FST101\r\n"
    (edit,) = convert.changed_lines(old, new, Lines(old, PositionCodec())) or []
    assert edit.new_text == "b = 2  # noqa: FST101"
    assert edit.range == lsp.Range(
        start=lsp.Position(line=1, character=0), end=lsp.Position(line=1, character=5)
    )


class _Fake(State):
    """Lints by looking for `bad`: a safe fix to `good` for each."""

    def __init__(self) -> None:
        super().__init__(None)
        self.provided: list[str] = []

    def lint(self, path: Path, text: str) -> Outcome:
        found = []
        for row, line in enumerate(text.splitlines(), start=1):
            column = line.find("bad")
            if column >= 0:
                edit = Edit(row, column + 1, row, column + 4, "good")
                fix = TextFix("safe", "Use good", (edit,))
                found.append(Diagnostic(str(path), row, column + 1, "FST999", "m", row, 1, fix=fix))
        return Outcome(found)

    def provide(self, path: Path, text: str) -> bool:
        self.provided.append(text)
        return False


def test_fix_all_applies_safe_fixes_in_rounds_and_gives_the_index_back_the_editor_text() -> None:
    from fastlint.engine.edits import apply_fixes

    state = _Fake()
    assert state.fix_all(Path("a.py"), "bad bad\nbad\n", apply_fixes) == "good good\ngood\n"
    assert state.provided == ["bad bad\nbad\n"]


def test_lsp_tcp_takes_host_and_port() -> None:
    result = CliRunner().invoke(cli, ["lsp", "--tcp", "localhost"])
    assert result.exit_code == 2 and "HOST:PORT" in result.output


def _blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_editor_snippets_parse() -> None:
    for block in _blocks("toml"):
        tomllib.loads(block)
    for block in _blocks("json"):
        json.loads(block)
    (helix,) = _blocks("toml")
    assert tomllib.loads(helix)["language-server"]["fastlint"] == {
        "command": "fastlint",
        "args": ["lsp"],
    }
    assert any('cmd = { "fastlint", "lsp" }' in block for block in _blocks("lua"))
    assert any('("fastlint" "lsp")' in block for block in _blocks("elisp"))
