"""Which files a run lints.

Only regular files are linted (symlinks to regular files included): reading a FIFO blocks
forever and reading ``/dev/zero`` never ends, so anything else named ``*.py`` (a FIFO, a device,
a socket, or a symlink to one) is skipped and reported once through ``on_skip``, as is a
directory that cannot be listed. A file that exists but cannot be stat'ed, or a dangling symlink
found in a directory, is kept: reading it reports why it cannot be read.

Walking a directory skips what ``.gitignore`` files ignore (``respect-gitignore``, on by
default, as ruff does): those of the directories walked, those of the directories above them
up to the repository root (the first directory that holds ``.git``; without one, up to the
project root), and the repository's ``.git/info/exclude``. A deeper file's patterns win over
a shallower one's, and an ignored directory is not entered (git cannot re-include a file in
it either). Patterns are matched by ``pathspec``, git's own rules, not hand-written globbing.
A file named on the command line is always linted. The global git excludes file
(``core.excludesFile``) is not read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.config.settings import ConfigError, Settings

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

SOURCE_SUFFIXES = (".py", ".pyi")
# Called with a path that is not linted and why (one line); each path at most once.
OnSkip = Callable[[Path, str], None]


def discover(
    paths: Sequence[Path],
    settings: Settings,
    *,
    force_exclude: bool = False,
    on_skip: OnSkip | None = None,
) -> list[Path]:
    """Python files under ``paths``, sorted. Directories are walked, skipping excluded ones; a
    file named directly is always linted unless ``force_exclude`` applies the excludes to it.
    Paths that are not regular files or directories go to ``on_skip`` instead."""
    found: dict[Path, None] = {}
    skip = _Skips(on_skip)
    ignores = _GitIgnores(settings.root) if settings.respect_gitignore else None
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise ConfigError(f"no such file or directory: {path}") from None
        except OSError as error:
            raise ConfigError(f"cannot access {path}: {error.strerror or error}") from None
        if stat.S_ISDIR(mode):
            if force_exclude and settings.is_excluded(path):
                continue
            for file in _walk(path, settings, skip, ignores):
                found[file] = None
        elif force_exclude and settings.is_excluded(path):
            continue
        elif stat.S_ISREG(mode):
            found[path] = None
        else:
            skip(path, _not_regular(mode, os.path.islink(path)))
    return sorted(found)


class _Skips:
    """Reports each skipped path once."""

    def __init__(self, on_skip: OnSkip | None) -> None:
        self.on_skip = on_skip
        self.seen: set[str] = set()

    def __call__(self, path: Path, reason: str) -> None:
        key = os.path.abspath(path)
        if self.on_skip is not None and key not in self.seen:
            self.seen.add(key)
            self.on_skip(path, reason)


def _not_regular(mode: int, symlink: bool) -> str:
    if stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISCHR(mode):
        kind = "a character device"
    elif stat.S_ISBLK(mode):
        kind = "a block device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "a special file"
    return f"not a regular file ({'a symlink to ' if symlink else ''}{kind})"


class _GitIgnores:
    """The ``.gitignore`` patterns that apply in each directory, read once per directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        self._chains: dict[Path, list[tuple[Path, GitIgnoreSpec]]] = {}
        self._tops: dict[Path, Path | None] = {}  # the repository root above, if any

    def _spec(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self._specs:
            lines: list[str] = []
            for source in (directory / ".gitignore", directory / ".git" / "info" / "exclude"):
                try:
                    lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
            spec = None
            if lines:
                from pathspec import GitIgnoreSpec

                spec = GitIgnoreSpec.from_lines(lines)
            self._specs[directory] = spec
        return self._specs[directory]

    def _repository(self, directory: Path) -> Path | None:
        """The nearest directory at or above ``directory`` that holds ``.git``."""
        if directory not in self._tops:
            if (directory / ".git").exists():
                self._tops[directory] = directory
            elif directory.parent == directory:
                self._tops[directory] = None
            else:
                self._tops[directory] = self._repository(directory.parent)
        return self._tops[directory]

    def _top(self, directory: Path) -> Path:
        """The last directory whose patterns apply below ``directory``: the repository root,
        else the project root (or ``directory`` itself, outside the project)."""
        found = self._repository(directory)
        if found is not None:
            return found
        return self.root if directory.is_relative_to(self.root) else directory

    def _chain(self, directory: Path) -> list[tuple[Path, GitIgnoreSpec]]:
        """The patterns that apply to the entries of ``directory``, deepest first."""
        found = self._chains.get(directory)
        if found is None:
            above = []
            if directory != self._top(directory) and directory.parent != directory:
                above = self._chain(directory.parent)
            spec = self._spec(directory)
            found = [(directory, spec), *above] if spec is not None else above
            self._chains[directory] = found
        return found

    def ignored(self, path: Path, is_directory: bool) -> bool:
        absolute = Path(os.path.abspath(path))
        for directory, spec in self._chain(absolute.parent):
            relative = absolute.relative_to(directory).as_posix() + ("/" if is_directory else "")
            verdict = spec.check_file(relative).include
            if verdict is not None:
                return verdict
        return False


def _walk(
    top: Path, settings: Settings, skip: _Skips, ignores: _GitIgnores | None = None
) -> Iterable[Path]:
    """Like ``os.walk`` (symlinked directories are not followed), from ``os.scandir`` so that a
    file's type comes from the directory listing: only symlinks cost a ``stat``."""
    pending = [top]
    while pending:
        directory = pending.pop()
        subdirectories = []
        for entry in _listing(directory, skip):
            path = directory / entry.name
            if _is_directory(entry):
                if not entry.is_symlink() and not _left_out(path, top, settings, ignores, True):
                    subdirectories.append(path)
                continue
            if entry.name.endswith(SOURCE_SUFFIXES) and not _left_out(
                path, top, settings, ignores, False
            ):
                if _regular_or_skip(entry, path, skip):
                    yield path
        pending.extend(reversed(subdirectories))


def _listing(directory: Path, skip: _Skips) -> list[os.DirEntry[str]]:
    """The entries of ``directory`` by name; none (and a skip note) when it cannot be listed."""
    try:
        with os.scandir(directory) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        skip(directory, f"cannot list the directory: {error.strerror or error}")
        return []


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a directory (or a symlink to one); False when that cannot be told."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _left_out(
    path: Path, top: Path, settings: Settings, ignores: _GitIgnores | None, directory: bool
) -> bool:
    """Excluded by the settings, or ignored by a ``.gitignore``."""
    if settings.is_excluded(path, top):
        return True
    return ignores is not None and ignores.ignored(path, directory)


def _regular_or_skip(entry: os.DirEntry[str], path: Path, skip: _Skips) -> bool:
    """Whether to lint a file found in a directory: a regular file, or one whose type cannot be
    told (a dangling symlink or an unreadable entry: reading it reports why)."""
    try:
        mode = entry.stat().st_mode
    except OSError:
        return True
    if stat.S_ISREG(mode):
        return True
    skip(path, _not_regular(mode, entry.is_symlink()))
    return False
