"""Where first-party modules live: package roots, module names, and the file of a module name.

A file's package root is the first directory above it without an ``__init__.py``; its module
name is its path below that root (``services/profile.py`` -> ``services.profile``). An import
is first-party when a root holds its file; nothing is imported or executed.
"""

from __future__ import annotations

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


def is_package(path: str) -> bool:
    return Path(path).name == "__init__.py"


def absolute(qualified: str, module: str, package: bool) -> str:
    """``..services.profile.load`` seen from ``module`` -> ``services.profile.load``."""
    if not qualified.startswith("."):
        return qualified
    dots = len(qualified) - len(qualified.lstrip("."))
    parts = module.split(".") if module else []
    if not package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (dots - 1)] if dots > 1 else parts
    rest = qualified[dots:]
    return ".".join([*parts, rest] if rest else parts)


class ModuleFinder:
    """Finds the file of a module name below a set of roots; remembers every answer."""

    def __init__(self) -> None:
        self.roots: list[Path] = []
        self._known: dict[str, Path | None] = {}

    def add_root(self, root: Path) -> None:
        if root not in self.roots:
            self.roots.append(root)
            self._known = {name: path for name, path in self._known.items() if path is not None}

    def register(self, name: str, path: Path) -> None:
        self._known[name] = path

    def find(self, name: str) -> Path | None:
        if name in self._known:
            return self._known[name]
        found = None
        relative = Path(*name.split(".")) if name else None
        for root in self.roots if relative is not None else ():
            for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                if candidate.is_file():
                    found = candidate
                    break
            if found is not None:
                break
        self._known[name] = found
        return found
