"""``fastlint check -``: lint source read from stdin, as the file ``--stdin-filename`` names.

With a name, the text is linted as that file would be: settings found from its directory, its
per-file-ignores, excluded only with ``--force-exclude`` (as a file named on the command line),
and the project index (FST102) reads the piped text in place of the file on disk. Diagnostics
show the name (``-`` without one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.source import decode
from fastlint.frontends.formats import SourceLines
from fastlint.run.runner import display_path
from fastlint.run.session import LintRun

STDIN = Path("-")


@dataclass(frozen=True)
class StdinResult:
    """What linting ``-`` found, and what the formats need to show it."""

    diagnostics: list[Diagnostic]
    files: list[Path]  # the one file linted, as shown ([] when excluded)
    sources: SourceLines  # the piped text, for formats that show or hash source lines
    note: str = ""  # why it was not linted ("" when it was)


def read_stdin(limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough to tell a source above ``max-file-size`` (piping
    ``/dev/zero`` in must not fill the memory)."""
    return click.get_binary_stream("stdin").read(limit + 1)


def lint_stdin(
    data: bytes, settings: Settings, filename: Path | None, *, force_exclude: bool = False
) -> StdinResult:
    """Lint the piped source as ``filename`` (``--stdin-filename``; ``-`` without it): its
    settings, exclusions (with ``force_exclude``) and project index apply as to that file."""
    path = filename if filename is not None else STDIN
    shown = display_path(filename) if filename is not None else "-"
    limit = settings.max_file_size
    if len(data) > limit:
        note = f"skipped: stdin is above max-file-size ({limit} bytes); raise it to lint it"
        return StdinResult([], [Path(shown)], SourceLines({shown: ""}), note)
    try:
        text, _ = decode(data)
    except (UnicodeDecodeError, LookupError, SyntaxError, ValueError):
        text = ""  # the linter reports the file as undecodable
    sources = SourceLines({shown: text})
    if force_exclude and filename is not None and settings.is_excluded(filename):
        return StdinResult([], [], sources)
    # The index registers the file at ``path``; the rule hands it the piped text (``provide``).
    diagnostics = LintRun(settings, [path]).linter.lint_bytes(data, path, shown)
    return StdinResult(sorted(diagnostics), [Path(shown)], sources)
