"""Output formats for diagnostics: kept as the import path older code uses; the formats live in
``fastlint.frontends.formats``."""

from __future__ import annotations

from fastlint.frontends.formats import FORMATS, OutputContext, format_statistics, json_record
from fastlint.frontends.formats.machine import format_github, format_json
from fastlint.frontends.formats.text import format_text

__all__ = [
    "FORMATS",
    "OutputContext",
    "format_github",
    "format_json",
    "format_statistics",
    "format_text",
    "json_record",
]
