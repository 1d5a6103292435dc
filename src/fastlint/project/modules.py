"""Where first-party modules live: package roots, module names, and the file of a module name.

A file's package root is the first directory above it without an ``__init__.py``; its module
name is its path below that root (``services/profile.py`` -> ``services.profile``). An import
is first-party when a root holds its file; nothing is imported or executed.

Lookups never probe the file system file by file: each directory is listed once per finder
(``os.scandir``, whose entries know their type without a ``stat``), and a module name is found
by walking those listings, a dictionary access per part. Which roots hold a top-level name is a
dictionary too, so a run with many package roots (a folder of services, a monorepo) costs no
more per lookup than one with a single root.
"""

from __future__ import annotations

import os
from pathlib import Path


def package_root(path: Path) -> Path:
    """The directory that holds the top-level package of ``path`` (or its own directory)."""
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory


def module_name(path: Path, root: Path) -> str:
    """The dotted module name of ``path`` below ``root`` (``app/api/__init__.py`` -> ``app.api``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts and parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


# Directories below a root that hold no first-party code.
_SKIPPED_DIRS = frozenset(
    {"__pycache__", "venv", "env", "node_modules", "build", "dist", "site-packages"}
)
_ENVIRONMENTS = frozenset({"site-packages", "dist-packages"})
# Looked up by name, a module below ``build`` or ``dist`` is a real one (``app.build.steps``):
# packaging output has no ``__init__.py`` on the way to it, so no import resolves into it.
_UNLISTED_DIRS = _SKIPPED_DIRS - {"build", "dist"}


class _Listing:
    """One directory's entries: the regular ``*.py`` files (by module name) and the
    subdirectories that may hold modules."""

    __slots__ = ("directories", "modules")

    def __init__(self, directory: str) -> None:
        self.modules: dict[str, str] = {}  # ``profile`` -> ``.../profile.py``
        self.directories: dict[str, str] = {}  # ``services`` -> ``.../services``
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    name = entry.name
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if not name.startswith(".") and name not in _UNLISTED_DIRS:
                                self.directories[name] = entry.path
                        elif name.endswith(".py") and entry.is_file():  # a FIFO is not one
                            self.modules[name[:-3]] = entry.path
                    except OSError:
                        continue
        except OSError:
            pass


class ModuleFinder:
    """Finds the file of a module name below a set of roots; remembers every answer.

    Below an environment's ``site-packages`` only the top-level packages of linted files are
    first-party: linting ``fastapi`` there does not make every installed package part of it."""

    def __init__(self) -> None:
        self.roots: list[Path] = []
        self._tops: dict[Path, set[str] | None] = {}  # None: everything below the root
        self._known: dict[str, Path | None] = {}
        self._listings: dict[str, _Listing] = {}
        self._by_top: dict[str, list[Path]] | None = None  # top-level name -> roots holding it

    def add_root(self, root: Path, top: str) -> bool:
        """A package root, and the top-level name of a linted file below it; True when modules
        not found before may be found now."""
        has_changed = root not in self._tops
        if has_changed:
            self.roots.append(root)
            self._tops[root] = set() if root.name in _ENVIRONMENTS else None
        tops = self._tops[root]
        if tops is not None and top not in tops:
            tops.add(top)
            has_changed = True
        if has_changed:
            self._known = {name: path for name, path in self._known.items() if path is not None}
            self._by_top = None
        return has_changed

    def register(self, name: str, path: Path) -> None:
        self._known[name] = path

    def forget_listings(self) -> None:
        """Directories may have changed (a long-lived front end): list them again when asked,
        and ask again for the modules not found."""
        self._listings.clear()
        self._by_top = None
        self._known = {name: path for name, path in self._known.items() if path is not None}

    def _listing(self, directory: str) -> _Listing:
        listing = self._listings.get(directory)
        if listing is None:
            listing = self._listings[directory] = _Listing(directory)
        return listing

    def package_root(self, path: Path) -> Path:
        """``package_root(path)``, from the directory listings."""
        directory = path.parent
        while "__init__" in self._listing(str(directory)).modules:
            if directory.parent == directory:
                break
            directory = directory.parent
        return directory

    def _roots_by_top(self) -> dict[str, list[Path]]:
        if self._by_top is None:
            by_top: dict[str, list[Path]] = {}
            for root in self.roots:
                listing = self._listing(str(root))
                tops = self._tops[root]
                names = set(listing.modules) | set(listing.directories)
                for top in names if tops is None else names & tops:
                    by_top.setdefault(top, []).append(root)
            self._by_top = by_top
        return self._by_top

    def find(self, name: str) -> Path | None:
        if name in self._known:
            return self._known[name]
        found = None
        parts = name.split(".")
        # A relative import that climbs above every root leaves empty parts: no such module.
        if name and "" not in parts:
            for root in self._roots_by_top().get(parts[0], ()):
                found = self._find_below(str(root), parts)
                if found is not None:
                    break
        self._known[name] = found
        return found

    def _find_below(self, root: str, parts: list[str]) -> Path | None:
        """``a.b.c`` below ``root``: ``a/b/c.py``, else ``a/b/c/__init__.py``."""
        directory = root
        for part in parts[:-1]:
            found = self._listing(directory).directories.get(part)
            if found is None:
                return None
            directory = found
        listing = self._listing(directory)
        module = listing.modules.get(parts[-1])
        if module is not None:
            return Path(module)
        package = listing.directories.get(parts[-1])
        if package is not None:
            init = self._listing(package).modules.get("__init__")
            if init is not None:
                return Path(init)
        return None

    def files(self) -> list[Path]:
        """Every Python file the finder may find: what the index may read."""
        found: set[Path] = set()
        for root in self.roots:
            tops = self._tops[root]
            if tops is None:
                found.update(_python_files(root))
                continue
            for top in tops:
                found.update(_python_files(root / top))
                if (root / f"{top}.py").is_file():
                    found.add(root / f"{top}.py")
        return sorted(found)


def _python_files(directory: Path) -> set[Path]:
    """Regular ``*.py`` files below ``directory`` (a FIFO or a device named ``x.py`` is not one:
    reading it would hang or never end). ``DirEntry.is_file`` costs no stat for most entries."""
    found: set[Path] = set()
    pending = [str(directory)]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith(".") and name not in _SKIPPED_DIRS:
                        pending.append(entry.path)
                elif name.endswith(".py") and entry.is_file():
                    found.add(Path(entry.path))
            except OSError:
                continue
    return found
