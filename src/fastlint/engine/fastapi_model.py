"""What the file means to FastAPI: its routes and parameter declarations.

Built once per file, during the walk, and shared by every rule. A route is a function decorated
by a method decorator on an app or a router: an expression the semantic model knows to hold a
``FastAPI``/``APIRouter`` (made by ``FastAPI(...)`` or ``APIRouter(...)`` imported from fastapi,
by a subclass of them, by a function that returns one, or a parameter annotated with one; in
this file or, through the project index, in another module). ``@app.get`` on a Flask app is not
a route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastlint.engine.route_params import RouteParam, read_parameters
from fastlint.knowledge.fastapi import (
    ANNOTATED,
    APP,
    ROUTE_METHODS,
    ROUTER,
    declaration_name,
    fastapi_kind,
)
from fastlint.semantic.cst_tree import CstValues, ImportTable, dotted_name
from fastlint.semantic.resolver import absolute


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

    # -- what the route declares about its response (route parameters: ``FastAPIModel.parameters``)

    @property
    def response_model(self) -> cst.BaseExpression | None:
        """The ``response_model=`` expression (``None`` written as such is a Name)."""
        arg = self.keywords.get("response_model")
        return arg.value if arg is not None else None

    @property
    def returns(self) -> cst.BaseExpression | None:
        """The handler's return annotation."""
        returns = self.function.returns
        return returns.annotation if returns is not None else None

    @property
    def response_class(self) -> cst.BaseExpression | None:
        arg = self.keywords.get("response_class")
        return arg.value if arg is not None else None

    @property
    def include_in_schema(self) -> bool:
        """False only for a literal ``include_in_schema=False``."""
        arg = self.keywords.get("include_in_schema")
        return not (
            arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "False"
        )

    @property
    def methods(self) -> frozenset[str] | None:
        """The HTTP methods the route answers (``route_methods``)."""
        return route_methods(self.method, self.keywords)


def route_methods(method: str, keywords: dict[str, cst.Arg]) -> frozenset[str] | None:
    """The HTTP methods of a route: ``{"POST"}`` for ``.post``; for ``api_route`` and
    ``add_api_route`` its literal ``methods=[...]`` (``{"GET"}`` without one, as FastAPI does);
    empty for a websocket; None when ``methods=`` is not a literal list of strings."""
    if method == "websocket":
        return frozenset()
    if method not in ("api_route", "add_api_route"):
        return frozenset({method.upper()})
    arg = keywords.get("methods")
    if arg is None:
        return frozenset({"GET"})
    if not isinstance(arg.value, (cst.List, cst.Tuple, cst.Set)):
        return None
    found = [string_value(element.value) for element in arg.value.elements]
    if not all(isinstance(value, str) for value in found):
        return None
    return frozenset(value.upper() for value in found if value is not None)


