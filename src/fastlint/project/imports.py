"""Name resolution over an ``ast`` tree, for the project index: engine/imports.py's rules.

The index reads other modules with ``ast`` (about a ninth of the cost of a libcst parse), so it
needs the engine's import table over ``ast`` nodes: a module-level table of imported names, and
the names a function binds itself (parameters, assignments, ``def``s...) shadowing them. Only
names imported at module level (or builtins) resolve, as in the engine's table when nothing told
it about imports inside functions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from fastlint.engine.imports import NameResolver

_NAMED_CONSTANTS = (None, True, False)
_TRY_STAR: type = getattr(ast, "TryStar", ast.Try)  # Python 3.11+
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTION_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# Fields that never hold code: contexts, operators, names and other plain strings, flags.
_NOT_CODE = frozenset(
    {"ctx", "op", "ops", "type_comment", "kind", "conversion", "is_async", "level"}
    | {"id", "attr", "arg", "name", "module", "names"}
)
_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of ``node`` that may hold code, in field order (``ast.iter_child_nodes``
    without its generator, and without leaves and fields that hold no code)."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _NOT_CODE)
    found: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):  # ``Dict.keys`` holds None for ``**``
                    found.append(item)
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None. ``None``, ``True`` and ``False`` are
    names, as in libcst (``-> None`` is ``builtins.None``, like the engine's answers)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Constant) and any(node.value is c for c in _NAMED_CONSTANTS):
        parts.append(repr(node.value))
    else:
        return None
    return ".".join(reversed(parts))


def import_bindings(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(local name, qualified name) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname is not None:
                yield alias.asname, alias.name
            else:
                head = alias.name.split(".", 1)[0]  # ``import os.path`` binds ``os``
                yield head, head
        return
    base = "." * node.level + (node.module or "")
    for alias in node.names:
        if alias.name == "*":
            return
        imported = alias.name
        qualified = f"{base}.{imported}" if base and not base.endswith(".") else base + imported
        yield alias.asname or imported, qualified


def _target_names(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


_TARGETED = (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.NamedExpr, ast.comprehension)
_BINDING_TYPES = frozenset(
    {*_TARGETED, *_DEFS, ast.Import, ast.ImportFrom, ast.Assign, ast.ExceptHandler}
)


class _LocalBindings:
    """Names bound in one scope's own body (nested functions and classes excluded)."""

    __slots__ = ("imports", "names")

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.imports: dict[str, str] = {}

    def add(self, node: ast.AST) -> None:
        if type(node) not in _BINDING_TYPES:
            return  # most nodes: checked once, cheaply
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, qualified in import_bindings(node):
                self.imports[local] = qualified
                self.names.discard(local)
        elif isinstance(node, _TARGETED):
            self._bind_all(_target_names(node.target))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind_all(_target_names(target))
        elif isinstance(node, _DEFS):
            self._bind(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name is not None:
            self._bind(node.name)

    def _bind(self, name: str) -> None:
        # The later binding wins: ``from time import sleep`` then ``def sleep()`` is ours.
        self.imports.pop(name, None)
        self.names.add(name)

    def _bind_all(self, names: Iterable[str]) -> None:
        for name in names:
            self._bind(name)


_NOT_ENTERED = frozenset({*_DEFS, ast.Lambda, ast.Import, ast.ImportFrom})


def _scan_scope(body: list[ast.stmt], bindings: _LocalBindings) -> None:
    """Every binding of a function body, in the engine's order (a stack: last statement first),
    not entering nested scopes. ``with ... as`` names are not bindings, as in the engine's table
    (its walk skips ``as`` names)."""
    stack: list[ast.AST] = list(body)
    add = bindings.add
    while stack:
        node = stack.pop()
        kind = type(node)
        add(node)
        if kind in _NOT_ENTERED:
            continue
        if isinstance(node, ast.withitem):
            stack.append(node.context_expr)
            continue
        stack.extend(children(node))


def _param_names(args: ast.arguments) -> Iterator[str]:
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        yield arg.arg
    for star in (args.vararg, args.kwarg):
        if star is not None:
            yield star.arg


class ModuleImports(NameResolver):
    """Resolves local names to qualified names for one module's ``ast`` tree."""

    def __init__(self, module: ast.Module) -> None:
        super().__init__()
        self._module = _LocalBindings()
        # Module-level imports may sit below the code that uses them: read them all first.
        for statement in module.body:
            self._read_module_statement(statement)

    def _read_module_statement(self, statement: ast.stmt) -> None:
        """``try: import ujson as json`` / ``if TYPE_CHECKING:`` blocks count, as in the
        engine's table (but not ``except*`` handlers, which it skips)."""
        bodies: list[list[ast.stmt]]
        if isinstance(statement, ast.If):
            bodies = [statement.body, statement.orelse]
        elif isinstance(statement, (ast.Try, _TRY_STAR)):
            handlers = statement.handlers if type(statement) is ast.Try else []
            bodies = [
                statement.body,
                *(handler.body for handler in handlers),
                statement.orelse,
                statement.finalbody,
            ]
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            bodies = [statement.body]
        else:
            self._module.add(statement)
            return
        for body in bodies:
            for inner in body:
                self._read_module_statement(inner)

    def is_function_scope(self, scope: ast.AST) -> bool:
        return isinstance(scope, _FUNCTION_SCOPES)

    def _read_function(self, scope: ast.AST) -> _LocalBindings:
        found = _LocalBindings()
        if isinstance(scope, _FUNCTION_SCOPES):
            found.names.update(_param_names(scope.args))
            _scan_scope(scope.body if isinstance(scope.body, list) else [], found)
        return found

    def dotted(self, node: ast.AST) -> str | None:
        return dotted_name(node)
