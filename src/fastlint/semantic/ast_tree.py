"""The ``ast`` side of the semantic model: names and values read from an ``ast`` tree.

The project index reads the modules that are not being linted with ``ast`` (about a ninth of the
cost of a libcst parse). This is the tree-specific part only: how to take an ``ast`` node apart,
and a walk in the engine's order (``engine/walker.py``) that feeds the shared model. What names
and values mean is in ``semantic/resolver.py`` and ``semantic/values.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Any

from fastlint.semantic.resolver import NameResolver
from fastlint.semantic.values import ValueModel

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


def code_fields(kind: type) -> tuple[str, ...]:
    """The fields of an ``ast`` node type that may hold code, in field order."""
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = tuple(f for f in kind._fields if f not in _NOT_CODE)  # type: ignore[attr-defined]
        _FIELDS[kind] = fields  # noqa: FST509 (a memo of ast's node types)
        _REVERSED_FIELDS[kind] = fields[::-1]  # noqa: FST509 (a memo of ast's node types)
    return fields


_REVERSED_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}
# What a code field holds besides nodes (``Dict.keys`` holds None for ``**``, ``MatchClass``
# attribute names are strings, ``MatchSingleton`` holds a constant): the hot loops below push
# field values unchecked and skip these when popped, which keeps the nodes' order.
_NOT_NODES = frozenset({type(None), str, bool, int, float, complex, bytes, type(...)})


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of ``node`` that may hold code, in field order (``ast.iter_child_nodes``
    without its generator, and without leaves and fields that hold no code)."""
    found: list[ast.AST] = []
    for name in _FIELDS.get(type(node)) or code_fields(type(node)):
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
    if type(node) is ast.Name:
        return node.id  # type: ignore[attr-defined]  # the commonest case, answered first
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    if type(node) is ast.Name:
        parts.append(node.id)  # type: ignore[attr-defined]
    elif type(node) is ast.Constant and any(node.value is c for c in _NAMED_CONSTANTS):  # type: ignore[attr-defined]
        parts.append(repr(node.value))  # type: ignore[attr-defined]
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


_SCAN_SKIPPED = frozenset({ast.Name, ast.Constant, *_NOT_NODES})  # leaves: bind nothing


def _scan_scope(body: list[ast.stmt], bindings: _LocalBindings) -> None:
    """Every binding of a function body, in the engine's order (a stack: last statement first),
    not entering nested scopes. ``with ... as`` names are not bindings, as in the engine's table
    (its walk skips ``as`` names). (``children`` inlined: this reads every node of a body.)"""
    stack: list[ast.AST] = list(body)
    add = bindings.add
    pop, push, extend = stack.pop, stack.append, stack.extend
    fields_of = _FIELDS.get
    while stack:
        node = pop()
        kind = type(node)
        if kind in _SCAN_SKIPPED:
            continue  # most nodes: leaves that bind nothing
        if kind is ast.Attribute:
            push(node.value)  # type: ignore[attr-defined]
            continue
        if kind in _BINDING_TYPES:
            add(node)
            if kind in _NOT_ENTERED:
                continue
        elif kind is ast.Lambda:
            continue
        if kind is ast.withitem:
            push(node.context_expr)  # type: ignore[attr-defined]
            continue
        for name in fields_of(kind) or code_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                extend(value)
            else:
                push(value)  # type: ignore[arg-type]  # not a node: skipped when popped


def _param_names(args: ast.arguments) -> Iterator[str]:
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        yield arg.arg
    for star in (args.vararg, args.kwarg):
        if star is not None:
            yield star.arg


class ModuleImports(NameResolver[ast.AST]):
    """Resolves local names to qualified names for one module's ``ast`` tree."""

    FUNCTION_TYPES = frozenset(_FUNCTION_SCOPES)

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

    def _read_function(self, scope: ast.AST) -> _LocalBindings:
        found = _LocalBindings()
        if isinstance(scope, _FUNCTION_SCOPES):
            found.names.update(_param_names(scope.args))
            _scan_scope(scope.body if isinstance(scope.body, list) else [], found)
        return found

    def dotted(self, node: ast.AST) -> str | None:
        return dotted_name(node)


