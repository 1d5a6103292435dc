"""Call targets in the file being linted, from the libcst tree the linter walks (FST102).

The index's facts come from ``ast``; this resolves a call met during the lint walk, through the
engine's import table (which also knows the imports inside functions the walk has passed), to
the qualified name the index answers for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from fastlint.engine.imports import ImportTable, dotted_name
from fastlint.project.modules import qualify_call


@dataclass
class Place:
    """Where a call is: its module, enclosing class and scopes, for resolving its target."""

    module: str
    package: bool
    imports: ImportTable
    scopes: Sequence[cst.CSTNode]
    class_name: str | None = None


def call_target(func: cst.CSTNode, place: Place) -> str | None:
    """The qualified name a call's function expression refers to, or None (a local, an
    attribute of an object, a lambda...)."""
    dotted = dotted_name(func)
    if dotted is None:
        return None
    head = dotted.partition(".")[0]
    resolved = place.imports.resolve(func, place.scopes)
    defined_here = (
        resolved is None and place.imports.is_module_definition(head) and not _is_local(head, place)
    )
    return qualify_call(
        dotted, resolved, place.module, place.package, place.class_name, defined_here
    )


def _is_local(name: str, place: Place) -> bool:
    for scope in place.scopes:
        if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
            if name in place.imports._bindings_of(scope).names:
                return True
    return False
