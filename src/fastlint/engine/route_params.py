"""One view of a route handler's parameters, shared by every rule that reads them.

For each parameter: its name, what kind of parameter it is (positional, keyword-only, ``*args``,
``**kwargs``), its annotation, the type it declares (the first element of ``Annotated[...]``),
its default, and which FastAPI declaration it is (``Depends``, ``Query``, ``Path``...): by its
default (``= Depends(f)``), inside ``Annotated[T, Depends(f)]``, through a module-level alias
(``SessionDep = Annotated[Session, Depends(get_db)]``) of this file, or through an alias imported
from another first-party module (known from the project index's facts; its declaration call
itself is not seen then).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from fastlint.knowledge.fastapi import ANNOTATED, declaration_name

# How a parameter is declared: ``where`` values.
DEFAULT = "default"  # ``x: T = Depends(f)``
ANNOTATED_HERE = "annotated"  # ``x: Annotated[T, Depends(f)]``
LOCAL_ALIAS = "alias"  # ``x: Dep`` with ``Dep = Annotated[...]`` in this file
IMPORTED_ALIAS = "imported"  # ``x: Dep`` with ``Dep`` imported from another first-party module

POSITIONAL = "positional"  # positional-only or positional-or-keyword
KEYWORD_ONLY = "keyword"
STAR = "star"  # ``*args``
DOUBLE_STAR = "kwargs"  # ``**kwargs``


@dataclass(frozen=True)
class RouteParam:
    """One parameter of a function, as FastAPI reads it."""

    node: cst.Param
    name: str
    kind: str  # POSITIONAL, KEYWORD_ONLY, STAR, DOUBLE_STAR
    annotation: cst.BaseExpression | None  # as written
    type: cst.BaseExpression | None  # the declared type (inside ``Annotated``, the first element)
    default: cst.BaseExpression | None  # as written (``Depends(f)`` too)
    declaration: str | None  # ``Depends``, ``Query``, ... or None for a plain parameter
    call: cst.Call | None  # the declaration's call, when this file has it
    where: str | None  # DEFAULT, ANNOTATED_HERE, LOCAL_ALIAS, IMPORTED_ALIAS

    @property
    def alias(self) -> str | None:
        """``Path(alias="id")``: the name FastAPI reads the parameter by."""
        if self.call is None:
            return None
        for arg in self.call.args:
            if arg.keyword is not None and arg.keyword.value == "alias":
                value = arg.value
                if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                    return value.evaluated_value
        return None

    @property
    def names(self) -> set[str]:
        """The names the parameter answers to: its own and its ``alias=``."""
        alias = self.alias
        return {self.name, alias} if alias else {self.name}

    @property
    def dependency(self) -> cst.BaseExpression | None:
        """What ``Depends(...)``/``Security(...)`` calls: its first argument or
        ``dependency=``; without one, the declared type (``Depends()`` on a class)."""
        if self.call is None or self.declaration not in ("Depends", "Security"):
            return None
        return dependency_of(self.call) or self.type


def dependency_of(call: cst.Call) -> cst.BaseExpression | None:
    """The dependency a ``Depends(...)`` call names, if it names one."""
    for arg in call.args:
        if arg.keyword is None and arg.star == "":
            return arg.value
        if arg.keyword is not None and arg.keyword.value == "dependency":
            return arg.value
    return None


Resolve = Callable[[cst.CSTNode, Sequence[cst.CSTNode]], "str | None"]


def annotated_parts(
    node: cst.BaseExpression, resolve: Resolve, scopes: Sequence[cst.CSTNode]
) -> tuple[cst.BaseExpression, str, cst.Call] | None:
    """``(T, "Depends", Depends(...))`` of ``Annotated[T, Depends(...)]``."""
    if not isinstance(node, cst.Subscript) or resolve(node.value, scopes) not in ANNOTATED:
        return None
    elements = [element.slice for element in node.slice]
    if not elements or not isinstance(elements[0], cst.Index):
        return None
    for inner in elements[1:]:
        if isinstance(inner, cst.Index) and isinstance(inner.value, cst.Call):
            found = declaration_name(resolve(inner.value.func, scopes))
            if found:
                return elements[0].value, found, inner.value
    return None


def _kinds(params: cst.Parameters) -> list[tuple[cst.Param, str]]:
    """Each parameter with its kind, in order."""
    found = [(param, POSITIONAL) for param in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        found.append((params.star_arg, STAR))
    found.extend((param, KEYWORD_ONLY) for param in params.kwonly_params)
    if params.star_kwarg is not None:
        found.append((params.star_kwarg, DOUBLE_STAR))
    return found


def _declared(
    annotation: cst.BaseExpression,
    resolve: Resolve,
    scopes: Sequence[cst.CSTNode],
    local_alias: Callable[[str], cst.Subscript | None],
) -> tuple[tuple[cst.BaseExpression, str, cst.Call], str] | None:
    """The ``Annotated`` parts of an annotation, written here or through a local alias."""
    parts = annotated_parts(annotation, resolve, scopes)
    if parts is not None:
        return parts, ANNOTATED_HERE
    alias = local_alias(annotation.value) if isinstance(annotation, cst.Name) else None
    parts = annotated_parts(alias, resolve, ()) if alias is not None else None
    return (parts, LOCAL_ALIAS) if parts is not None else None


def read_parameters(
    function: cst.FunctionDef,
    resolve: Resolve,
    scopes: Sequence[cst.CSTNode],
    local_alias: Callable[[str], cst.Subscript | None],
    imported_alias: Callable[[cst.BaseExpression], str | None],
) -> list[RouteParam]:
    """The parameters of ``function``, in order, with their FastAPI declarations."""
    found: list[RouteParam] = []
    for param, kind in _kinds(function.params):
        annotation = param.annotation.annotation if param.annotation is not None else None
        declared_type, declaration, call, where = annotation, None, None, None
        default = param.default
        if isinstance(default, cst.Call):
            declaration = declaration_name(resolve(default.func, scopes))
            if declaration:
                where, call = DEFAULT, default
        if declaration is None and annotation is not None:
            parts = _declared(annotation, resolve, scopes, local_alias)
            if parts is not None:
                (declared_type, declaration, call), where = parts
            elif isinstance(annotation, (cst.Name, cst.Attribute)):
                declaration = imported_alias(annotation)
                where = IMPORTED_ALIAS if declaration else None
        found.append(
            RouteParam(
                param, param.name.value, kind, annotation, declared_type, default,
                declaration, call, where,
            )
        )  # fmt: skip
    return found
