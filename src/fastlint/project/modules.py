"""Where first-party modules live: package roots, module names, and the file of a module name.

A file's package root is the first directory above it without an ``__init__.py``; its module
name is its path below that root (``services/profile.py`` -> ``services.profile``). An import
is first-party when a root holds its file; nothing is imported or executed.
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
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts and parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


# Directories below a root that hold no first-party code.
_SKIPPED_DIRS = frozenset(
    {"__pycache__", "venv", "env", "node_modules", "build", "dist", "site-packages"}
)
_ENVIRONMENTS = frozenset({"site-packages", "dist-packages"})


class ModuleFinder:
    """Finds the file of a module name below a set of roots; remembers every answer.

    Below an environment's ``site-packages`` only the top-level packages of linted files are
    first-party: linting ``fastapi`` there does not make every installed package part of it."""

    def __init__(self) -> None:
        self.roots: list[Path] = []
        self._tops: dict[Path, set[str] | None] = {}  # None: everything below the root
        self._known: dict[str, Path | None] = {}

    def add_root(self, root: Path, top: str) -> bool:
        """A package root, and the top-level name of a linted file below it; True when modules
        not found before may be found now."""
        changed = root not in self._tops
        if changed:
            self.roots.append(root)
            self._tops[root] = set() if root.name in _ENVIRONMENTS else None
        tops = self._tops[root]
        if tops is not None and top not in tops:
            tops.add(top)
            changed = True
        if changed:
            self._known = {name: path for name, path in self._known.items() if path is not None}
        return changed

    def register(self, name: str, path: Path) -> None:
        self._known[name] = path

    def find(self, name: str) -> Path | None:
        if name in self._known:
            return self._known[name]
        found = None
        parts = name.split(".")
        # A relative import that climbs above every root leaves empty parts: no such module.
        relative = Path(*parts) if name and "" not in parts else None
        for root in self.roots if relative is not None else ():
            tops = self._tops[root]
            if tops is not None and relative.parts[0] not in tops:
                continue
            for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                if candidate.is_file():
                    found = candidate
                    break
            if found is not None:
                break
        self._known[name] = found
        return found

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
