"""Lint a list of files with one set of settings: from the cache, in-process or in workers."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import INTERNAL_ERROR, Linter
from fastlint.engine.rule import Rule
from fastlint.project import ProjectIndex, project_for
from fastlint.run.cache import Cache, content_hash

# The hash of the content linted (None when unreadable) and its diagnostics.
Result = tuple[str | None, list[Diagnostic]]
# Fewer files than this are linted in-process: starting workers would cost more than it saves.
MIN_PARALLEL_FILES = 8


def display_path(path: Path) -> str:
    """Paths below the current directory are shown relative to it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class FileLinter:
    """One ``Linter`` per distinct rule set (per-file-ignores make several)."""

    def __init__(self, settings: Settings, project: ProjectIndex | None = None) -> None:
        self.settings = settings
        self.project = project
        self._linters: dict[tuple[type[Rule], ...], Linter] = {}

    def linter_for(self, path: Path) -> Linter:
        rules = self.settings.rules_for(path)
        linter = self._linters.get(rules)
        if linter is None:
            linter = self._linters[rules] = Linter(rules, dict(self.settings.options), self.project)
        return linter

    def lint_path(self, path: Path) -> list[Diagnostic]:
        return read_and_lint(self, path, display_path(path))[1]

    def lint_bytes(self, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        try:
            return self.linter_for(path).lint_bytes(data, shown)
        except Exception as error:  # the engine itself failed on this file: report, go on
            return [engine_error(shown, f"{type(error).__name__}: {error}")]


def read_and_lint(linter: FileLinter, path: Path, shown: str) -> Result:
    """The content hash of what was linted (None if unreadable) and its diagnostics."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [engine_error(shown, f"cannot read the file: {error.strerror or error}")]
    return content_hash(data), linter.lint_bytes(data, path, shown)


def engine_error(path: str, detail: str) -> Diagnostic:
    message = f"Internal error: fastlint could not lint this file: {' '.join(detail.split())}"
    return Diagnostic(path, 1, 1, INTERNAL_ERROR, message, 1, 1)


def tune_gc_for_batch() -> None:
    """Collect garbage far less often, in processes that only lint (the CLI and its workers).

    A run allocates millions of short-lived libcst nodes; trees are acyclic, so refcounting
    frees them, yet CPython's default thresholds start a collection every 700 allocations and
    walk every live tree again. The benchmark measured 12% of a cold run spent there."""
    gc.set_threshold(100_000, 50, 100)


def lint_files(
    files: Sequence[Path],
    settings: Settings,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> list[Diagnostic]:
    """Lint ``files`` (reusing ``cache`` results of unchanged ones) in ``jobs`` processes; the
    result is the same for any ``jobs``: each file's diagnostics, in the order of ``files``.
    ``on_file`` (the CLI's progress line) is called as each file is done."""
    shown = [display_path(path) for path in files]
    found: dict[int, list[Diagnostic]] = {}
    todo = list(range(len(files)))
    # Registered as shared: forked workers inherit it. None unless a rule reads other files.
    project = project_for(files, settings.rules)
    if cache is not None:
        if project is not None:  # results may depend on any file the index reads
            cache.extend_key(project.digest())
        todo = _reuse(cache, files, shown, found)
        for index in found:
            _notify(on_file, files[index])

    def done(index: int, result: Result) -> None:
        found[index] = result[1]
        if cache is not None and result[0] is not None:
            cache.put(files[index], result[0], result[1])
        _notify(on_file, files[index])

    if jobs > 1 and len(todo) >= MIN_PARALLEL_FILES:
        from fastlint.run.parallel import lint_in_workers  # imports multiprocessing

        tasks = [(index, str(files[index]), shown[index], _size(files[index])) for index in todo]
        lint_in_workers(tasks, settings, jobs, done)  # forked workers inherit the index
    else:
        linter = FileLinter(settings, project)
        for index in todo:
            done(index, read_and_lint(linter, files[index], shown[index]))
    if cache is not None:
        cache.save()
    return [diagnostic for index in range(len(files)) for diagnostic in found[index]]


def _reuse(
    cache: Cache, files: Sequence[Path], shown: list[str], found: dict[int, list[Diagnostic]]
) -> list[int]:
    """Fill ``found`` from the cache; the indices of the files still to lint."""
    todo = []
    for index, path in enumerate(files):
        try:
            digest = content_hash(path.read_bytes())
        except OSError:
            todo.append(index)  # linting it reports why it cannot be read
            continue
        hit = cache.get(path, digest, shown[index])
        if hit is None:
            todo.append(index)
        else:
            found[index] = hit
    return todo


def cpu_count() -> int:
    """CPUs this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def _notify(on_file: Callable[[Path], None] | None, path: Path) -> None:
    if on_file is not None:
        on_file(path)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
