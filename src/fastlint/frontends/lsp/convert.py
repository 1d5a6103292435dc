"""fastlint's diagnostics and edits as LSP data, in the position encoding the client chose.

fastlint counts columns in characters (code points), 1-based; LSP counts them 0-based in the
negotiated encoding's code units (UTF-16 unless the client offered another): an emoji before
a call is one character, two UTF-16 units and four UTF-8 bytes. Lines are split where LSP splits
them (``\\r\\n``, ``\\r``, ``\\n``), which is where fastlint's ``LineIndex`` splits them too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from fastlint.engine.diagnostic import Diagnostic, Related
from fastlint.engine.edits import Edit
from fastlint.rules import RULES_BY_CODE

SOURCE = "fastlint"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_ENDING = re.compile(r"(?:\r\n|\r|\n)$")
# Findings of these categories are errors (the file was not fully checked; a security hole),
# every other one a warning: the levels of the SARIF output.
_ERROR_CATEGORIES = frozenset({"engine", "security"})
_ENGINE_CODES = frozenset({"FST000", "FST001"})


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split as LSP splits them."""
    return _LINE.findall(text)


def body(line: str) -> str:
    """``line`` without its line ending."""
    return _ENDING.sub("", line)


class Lines:
    """A text's lines, to turn character positions into the client's positions."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.lines = [body(line) for line in split_lines(text)]
        self.codec = codec

    def position(self, row: int, column: int) -> lsp.Position:
        """0-based row and character column -> an LSP position (clamped into the text)."""
        if row >= len(self.lines):
            if not self.lines:
                return lsp.Position(line=0, character=0)
            row = len(self.lines) - 1
            column = len(self.lines[row])
        line = self.lines[max(row, 0)]
        column = min(max(column, 0), len(line))
        return lsp.Position(line=max(row, 0), character=self.codec.client_num_units(line[:column]))

    def range(self, row: int, column: int, end_row: int, end_column: int) -> lsp.Range:
        """1-based rows and columns (the end excluded), as fastlint reports them."""
        start, end = (row - 1, column - 1), (end_row - 1, end_column - 1)
        if end <= start:  # a point (a syntax error): underline the character there
            end = (start[0], start[1] + 1)
        return lsp.Range(start=self.position(*start), end=self.position(*end))

    def line_range(self, row: int) -> lsp.Range:
        """A 1-based row's code, from its first to its last non-blank character."""
        line = self.lines[row - 1] if 0 < row <= len(self.lines) else ""
        start = len(line) - len(line.lstrip())
        end = len(line.rstrip())
        if end <= start:
            start, end = 0, len(line)
        return lsp.Range(
            start=self.position(row - 1, start), end=self.position(row - 1, max(end, start))
        )


def severity(code: str) -> lsp.DiagnosticSeverity:
    """Error for the engine's and security findings, Warning for the others (as in SARIF)."""
    rule = RULES_BY_CODE.get(code)
    category = rule.category if rule is not None else "engine" if code in _ENGINE_CODES else ""
    if category in _ERROR_CATEGORIES:
        return lsp.DiagnosticSeverity.Error
    return lsp.DiagnosticSeverity.Warning


def diagnostic(
    d: Diagnostic,
    lines: Lines,
    place: Callable[[Related], lsp.Location | None],
) -> lsp.Diagnostic:
    """One LSP diagnostic: code, link to the rule's page, severity, the exact range, the
    related places (FST102's chain) and, in ``data``, the rule's name and whether it has a
    fix."""
    rule = RULES_BY_CODE.get(d.code)
    related = []
    for hop in d.related:
        location = place(hop)
        if location is not None:
            related.append(lsp.DiagnosticRelatedInformation(location=location, message=hop.message))
    data: dict[str, object] = {"fixable": d.fix is not None}
    if rule is not None:
        data["name"] = rule.name
    return lsp.Diagnostic(
        range=lines.range(d.row, d.column, d.end_row, d.end_column),
        message=d.message,
        severity=severity(d.code),
        code=d.code,
        code_description=lsp.CodeDescription(href=rule.url()) if rule is not None else None,
        source=SOURCE,
        related_information=related or None,
        data=data,
    )


def text_edits(edits: Sequence[Edit], lines: Lines) -> list[lsp.TextEdit]:
    """A placed fix's edits (``Edit``: 1-based rows, character columns, end excluded)."""
    found = []
    for edit in edits:
        start = lines.position(edit.row - 1, edit.column - 1)
        end = lines.position(edit.end_row - 1, edit.end_column - 1)
        if edit.row - 1 >= len(lines.lines):  # an insertion after the last line
            start = end = lsp.Position(line=len(lines.lines), character=0)
        found.append(lsp.TextEdit(range=lsp.Range(start=start, end=end), new_text=edit.content))
    return found


def changed_lines(old: str, new: str, lines: Lines) -> list[lsp.TextEdit] | None:
    """Edits turning ``old`` into ``new`` line by line (None when the line count changed):
    what a ``# noqa`` needs, and no more, so the editor keeps its cursor and undo history."""
    before, after = split_lines(old), split_lines(new)
    if len(before) != len(after):
        return None
    edits = []
    for row, (was, now) in enumerate(zip(before, after, strict=True)):
        if was != now:
            line_range = lsp.Range(
                start=lines.position(row, 0), end=lines.position(row, len(body(was)))
            )
            edits.append(lsp.TextEdit(range=line_range, new_text=body(now)))
    return edits


def whole_text(old: str, new: str, lines: Lines) -> lsp.TextEdit:
    """One edit replacing the whole document."""
    end = lsp.Position(line=len(lines.lines), character=0)
    if old and not _ENDING.search(old):  # the last line has no line break
        end = lines.position(len(lines.lines) - 1, len(lines.lines[-1]))
    return lsp.TextEdit(
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=new
    )
