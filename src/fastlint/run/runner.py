"""Lint a list of files with one set of settings: from the cache, in-process or in workers.

A cached result is reused when the file's content is unchanged and so is everything its lint
read of the project index (``ProjectIndex.still_valid``); nothing else makes a file re-lint. A
run whose every result is reused never imports libcst or the rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.project import ProjectIndex
from fastlint.run.cache import Cache, content_hash
from fastlint.run.session import (
    UNREADABLE,
    FileLinter,
    LintRun,
    Result,
    TooBig,
    engine_error,
    read_and_lint,
    read_source,
    tune_gc_for_batch,
)

__all__ = [
    "MIN_PARALLEL_FILES",
    "UNREADABLE",
    "FileLinter",
    "LintRun",
    "OnSkip",
    "Result",
    "cpu_count",
    "display_path",
    "engine_error",
    "lint_files",
    "read_and_lint",
    "tune_gc_for_batch",
]

# Fewer files than this are linted in-process: starting workers would cost more than it saves.
MIN_PARALLEL_FILES = 8
# Called with a file that was not linted and why (one line, e.g. "cannot read: Permission
# denied"; notes that mean unreadable start with ``UNREADABLE``).
OnSkip = Callable[[Path, str], None]


def display_path(path: Path) -> str:
    """Paths below the current directory are shown relative to it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def lint_files(
    files: Sequence[Path],
    settings: Settings,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    on_file: Callable[[Path], None] | None = None,
    on_skip: OnSkip | None = None,
) -> list[Diagnostic]:
    """Lint ``files`` (reusing ``cache`` results of unchanged ones) in ``jobs`` processes; the
    result is the same for any ``jobs``: each file's diagnostics, in the order of ``files``.
    ``on_file`` (the CLI's progress line) is called as each file is done; ``on_skip`` for each
    file that was not linted (unreadable, or above ``max-file-size``), in the order of files."""
    shown = [display_path(path) for path in files]
    found: dict[int, list[Diagnostic]] = {}
    notes: dict[int, str] = {}
    todo = list(range(len(files)))
    project = _Project(files, cache)
    if cache is not None:
        todo = _reuse(cache, files, shown, found, settings.max_file_size, project)
        for index in found:
            _notify(on_file, files[index])

    def done(index: int, result: Result) -> None:
        found[index] = result[1]
        if result[2]:
            notes[index] = result[2]
        if cache is not None and result[0] is not None:
            dependencies = result[3] if len(result) > 3 else None
            cache.put(files[index], result[0], result[1], dependencies)
        _notify(on_file, files[index])

    if todo:
        # Handed to the workers; its index only if a rule needs it (the one the cache asked).
        run = LintRun(settings, files, project.get() if settings.needs_project else None)
        _lint(run, files, shown, todo, jobs, done)
    if cache is not None:
        cache.save()
    if on_skip is not None:
        for index in sorted(notes):
            on_skip(files[index], notes[index])
    return [diagnostic for index in range(len(files)) for diagnostic in found[index]]


def _lint(
    run: LintRun,
    files: Sequence[Path],
    shown: list[str],
    todo: list[int],
    jobs: int,
    done: Callable[[int, Result], None],
) -> None:
    """Lint the files ``todo`` indexes, in-process or in ``jobs`` workers (which are handed
    ``run``: its settings and its project index)."""
    if jobs > 1 and len(todo) >= MIN_PARALLEL_FILES:
        from fastlint.run.parallel import lint_in_workers  # imports multiprocessing

        tasks = [(index, str(files[index]), shown[index], _size(files[index])) for index in todo]
        lint_in_workers(tasks, run, jobs, done)
    else:
        for index in todo:
            done(index, run.lint(files[index], shown[index]))


class _Project:
    """The run's project index, made when first needed (to check a cached file's dependencies,
    or to lint), with the cache's facts store."""

    def __init__(self, files: Sequence[Path], cache: Cache | None) -> None:
        self.files = files
        self.cache = cache
        self.index: ProjectIndex | None = None

    def get(self) -> ProjectIndex:
        if self.index is None:
            self.index = ProjectIndex(self.files)
            if self.cache is not None:
                self.index.store = self.cache.facts_store()
        return self.index


def _reuse(
    cache: Cache,
    files: Sequence[Path],
    shown: list[str],
    found: dict[int, list[Diagnostic]],
    limit: int,
    project: _Project,
) -> list[int]:
    """Fill ``found`` from the cache; the indices of the files still to lint."""
    todo = []
    for index, path in enumerate(files):
        try:
            digest = content_hash(read_source(path, limit))
        except (OSError, TooBig):
            todo.append(index)  # linting it reports why it is not linted
            continue
        hit = cache.lookup(path, digest, shown[index])
        if hit is None:
            todo.append(index)
            continue
        diagnostics, dependencies = hit
        if dependencies:
            current = project.get().still_valid(dependencies)
            if current is None:
                todo.append(index)
                continue
            if current is not dependencies:
                cache.update_dependencies(path, current)
        found[index] = diagnostics
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
