"""Output formats for diagnostics, by the name ``--output-format`` takes.

Each format is a function of the (sorted) diagnostics and an optional ``OutputContext`` (the
linted files and their source lines) that returns the whole output as one string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fastlint.engine.diagnostic import Diagnostic
from fastlint.frontends.formats.common import OutputContext, SourceLines
from fastlint.frontends.formats.machine import (
    format_github,
    format_gitlab,
    format_json,
    format_json_lines,
    format_junit,
)
from fastlint.frontends.formats.sarif import format_sarif
from fastlint.frontends.formats.text import (
    format_concise,
    format_full,
    format_statistics,
    format_text,
)


class Formatter(Protocol):
    """A format: the diagnostics (and what else the run knows) to the text written out."""

    def __call__(
        self, diagnostics: Sequence[Diagnostic], context: OutputContext | None = None
    ) -> str: ...


FORMATS: dict[str, Formatter] = {
    "text": format_text,
    "concise": format_concise,
    "full": format_full,
    "json": format_json,
    "json-lines": format_json_lines,
    "github": format_github,
    "gitlab": format_gitlab,
    "sarif": format_sarif,
    "junit": format_junit,
}

__all__ = [
    "FORMATS",
    "Formatter",
    "OutputContext",
    "SourceLines",
    "format_statistics",
]
