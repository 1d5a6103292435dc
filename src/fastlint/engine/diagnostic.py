"""What a rule reports, once it has a position."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastlint.engine.fix import TextFix


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
    # Its automatic fix, as text edits of the file (not compared); None without one.
    fix: TextFix | None = field(default=None, compare=False)