def added_route(call: cst.Call) -> tuple[cst.Arg | None, cst.Arg | None, dict[str, cst.Arg]]:
    """The path argument, the endpoint argument and the keywords of an
    ``add_api_route(path, endpoint, ...)`` call (the caller checks the receiver's kind)."""
    keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    path = keywords.get("path") or (positional[0] if positional else None)
    endpoint = keywords.get("endpoint") or (positional[1] if len(positional) > 1 else None)
    return path, endpoint, keywords


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a string literal (implicit concatenation included); None for anything
    else, bytes too."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class FastAPIModel:
    """The routes of one file, as far as the walk has seen."""

    def __init__(self, imports: ImportTable, values: CstValues) -> None:
        self._imports = imports
        self._values = values
        self.routes: list[Route] = []
        self._routes_by_function: dict[int, list[Route]] = {}
        self._annotated_aliases: dict[str, str] = {}  # ``Dep = Annotated[T, Depends()]``
        # ``app = FastAPI(...)``: (id of the function binding it, or of None, name) -> the call
        self._app_calls: dict[tuple[int, str], cst.Call] = {}
        self._alias_nodes: dict[str, cst.Subscript] = {}  # the same aliases' values
        self._parameters: dict[int, list[RouteParam]] = {}
        self._imported: dict[str, str | None] = {}  # alias -> declaration, from the index
        self._module_defs: dict[str, cst.FunctionDef | cst.ClassDef] | None = None

    # -- fed by the engine during the walk -------------------------------------------------

    def on_alias(self, targets: Sequence[cst.CSTNode], value: cst.Subscript) -> None:
        """A module-level ``Dep = Annotated[T, Depends(...)]``."""
        found = self.annotated_declaration(value)
        if found:
            for target in targets:
                if isinstance(target, cst.Name):
                    self._annotated_aliases[target.value] = found
                    self._alias_nodes[target.value] = value

    def on_function(self, node: cst.FunctionDef, scopes: Sequence[cst.CSTNode]) -> None:
        found: list[Route] = []
        for decorator in node.decorators:
            route = self._route_of(node, decorator, scopes)
            if route is not None:
                found.append(route)
        if found:
            self._routes_by_function[id(node)] = found
            self.routes.extend(found)

    def on_assign(
        self, target: cst.BaseExpression, value: cst.BaseExpression, scopes: Sequence[cst.CSTNode]
    ) -> None:
        """``app = FastAPI(...)`` in this file: the app's own call, for rules about apps."""
        if type(target) is not cst.Name or type(value) is not cst.Call:
            return
        # The call's kind was just answered for the binding (and is remembered): a cheap filter.
        if self._values.kind_of(value, scopes) != APP:
            return
        if fastapi_kind(self._imports.resolve(value.func, scopes)) == APP:  # not a factory
            self._app_calls[(id(_function_of(scopes)), target.value)] = value  # type: ignore[index]

    # -- asked by rules ---------------------------------------------------------------------

    def app_call(self, owner: cst.BaseExpression, scopes: Sequence[cst.CSTNode]) -> cst.Call | None:
        """The ``FastAPI(...)`` call of this file that the name ``owner`` holds here: bound in
        the innermost function that binds the name, or in the module."""
        if not isinstance(owner, cst.Name):
            return None
        name = owner.value
        for scope in reversed(scopes):
            if isinstance(scope, cst.ClassDef):
                continue
            found = self._app_calls.get((id(scope), name))
            if found is not None or self._imports.is_local(name, [scope]):
                return found  # bound in this function (to an app, or to something else)
        return self._app_calls.get((id(None), name))

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

    def parameters(
        self, function: cst.FunctionDef, scopes: Sequence[cst.CSTNode] = ()
    ) -> list[RouteParam]:
        """Every parameter of ``function`` with its FastAPI declaration (``route_params.py``):
        by default, ``Annotated``, an alias of this file or one imported from another
        first-party module (asked of the project index when the rule has one)."""
        found = self._parameters.get(id(function))
        if found is None:
            found = self._parameters[id(function)] = read_parameters(
                function, self._imports.resolve, scopes, self._alias_nodes.get, self._imported_alias
            )
        return found

    def module_definition(self, name: str) -> cst.FunctionDef | cst.ClassDef | None:
        """The module-level ``def``/``class`` of that name (the last one), for following a
        dependency defined in this file."""
        if self._module_defs is None:
            body = getattr(self._values, "_tree", None)
            self._module_defs = {
                statement.name.value: statement
                for statement in (body.body if body is not None else ())
                if isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            }
        return self._module_defs.get(name)

    def _imported_alias(self, annotation: cst.BaseExpression) -> str | None:
        qualified = self._imports.resolve(annotation)
        external = self._values.external
        if qualified is None or external is None or qualified.startswith(("typing", "fastapi")):
            return None
        qualified = absolute(qualified, self._values.module, self._values.package)
        if qualified not in self._imported:
            ask = getattr(external, "alias_declaration", None)
            self._imported[qualified] = ask(qualified) if ask is not None else None
        return self._imported[qualified]

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

    def _route_of(
        self, node: cst.FunctionDef, decorator: cst.Decorator, scopes: Sequence[cst.CSTNode]
    ) -> Route | None:
        call = decorator.decorator
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return None
        method = call.func.attr.value
        if method not in ROUTE_METHODS:
            return None
        if self._values.kind_of(call.func.value, scopes) not in (APP, ROUTER):
            return None
        owner = dotted_name(call.func.value) or "?"
        keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
        path_arg = keywords.get("path")
        if path_arg is None and call.args and call.args[0].keyword is None:
            path_arg = call.args[0]
        path = string_value(path_arg.value) if path_arg is not None else None
        return Route(node, decorator, call, owner, method, path, keywords)


def _function_of(scopes: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
    """The innermost function or lambda of ``scopes`` (class bodies do not bind for them)."""
    for scope in reversed(scopes):
        if not isinstance(scope, cst.ClassDef):
            return scope
    return None
