"""Lint a list of files with one set of settings."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import INTERNAL_ERROR, Linter
from fastlint.rules.base import Rule


def display_path(path: Path) -> str:
    """Paths below the current directory are shown relative to it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class FileLinter:
    """One ``Linter`` per distinct rule set (per-file-ignores make several)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._linters: dict[tuple[type[Rule], ...], Linter] = {}

    def linter_for(self, path: Path) -> Linter:
        rules = self.settings.rules_for(path)
        linter = self._linters.get(rules)
        if linter is None:
            linter = self._linters[rules] = Linter(rules, dict(self.settings.options))
        return linter

    def lint_path(self, path: Path) -> list[Diagnostic]:
        shown = display_path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            return [_engine_error(shown, f"cannot read the file: {error.strerror or error}")]
        return self.lint_bytes(data, path, shown)

    def lint_bytes(self, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        try:
            return self.linter_for(path).lint_bytes(data, shown)
        except Exception as error:  # the engine itself failed on this file: report, go on
            return [_engine_error(shown, f"{type(error).__name__}: {error}")]


def _engine_error(path: str, detail: str) -> Diagnostic:
    message = f"Internal error: fastlint could not lint this file: {' '.join(detail.split())}"
    return Diagnostic(path, 1, 1, INTERNAL_ERROR, message, 1, 1)


def lint_files(files: Sequence[Path], settings: Settings) -> list[Diagnostic]:
    linter = FileLinter(settings)
    found: list[Diagnostic] = []
    for path in files:
        found.extend(linter.lint_path(path))
    return found
