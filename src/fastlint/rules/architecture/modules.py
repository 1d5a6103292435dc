"""What the architecture rules need of the linted file: its module name and what it imports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import libcst as cst

from fastlint.engine.layers import Layers
from fastlint.project.modules import module_name, package_root
from fastlint.semantic.cst_tree import module_name as dotted
from fastlint.semantic.resolver import absolute


def candidate_names(path: str) -> list[str]:
    """The names the file may be imported as: the project index's (below its package root,
    the first directory up without ``__init__.py``), then its dotted path from the nearest
    directory up (``user``, ``models.user``, ``app.models.user``...) for namespace packages
    and files linted without their ``__init__.py``."""
    file = Path(os.path.abspath(path))
    names = [module_name(file, package_root(file))]
    parts = list(file.with_suffix("").parts[1:])
    if parts and parts[-1] == "__init__":
        parts.pop()
    names += [".".join(parts[start:]) for start in range(len(parts) - 1, -1, -1)]
    return names


def layer_of_file(path: str, layers: Layers) -> tuple[str, int] | None:
    """The file's module name and layer index: the first candidate name in a layer."""
    for name in candidate_names(path):
        index = layers.index_of(name)
        if index is not None:
            return name, index
    return None


def imported_modules(
    node: cst.Import | cst.ImportFrom, module: str, package: bool
) -> Iterator[tuple[str, ...]]:
    """What an import statement reaches, one tuple of absolute names per imported name, the
    most specific first: ``from app import services`` -> ``("app.services", "app")`` (a
    submodule, or a name defined in ``app``)."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            yield (dotted(alias.name),)
        return
    dots = "." * len(node.relative)
    base = dotted(node.module)
    if dots:  # relative: ``from ..services import users`` in ``app.models.user``
        base = absolute(dots + base, module, package)
    if isinstance(node.names, cst.ImportStar):
        if base:
            yield (base,)
        return
    for alias in node.names:
        name = dotted(alias.name)
        yield (f"{base}.{name}", base) if base else (name,)
