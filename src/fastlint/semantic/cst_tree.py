"""The libcst side of the semantic model: names and values read from a libcst tree.

The tree-specific part only: how to take a libcst node apart. What it means is in
``semantic/resolver.py`` and ``semantic/values.py``, shared with the ``ast`` side.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import libcst as cst
from libcst import MaybeSentinel

from fastlint.semantic.cst_fields import FIELDS, child_fields, iter_children
from fastlint.semantic.resolver import NameResolver
from fastlint.semantic.values import ValueModel


def identifier(name: str) -> str:
    """A name as Python reads it: non-ASCII identifiers are NFKC-normalized (as ``ast`` has them)."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if type(node) is cst.Name:  # the commonest case, answered first
        value: str = node.value  # type: ignore[attr-defined]
        return value if value.isascii() else unicodedata.normalize("NFKC", value)
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    return identifier(".".join(reversed(parts)))


def module_name(node: cst.CSTNode | None) -> str:
    """The dotted name an import spells (``import a.b``, ``from a.b import c``: ``a.b``); "" for
    none (``from . import c``)."""

    if node is None:
        return ""
    return dotted_name(node) or ""


def _import_bindings(node: cst.Import | cst.ImportFrom) -> Iterable[tuple[str, str]]:
    """(local name, qualified name) for each name an import statement binds."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = module_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                yield identifier(alias.asname.name.value), full
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
            yield identifier(alias.asname.name.value), qualified
        else:
            yield imported, qualified


def _target_names(target: cst.CSTNode) -> Iterable[str]:
    if isinstance(target, cst.Name):
        yield identifier(target.value)
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
            self._bind(identifier(node.name.value))  # type: ignore[attr-defined]
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


# Nodes that bind nothing and hold nothing that binds: skipped without reading their fields.
_SCAN_LEAVES = frozenset(
    {cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Pass, cst.Ellipsis}
    | {cst.Break, cst.Continue, cst.Newline, cst.EmptyLine}
)


def _scan_scope(body: cst.CSTNode, bindings: _LocalBindings) -> None:
    """Every binding of a scope's body, nested scopes left out: the children of each node are
    pushed in field order (``iter_children``, inlined: this scan reads every node of every
    function asked about), popped last first."""
    stack: list[cst.CSTNode] = [body]
    add = bindings.add_statement
    pop, push, extend = stack.pop, stack.append, stack.extend
    fields_of = FIELDS.get
    leaves = _SCAN_LEAVES
    while stack:
        node = pop()
        kind = type(node)
        if kind in leaves:
            continue
        if kind is cst.Attribute:
            push(node.value)  # type: ignore[attr-defined]  # its one code field
            continue
        if kind in _BINDING_TYPES:
            add(node)
            if kind in _SCOPE_TYPES or kind is cst.Import or kind is cst.ImportFrom:
                continue  # nested scopes are their own; imports hold no bindings below
        elif kind is cst.Lambda:
            continue
        for name in fields_of(kind) or child_fields(kind):
            value = getattr(node, name)
            value_kind = value.__class__
            if value_kind is tuple or value_kind is list:
                extend(value)
            elif value is not None and value_kind not in _NOT_NODES:
                push(value)


_NOT_NODES = frozenset({str, bool, MaybeSentinel})


def _param_names(params: cst.Parameters) -> Iterable[str]:
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        yield identifier(param.name.value)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            yield identifier(star.name.value)


class ImportTable(NameResolver[cst.CSTNode]):
    """Resolves local names to qualified names for one file."""

    FUNCTION_TYPES = frozenset({cst.FunctionDef, cst.Lambda})

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self._module = _LocalBindings()
        # Module-level imports may sit below the code that uses them, so the module's own
        # statements are read before the walk; function bodies are read when first asked about.
        for statement in module.body:
            self._read_module_statement(statement)

    def note_nested_import(self, node: cst.Import | cst.ImportFrom) -> None:
        self.note_nested_imports(local for local, _ in _import_bindings(node))

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

    def _read_function(self, scope: cst.FunctionDef | cst.Lambda) -> _LocalBindings:
        found = _LocalBindings()
        found.names.update(_param_names(scope.params))
        _scan_scope(scope.body, found)
        return found

    def dotted(self, node: cst.CSTNode) -> str | None:
        return dotted_name(node)


_BLOCKS = (cst.If, cst.Try, cst.TryStar, cst.With)


def _inner_statements(statement: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The statements of a compound statement's blocks, in source order."""
    for child in iter_children(statement):
        if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            yield from child.body
        elif isinstance(
            child, (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally)
        ):
            yield from _inner_statements(child)