def _module_statements(module: ast.Module) -> Iterator[ast.stmt]:
    """Top-level statements, also inside ``if``/``try``/``with`` blocks (as the libcst side)."""
    stack: list[ast.stmt] = list(reversed(module.body))
    while stack:
        statement = stack.pop()
        if isinstance(statement, (ast.If, ast.Try, _TRY_STAR, ast.With, ast.AsyncWith)):
            inner: list[ast.stmt] = list(statement.body)
            for handler in getattr(statement, "handlers", ()):
                inner.extend(handler.body)
            inner.extend(getattr(statement, "orelse", ()))
            inner.extend(getattr(statement, "finalbody", ()))
            stack.extend(reversed(inner))
        else:
            yield statement


class AstValues(ValueModel):
    """The semantic model over an ``ast`` module."""

    VALUE_TYPES = frozenset({ast.Call, ast.Name, ast.Attribute, ast.BinOp})

    def __init__(
        self, imports: ModuleImports, module: ast.Module, name: str = "", package: bool = False
    ) -> None:
        super().__init__(imports, name, package)
        self._tree = module

    def dotted(self, node: ast.AST) -> str | None:
        return dotted_name(node)

    def call_func(self, node: ast.AST) -> ast.AST | None:
        return node.func if type(node) is ast.Call else None  # type: ignore[attr-defined]

    def call_argument(self, node: ast.Call, keyword: str) -> ast.AST | None:
        if not keyword:
            if node.args and type(node.args[0]) is not ast.Starred:
                return node.args[0]
            return None
        for found in node.keywords:
            if found.arg == keyword:
                return found.value
        return None

    def attribute(self, node: ast.AST) -> tuple[ast.AST, str] | None:
        if type(node) is ast.Attribute:
            return node.value, node.attr  # type: ignore[attr-defined]
        return None

    def subscript(self, node: ast.AST) -> tuple[ast.AST, list[ast.AST]] | None:
        if type(node) is not ast.Subscript:
            return None
        index = node.slice  # type: ignore[attr-defined]
        elements = list(index.elts) if type(index) is ast.Tuple else [index]
        if any(type(element) is ast.Slice for element in elements):
            return None
        return node.value, elements  # type: ignore[attr-defined]

    def binary(self, node: ast.AST, operator: str) -> tuple[ast.AST, ast.AST] | None:
        if type(node) is not ast.BinOp:
            return None
        wanted = ast.BitOr if operator == "|" else ast.Div
        if type(node.op) is not wanted:  # type: ignore[attr-defined]
            return None
        return node.left, node.right  # type: ignore[attr-defined]

    def string(self, node: ast.AST) -> str | None:
        if type(node) is ast.Constant and type(node.value) is str:  # type: ignore[attr-defined]
            return node.value  # type: ignore[attr-defined]
        return None

    def parse_expression(self, text: str) -> ast.AST | None:
        try:
            return ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    def parameters(self, function: ast.AST) -> Iterator[tuple[str, ast.AST | None, ast.AST | None]]:
        args: ast.arguments = function.args  # type: ignore[attr-defined]
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.AST | None] = [None] * (len(positional) - len(args.defaults))
        defaults.extend(args.defaults)
        for param, default in zip(positional, defaults, strict=True):
            yield param.arg, param.annotation, default
        for param, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            yield param.arg, param.annotation, default

    def module_assignments(self) -> Iterator[tuple[str, ast.AST]]:
        for statement in _module_statements(self._tree):
            if type(statement) is ast.Assign and len(statement.targets) == 1:
                target = statement.targets[0]
                if type(target) is ast.Name:
                    yield target.id, statement.value
            elif type(statement) is ast.AnnAssign and statement.value is not None:
                if type(statement.target) is ast.Name:
                    yield statement.target.id, statement.value

    def module_functions(self) -> Iterator[tuple[str, ast.AST | None]]:
        for statement in _module_statements(self._tree):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield statement.name, statement.returns

    def scope_name(self, scope: ast.AST) -> str:
        return getattr(scope, "name", "")

    def class_parts(self, node: ast.ClassDef) -> tuple[str, list[ast.AST]]:
        return node.name, [base for base in node.bases if type(base) is not ast.Starred]

    def function_parts(self, node: ast.AST) -> tuple[str, ast.AST | None, bool, list[str]]:
        decorators = []
        for expression in node.decorator_list:  # type: ignore[attr-defined]
            if type(expression) is ast.Call:
                expression = expression.func
            decorators.append((dotted_name(expression) or "").rpartition(".")[2])
        is_async = type(node) is ast.AsyncFunctionDef
        return node.name, node.returns, is_async, decorators  # type: ignore[attr-defined]


