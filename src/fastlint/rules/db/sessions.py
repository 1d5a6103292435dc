"""What SQLAlchemy objects names hold: async or sync sessions, connections, engines, factories.

Shared by FST301 and FST302. A name gets a kind from its annotation (directly, through
``Annotated[T, Depends(...)]``, ``T | None`` or a module-level alias of them), from the call that
made it (``AsyncSession(engine)``, ``async_sessionmaker(engine)()``, ``create_engine(url)``,
``SessionLocal()`` where ``SessionLocal = sessionmaker(...)``), from a ``with``/``async with``
item, or from the return type of the dependency in ``Depends(get_db)``. ``self.x`` bindings live
in their class.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fastapi_model import declaration_name
from fastlint.engine.imports import dotted_name

ASYNC_SESSION = "AsyncSession"
ASYNC_CONNECTION = "AsyncConnection"
ASYNC_ENGINE = "AsyncEngine"
ASYNC_FACTORY = "async_sessionmaker"
SYNC_SESSION = "Session"
SYNC_CONNECTION = "Connection"
SYNC_ENGINE = "Engine"
SYNC_FACTORY = "sessionmaker"
ASYNC_KINDS = frozenset({ASYNC_SESSION, ASYNC_CONNECTION, ASYNC_ENGINE})
SYNC_KINDS = frozenset({SYNC_SESSION, SYNC_CONNECTION, SYNC_ENGINE})

_LIBRARIES = ("sqlalchemy.", "sqlmodel.")
_TYPE_KINDS = {
    "AsyncSession": ASYNC_SESSION,
    "AsyncConnection": ASYNC_CONNECTION,
    "AsyncEngine": ASYNC_ENGINE,
    "async_sessionmaker": ASYNC_FACTORY,
    "Session": SYNC_SESSION,
    "Connection": SYNC_CONNECTION,
    "Engine": SYNC_ENGINE,
    "sessionmaker": SYNC_FACTORY,
}
_CONSTRUCTOR_KINDS = {
    **_TYPE_KINDS,
    "create_async_engine": ASYNC_ENGINE,
    "create_engine": SYNC_ENGINE,
}
_MADE_BY_FACTORY = {ASYNC_FACTORY: ASYNC_SESSION, SYNC_FACTORY: SYNC_SESSION}
_DERIVED = {
    (ASYNC_ENGINE, "connect"): ASYNC_CONNECTION,
    (ASYNC_ENGINE, "begin"): ASYNC_CONNECTION,
    (SYNC_ENGINE, "connect"): SYNC_CONNECTION,
    (SYNC_ENGINE, "begin"): SYNC_CONNECTION,
    (ASYNC_FACTORY, "begin"): ASYNC_SESSION,
    (SYNC_FACTORY, "begin"): SYNC_SESSION,
}
_WRAPPERS = frozenset({"Annotated", "Optional"})
_YIELDING = frozenset(
    {"Generator", "Iterator", "Iterable", "AsyncGenerator", "AsyncIterator", "AsyncIterable"}
)
_MODULE = 0


def library_kind(qualified: str | None, table: dict[str, str] = _TYPE_KINDS) -> str | None:
    """The kind a SQLAlchemy/SQLModel name stands for (``sqlalchemy.orm.Session`` -> Session)."""
    if not qualified or not qualified.startswith(_LIBRARIES):
        return None
    return table.get(qualified.rsplit(".", 1)[-1])


def _is_none(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _first_slice(node: cst.Subscript) -> cst.BaseExpression | None:
    first = node.slice[0].slice if node.slice else None
    return first.value if isinstance(first, cst.Index) else None


class SessionTracker:
    """Kinds of the names of one file, kept up to date by the rule's visit methods."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._bindings: dict[int, dict[str, str]] = {}
        self._aliases: dict[str, str] | None = None
        self._dependencies: dict[str, str] | None = None

    # -- types ------------------------------------------------------------------------------

    def annotation_kind(self, node: cst.CSTNode, scopes: list[cst.CSTNode]) -> str | None:
        if isinstance(node, (cst.Name, cst.Attribute)):
            qualified = self.ctx.imports.resolve(node, scopes)
            found = library_kind(qualified)
            if found is None and isinstance(node, cst.Name):
                found = self._module_aliases().get(node.value)
            if found is None and qualified is not None and self.ctx.project is not None:
                found = library_kind(self.ctx.project.type_alias(qualified))
            return found
        if isinstance(node, cst.Subscript):
            base = (dotted_name(node.value) or "").rsplit(".", 1)[-1]
            inner = _first_slice(node)
            if base in _WRAPPERS and inner is not None:
                return self.annotation_kind(inner, scopes)
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            if _is_none(node.right):
                return self.annotation_kind(node.left, scopes)
            if _is_none(node.left):
                return self.annotation_kind(node.right, scopes)
            return None
        if isinstance(node, cst.SimpleString):
            return self._string_annotation_kind(node, scopes)
        return None

    def _string_annotation_kind(
        self, node: cst.SimpleString, scopes: list[cst.CSTNode]
    ) -> str | None:
        value = node.evaluated_value
        if not isinstance(value, str) or not value.replace(".", "").isidentifier():
            return None
        try:
            return self.annotation_kind(cst.parse_expression(value), scopes)
        except cst.ParserSyntaxError:
            return None

    def return_kind(self, node: cst.FunctionDef) -> str | None:
        """What a dependency provides: ``-> Session`` or ``-> Iterator[Session]``."""
        if node.returns is None:
            return None
        annotation = node.returns.annotation
        if isinstance(annotation, cst.Subscript):
            base = (dotted_name(annotation.value) or "").rsplit(".", 1)[-1]
            inner = _first_slice(annotation)
            if base in _YIELDING and inner is not None:
                return self.annotation_kind(inner, [])
        return self.annotation_kind(annotation, [])

    def _module_aliases(self) -> dict[str, str]:
        if self._aliases is None:
            self._aliases = {}
            for statement in self.ctx.module.body:
                for target, value in _module_assignments(statement):
                    if isinstance(value, (cst.Subscript, cst.BinaryOperation)):
                        kind = self.annotation_kind(value, [])
                        if kind is not None:
                            self._aliases[target] = kind
        return self._aliases

    def _module_dependencies(self) -> dict[str, str]:
        if self._dependencies is None:
            self._dependencies = {}
            for statement in self.ctx.module.body:
                if isinstance(statement, cst.FunctionDef):
                    kind = self.return_kind(statement)
                    if kind is not None:
                        self._dependencies[statement.name.value] = kind
        return self._dependencies

    # -- values -----------------------------------------------------------------------------

    def kind_of(self, node: cst.CSTNode) -> str | None:
        """The kind of the object an expression evaluates to, when known."""
        if isinstance(node, cst.Call):
            return self._call_kind(node)
        dotted = dotted_name(node)
        found = self.lookup(dotted) if dotted else None
        if found is None and dotted is not None and self.ctx.project is not None:
            found = self._made_elsewhere(self.ctx.resolve(node))
        return found

    def _made_elsewhere(self, qualified: str | None) -> str | None:
        """The kind of a first-party module-level name made in another module
        (``from app.db import SessionLocal``)."""
        made = self.ctx.project.made_by(qualified) if qualified and self.ctx.project else None
        if made is None:
            return None
        kind = library_kind(made[0], _CONSTRUCTOR_KINDS)
        if kind == SYNC_FACTORY and library_kind(made[1]) == ASYNC_SESSION:
            return ASYNC_FACTORY
        return kind

    def _call_kind(self, node: cst.Call) -> str | None:
        qualified = self.ctx.resolve(node.func)
        kind = library_kind(qualified, _CONSTRUCTOR_KINDS)
        if kind == SYNC_FACTORY and self._makes_async_sessions(node):
            return ASYNC_FACTORY
        if kind is not None:
            return kind
        if isinstance(node.func, cst.Attribute):
            receiver = self.kind_of(node.func.value)
            return _DERIVED.get((receiver, node.func.attr.value)) if receiver else None
        receiver = self.kind_of(node.func)
        return _MADE_BY_FACTORY.get(receiver) if receiver else None

    def _makes_async_sessions(self, node: cst.Call) -> bool:
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "class_":
                return self.kind_of(arg.value) == ASYNC_SESSION or (
                    library_kind(self.ctx.resolve(arg.value)) == ASYNC_SESSION
                )
        return False

    def lookup(self, dotted: str) -> str | None:
        if dotted.startswith(("self.", "cls.")):
            owner = self.ctx.class_
            found = self._bindings.get(id(owner), {}).get(dotted) if owner is not None else None
            return found or None
        for scope in reversed(self.ctx.scopes):
            names = self._bindings.get(id(scope))
            if names and dotted in names:
                return names[dotted] or None  # "" marks a local of unknown kind
        return self._bindings.get(_MODULE, {}).get(dotted)

    # -- bindings ---------------------------------------------------------------------------

    def bind(self, target: cst.CSTNode, kind: str | None, scope: int | None = None) -> None:
        dotted = dotted_name(target)
        if dotted is None:
            return
        if scope is None:
            scope = self._scope_of(dotted)
        if scope is None:
            return
        names = self._bindings.setdefault(scope, {})
        if kind is not None:
            names[dotted] = kind
        elif scope == _MODULE:
            names.pop(dotted, None)
        else:
            names[dotted] = ""  # shadows an outer binding

    def _scope_of(self, dotted: str) -> int | None:
        if dotted.startswith(("self.", "cls.")):
            owner = self.ctx.class_
            return id(owner) if owner is not None else None
        function = self.ctx.function
        if function is None and self.ctx.class_ is not None:
            return None  # a class attribute: ``self.x`` handles those
        return id(function) if function is not None else _MODULE

    def on_assign(self, targets: Iterable[cst.CSTNode], value: cst.CSTNode) -> None:
        kind = self.kind_of(value)
        for target in targets:
            self.bind(target, kind)

    def on_ann_assign(self, node: cst.AnnAssign) -> None:
        scopes = self.ctx.scopes
        kind = self.kind_of(node.value) if node.value is not None else None
        kind = kind or self.annotation_kind(node.annotation.annotation, scopes)
        owner = self.ctx.class_
        if (
            owner is not None
            and scopes
            and scopes[-1] is owner
            and isinstance(node.target, cst.Name)
        ):
            if kind is not None:  # ``session: AsyncSession`` in a class body
                self._bindings.setdefault(id(owner), {})[f"self.{node.target.value}"] = kind
            return
        self.bind(node.target, kind)

    def on_with_item(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.bind(node.asname.name, self.kind_of(node.item))

    def on_function(self, node: cst.FunctionDef) -> None:
        scopes = [*self.ctx.scopes, node]
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            kind = None
            if param.annotation is not None:
                kind = self.annotation_kind(param.annotation.annotation, scopes)
            if kind is None and isinstance(param.default, cst.Call):
                kind = self._dependency_kind(param.default)
            self.bind(param.name, kind, id(node))

    def _dependency_kind(self, call: cst.Call) -> str | None:
        if not call.args or declaration_name(self.ctx.resolve(call.func)) != "Depends":
            return None
        dependency = call.args[0].value
        if isinstance(dependency, cst.Name):
            found = self._module_dependencies().get(dependency.value)
            if found is not None:
                return found
        qualified = self.ctx.resolve(dependency)
        if qualified is not None and self.ctx.project is not None:
            return library_kind(self.ctx.project.provided_type(qualified))
        return None


def _module_assignments(statement: cst.CSTNode) -> Iterable[tuple[str, cst.BaseExpression]]:
    if not isinstance(statement, cst.SimpleStatementLine):
        return
    for small in statement.body:
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name):
                yield target.value, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            if isinstance(small.target, cst.Name):
                yield small.target.value, small.value
