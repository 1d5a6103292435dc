"""Name resolution without libcst's scope metadata.

A file-level table maps each imported local name to its qualified name (``nap`` ->
``time.sleep``). A name bound locally (a parameter, an assignment, a ``def`` or ``class``) shadows
the import in that function; a module-level binding of the same name shadows it for the file. The
local bindings of a function are collected on first use, so files and functions that never ask
cost nothing.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import libcst as cst

from fastlint.engine.walker import iter_children

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def module_name(node: cst.CSTNode | None) -> str:
    if node is None:
        return ""
    return dotted_name(node) or ""


def _import_bindings(node: cst.Import | cst.ImportFrom) -> Iterable[tuple[str, str]]:
    """(local name, qualified name) for each name an import statement binds."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = module_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                yield alias.asname.name.value, full
            else:
                # ``import os.path`` binds ``os``.
                head = full.split(".", 1)[0]
                yield head, head
        return
    if isinstance(node.names, cst.ImportStar):
        return
    base = "." * len(node.relative) + module_name(node.module)
    for alias in node.names:
        imported = module_name(alias.name)
        qualified = f"{base}.{imported}" if base and not base.endswith(".") else base + imported
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            yield alias.asname.name.value, qualified
        else:
            yield imported, qualified


def _target_names(target: cst.CSTNode) -> Iterable[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


_BINDING_TYPES = frozenset(
    {
        cst.Import,
        cst.ImportFrom,
        cst.FunctionDef,
        cst.ClassDef,
        cst.Assign,
        cst.AnnAssign,
        cst.AugAssign,
        cst.For,
        cst.CompFor,
        cst.AsName,
        cst.NamedExpr,
        cst.ExceptHandler,
    }
)
_SCOPE_TYPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


class _LocalBindings:
    """Names bound in one scope's own body (nested functions and classes excluded)."""

    __slots__ = ("imports", "names")

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.imports: dict[str, str] = {}

    def add_statement(self, node: cst.CSTNode) -> None:
        kind = type(node)
        if kind not in _BINDING_TYPES:
            return
        if kind is cst.Import or kind is cst.ImportFrom:
            for local, qualified in _import_bindings(node):  # type: ignore[arg-type]
                self.imports[local] = qualified
                self.names.discard(local)
        elif kind is cst.FunctionDef or kind is cst.ClassDef:
            self._bind(node.name.value)  # type: ignore[attr-defined]
        elif kind is cst.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                self._bind_all(_target_names(target.target))
        elif kind is cst.ExceptHandler:
            if node.name is not None:  # type: ignore[attr-defined]
                self._bind_all(_target_names(node.name.name))  # type: ignore[attr-defined]
        elif kind is cst.AsName:
            self._bind_all(_target_names(node.name))  # type: ignore[attr-defined]
        else:  # AnnAssign, AugAssign, For, CompFor, NamedExpr
            self._bind_all(_target_names(node.target))  # type: ignore[attr-defined]

    def _bind(self, name: str) -> None:
        # The later binding wins: ``from time import sleep`` then ``def sleep()`` is ours.
        self.imports.pop(name, None)
        self.names.add(name)

    def _bind_all(self, names: Iterable[str]) -> None:
        for name in names:
            self._bind(name)


def _scan_scope(body: cst.CSTNode, bindings: _LocalBindings) -> None:
    stack = [body]
    add = bindings.add_statement
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in _BINDING_TYPES:
            add(node)
            if kind in _SCOPE_TYPES or kind is cst.Import or kind is cst.ImportFrom:
                continue  # nested scopes are their own; imports hold no bindings below
        elif kind is cst.Lambda:
            continue
        stack.extend(iter_children(node))


def _param_names(params: cst.Parameters) -> Iterable[str]:
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        yield param.name.value
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            yield star.name.value


class Bindings(Protocol):
    names: set[str]
    imports: dict[str, str]


class NameResolver:
    """Resolution shared by every tree the project reads (libcst here, ``ast`` for the project
    index): a function scope's own bindings shadow the module's, which shadow builtins. A
    subclass says which scopes are functions, how to read one, and how to spell a dotted name."""

    _module: Bindings
    nested_imports: frozenset[str] | set[str] = frozenset()

    def __init__(self) -> None:
        self._scopes: dict[int, Bindings] = {}

    def is_function_scope(self, scope: Any) -> bool:
        raise NotImplementedError

    def _read_function(self, scope: Any) -> Bindings:
        raise NotImplementedError

    def dotted(self, node: Any) -> str | None:
        raise NotImplementedError

    @property
    def module_imports(self) -> dict[str, str]:
        return self._module.imports

    def bindings_of(self, scope: Any) -> Bindings:
        """The names a function binds in its own body (read on first use)."""
        found = self._scopes.get(id(scope))
        if found is None:
            found = self._scopes[id(scope)] = self._read_function(scope)
        return found

    def resolve_name(self, name: str, scopes: Sequence[Any] = ()) -> str | None:
        """The qualified name ``name`` refers to from inside ``scopes`` (outermost first), or None
        when it is a local variable, a module-level definition or unknown."""
        if (
            name not in self._module.imports
            and name not in _BUILTINS
            and name not in self.nested_imports
        ):
            return None  # nothing of that name was ever imported: local or unknown
        for scope in reversed(scopes):
            if not self.is_function_scope(scope):
                continue  # class bodies do not enclose the functions inside them
            bindings = self.bindings_of(scope)
            if name in bindings.imports:
                return bindings.imports[name]
            if name in bindings.names:
                return None
        if name in self._module.imports:
            return self._module.imports[name]
        if name in self._module.names:
            return None
        if name in _BUILTINS:
            return f"builtins.{name}"
        return None

    def resolve(self, node: Any, scopes: Sequence[Any] = ()) -> str | None:
        """The qualified name of a Name/Attribute chain (``r.get`` -> ``requests.get``)."""
        dotted = self.dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        qualified = self.resolve_name(head, scopes)
        if qualified is None:
            return None
        return f"{qualified}.{rest}" if rest else qualified

    def is_module_definition(self, name: str) -> bool:
        return name in self._module.names


class ImportTable(NameResolver):
    """Resolves local names to qualified names for one file."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self._module = _LocalBindings()
        # Module-level imports may sit below the code that uses them, so the module's own
        # statements are read before the walk; function bodies are read when first asked about.
        for statement in module.body:
            self._read_module_statement(statement)
        # Names imported inside functions, told by the walk as it meets the imports (before
        # the code that uses them).
        self.nested_imports: set[str] = set()

    def note_nested_import(self, node: cst.Import | cst.ImportFrom) -> None:
        for local, _ in _import_bindings(node):
            self.nested_imports.add(local)

    def _read_module_statement(self, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self._module.add_statement(small)
        elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.Else)):
            # ``try: import ujson as json`` / ``if TYPE_CHECKING:`` blocks
            for child in iter_children(statement):
                if isinstance(child, cst.IndentedBlock | cst.SimpleStatementSuite):
                    for inner in child.body:
                        self._read_module_statement(inner)
                elif isinstance(child, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally)):
                    self._read_module_statement(child)
        elif isinstance(statement, (cst.ExceptHandler, cst.Finally)):
            for inner in statement.body.body:
                self._read_module_statement(inner)
        else:
            self._module.add_statement(statement)

    def is_function_scope(self, scope: cst.CSTNode) -> bool:
        return isinstance(scope, (cst.FunctionDef, cst.Lambda))

    def _read_function(self, scope: cst.FunctionDef | cst.Lambda) -> _LocalBindings:
        found = _LocalBindings()
        found.names.update(_param_names(scope.params))
        _scan_scope(scope.body, found)
        return found

    def dotted(self, node: cst.CSTNode) -> str | None:
        return dotted_name(node)
