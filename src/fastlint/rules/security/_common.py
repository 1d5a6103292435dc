"""Small helpers the security rules share: arguments, literals, words of a name, dataflow."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from fastlint.engine.context import Context

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    """The argument passed as ``name=``, if any."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(call: cst.Call, index: int) -> cst.Arg | None:
    """The ``index``-th positional argument (0-based), None past a ``*args``."""
    seen = 0
    for arg in call.args:
        if arg.keyword is not None or arg.star == "**":
            break
        if arg.star:
            return None
        if seen == index:
            return arg
        seen += 1
    return None


def argument(call: cst.Call, index: int, name: str) -> cst.Arg | None:
    """A parameter's argument, passed by keyword ``name`` or at position ``index``."""
    return keyword(call, name) or positional(call, index)


def has_double_star(call: cst.Call) -> bool:
    """Whether ``**kwargs`` may pass any keyword (so a missing one is not known missing)."""
    return any(arg.star == "**" for arg in call.args)


def string_of(node: cst.CSTNode | None) -> str | None:
    """The value of a plain string literal (bytes read as latin-1), else None (f-strings too)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except (ValueError, SyntaxError):  # an odd literal is just not a known string
            return None
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value if isinstance(value, str) else None
    return None


def is_constant(node: cst.CSTNode | None, value: str) -> bool:
    """``True``, ``False`` or ``None`` as written."""
    return isinstance(node, cst.Name) and node.value == value


def words(name: str) -> list[str]:
    """``SECRET_KEY`` -> [secret, key]; ``tokenUrl`` -> [token, url]; ``api-key`` -> [api, key]."""
    return [part for part in re.split(r"[_\W]+", _CAMEL.sub("_", name).lower()) if part]


def target_name(node: cst.BaseExpression) -> str | None:
    """The name an assignment binds: ``x``, or ``attr`` of ``obj.attr``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def values_of(ctx: Context, node: cst.BaseExpression) -> tuple[cst.BaseExpression, ...]:
    """What a plain name was assigned (in this function, else in the module when the
    function has no parameter of that name); any other expression is itself."""
    if type(node) is not cst.Name:
        return (node,)
    found = ctx.assigned(node.value)
    if found or not ctx.scopes:
        return found
    function = ctx.function
    if isinstance(function, (cst.FunctionDef, cst.Lambda)) and _has_param(function, node.value):
        return ()
    return ctx.assignments.assigned(node.value, ())


def _has_param(function: cst.FunctionDef | cst.Lambda, name: str) -> bool:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            every.append(extra)
    return any(param.name.value == name for param in every)


def elements(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The items of a list, tuple or set literal."""
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        for element in node.elements:
            if isinstance(element, cst.Element):
                yield element.value


def dict_items(node: cst.BaseExpression) -> Iterator[tuple[str | None, cst.BaseExpression]]:
    """(key string or None, value) of a dict literal."""
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                yield string_of(element.key), element.value
