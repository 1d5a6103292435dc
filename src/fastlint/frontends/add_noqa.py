"""``--add-noqa``: suppress every current diagnostic with a ``# noqa: CODE`` on its line.

A line that already has a ``# noqa: ...`` comment gets the new codes added to its list; a line
with another comment gets the noqa after it; code, comments, line endings and the encoding are
otherwise kept byte for byte. A finding on a line that a multi-line string or a backslash
continuation joins to the next gets its comment at the end of that span (``engine.noqa``: the
lines of the span count as one, for ``fastlint check`` and for flake8 alike). A line that still
cannot take a comment is skipped, and a file is written only if it still parses afterwards.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from fastlint.engine import parse_guard
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.noqa import Span, joined_spans
from fastlint.engine.source import decode

UNSUPPRESSIBLE = frozenset({"FST000", "FST001"})  # the engine reports these without noqa
_NOQA = re.compile(
    r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


@dataclass
class NoqaResult:
    """What ``--add-noqa`` did: lines and files changed, and the places it could not comment."""

    added: int = 0  # lines changed
    files: int = 0  # files changed
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # path, row, reason


@dataclass
class _Layout:
    """Where comments may go: lines that cannot take one, and the comment each line has."""

    blocked: set[int] = field(default_factory=set)
    comments: dict[int, tuple[int, str]] = field(default_factory=dict)  # row -> (column, text)
    spans: dict[int, Span] = field(default_factory=dict)  # rows joined by a string or backslash


def _layout(lines: Sequence[str]) -> _Layout:
    layout = _Layout()
    fstrings: list[int] = []
    tokens = list(tokenize.generate_tokens(iter(lines).__next__))
    layout.spans = joined_spans((token.type, token.start[0], token.end[0]) for token in tokens)
    for token in tokens:
        kind, (start_row, column), (end_row, _) = token.type, token.start, token.end
        if kind == tokenize.COMMENT:
            layout.comments[start_row] = (column, token.string)
        elif _FSTRING_START is not None and kind == _FSTRING_START:
            fstrings.append(start_row)
        elif _FSTRING_END is not None and kind == _FSTRING_END and fstrings:
            layout.blocked.update(range(fstrings.pop(), end_row))
        elif end_row > start_row and kind not in (tokenize.NEWLINE, tokenize.NL):
            layout.blocked.update(range(start_row, end_row))
    for row, line in enumerate(lines, start=1):
        if line.rstrip("\r\n").endswith("\\") and row not in layout.comments:
            layout.blocked.add(row)
    return layout


def _with_codes(line: str, comment: tuple[int, str] | None, codes: Sequence[str]) -> str | None:
    """The line with ``codes`` suppressed, or None when it already suppresses them all."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    if comment is not None:
        column, text = comment
        match = _NOQA.search(text)
        if match is not None:
            if not match.group("codes"):
                return None  # a blanket noqa already covers everything
            present = {code.upper() for code in re.findall(r"[A-Z]+[0-9]+", match["codes"], re.I)}
            missing = [code for code in codes if code not in present]
            if not missing:
                return None
            at = column + match.end("codes")
            return body[:at] + ", " + ", ".join(missing) + body[at:] + ending
    return body.rstrip(" \t") + "  # noqa: " + ", ".join(codes) + ending


def _rewrite(path: str, rows: dict[int, list[str]], result: NoqaResult) -> None:
    data = Path(path).read_bytes()
    text, encoding = decode(data)
    new, changed, skipped = noqa_text(text, rows)
    result.skipped.extend((path, row, reason) for row, reason in skipped)
    _save(path, new, encoding, changed, result)


def noqa_text(text: str, rows: dict[int, list[str]]) -> tuple[str, int, list[tuple[int, str]]]:
    """``text`` with ``rows`` (row -> codes) suppressed: the new text, the number of lines
    changed, and the rows skipped with why. The language server's "suppress" action uses it on
    the editor's text; ``--add-noqa`` on each file."""
    lines = [line for line in _LINE.findall(text) if line]
    try:
        layout = _layout(lines)
    except (tokenize.TokenError, SyntaxError, IndentationError) as error:
        return text, 0, [(row, f"cannot tokenize: {error}") for row in rows]
    at_end: dict[int, list[str]] = {}  # the row where each comment goes: its span's end
    for row, codes in sorted(rows.items()):
        target = at_end.setdefault(layout.spans.get(row, (row, row))[1], [])
        target.extend(code for code in codes if code not in target)
    changed = 0
    skipped: list[tuple[int, str]] = []
    for row, codes in sorted(at_end.items()):
        if row in layout.blocked or row > len(lines):
            skipped.append((row, "the line ends inside a string or continues"))
            continue
        new = _with_codes(lines[row - 1], layout.comments.get(row), codes)
        if new is not None:
            lines[row - 1] = new
            changed += 1
    return "".join(lines), changed, skipped


def _save(path: str, text: str, encoding: str, changed: int, result: NoqaResult) -> None:
    if not changed:
        return
    if parse_guard.check(text) is not None:  # unreachable in practice: such files are FST000
        result.skipped.append((path, 0, "too deeply nested for the parser"))
        return
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError) as error:
        result.skipped.append((path, 0, f"would not parse after adding noqa: {error}"))
        return
    Path(path).write_bytes(text.encode(encoding))
    result.added += changed
    result.files += 1


def _by_file(diagnostics: Iterable[Diagnostic]) -> dict[str, dict[int, list[str]]]:
    found: dict[str, dict[int, list[str]]] = {}
    for d in diagnostics:
        if d.code in UNSUPPRESSIBLE:
            continue
        codes = found.setdefault(d.path, {}).setdefault(d.row, [])
        if d.code not in codes:
            codes.append(d.code)
    return found


def add_noqa(diagnostics: Iterable[Diagnostic]) -> NoqaResult:
    """Add ``# noqa`` comments for ``diagnostics`` (whose paths are readable from here)."""
    result = NoqaResult()
    for path, rows in _by_file(diagnostics).items():
        try:
            _rewrite(path, rows, result)
        except (OSError, UnicodeError, LookupError) as error:
            result.skipped.append((path, 0, f"cannot rewrite the file: {error}"))
    return result
