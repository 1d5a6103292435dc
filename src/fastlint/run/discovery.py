"""Which files a run lints.

Only regular files are linted (symlinks to regular files included): reading a FIFO blocks
forever and reading ``/dev/zero`` never ends, so anything else named ``*.py`` (a FIFO, a device,
a socket, or a symlink to one) is skipped and reported once through ``on_skip``, as is a
directory that cannot be listed. A file that exists but cannot be stat'ed, or a dangling symlink
found in a directory, is kept: reading it reports why it cannot be read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fastlint.config.settings import ConfigError, Settings

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
            for file in _walk(path, settings, skip):
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


def _walk(top: Path, settings: Settings, skip: _Skips) -> Iterable[Path]:
    """Like ``os.walk`` (symlinked directories are not followed), from ``os.scandir`` so that a
    file's type comes from the directory listing: only symlinks cost a ``stat``."""
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            skip(directory, f"cannot list the directory: {error.strerror or error}")
            continue
        subdirectories = []
        for entry in entries:
            path = directory / entry.name
            try:
                is_directory = entry.is_dir()
            except OSError:
                is_directory = False
            if is_directory:
                if not entry.is_symlink() and not settings.is_excluded(path, top):
                    subdirectories.append(path)
                continue
            if entry.name.endswith(SOURCE_SUFFIXES) and not settings.is_excluded(path, top):
                if _regular_or_skip(entry, path, skip):
                    yield path
        pending.extend(reversed(subdirectories))


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
