"""Baselines: record today's diagnostics, then report only new ones.

A baseline is JSON keyed by file (relative to the baseline's directory, with ``/``), then by
rule code, listing the line hashes of the recorded diagnostics (a hash of the code and the
offending line's whitespace-normalised content, so an entry survives the line moving). A hash
listed twice covers two identical findings in the file. Writing a baseline records the run's
current diagnostics only, so a fixed violation drops out on the next write.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from fastlint.config.settings import ConfigError
from fastlint.engine.diagnostic import Diagnostic
from fastlint.frontends.formats.common import SourceLines, line_hash

FORMAT_VERSION = 1
Key = tuple[str, str, str]  # file, code, line hash


def _file_key(display_path: str, base: Path) -> str:
    absolute = os.path.abspath(display_path)
    try:
        return Path(os.path.relpath(absolute, base)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()


def _keys(diagnostics: Sequence[Diagnostic], sources: SourceLines, base: Path) -> list[Key]:
    return [
        (_file_key(d.path, base), d.code, line_hash(d.code, sources.line(d.path, d.row)))
        for d in diagnostics
    ]


def write_baseline(path: Path, diagnostics: Sequence[Diagnostic], sources: SourceLines) -> None:
    """Record the diagnostics at ``path`` (per file and code, the line hashes, sorted so the
    file diffs well); a ``ConfigError`` if it cannot be written."""
    files: dict[str, dict[str, list[str]]] = {}
    for file, code, digest in sorted(_keys(diagnostics, sources, path.absolute().parent)):
        files.setdefault(file, {}).setdefault(code, []).append(digest)
    data = {"fastlint-baseline": FORMAT_VERSION, "files": files}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write the baseline {path}: {error.strerror or error}") from None


def load_baseline(path: Path) -> Counter[Key]:
    """The recorded diagnostics; a ``ConfigError`` if the file is missing or malformed."""
    try:
        data: object = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read the baseline {path}: {error}") from None
    if not isinstance(data, dict):
        data = {}
    files = data.get("files")
    if data.get("fastlint-baseline") != FORMAT_VERSION or not isinstance(files, dict):
        raise ConfigError(f"{path} is not a fastlint baseline (write one with --write-baseline)")
    counts: Counter[Key] = Counter()
    for file, codes in files.items():
        if not isinstance(codes, dict):
            raise ConfigError(f"{path}: entry for `{file}` must map codes to lists of hashes")
        for code, digests in codes.items():
            if not isinstance(digests, list):
                raise ConfigError(f"{path}: entry `{file}` `{code}` must be a list of hashes")
            counts.update((file, code, str(digest)) for digest in digests)
    return counts


def filter_baseline(
    diagnostics: Sequence[Diagnostic], baseline: Path, sources: SourceLines
) -> list[Diagnostic]:
    """The diagnostics the baseline does not cover, in their order."""
    remaining = load_baseline(baseline)
    new = []
    for d, key in zip(
        diagnostics, _keys(diagnostics, sources, baseline.absolute().parent), strict=True
    ):
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(d)
    return new
