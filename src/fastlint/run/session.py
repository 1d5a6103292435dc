"""One lint run: its settings, its project index, and the linters that read files for it.

A ``LintRun`` is what every front end and every worker process lints with. It is an explicit
object, never a process global: ``lint_files`` makes one per run and hands it to the worker
processes (inherited under fork, pickled under spawn: the project index drops its memos), and a
front end that lints file by file (the flake8 plugin) keeps one per settings and reuses its index
across files. The project index is built only when a selected rule ``needs_project``.

Linting a file records what it read of the project index (``Dependencies``), returned with its
diagnostics, so that a results cache can tell when another file's edit may change them. libcst
and the rules are imported when a file is linted, not before: a run whose every result comes
from the cache never imports them.

What both the in-process path (``runner``) and the workers (``parallel``) need lives here, so
neither of those two modules imports the other.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.project import ProjectIndex
from fastlint.project.index import Dependencies
from fastlint.run.cache import content_hash

if TYPE_CHECKING:
    from fastlint.engine.linter import Linter
    from fastlint.engine.rule import Rule

# The content hash of what was linted (None when nothing was), its diagnostics, a note (""
# normally: why the file was not linted: unreadable, above ``max-file-size``), and what it read
# of the project index (None without one). (The pool reports a crash as a result of its own.)
Result = tuple[str | None, list[Diagnostic], str, Dependencies | None]
INTERNAL_ERROR = "FST001"  # ``fastlint.engine.linter.INTERNAL_ERROR``, without importing libcst
# A front end that lints file by file re-reads modules edited on disk at most this often.
REFRESH_SECONDS = 2.0
# Notes that mean "could not be read" (as opposed to "skipped on purpose").
UNREADABLE = "cannot read"


class TooBig(Exception):
    """A file above ``max-file-size``; its size (or a lower bound) in bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def needs_project(rules: Iterable[type[Rule]]) -> bool:
    """Whether one of ``rules`` reads the project index (so a run must build it)."""
    return any(rule.needs_project for rule in rules)


class LintRun:
    """The settings of a run and its project index (None unless a selected rule reads other
    files); makes the ``FileLinter`` that lints each file."""

    def __init__(
        self,
        settings: Settings,
        files: Iterable[Path] = (),
        project: ProjectIndex | None = None,
    ) -> None:
        self.settings = settings
        if project is None and needs_project(settings.rules):
            project = ProjectIndex(files)
        self.project = project
        self._linter: FileLinter | None = None
        self._refreshed = time.monotonic()

    @property
    def linter(self) -> FileLinter:
        """This process's linter for the run (made on first use)."""
        if self._linter is None:
            self._linter = FileLinter(self.settings, self.project)
        return self._linter

    def lint(self, path: Path, shown: str) -> Result:
        return read_and_lint(self.linter, path, shown)

    def digest(self) -> str:
        """What the project-wide rules read, for the results-cache key ("" without an index)."""
        return self.project.digest() if self.project is not None else ""

    def prepare(self, path: Path | str) -> None:
        """Before linting ``path`` in a long-lived front end: register it with the index and
        forget modules edited on disk since they were read (checked at most every two s)."""
        if self.project is None:
            return
        now = time.monotonic()
        if now - self._refreshed > REFRESH_SECONDS:
            self._refreshed = now
            self.project.refresh()
        self.project.add_files([Path(path)])

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_linter"] = None  # each worker makes its own
        return state


class FileLinter:
    """One ``Linter`` per distinct rule set (per-file-ignores make several)."""

    def __init__(self, settings: Settings, project: ProjectIndex | None = None) -> None:
        self.settings = settings
        self.project = project
        self._linters: dict[tuple[type[Rule], ...], Linter] = {}

    def linter_for(self, path: Path) -> Linter:
        from fastlint.engine.linter import Linter  # libcst: only when a file is linted

        rules = self.settings.rules_for(path)
        linter = self._linters.get(rules)
        if linter is None:
            project = self.project if needs_project(rules) else None
            options = dict(self.settings.options)
            linter = self._linters[rules] = Linter(
                rules, options, project, target_version=self.settings.target_version
            )
        return linter

    def lint_bytes(self, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        try:
            return self.linter_for(path).lint_bytes(data, shown)
        except Exception as error:  # the engine itself failed on this file: report, go on
            return [engine_error(shown, f"{type(error).__name__}: {error}")]


def read_source(path: Path, limit: int) -> bytes:
    """The bytes of ``path``; ``TooBig`` above ``limit`` bytes, found before reading it (or,
    for a file whose size the system does not know, after reading ``limit + 1`` bytes)."""
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > limit:
            raise TooBig(size)
        data = stream.read() if size else stream.read(limit + 1)
    if len(data) > limit:
        raise TooBig(len(data))
    return data


def read_and_lint(linter: FileLinter, path: Path, shown: str) -> Result:
    """The content hash of what was linted (None if nothing was), its diagnostics, and why it
    was not linted ("" when it was)."""
    limit = linter.settings.max_file_size
    try:
        data = read_source(path, limit)
    except TooBig as big:
        return None, [], too_big_note(big.size, limit), None
    except OSError as error:
        return None, [], f"{UNREADABLE}: {error.strerror or error}", None
    project = linter.project
    if project is None:
        return content_hash(data), linter.lint_bytes(data, path, shown), "", None
    project.start_recording()
    try:
        diagnostics = linter.lint_bytes(data, path, shown)
    finally:
        dependencies = project.stop_recording()
    return content_hash(data), diagnostics, "", dependencies


def too_big_note(size: int, limit: int) -> str:
    """Why a file of ``size`` bytes was skipped, and how to lint it anyway."""
    return (
        f"skipped: {_mib(size)} is above max-file-size ({_mib(limit)}); "
        "raise `max-file-size` in [tool.fastlint] to lint it"
    )


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size} bytes"


def engine_error(path: str, detail: str) -> Diagnostic:
    """The internal-error diagnostic (FST001) of a file the engine itself failed on."""
    message = f"Internal error: fastlint could not lint this file: {' '.join(detail.split())}"
    return Diagnostic(path, 1, 1, INTERNAL_ERROR, message, 1, 1)


def tune_gc_for_batch() -> None:
    """Collect garbage far less often, in processes that only lint (the CLI and its workers).

    A run allocates millions of short-lived libcst nodes; trees are acyclic, so refcounting
    frees them, yet CPython's default thresholds start a collection every 700 allocations and
    walk every live tree again. The benchmark measured 12% of a cold run spent there."""
    gc.set_threshold(100_000, 50, 100)
