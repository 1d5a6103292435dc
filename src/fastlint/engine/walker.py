"""The single traversal: follow each node type's own fields, dispatch by node type.

libcst's generic ``visit`` walks every whitespace and punctuation node and costs about as much as
the parse. Rules never ask for those nodes, so the walker follows only the fields that can hold
code, found once per node type from the dataclass fields, and calls the handlers registered for
that exact type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import libcst as cst
from libcst import MaybeSentinel

Handler = Callable[[Any], None]

# Fields that only ever hold whitespace, punctuation, comments or plain strings, or names that are
# not references (an attribute's ``attr``, a keyword argument's ``keyword``): rules read those
# from the parent node when they care.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "colon",
        "first_colon",
        "second_colon",
        "dot",
        "equal",
        "semicolon",
        "star",
        "lbrace",
        "rbrace",
        "lbracket",
        "rbracket",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "trailing_whitespace",
        "newline",
        "indent",
        "first_line",
        "empty_lines",
        "last_line",
        "comment",
        "separator",
        "operator",
        "asynchronous",
        "posonly_ind",
        "trailing_comma",
        "default_indent",
        "default_newline",
        "encoding",
        "has_trailing_newline",
        "whitespace",
        "leading_whitespace",
        "relative",
        "conversion",
        "keyword",
        "attr",
        "asname",
        "value_raw",
    }
)

_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of ``node_type`` the walker follows, in source order."""
    fields = _FIELDS.get(node_type)
    if fields is None:
        if not dataclasses.is_dataclass(node_type):  # MaybeSentinel and other markers
            _FIELDS[node_type] = ()
            return ()
        fields = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS[node_type] = fields
    return fields


def iter_children(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The code-bearing children of ``node`` (no whitespace or punctuation)."""
    for name in _FIELDS.get(type(node)) or child_fields(type(node)):
        value = getattr(node, name)
        kind = value.__class__
        if value is None or kind is str or kind is bool:
            continue
        if kind is tuple or kind is list:
            yield from value
        elif kind is not MaybeSentinel:
            yield value


class ScopeTracker:
    """Told when the walker enters and leaves a function or class body."""

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
    ) -> None:
        self._visitors = visitors
        self._leavers = leavers
        self._scopes = scopes

    def walk(self, node: cst.CSTNode) -> None:
        node_type = type(node)
        handlers = self._visitors.get(node_type)
        if handlers:
            for handler in handlers:
                handler(node)
        if node_type is cst.FunctionDef:
            self._walk_function(node)  # type: ignore[arg-type]
        elif node_type is cst.ClassDef:
            self._walk_class(node)  # type: ignore[arg-type]
        elif node_type is cst.Lambda:
            self._walk_lambda(node)  # type: ignore[arg-type]
        else:
            walk = self.walk
            for name in _FIELDS.get(node_type) or child_fields(node_type):
                value = getattr(node, name)
                if value is None or value.__class__ is str:
                    continue
                if value.__class__ is tuple or value.__class__ is list:
                    for item in value:
                        walk(item)
                else:
                    walk(value)
        handlers = self._leavers.get(node_type)
        if handlers:
            for handler in handlers:
                handler(node)

    def _walk_all(self, nodes: Iterable[cst.CSTNode]) -> None:
        for item in nodes:
            self.walk(item)

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
        self.walk(node.params)
        self._scopes.enter_scope(node)
        self.walk(node.body)
        self._scopes.leave_scope(node)