_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda})
_EXPRESSIONS = frozenset(ast.expr.__subclasses__())
# The fields of compound statements that hold statements (or ``with`` items, handlers, cases).
_BLOCKS: dict[type, tuple[str, ...]] = {
    ast.If: ("orelse", "body"),
    ast.For: ("orelse", "body"),
    ast.AsyncFor: ("orelse", "body"),
    ast.While: ("orelse", "body"),
    ast.With: ("body", "items"),
    ast.AsyncWith: ("body", "items"),
    ast.Try: ("finalbody", "orelse", "handlers", "body"),
    _TRY_STAR: ("finalbody", "orelse", "handlers", "body"),
    ast.ExceptHandler: ("body",),
    ast.Match: ("cases",),
    ast.match_case: ("body",),
}
# Nodes the model hears of (besides calls and bindings).
_EVENTS = frozenset(
    {ast.Yield, ast.YieldFrom, ast.Return, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef}
    | {ast.Import, ast.ImportFrom}
)
_BOUND = frozenset({ast.Assign, ast.AnnAssign, ast.withitem})
_LEAVES = frozenset({ast.Name, ast.Constant, *_NOT_NODES})
_QUIET_SKIPPED = _EXPRESSIONS | _NOT_NODES
_LEAVE, _ENTER, _EXIT, _QUIET = 0, 1, 2, 3  # markers on the walk's stack


def _push_children(node: ast.AST, kind: type, stack: list[Any]) -> None:  # noqa: FST505 the walk's stack holds nodes and markers
    """``stack.extend(reversed(children(node)))`` without building the list: what is not a
    node is pushed too, and skipped when popped (the walk's commonest step)."""
    fields = _REVERSED_FIELDS.get(kind)
    if fields is None:
        code_fields(kind)
        fields = _REVERSED_FIELDS[kind]
    for name in fields:
        value = getattr(node, name, None)
        if type(value) is list:
            stack.extend(reversed(value))
        else:
            stack.append(value)


