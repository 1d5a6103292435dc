"""Results of unchanged files, reused across runs.

One JSON file per cache key (the fastlint, libcst and Python versions, the resolved settings and
an optional ``extra`` component), mapping each file's absolute path to its content hash and
diagnostics. The displayed path is not stored: it depends on the current directory and is
re-attached on a hit.

Rules that read other files (the project index) do not put the whole project in the key: each
file's entry also keeps what its lint read of the index (``Dependencies``: the modules looked up,
where they were, the digest of their text, and a digest of each fact read). ``lint_files``
reuses an entry when the file's content is the same and every module it read is unchanged, or
changed without changing what was read; so an edit re-lints the edited file and the files whose
findings may depend on what changed, not the whole project. ``Cache(..., extra=...)`` or
``cache.extend_key(...)`` still add a component to the key.

The facts of the modules the index reads are kept beside the results (``facts/``, one pickle
per module text, ``fastlint.project.index.FactsStore``), so a run parses with ``ast`` only the
modules that changed. Keys are content hashes: a fresh checkout of the same code (a CI run with
the directory restored) hits.

A missing, corrupt or truncated cache file is treated as empty and rewritten: the cache can only
ever cost a re-lint, never a crash. Writes go to a temporary file renamed over the old one, so a
concurrent run or an interrupted write never leaves half a file behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastlint import __version__
from fastlint.config.settings import CACHE_DIR_NAME, Settings, save_rule_catalog
from fastlint.config.stamp import code_stamp
from fastlint.engine.diagnostic import Diagnostic, Related
from fastlint.engine.edits import TextFix
from fastlint.project.index import Dependencies, FactsStore

__all__ = ["CACHE_DIR_NAME", "Cache", "cache_key", "content_hash", "default_cache_dir"]
_FORMAT = 2  # 2: entries keep their dependencies on the project index
_KEEP = 8  # result files kept per cache directory (one per recent settings key)
_FACTS_PER_FILE = 4  # facts kept per cached file before the oldest are removed
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by fastlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# A crash may be transient (a worker killed for memory): never reuse one.
_NOT_CACHED = frozenset({"FST001"})


def content_hash(data: bytes) -> str:
    """The hex digest that identifies a file's content in the cache."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def default_cache_dir(settings: Settings) -> Path:
    """Where the cache lives when no directory is configured: under the project root."""
    return settings.root / CACHE_DIR_NAME


@functools.lru_cache(maxsize=1)
def _libcst_version() -> str:
    """libcst's version, read from its metadata (importing libcst costs a quarter second)."""
    from importlib import metadata

    try:
        return metadata.version("libcst")
    except metadata.PackageNotFoundError:  # pragma: no cover - libcst is a dependency
        return "unknown"


def _code_stamp() -> str:
    return code_stamp()


def cache_key(settings: Settings, extra: str = "") -> str:
    """A short digest of everything that changes results besides the file: the cache format,
    fastlint's code, libcst, Python and the settings (plus ``extra``)."""
    # The Python version too: CPython's own parser words the syntax errors (FST000).
    python = ".".join(map(str, sys.version_info[:2]))
    parts = [str(_FORMAT), __version__, _code_stamp(), _libcst_version(), python]
    parts += [settings.fingerprint(), extra]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


