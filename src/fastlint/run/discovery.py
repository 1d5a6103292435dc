"""Which files a run lints."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from fastlint.config.settings import ConfigError, Settings

SOURCE_SUFFIXES = (".py", ".pyi")


def discover(
    paths: Sequence[Path], settings: Settings, *, force_exclude: bool = False
) -> list[Path]:
    """Python files under ``paths``, sorted. Directories are walked, skipping excluded ones; a
    file named directly is always linted unless ``force_exclude`` applies the excludes to it."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_file():
            if not (force_exclude and settings.is_excluded(path)):
                found[path] = None
        elif path.is_dir():
            if force_exclude and settings.is_excluded(path):
                continue
            for file in _walk(path, settings):
                found[file] = None
        else:
            raise ConfigError(f"no such file or directory: {path}")
    return sorted(found)


def _walk(top: Path, settings: Settings) -> Iterable[Path]:
    for directory, subdirectories, files in os.walk(top):
        base = Path(directory)
        subdirectories[:] = sorted(
            name for name in subdirectories if not settings.is_excluded(base / name, top)
        )
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                file = base / name
                if not settings.is_excluded(file, top):
                    yield file
