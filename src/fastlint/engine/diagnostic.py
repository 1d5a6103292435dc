"""What a rule reports, once it has a position."""

from __future__ import annotations

from dataclasses import dataclass


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