class Cache:
    """The cached results for one settings key, loaded once and saved once per run."""

    def __init__(self, directory: Path, settings: Settings, extra: str = "") -> None:
        self.directory = directory
        self._settings = settings
        self._extra = extra
        # read on first use, after extend_key; values are unchecked JSON until lookup checks them
        self._loaded: dict[str, object] | None = None
        self._changed = False
        self._store: FactsStore | None = None

    @property
    def key(self) -> str:
        return cache_key(self._settings, self._extra)

    @property
    def path(self) -> Path:
        return self.directory / f"results-{self.key}.json"

    def extend_key(self, extra: str) -> None:
        """Add what rules read beyond the file itself (a digest of the project index) to the
        key; called before the first lookup."""
        if self._loaded is not None:
            raise RuntimeError("the cache key cannot change once results were read")
        self._extra = f"{self._extra}\0{extra}"

    @property
    def _entries(self) -> dict[str, object]:
        if self._loaded is None:
            self._loaded = _load(self.path, self.key)
        return self._loaded

    def get(self, path: Path, digest: str, shown: str) -> list[Diagnostic] | None:
        """The diagnostics of ``path`` when its content hash matches, else None (whatever its
        dependencies: ``lookup`` gives them)."""
        found = self.lookup(path, digest, shown)
        return found[0] if found is not None else None

    def lookup(
        self, path: Path, digest: str, shown: str
    ) -> tuple[list[Diagnostic], Dependencies | None] | None:
        """The diagnostics of ``path`` when its content hash matches, and what its lint read
        of the project index (None without one); None when there is no such entry."""
        entry = self._entries.get(os.path.abspath(path))
        if not isinstance(entry, list) or len(entry) not in (2, 3) or entry[0] != digest:
            return None
        stored = entry[1]
        if not isinstance(stored, list) or not all(map(_well_formed, stored)):
            return None  # a damaged entry: lint the file again
        dependencies = entry[2] if len(entry) == 3 else None
        if dependencies is not None and not isinstance(dependencies, dict):
            return None
        return [_diagnostic(shown, fields) for fields in stored], dependencies

    def put(
        self,
        path: Path,
        digest: str,
        diagnostics: list[Diagnostic],
        dependencies: Dependencies | None = None,
    ) -> None:
        if any(found.code in _NOT_CACHED for found in diagnostics):
            return
        fields = [_fields(d) for d in diagnostics]
        entry: list[object] = [digest, fields]
        if dependencies:
            entry.append(dependencies)
        self._entries[os.path.abspath(path)] = entry
        self._changed = True

    def update_dependencies(self, path: Path, dependencies: Dependencies) -> None:
        """Dependencies found still valid, brought up to date (``ProjectIndex.still_valid``)."""
        entry = self._entries.get(os.path.abspath(path))
        if isinstance(entry, list) and len(entry) == 3:
            entry[2] = dependencies
            self._changed = True

    def facts_store(self) -> FactsStore:
        """Where the project index keeps module facts across runs (one per cache directory)."""
        if self._store is None:
            python = ".".join(map(str, sys.version_info[:2]))
            salt = f"{_FORMAT}\0{__version__}\0{_code_stamp()}\0{python}"
            self._store = FactsStore(self.directory / "facts", salt)
        return self._store

    def save(self) -> None:
        """Write the results if anything changed; a cache that cannot be written is skipped."""
        if not self._changed:
            return
        try:
            _prepare(self.directory)
            data = {"format": _FORMAT, "key": self.key, "files": self._entries}
            _write_text_atomically(self.path, json.dumps(data, separators=(",", ":")))
            _prune(self.directory, self.path)
            save_rule_catalog(self.directory)
            if self._store is not None:
                self._store.prune(keep=_FACTS_PER_FILE * len(self._entries) + 1000)
        except OSError:
            return
        self._changed = False


_FIELD_TYPES = (int, int, str, str, int, int)


def _fields(d: Diagnostic) -> list[object]:
    """A diagnostic as stored: six fields, and a seventh for its related places, if any."""
    fields: list[object] = [d.row, d.column, d.code, d.message, d.end_row, d.end_column]
    if d.related:
        fields.append([[place.path, place.row, place.message] for place in d.related])
    if d.fix is not None:  # an eighth for its fix (the seventh then lists no places)
        fields += [[]] * (7 - len(fields)) + [d.fix.to_json()]
    return fields


def _diagnostic(shown: str, fields: list[Any]) -> Diagnostic:  # noqa: FST505 JSON fields that _well_formed checked: spread into Diagnostic's typed parameters
    """The stored fields (checked by ``_well_formed``) back as a diagnostic of ``shown``."""
    related = tuple(Related(*place) for place in fields[6]) if len(fields) > 6 else ()
    fix = TextFix.from_json(fields[7]) if len(fields) > 7 else None
    return Diagnostic(shown, *fields[:6], related, fix=fix)


def _well_formed(fields: object) -> bool:
    """Whether stored JSON has the shape ``_fields`` writes (a damaged cache is not trusted)."""
    if not isinstance(fields, list) or len(fields) not in (6, 7, 8):
        return False
    if len(fields) == 8 and TextFix.from_json(fields[7]) is None:
        return False
    if len(fields) >= 7 and not (
        isinstance(fields[6], list) and all(map(_well_formed_place, fields[6]))
    ):
        return False
    return all(type(value) is kind for value, kind in zip(fields[:6], _FIELD_TYPES, strict=True))


def _well_formed_place(place: object) -> bool:
    """Whether stored JSON is a related place: ``[path, row, message]``."""
    return (
        isinstance(place, list)
        and len(place) == 3
        and all(type(value) is kind for value, kind in zip(place, (str, int, str), strict=True))
    )


def _load(path: Path, key: str) -> dict[str, object]:
    """The stored entries by file when ``path`` holds results of this format and key, else {}."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):  # missing, truncated or not JSON
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("key") != key:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _prepare(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
        marker = directory / name
        if not marker.exists():
            _write_text_atomically(marker, text)


def _write_text_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a cache is not secret
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(directory: Path, current: Path) -> None:
    """Keep the most recent result files only (old settings leave theirs behind)."""
    others = [path for path in directory.glob("results-*.json") if path != current]
    others.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in others[_KEEP - 1 :]:
        stale.unlink(missing_ok=True)
