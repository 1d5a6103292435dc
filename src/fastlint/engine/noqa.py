"""``# noqa`` comments: read only on the lines that have a diagnostic.

One rule for every front end, flake8's: the physical lines that one multi-line string or a
backslash continuation spans count as one line, so a ``# noqa`` at the end of the span (the only
place a comment can go) covers a finding on any of its lines. Spans are flake8's (from its tokens),
read by one regular-expression pass, and only for a file that has both a finding and the word
``noqa``.
"""

from __future__ import annotations

import bisect
import re
import tokenize
from collections.abc import Iterable

from fastlint.engine.source import STRINGS, LineIndex

_NOQA = re.compile(
    r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
_FILE_NOQA = re.compile(
    r"^[ \t]*#[ \t]*fastlint[ \t]*:[ \t]*noqa[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_ANY_NOQA = re.compile(r"noqa", re.IGNORECASE)

Span = tuple[int, int]  # first and last physical line (1-based, inclusive)
Token = tuple[int, int, int]  # type, start row, end row


def file_is_exempt(text: str) -> bool:
    """A line ``# fastlint: noqa`` turns the whole file off."""
    return "noqa" in text and _FILE_NOQA.search(text) is not None


def suppressed_codes(line: str) -> frozenset[str] | None:
    """None when the line has no noqa; an empty set for a blanket ``# noqa``; else its codes."""
    if "#" not in line:
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset()
    return frozenset(code.upper() for code in _CODE.findall(codes))


def is_suppressed(line: str, code: str) -> bool:
    """Whether ``line``'s ``# noqa`` (blanket, or naming ``code``) suppresses ``code``."""
    codes = suppressed_codes(line)
    if codes is None:
        return False
    return not codes or code in codes


def joined_spans(tokens: Iterable[Token]) -> dict[int, Span]:
    """Rows that share a ``# noqa`` with others -> their span, from ``(type, start row, end
    row)`` tokens: flake8's rule, every token from one NL/NEWLINE to the next is one span (inside
    brackets each physical line ends in NL, so only strings and backslashes join lines)."""
    spans: dict[int, Span] = {}
    first, last = 0, -1
    for kind, start, end in tokens:
        if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        if last < 0:
            first, last = start, end
        else:
            first, last = min(first, start), max(last, end)
        if kind in (tokenize.NL, tokenize.NEWLINE):
            if last > first:
                span = (first, last)
                for row in range(first, last + 1):
                    spans[row] = span
            first, last = 0, -1
    return spans


# What can carry a logical line over a line break outside brackets: a string (its prefix letters
# are plain code) or a backslash continuation. Comments are consumed, so that a quote in one is
# not read as a string.
_LINE_JOINERS = re.compile(
    r"""(?=[#'"\\])(?:#[^\r\n]*|\\(?:\r\n|\r|\n)|""" + STRINGS + ")", re.DOTALL
)


def text_spans(text: str, starts: list[int] | None = None) -> dict[int, Span]:
    """``joined_spans`` of a text (``starts``: the offsets of its line starts), without the
    tokenizer: the rows that a string or a backslash continuation joins, merged where two share
    a row. Only these join lines: inside brackets every physical line ends in NL. (A text that
    does not tokenize, where flake8 reads each line alone, may get spans here; no file with a
    finding is one.)"""
    if starts is None:
        starts = LineIndex(text).starts
    spans: dict[int, Span] = {}
    first = last = 0
    for found in _LINE_JOINERS.finditer(text):
        start, end = found.span()
        lead = text[start]
        if lead == "#":
            continue
        row = bisect.bisect_right(starts, start)
        # A continuation joins the next line; a string, the line of its closing quote.
        end_row = row + 1 if lead == "\\" else bisect.bisect_right(starts, end - 1)
        if end_row == row:
            continue
        if row <= last:
            last = max(last, end_row)
            continue
        _join(spans, first, last)
        first, last = row, end_row
    _join(spans, first, last)
    return spans


def _join(spans: dict[int, Span], first: int, last: int) -> None:
    if last > first:
        span = (first, last)
        for row in range(first, last + 1):
            spans[row] = span


class NoqaLines:
    """Answers "is ``code`` suppressed on ``row``" for one text; reads spans at most once, and only
    when a span could matter (the text mentions ``noqa``)."""

    def __init__(self, text: str, line_starts: list[int]) -> None:
        self.text = text
        self.starts = line_starts
        self.active = _ANY_NOQA.search(text) is not None
        self._spans: dict[int, Span] | None = None

    def span(self, row: int) -> Span:
        if self._spans is None:
            self._spans = text_spans(self.text, self.starts)
        return self._spans.get(row, (row, row))

    def span_text(self, row: int) -> str:
        first, last = self.span(row)
        stop = self.starts[last] if last < len(self.starts) else len(self.text)
        return self.text[self.starts[first - 1] : stop]

    def is_suppressed(self, row: int, code: str) -> bool:
        if not self.active or row < 1 or row > len(self.starts):
            return False
        return is_suppressed(self.span_text(row), code)
