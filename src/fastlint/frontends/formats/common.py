"""What every output format shares: the source lines of reported files and stable fingerprints."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.rule import Rule
from fastlint.engine.source import decode

_NEWLINES = re.compile(r"\r\n|\r|\n")


class SourceLines:
    """The lines of reported files, read once each (lazily) from their display paths.

    Lines are split the way the engine splits them (``\\r\\n``, ``\\r`` or ``\\n``), so a row of
    a diagnostic names the same line here. A file that cannot be read has no lines.
    """

    def __init__(self, texts: Mapping[str, str] | None = None) -> None:
        self._lines: dict[str, list[str]] = {
            path: _NEWLINES.split(text) for path, text in (texts or {}).items()
        }

    def lines(self, path: str) -> list[str]:
        found = self._lines.get(path)
        if found is None:
            try:
                text, _ = decode(Path(path).read_bytes())
            except (OSError, UnicodeDecodeError, LookupError):
                text = ""
            found = self._lines[path] = _NEWLINES.split(text) if text else []
        return found

    def line(self, path: str, row: int) -> str:
        lines = self.lines(path)
        return lines[row - 1] if 0 < row <= len(lines) else ""


@dataclass
class OutputContext:
    """What a format may need besides the diagnostics: the files linted (in display form, for
    formats that list clean files too), the source lines, and whether to add a summary line
    (``--quiet`` turns it off)."""

    files: Sequence[str] | None = None
    sources: SourceLines = field(default_factory=SourceLines)
    show_summary: bool = True  # the closing "Found N errors." line of the text formats
    fixed: int = 0  # diagnostics fixed by ``--fix`` before these were found (for the summary)
    unsafe_fixes: bool = False  # noqa: FST514 ``--unsafe-fixes``: unsafe fixes count as applicable
    use_colour: bool = False  # ANSI styles (the formats for people only; see ``frontends.colour``)


def rule_of(code: str) -> type[Rule] | None:
    """The rule class that reports ``code``; None for a code fastlint does not know."""
    from fastlint.rules import RULES_BY_CODE  # libcst: only for the formats that need a rule

    return RULES_BY_CODE.get(code)


def category_of(code: str) -> str | None:
    """The category of the rule that reports ``code`` (see ``engine.rule.CATEGORIES``); None
    for a code fastlint does not know (a stale baseline entry, another tool's code)."""
    rule = rule_of(code)
    return rule.category if rule is not None else None


def url_of(code: str) -> str | None:
    """The documentation page of the rule that reports ``code``; None for an unknown code."""
    rule = rule_of(code)
    return rule.url() if rule is not None else None


def line_hash(code: str, line: str) -> str:
    """A hash of a rule code and the content of the offending line, whitespace-normalised, so it
    survives the line moving up or down and re-indentation."""
    content = " ".join(line.split())
    return hashlib.sha256(f"{code}\0{content}".encode()).hexdigest()[:16]


def fingerprints(diagnostics: Sequence[Diagnostic], sources: SourceLines) -> list[tuple[str, int]]:
    """For each diagnostic, its line hash and the occurrence number of that (path, hash) pair
    among the earlier diagnostics: together a stable identity within the file."""
    seen: Counter[tuple[str, str]] = Counter()
    found = []
    for diagnostic in diagnostics:
        digest = line_hash(diagnostic.code, sources.line(diagnostic.path, diagnostic.row))
        key = (diagnostic.path, digest)
        found.append((digest, seen[key]))
        seen[key] += 1
    return found


def posix(path: str) -> str:
    """``path`` with ``/`` separators, as SARIF URIs and report paths want it on Windows too."""
    return path.replace("\\", "/")
