"""What a rule reports, once it has a position."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastlint.engine.edits import TextFix


@dataclass(frozen=True)
class Related:
    """Another place a diagnostic points to: one hop of FST102's chain (a call in a helper).
    ``path`` is as the project index read it (absolute); ``row`` is 1-based."""

    path: str
    row: int
    message: str


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding. Rows are 1-based; columns are 1-based and count characters."""

    path: str
    row: int
    column: int
    code: str
    message: str
    end_row: int
    end_column: int
    # Optional, not compared (two findings at one place are one finding): the places an editor
    # or SARIF viewer can jump to (FST102: each call of the chain, in order).
    related: tuple[Related, ...] = field(default=(), compare=False)
    # Its automatic fix, as text edits of the file (not compared either); None without one.
    fix: TextFix | None = field(default=None, compare=False)