class AstWalk:
    """Walks an ``ast`` module in the engine's order (decorators, parameters and annotations in
    the enclosing scope, then the body in the function's own), feeding the model the bindings it
    meets as the libcst walk does (after the statement's own expressions). Subclasses hear of
    calls, yields and scopes."""

    def __init__(self, model: AstValues) -> None:
        self.model = model
        self.scopes: list[ast.AST] = []
        # While set, expressions are not walked (no calls are heard): statements, scopes and
        # bindings still are. For walks that only care about some scopes' calls.
        self.quiet = False

    def on_call(self, node: ast.Call) -> None:
        """A call, met before its arguments."""

    def on_yield(self) -> None:
        """A ``yield`` in the innermost scope's own body."""

    def on_enter(self, scope: ast.AST) -> None:
        """Entering a function, lambda or class body (``self.scopes`` ends with it)."""

    def on_leave(self, scope: ast.AST) -> None:
        """Leaving it (``self.scopes`` still ends with it)."""

    def quiet_block(self, node: ast.If) -> bool:
        """Whether to walk an ``if``'s body quietly (its ``else`` as before)."""
        return False

    def enters(self, scope: ast.AST) -> bool:
        """Whether to walk a function's, lambda's or class's body at all (its decorators,
        defaults and annotations are walked either way)."""
        return True

    def walk(self, tree: ast.Module) -> None:
        # ast nodes and (marker, subject) tuples, told apart by type() (faster than isinstance)
        stack: list[Any] = list(reversed(tree.body))  # noqa: FST505 the hot walk dispatches on `type(node) is`, which type checkers do not narrow
        while stack:
            node = stack.pop()
            if type(node) is tuple:
                self._marker(*node)
                continue
            kind = type(node)
            if kind in (_QUIET_SKIPPED if self.quiet else _LEAVES):
                continue  # nothing to hear: quiet, or the commonest nodes, names and constants
            if kind is ast.Call:
                self.on_call(node)
            elif kind in _EVENTS:
                self._event(kind, node)
            if kind in _SCOPES:
                self._schedule_scope(node, stack)
            elif kind is ast.If and not self.quiet and self.quiet_block(node):
                stack.extend(reversed(node.orelse))
                stack.append((_QUIET, False))
                stack.extend(reversed(node.body))
                stack.append((_QUIET, True))
                stack.append(node.test)
            elif self.quiet:
                self._schedule_quietly(kind, node, stack)
            else:
                if kind in _BOUND:
                    stack.append((_LEAVE, node))
                _push_children(node, kind, stack)

    def _schedule_quietly(self, kind: type, node: ast.AST, stack: list[Any]) -> None:  # noqa: FST505 the hot walk dispatches on `type(node) is`, which type checkers do not narrow
        """Only what holds statements or bindings: no expression is heard while quiet."""
        if kind in _BOUND:
            stack.append((_LEAVE, node))
        elif kind in _BLOCKS:
            for field in _BLOCKS[kind]:
                stack.extend(reversed(getattr(node, field)))

    def _event(self, kind: type, node: Any) -> None:  # noqa: FST505 the hot walk dispatches on `type(node) is`, which type checkers do not narrow
        """Tell the model of a node it listens for (``kind`` is ``type(node)``)."""
        model, scopes = self.model, self.scopes
        if kind is ast.Yield or kind is ast.YieldFrom:
            self.on_yield()
        elif kind is ast.Return:
            model.on_return(node.value, scopes)
        elif kind is ast.ClassDef:
            model.on_class(node, scopes)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            model.on_function(node, scopes)
        elif scopes:  # an import inside a function
            model.resolver.note_nested_imports(local for local, _ in import_bindings(node))

    def _marker(self, marker: int, subject: Any) -> None:  # noqa: FST505 a scope node, a binding node or the quiet flag, by marker
        """Act on a marker the walk pushed: enter or leave a scope, go quiet, bind a name."""
        if marker == _ENTER:
            self.scopes.append(subject)
            self.on_enter(subject)
        elif marker == _EXIT:
            self.on_leave(subject)
            if type(subject) is ast.FunctionDef or type(subject) is ast.AsyncFunctionDef:
                self.model.leave_function(subject, self.scopes)
            self.scopes.pop()
        elif marker == _QUIET:
            self.quiet = subject
        else:
            self._bind(subject)

    def _schedule_scope(self, node: Any, stack: list[Any]) -> None:  # noqa: FST505 the hot walk dispatches on `type(node) is`, which type checkers do not narrow
        """What runs in the enclosing scope first (decorators, bases, parameters), then the
        body between scope markers; pushed in reverse, as the stack pops."""
        if self.enters(node):
            stack.append((_EXIT, node))
            if type(node) is ast.Lambda:
                stack.append(node.body)
            else:
                stack.extend(reversed(node.body))
            stack.append((_ENTER, node))
        if type(node) is ast.Lambda:
            stack.append(node.args)
            return
        if type(node) is ast.ClassDef:
            stack.extend(reversed(node.keywords))
            stack.extend(reversed(node.bases))
        else:
            if node.returns is not None:
                stack.append(node.returns)
            stack.append(node.args)
        stack.extend(reversed(node.decorator_list))

    def _bind(self, node: ast.AST) -> None:
        model, scopes = self.model, self.scopes
        if type(node) is ast.Assign:
            model.on_assign(node.targets, node.value, scopes)
        elif type(node) is ast.AnnAssign:
            model.on_ann_assign(node.target, node.annotation, node.value, scopes)
        else:
            model.on_with_item(node.context_expr, node.optional_vars, scopes)  # type: ignore[attr-defined]
