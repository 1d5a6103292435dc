"""Call targets: the qualified name a call in some function refers to.

One rule for both trees the project reads: the libcst tree the lint walk is in (FST102 at its
call sites, through the engine's import table) and the ``ast`` trees of the index's facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastlint.engine.imports import NameResolver
from fastlint.project.modules import qualify_call


@dataclass
class Place:
    """Where a call is: its module, enclosing class and scopes, for resolving its target."""

    module: str
    package: bool
    imports: NameResolver
    scopes: Sequence[Any]
    class_name: str | None = None


def call_target(func: Any, place: Place) -> str | None:
    """The qualified name a call's function expression refers to, or None (a local, an
    attribute of an object, a lambda...)."""
    dotted = place.imports.dotted(func)
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
    imports = place.imports
    return any(
        imports.is_function_scope(scope) and name in imports.bindings_of(scope).names
        for scope in place.scopes
    )
