"""What the file means to FastAPI: its apps, routers, routes and parameter declarations.

Built once per file, during the walk, and shared by every rule. An app or router is a name (or an
attribute chain such as ``self.router``) assigned from ``FastAPI(...)`` or ``APIRouter(...)``
imported from fastapi, or from a class of this file derived from one. A route is a function
decorated by a method decorator on one of them; ``@app.get`` on a Flask app is not a route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastlint.knowledge.fastapi import (
    ANNOTATED,
    APP_CLASSES,
    ROUTE_METHODS,
    declaration_name,
    fastapi_class,
)
from fastlint.semantic.cst_tree import ImportTable, dotted_name


@dataclass
class Route:
    """One route decorator on one function."""

    function: cst.FunctionDef
    decorator: cst.Decorator
    call: cst.Call
    owner: str
    method: str  # "get", ..., "api_route", "websocket"
    path: str | None
    keywords: dict[str, cst.Arg] = field(default_factory=dict)


def string_value(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class FastAPIModel:
    """The apps, routers and routes of one file, as far as the walk has seen."""

    def __init__(self, imports: ImportTable) -> None:
        self._imports = imports
        self.apps: dict[str, cst.Call] = {}
        self.routers: dict[str, cst.Call] = {}
        self.routes: list[Route] = []
        self._routes_by_function: dict[int, list[Route]] = {}
        self._subclasses: dict[str, str] = {}  # local class name -> FastAPI / APIRouter
        self._annotated_aliases: dict[str, str] = {}  # ``Dep = Annotated[T, Depends()]``

    # -- fed by the engine during the walk -------------------------------------------------

    def on_class(self, node: cst.ClassDef, scopes: Sequence[cst.CSTNode]) -> None:
        for base in node.bases:
            kind = fastapi_class(self._imports.resolve(base.value, scopes))
            kind = kind or self._subclasses.get(dotted_name(base.value) or "")
            if kind:
                self._subclasses[node.name.value] = kind

    def on_assign(
        self, targets: Sequence[cst.CSTNode], value: cst.CSTNode, scopes: Sequence[cst.CSTNode]
    ) -> None:
        if isinstance(value, cst.Call):
            kind = self._constructed_kind(value, scopes)
            if kind is None:
                return
            registry = self.apps if kind in APP_CLASSES else self.routers
            for target in targets:
                name = dotted_name(target)
                if name:
                    registry[name] = value
        elif isinstance(value, cst.Subscript) and not scopes:
            if self.annotated_declaration(value, scopes):
                for target in targets:
                    if isinstance(target, cst.Name):
                        self._annotated_aliases[target.value] = self.annotated_declaration(
                            value, scopes
                        )  # type: ignore[assignment]

    def on_function(self, node: cst.FunctionDef, scopes: Sequence[cst.CSTNode]) -> None:
        found: list[Route] = []
        for decorator in node.decorators:
            route = self._route_of(node, decorator, scopes)
            if route is not None:
                found.append(route)
        if found:
            self._routes_by_function[id(node)] = found
            self.routes.extend(found)

    # -- asked by rules ---------------------------------------------------------------------

    def routes_of(self, function: cst.FunctionDef) -> list[Route]:
        """The routes ``function`` serves (empty when it is not a route handler)."""
        return self._routes_by_function.get(id(function), [])

    def is_route(self, function: cst.FunctionDef) -> bool:
        return id(function) in self._routes_by_function

    def declaration(self, param: cst.Param, scopes: Sequence[cst.CSTNode] = ()) -> str | None:
        """``Depends``/``Query``/... when the parameter is a FastAPI declaration: by its default
        (``= Query([])``) or inside ``Annotated[T, Depends(...)]`` (also through an alias)."""
        if isinstance(param.default, cst.Call):
            found = declaration_name(self._imports.resolve(param.default.func, scopes))
            if found:
                return found
        if param.annotation is not None:
            annotation = param.annotation.annotation
            if isinstance(annotation, cst.Subscript):
                return self.annotated_declaration(annotation, scopes)
            if isinstance(annotation, cst.Name):
                return self._annotated_aliases.get(annotation.value)
        return None

    def annotated_declaration(
        self, node: cst.Subscript, scopes: Sequence[cst.CSTNode] = ()
    ) -> str | None:
        qualified = self._imports.resolve(node.value, scopes)
        if qualified not in ANNOTATED:
            return None
        for element in node.slice[1:]:
            inner = element.slice
            if isinstance(inner, cst.Index) and isinstance(inner.value, cst.Call):
                found = declaration_name(self._imports.resolve(inner.value.func, scopes))
                if found:
                    return found
        return None

    # -- internals --------------------------------------------------------------------------

    def _constructed_kind(self, call: cst.Call, scopes: Sequence[cst.CSTNode]) -> str | None:
        kind = fastapi_class(self._imports.resolve(call.func, scopes))
        if kind is None and isinstance(call.func, cst.Name):
            kind = self._subclasses.get(call.func.value)
        return kind

    def _route_of(
        self, node: cst.FunctionDef, decorator: cst.Decorator, scopes: Sequence[cst.CSTNode]
    ) -> Route | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return None
        method = call.func.attr.value
        if method not in ROUTE_METHODS:
            return None
        owner = dotted_name(call.func.value)
        if owner is None:
            return None
        if owner not in self.apps and owner not in self.routers:
            return None
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        path_arg = keywords.get("path")
        if path_arg is None and call.args and call.args[0].keyword is None:
            path_arg = call.args[0]
        path = string_value(path_arg.value) if path_arg is not None else None
        return Route(node, decorator, call, owner, method, path, keywords)
