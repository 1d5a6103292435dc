"""Reading type expressions of route handlers: comparing two of them, naming their outer type."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from fastlint.semantic.cst_tree import dotted_name

# ``typing`` spellings of builtin generics: ``List[Item]`` is ``list[Item]``.
_BUILTIN_OF = {
    "typing.List": "builtins.list",
    "typing.Dict": "builtins.dict",
    "typing.Set": "builtins.set",
    "typing.FrozenSet": "builtins.frozenset",
    "typing.Tuple": "builtins.tuple",
    "typing.Type": "builtins.type",
    "typing_extensions.List": "builtins.list",
    "typing.Sequence": "collections.abc.Sequence",
    "typing.Mapping": "collections.abc.Mapping",
    "typing.Iterable": "collections.abc.Iterable",
}
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})

Resolve = Callable[[cst.CSTNode], "str | None"]
Key = object


def qualified_type(node: cst.CSTNode, resolve: Resolve) -> str | None:
    """``builtins.list`` for ``list`` and ``List`` (imported from typing), else the qualified or
    dotted name of a Name/Attribute."""
    dotted = dotted_name(node)
    if dotted is None:
        return None
    qualified = resolve(node) or dotted
    return _BUILTIN_OF.get(qualified, qualified)


def type_key(node: cst.CSTNode, resolve: Resolve) -> Key:
    """A comparable form of a type expression: names resolved through imports, ``List`` as
    ``list``, ``Optional[X]``/``Union[X, Y]``/``X | Y`` as one set of members, a string
    annotation as the expression it holds."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return ("name", qualified_type(node, resolve))
    if isinstance(node, cst.Subscript):
        return _subscript_key(node, resolve)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union_key((node.left, node.right), resolve)
    if isinstance(node, cst.SimpleString):
        parsed = _parsed(node)
        if parsed is not None:
            return type_key(parsed, resolve)
    if isinstance(node, (cst.List, cst.Tuple)):  # ``Callable[[int], str]``'s argument list
        return ("list", tuple(type_key(element.value, resolve) for element in node.elements))
    return ("code", cst.Module([]).code_for_node(node))


def _subscript_key(node: cst.Subscript, resolve: Resolve) -> Key:
    base = qualified_type(node.value, resolve)
    elements = [element.slice for element in node.slice]
    if not all(isinstance(element, cst.Index) for element in elements):
        return ("code", cst.Module([]).code_for_node(node))
    values = [element.value for element in elements]  # type: ignore[union-attr]
    if base in _OPTIONAL and len(values) == 1:
        return _union_key((values[0], cst.Name("None")), resolve)
    if base in _UNION:
        return _union_key(values, resolve)
    return ("subscript", base, tuple(type_key(value, resolve) for value in values))


def _union_key(members: Sequence[cst.CSTNode], resolve: Resolve) -> Key:
    found: set[Key] = set()
    for member in members:
        key = type_key(member, resolve)
        if isinstance(key, tuple) and key[0] == "union":
            found.update(key[1])
        else:
            found.add(key)
    return ("union", frozenset(found))


def _parsed(node: cst.SimpleString) -> cst.BaseExpression | None:
    """The expression a string annotation holds."""
    value = node.evaluated_value
    if not isinstance(value, str):
        return None
    try:
        return cst.parse_expression(value)
    except (cst.ParserSyntaxError, RecursionError):
        return None


def same_type(left: cst.CSTNode, right: cst.CSTNode, resolve: Resolve) -> bool:
    """Whether two annotations name the same type once names are resolved through imports."""
    return type_key(left, resolve) == type_key(right, resolve)


def outer_type(
    node: cst.CSTNode | None, resolve: Resolve
) -> tuple[str | None, Sequence[cst.CSTNode]]:
    """``("builtins.list", [Item])`` for ``list[Item]``; ``(name, [])`` for a plain name;
    ``(None, [])`` otherwise. A string annotation is read as the expression it holds."""
    if isinstance(node, cst.SimpleString):
        node = _parsed(node)
    if isinstance(node, (cst.Name, cst.Attribute)):
        return qualified_type(node, resolve), []
    if isinstance(node, cst.Subscript):
        values = [
            element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)
        ]
        return qualified_type(node.value, resolve), values
    return None, []
