"""The fields of each libcst node type that can hold code, found once per type.

libcst's generic ``visit`` walks every whitespace and punctuation node and costs about as much as
the parse. Nothing fastlint asks about lives there, so the engine's walk and the semantic model's
scans follow only the fields that can hold code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import libcst as cst
from libcst import MaybeSentinel

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

FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of ``node_type`` the walker follows, in source order."""
    fields = FIELDS.get(node_type)
    if fields is None:
        if not dataclasses.is_dataclass(node_type):  # MaybeSentinel and other markers
            FIELDS[node_type] = ()  # noqa: FST509 (a memo of libcst's node types)
            return ()
        fields = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        FIELDS[node_type] = fields
    return fields


def iter_children(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The code-bearing children of ``node`` (no whitespace or punctuation)."""
    for name in FIELDS.get(type(node)) or child_fields(type(node)):
        value = getattr(node, name)
        kind = value.__class__
        if value is None or kind is str or kind is bool:
            continue
        if kind is tuple or kind is list:
            yield from value
        elif kind is not MaybeSentinel:
            yield value


_EVERY_FIELD: dict[type, tuple[str, ...]] = {}


def generates_char(node: cst.CSTNode, char: str) -> bool:
    """Whether ``char`` occurs in the code libcst would generate for ``node``, without
    generating it: generated code is the node's string fields (names, literals, whitespace,
    comments) and fixed tokens, so this is exact for a character no fixed token holds (``#``:
    a comment, or a string that holds one)."""
    stack = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        names = _EVERY_FIELD.get(kind)
        if names is None:
            found = dataclasses.fields(kind) if dataclasses.is_dataclass(kind) else ()
            names = _EVERY_FIELD[kind] = tuple(f.name for f in found)  # noqa: FST509 (a memo of libcst's node types)
        for name in names:
            value = getattr(item, name)
            value_kind = value.__class__
            if value_kind is str:
                if char in value:
                    return True
            elif value_kind is tuple or value_kind is list:
                stack.extend(value)
            elif isinstance(value, cst.CSTNode):
                stack.append(value)
    return False
