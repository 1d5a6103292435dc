"""Placed fixes as plain data: text edits of a file, and applying them.

Nothing here needs libcst: the results cache, the output formats and ``--fix`` read and apply
fixes that were placed when the file was linted (``engine/fix.py`` builds them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastlint.engine.source import LineIndex

SAFE = "safe"  # applied by ``--fix``
UNSAFE = "unsafe"  # applied only with ``--unsafe-fixes``: may change what the code does
APPLICABILITIES = (SAFE, UNSAFE)

Span = tuple[int, int]


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from ``row``:``column`` up to ``end_row``:``end_column`` (1-based,
    columns count characters, the end excluded; an insertion when both are equal) by
    ``content``."""

    row: int
    column: int
    end_row: int
    end_column: int
    content: str

    def to_json(self) -> list[int | str]:
        """The edit as the cache stores it (``TextFix.from_json`` reads it back)."""
        return [self.row, self.column, self.end_row, self.end_column, self.content]


@dataclass(frozen=True)
class TextFix:
    """A fix as text edits of the file it was computed for."""

    applicability: str
    message: str
    edits: tuple[Edit, ...]

    def applies(self, unsafe: bool) -> bool:
        return self.applicability == SAFE or unsafe

    def to_json(self) -> list[object]:
        """The fix as the cache stores it: applicability, message, edits."""
        return [self.applicability, self.message, [edit.to_json() for edit in self.edits]]

    @staticmethod
    def from_json(data: object) -> TextFix | None:
        """The fix stored by ``to_json``; None when ``data`` is not one (a damaged cache)."""
        if not (isinstance(data, list) and len(data) == 3 and data[0] in APPLICABILITIES):
            return None
        applicability, message, edits = data
        if not isinstance(message, str) or not isinstance(edits, list) or not edits:
            return None
        placed = []
        for edit in edits:
            kinds = (int, int, int, int, str)
            if not (
                isinstance(edit, list)
                and len(edit) == 5
                and all(type(value) is kind for value, kind in zip(edit, kinds, strict=True))
            ):
                return None
            placed.append(Edit(*edit))
        return TextFix(applicability, message, tuple(placed))


# -- applying ---------------------------------------------------------------------------------


def _offset(lines: LineIndex, text: str, row: int, column: int) -> int:
    if not 1 <= row <= len(lines.starts):
        raise ValueError(f"row {row} is outside the text")
    offset = lines.starts[row - 1] + column - 1
    if offset > len(text):
        raise ValueError(f"{row}:{column} is outside the text")
    return offset


def apply_fixes(
    text: str, fixes: Sequence[TextFix], accept: Callable[[TextFix], bool] = lambda fix: True
) -> tuple[str, list[int]]:
    """``text`` with the fixes applied, and the indices of those applied. A fix whose edits
    overlap (or touch) an edit already taken is left out, for the next round; the same edit
    in two fixes (both add ``import asyncio``) is made once."""
    lines = LineIndex(text)
    placed = []
    for index, fix in enumerate(fixes):
        if not accept(fix):
            continue
        try:
            ranges = sorted(
                (
                    _offset(lines, text, edit.row, edit.column),
                    _offset(lines, text, edit.end_row, edit.end_column),
                    edit.content,
                )
                for edit in fix.edits
            )
        except ValueError:
            continue
        if ranges and all(start <= end for start, end, _ in ranges):
            placed.append((ranges[0][0], index, ranges))
    placed.sort(key=lambda item: (item[0], item[1]))
    taken: list[tuple[int, int, str]] = []
    applied = []
    for _, index, ranges in placed:
        new = [edit for edit in ranges if edit not in taken]
        if any(_conflict(edit, other) for edit in new for other in taken) or _self_overlap(new):
            continue
        taken.extend(new)
        applied.append(index)
    for start, end, content in sorted(taken, reverse=True):
        text = text[:start] + content + text[end:]
    return text, sorted(applied)


def _conflict(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _self_overlap(edits: list[tuple[int, int, str]]) -> bool:
    ordered = sorted(edits)
    return any(first[1] > second[0] for first, second in zip(ordered, ordered[1:], strict=False))
