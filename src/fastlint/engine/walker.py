"""The single traversal: follow each node type's code-bearing fields (``semantic/cst_fields``),
dispatch by node type to the handlers registered for that exact type."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import libcst as cst

from fastlint.semantic.cst_fields import FIELDS, child_fields

# A visit or leave method: each takes the node type it is registered for (``visit_Call`` a
# ``cst.Call``), so no single parameter type fits them all.
Handler = Callable[[Any], None]


class StatementState:
    """The innermost statement being walked, at any depth (a ``SimpleStatementLine`` or a
    compound statement), and how many ``def``s the walk had met before it: a report made there
    is located by generating that statement alone (``engine/locate.py``)."""

    __slots__ = ("defs", "defs_before", "node")

    def __init__(self) -> None:
        self.node: cst.BaseStatement | None = None
        self.defs_before = 0  # ``def``s met before ``node``
        self.defs = 0  # ``def``s met so far


class ScopeTracker:
    """Told when the walker enters and leaves a function or class body; its ``statement_state``
    is kept up to date by the walker."""

    statement_state: StatementState

    def enter_scope(self, node: cst.CSTNode) -> None:
        raise NotImplementedError

    def leave_scope(self, node: cst.CSTNode) -> None:
        raise NotImplementedError


class Walker:
    """Walks one module, calling ``visit`` handlers before and ``leave`` handlers after a node's
    children. Function and lambda bodies and class bodies are bracketed by scope events, after the
    parts that run in the enclosing scope (decorators, defaults, annotations, bases)."""

    def __init__(
        self,
        visitors: dict[type, list[Handler]],
        leavers: dict[type, list[Handler]],
        scopes: ScopeTracker,
        crashed: Callable[[Handler, Exception], None],
    ) -> None:
        self._visitors = visitors
        self._leavers = leavers
        self._scopes = scopes
        self._state = scopes.statement_state
        self._crashed = crashed  # told of a handler that raised; raises again, or drops it
        # What a child loop skips at once: no node, or a leaf no handler asked for (names and
        # literals are about a third of all nodes; skipping them saves a call each).
        self._inert = frozenset(
            kind for kind in _INERT if kind not in visitors and kind not in leavers
        )

    def walk(self, node: cst.CSTNode) -> None:  # noqa: FST502, FST503 (per-node path, inlined)
        """Visit ``node``, walk its children (a scope's in scope order), then leave it."""
        node_type = type(node)
        scoped = _SCOPED.get(node_type)
        if scoped is not None:  # a statement or a lambda: walked around its own events
            scoped(self, node)
            return
        handlers = self._visitors.get(node_type)
        if handlers:
            # ``_dispatch`` and ``_walk_children`` inlined: this runs for every node of every
            # file (about 2.5 million per corpus run), where one more call per node shows.
            for handler in handlers:
                try:
                    handler(node)
                except Exception as error:
                    self._crashed(handler, error)
        walk, inert = self.walk, self._inert
        for name in FIELDS.get(node_type) or child_fields(node_type):
            value = getattr(node, name)
            kind = value.__class__
            if kind in inert:
                continue
            if kind is tuple or kind is list:
                for item in value:
                    if item.__class__ not in inert:
                        walk(item)
            else:
                walk(value)
        handlers = self._leavers.get(node_type)
        if handlers:
            for handler in handlers:
                try:
                    handler(node)
                except Exception as error:
                    self._crashed(handler, error)

    def walk_module(self, module: cst.Module, statement: list[int | None]) -> None:
        """``walk(module)``, telling ``statement[0]`` which top-level statement is being walked
        (so a report knows which statement to locate it in, without generating the module)."""
        handlers = self._visitors.get(cst.Module)
        if handlers:
            self._dispatch(handlers, module)
        for index, item in enumerate(module.body):
            statement[0] = index
            self.walk(item)
        statement[0] = None
        handlers = self._leavers.get(cst.Module)
        if handlers:
            self._dispatch(handlers, module)

    def _walk_statement(self, node: cst.BaseStatement) -> None:
        """``walk`` for a statement, the innermost statement meanwhile (its handlers included)."""
        state = self._state
        outer, outer_defs = state.node, state.defs_before
        state.node, state.defs_before = node, state.defs
        node_type = type(node)
        if node_type is cst.FunctionDef:
            state.defs += 1
        handlers = self._visitors.get(node_type)
        if handlers:
            self._dispatch(handlers, node)
        scope = _SCOPES.get(node_type)
        if scope is not None:
            scope(self, node)
        else:
            self._walk_children(node, node_type)
        handlers = self._leavers.get(node_type)
        if handlers:
            self._dispatch(handlers, node)
        state.node, state.defs_before = outer, outer_defs

    def _dispatch(self, handlers: list[Handler], node: cst.CSTNode) -> None:
        for handler in handlers:
            try:
                handler(node)
            except Exception as error:
                self._crashed(handler, error)

    def _walk_children(self, node: cst.CSTNode, node_type: type) -> None:
        walk, inert = self.walk, self._inert
        for name in FIELDS.get(node_type) or child_fields(node_type):
            value = getattr(node, name)
            kind = value.__class__
            if kind in inert:
                continue
            if kind is tuple or kind is list:
                for item in value:
                    if item.__class__ not in inert:
                        walk(item)
            else:
                walk(value)

    def _walk_all(self, nodes: Iterable[cst.CSTNode]) -> None:
        walk, inert = self.walk, self._inert
        for item in nodes:
            if item.__class__ not in inert:
                walk(item)

    def _walk_function(self, node: cst.FunctionDef) -> None:
        self._walk_all(node.decorators)
        if node.type_parameters is not None:
            self.walk(node.type_parameters)
        self.walk(node.params)
        if node.returns is not None:
            self.walk(node.returns)
        self._scopes.enter_scope(node)
        self.walk(node.body)
        self._scopes.leave_scope(node)

    def _walk_class(self, node: cst.ClassDef) -> None:
        self._walk_all(node.decorators)
        if node.type_parameters is not None:
            self.walk(node.type_parameters)
        self._walk_all(node.bases)
        self._walk_all(node.keywords)
        self._scopes.enter_scope(node)
        self.walk(node.body)
        self._scopes.leave_scope(node)

    def _walk_lambda(self, node: cst.Lambda) -> None:
        handlers = self._visitors.get(cst.Lambda)
        if handlers:
            self._dispatch(handlers, node)
        self.walk(node.params)
        self._scopes.enter_scope(node)
        self.walk(node.body)
        self._scopes.leave_scope(node)
        handlers = self._leavers.get(cst.Lambda)
        if handlers:
            self._dispatch(handlers, node)


# Nodes whose followed fields hold only strings (``child_fields``), and what a field holds when it
# holds no node: a child loop skips them unless a handler is registered for the type.
_INERT: frozenset[type] = frozenset(
    {
        type(None),
        str,
        type(cst.MaybeSentinel.DEFAULT),
        cst.Name,
        cst.SimpleString,
        cst.Integer,
        cst.Float,
        cst.Imaginary,
        cst.Ellipsis,
        cst.FormattedStringText,
        cst.Pass,
        cst.Break,
        cst.Continue,
    }
)

# Plain functions, not bound methods kept on the walker: a walker holding its own methods is a
# reference cycle, which keeps the whole tree alive until the collector finds it.
# The node types whose children are walked in their own order, around scope events.
_SCOPES: dict[type, Callable[[Walker, Any], None]] = {  # noqa: FST505 (each takes its own node type)
    cst.FunctionDef: Walker._walk_function,
    cst.ClassDef: Walker._walk_class,
}
# The node types ``walk`` hands over whole (handlers included); one lookup per node.
_SCOPED: dict[type, Callable[[Walker, Any], None]] = {  # noqa: FST505 (each takes its own node type)
    cst.Lambda: Walker._walk_lambda,
    **dict.fromkeys(
        (
            cst.SimpleStatementLine,
            cst.FunctionDef,
            cst.ClassDef,
            cst.If,
            cst.For,
            cst.While,
            cst.With,
            cst.Try,
            cst.TryStar,
            cst.Match,
        ),
        Walker._walk_statement,
    ),
}
