"""Name resolution shared by both trees: which qualified name a local name stands for.

A module-level table maps each imported local name to its qualified name (``nap`` ->
``time.sleep``). A name bound in a function (a parameter, an assignment, a ``def``...) shadows
the import there; a module-level binding of the same name shadows it for the module. A function's
own bindings are read on first use, so functions nobody asks about cost nothing. The tree-specific
part (how to read a scope, how to spell a dotted name) is a thin subclass per tree.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Generic, Protocol, TypeVar

_BUILTINS = frozenset(dir(builtins))

# A tree's node type (``cst.CSTNode``, ``ast.AST``): scopes are nodes of the same tree.
NodeT = TypeVar("NodeT")


class Bindings(Protocol):
    """What a scope binds: every local name, and those of them that are imports (-> the
    qualified name)."""

    names: set[str]
    imports: dict[str, str]


class NameResolver(Generic[NodeT]):
    """Resolution shared by every tree the project reads (libcst here, ``ast`` for the project
    index): a function scope's own bindings shadow the module's, which shadow builtins. A
    subclass says which scopes are functions, how to read one, and how to spell a dotted name."""

    _module: Bindings
    # The node types of function scopes (exact types: neither tree subclasses them), tested
    # inline by the hot lookups here and in ``semantic/values.py``.
    FUNCTION_TYPES: frozenset[type] = frozenset()

    def __init__(self) -> None:
        self._scopes: dict[int, Bindings] = {}
        # Names imported inside functions, told by the walk as it meets the imports (before the
        # code that uses them): a name never imported anywhere resolves to nothing, fast.
        self.nested_imports: set[str] = set()

    def note_nested_imports(self, names: Iterable[str]) -> None:
        self.nested_imports.update(names)

    def is_function_scope(self, scope: NodeT) -> bool:
        return type(scope) in self.FUNCTION_TYPES

    def _read_function(self, scope: NodeT) -> Bindings:
        raise NotImplementedError

    def dotted(self, node: NodeT) -> str | None:
        raise NotImplementedError

    @property
    def module_imports(self) -> dict[str, str]:
        return self._module.imports

    def bindings_of(self, scope: NodeT) -> Bindings:
        """The names a function binds in its own body (read on first use)."""
        found = self._scopes.get(id(scope))
        if found is None:
            found = self._scopes[id(scope)] = self._read_function(scope)
        return found

    def resolve_name(self, name: str, scopes: Sequence[NodeT] = ()) -> str | None:
        """The qualified name ``name`` refers to from inside ``scopes`` (outermost first), or None
        when it is a local variable, a module-level definition or unknown."""
        module = self._module
        imports = module.imports
        if name not in imports and name not in _BUILTINS and name not in self.nested_imports:
            return None  # nothing of that name was ever imported: local or unknown
        if scopes:
            function_types = self.FUNCTION_TYPES
            known = self._scopes
            for scope in reversed(scopes):
                if type(scope) not in function_types:
                    continue  # class bodies do not enclose the functions inside them
                bindings = known.get(id(scope)) or self.bindings_of(scope)
                if name in bindings.imports:
                    return bindings.imports[name]
                if name in bindings.names:
                    return None
        if name in imports:
            return imports[name]
        if name in module.names:
            return None
        if name in _BUILTINS:
            return f"builtins.{name}"
        return None

    def resolve(self, node: NodeT, scopes: Sequence[NodeT] = ()) -> str | None:
        """The qualified name of a Name/Attribute chain (``r.get`` -> ``requests.get``)."""
        dotted = self.dotted(node)
        return self.resolve_dotted(dotted, scopes) if dotted is not None else None

    def resolve_dotted(self, dotted: str, scopes: Sequence[NodeT] = ()) -> str | None:
        """``resolve`` of a node spelled ``dotted``."""
        head, _, rest = dotted.partition(".")
        qualified = self.resolve_name(head, scopes)
        if qualified is None:
            return None
        return f"{qualified}.{rest}" if rest else qualified

    def is_module_definition(self, name: str) -> bool:
        return name in self._module.names

    def is_local(self, name: str, scopes: Sequence[NodeT]) -> bool:
        """True when ``name`` is bound in one of the function scopes of ``scopes``."""
        return any(
            self.is_function_scope(scope) and name in self.bindings_of(scope).names
            for scope in scopes
        )


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


def qualify_call(
    dotted: str,
    resolved: str | None,
    module: str,
    package: bool,
    class_name: str | None,
    defined_here: bool,
) -> str | None:
    """The qualified name a called ``dotted`` name refers to, whichever tree it was read from:
    ``self.m``/``cls.m`` in a class is the class's method; an imported name is made absolute;
    a name defined at module level (``defined_here``, and not shadowed) is this module's."""
    head, _, rest = dotted.partition(".")
    if head in ("self", "cls"):
        if class_name and rest and "." not in rest:
            return f"{module}.{class_name}.{rest}"
        return None
    if resolved is not None:
        return absolute(resolved, module, package)
    return f"{module}.{dotted}" if defined_here else None