def _first_positional(call: cst.Call) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            return arg.value
        break
    return None


class CstValues(ValueModel):
    """The semantic model over a libcst module."""

    VALUE_TYPES = frozenset({cst.Call, cst.Name, cst.Attribute, cst.BinaryOperation})

    def __init__(
        self, imports: ImportTable, module: cst.Module, name: str = "", package: bool = False
    ) -> None:
        super().__init__(imports, name, package)
        self._tree = module

    def dotted(self, node: cst.CSTNode) -> str | None:
        return dotted_name(node)

    def call_func(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return node.func if type(node) is cst.Call else None  # type: ignore[attr-defined]

    def call_argument(self, node: cst.Call, keyword: str) -> cst.CSTNode | None:
        if not keyword:
            return _first_positional(node)
        for arg in node.args:
            if arg.keyword is not None and identifier(arg.keyword.value) == keyword:
                return arg.value
        return None

    def attribute(self, node: cst.CSTNode) -> tuple[cst.CSTNode, str] | None:
        if type(node) is cst.Attribute:
            return node.value, identifier(node.attr.value)  # type: ignore[attr-defined]
        return None

    def subscript(self, node: cst.CSTNode) -> tuple[cst.CSTNode, list[cst.CSTNode]] | None:
        if type(node) is not cst.Subscript:
            return None
        elements = []
        for element in node.slice:  # type: ignore[attr-defined]
            if not isinstance(element.slice, cst.Index):
                return None
            elements.append(element.slice.value)
        return node.value, elements  # type: ignore[attr-defined]

    def binary(self, node: cst.CSTNode, operator: str) -> tuple[cst.CSTNode, cst.CSTNode] | None:
        if type(node) is not cst.BinaryOperation:
            return None
        wanted = cst.BitOr if operator == "|" else cst.Divide
        if type(node.operator) is not wanted:  # type: ignore[attr-defined]
            return None
        return node.left, node.right  # type: ignore[attr-defined]

    def string(self, node: cst.CSTNode) -> str | None:
        if type(node) is cst.SimpleString:
            value = node.evaluated_value  # type: ignore[attr-defined]
            return value if isinstance(value, str) else None
        return None

    def parse_expression(self, text: str) -> cst.CSTNode | None:
        try:
            return cst.parse_expression(text)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            return None

    def parameters(
        self, function: cst.FunctionDef | cst.Lambda
    ) -> Iterable[tuple[str, cst.CSTNode | None, cst.CSTNode | None]]:
        params = function.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            annotation = param.annotation.annotation if param.annotation is not None else None
            yield identifier(param.name.value), annotation, param.default

    def _module_statements(self) -> Iterable[cst.CSTNode]:
        """Top-level statements, also inside ``if``/``try``/``with`` blocks."""
        stack = list(reversed(self._tree.body))
        while stack:
            statement = stack.pop()
            if isinstance(statement, _BLOCKS):
                stack.extend(reversed([*_inner_statements(statement)]))
            else:
                yield statement

    def module_assignments(self) -> Iterable[tuple[str, cst.CSTNode]]:
        for statement in self._module_statements():
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name):
                        yield identifier(target.value), small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    if isinstance(small.target, cst.Name):
                        yield identifier(small.target.value), small.value

    def module_functions(self) -> Iterable[tuple[str, cst.CSTNode | None]]:
        for statement in self._module_statements():
            if isinstance(statement, cst.FunctionDef):
                returns = statement.returns.annotation if statement.returns is not None else None
                yield identifier(statement.name.value), returns

    def class_parts(self, node: cst.ClassDef) -> tuple[str, list[cst.CSTNode]]:
        return identifier(node.name.value), [arg.value for arg in node.bases if arg.keyword is None]

    def function_parts(
        self, node: cst.FunctionDef
    ) -> tuple[str, cst.CSTNode | None, bool, list[str]]:
        decorators = []
        for decorator in node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                expression = expression.func
            decorators.append((dotted_name(expression) or "").rpartition(".")[2])
        returns = node.returns.annotation if node.returns is not None else None
        return identifier(node.name.value), returns, node.asynchronous is not None, decorators

    def scope_name(self, scope: cst.CSTNode) -> str:
        name = getattr(scope, "name", None)
        return identifier(name.value) if isinstance(name, cst.Name) else ""
