"""Output formats for diagnostics."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from fastlint.engine.diagnostic import Diagnostic
from fastlint.rules import RULES_BY_CODE
from fastlint.rules.base import FIX_NONE


def _url(code: str) -> str | None:
    rule = RULES_BY_CODE.get(code)
    return rule.url() if rule is not None else None


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = [f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}" for d in diagnostics]
    count = len(diagnostics)
    if count:
        lines.append(f"Found {count} error{'s' if count != 1 else ''}.")
    else:
        lines.append("All checks passed!")
    return "\n".join(lines) + "\n"


def json_record(d: Diagnostic) -> dict[str, Any]:
    """One diagnostic with ruff's JSON field names, so tools that read ruff read this."""
    return {
        "code": d.code,
        "message": d.message,
        "filename": os.path.abspath(d.path),
        "location": {"row": d.row, "column": d.column},
        "end_location": {"row": d.end_row, "column": d.end_column},
        "fix": None,
        "noqa_row": d.row,
        "url": _url(d.code),
    }


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([json_record(d) for d in diagnostics], indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per diagnostic."""
    lines = []
    for d in diagnostics:
        properties = ",".join(
            (
                f"title={_escape_property(f'fastlint ({d.code})')}",
                f"file={_escape_property(d.path)}",
                f"line={d.row}",
                f"col={d.column}",
                f"endLine={d.end_row}",
                f"endColumn={d.end_column}",
            )
        )
        text = _escape_data(f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}")
        lines.append(f"::error {properties}::{text}")
    return "".join(line + "\n" for line in lines)


FORMATS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}


def format_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    counts = Counter(d.code for d in diagnostics)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = RULES_BY_CODE.get(code)
        fixable = rule is not None and rule.fix != FIX_NONE
        name = rule.name if rule is not None else ""
        lines.append(f"{count:>5}\t{code}\t{'[*]' if fixable else '[ ]'} {name}")
    return "".join(line + "\n" for line in lines)
