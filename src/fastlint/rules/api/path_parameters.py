"""FST204: a ``{name}`` of the route path that the handler does not take."""

from __future__ import annotations

import re

import libcst as cst

from fastlint.engine.fastapi_model import Route
from fastlint.engine.fix import UNSAFE, Fix, insert_after, insert_before
from fastlint.engine.route_params import (
    DOUBLE_STAR,
    IMPORTED_ALIAS,
    KEYWORD_ONLY,
    POSITIONAL,
    STAR,
    RouteParam,
    dependency_of,
)
from fastlint.engine.rule import FIX_UNSAFE, Invalid, Rule, Valid
from fastlint.project.route_facts import FOLLOW, KWARGS, security_scheme
from fastlint.project.route_facts import UNKNOWN as NOT_FOLLOWED
from fastlint.semantic.resolver import absolute

# Starlette's path parameters: ``{name}`` or ``{name:converter}``.
_PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-zA-Z_][a-zA-Z0-9_]*)?}")
_APP = "from fastapi import Depends, FastAPI\napp = FastAPI()\n"
_DEPTH = 4  # dependencies of dependencies followed
UNKNOWN = None  # what a dependency takes, when it cannot be seen


def path_parameters(path: str) -> list[str]:
    """The names of the ``{...}`` parameters of a route path, in order, once each."""
    return list(dict.fromkeys(match.group(1) for match in _PARAMETER.finditer(path)))


class PathParameterMismatch(Rule):
    """Reports a `{name}` of a route path that the handler does not take as a parameter."""

    code = "FST204"
    name = "path-parameter-mismatch"
    category = "api"
    summary = "A `{name}` of the route path is not a parameter of the handler"
    message = "Path parameter is not a parameter of the handler; add it"
    fix = FIX_UNSAFE
    requires_text = ("{",)
    needs_project = True  # routers made elsewhere; ``Annotated`` aliases imported from elsewhere
    docs = """
## What it does
Finds route paths with a parameter (`{item_id}`, or `{file_path:path}` with a converter) that
the handler does not take, or takes only through `**kwargs` (FastAPI never passes path
parameters there).

A path parameter is taken when a parameter has its name (or its `alias=`: `flow_id: UUID =
Path(alias="id")` takes `{id}`), or when a dependency of the route takes it: a
`Depends(...)`/`Security(...)` parameter (by default, in `Annotated` or through an alias, also
one imported from another module of the project) or an entry of the route's `dependencies=[...]`,
whose function (or class: its `__init__` parameters, or its annotated fields for a dataclass or
Pydantic model) has a parameter of that name, directly or through its own dependencies, in
this module or in another first-party module (read from the project index). When a dependency
cannot be seen (a library's, a method, a call result, a function taking `**kwargs`) the route
is not reported: it may take the parameter. `fastapi.security` schemes
(`OAuth2PasswordBearer(...)`) read headers, not the path. Neither is a route whose router was
made with `dependencies=[...]` in this module reported, nor a path that is not a string literal.

## Why is this bad?
FastAPI matches the URL against the path, then finds nothing to give the value to: the segment is
matched and thrown away, and the handler probably uses a query parameter of a similar name or
a stale one (`/items/{item_id}` with `def read_item(id: int)` answers 422 for every request,
since `id` becomes a required query parameter).

## Example
```python
from fastapi import APIRouter

router = APIRouter()


@router.get("/items/{item_id}")
async def read_item(id: int):
    ...
```

## Use instead
```python
from fastapi import APIRouter, Depends

router = APIRouter()


@router.get("/items/{item_id}")
async def read_item(item_id: int):
    ...


async def valid_order(order_id: int):
    ...


@router.get("/orders/{order_id}", dependencies=[Depends(valid_order)])
async def read_order():
    ...
```

## Fix
Adds the missing parameter, without annotation, before the first positional parameter with a
default (else after the last positional one), where Python allows it. Unsafe: the handler's
signature changes (and so what direct callers must pass); give the parameter its type.

## Differences from ruff's FAST003
- ruff reports a path parameter that a dependency takes when the dependency is listed in the
  route's `dependencies=[...]` or sits behind an alias imported from another module; here the
  dependency is followed (in this module and, through the project index, in others), and when
  it cannot be seen the route is not reported.
- `Path(alias="id")` takes `{id}` here.
- Routes are found through the semantic model here (routers made by factories, subclasses or
  imported from another module of the project).
- Both report parameters taken only through `**kwargs`, and both follow `Depends` parameters.
"""
    valid = (
        Valid(_APP + "@app.get('/items/{item_id}')\nasync def r(item_id: int):\n    ...\n"),
        Valid(
            _APP + "@app.get('/files/{file_path:path}')\nasync def r(file_path: str):\n    ...\n"
        ),
        Valid(
            _APP + "async def valid_item(item_id: int):\n    ...\n"
            "@app.get('/items/{item_id}', dependencies=[Depends(valid_item)])\nasync def r():\n    ...\n"
        ),
        Valid(
            _APP + "async def get_item(item_id: int):\n    ...\n"
            "@app.get('/items/{item_id}')\nasync def r(item=Depends(get_item)):\n    ...\n"
        ),
        Valid(
            "from app.deps import valid_item\n"
            + _APP
            + "@app.get('/items/{item_id}')\nasync def r(item=Depends(valid_item)):\n    ...\n"
        ),
        Valid(
            "from dataclasses import dataclass\n"
            + _APP
            + "@dataclass\nclass ItemPath:\n    item_id: int\n"
            "@app.get('/items/{item_id}')\nasync def r(p: ItemPath = Depends()):\n    ...\n"
        ),
        Valid(_APP + "PATH = '/items/{item_id}'\n@app.get(PATH)\nasync def r():\n    ...\n"),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/items/{item_id}')\nasync def r(id: int):\n    ...\n",
            3,
            10,
            message_contains="`item_id`",
            fixed=_APP + "@app.get('/items/{item_id}')\nasync def r(id: int, item_id):\n    ...\n",
        ),
        Invalid(
            _APP + "async def get_db():\n    ...\n"
            "@app.get('/items/{item_id}', dependencies=[Depends(get_db)])\n"
            "async def r(q: str = ''):\n    ...\n",
            5,
            10,
            message_contains="is not a parameter of `r`",
            fixed=_APP + "async def get_db():\n    ...\n"
            "@app.get('/items/{item_id}', dependencies=[Depends(get_db)])\n"
            "async def r(item_id, q: str = ''):\n    ...\n",
        ),
        Invalid(
            _APP + "@app.get(path='/files/{file_path:path}')\nasync def r(**kwargs):\n    ...\n",
            3,
            15,
            message_contains="`**kwargs` does not receive it",
            fixed=_APP + "@app.get(path='/files/{file_path:path}')\n"
            "async def r(file_path, **kwargs):\n    ...\n",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = self.ctx.fastapi.routes_of(node)
        if not routes:
            return
        params: list[RouteParam] | None = None
        for route in routes:
            if route.path is None or "{" not in route.path or route.method == "websocket":
                continue
            wanted = path_parameters(route.path)
            if params is None:
                params = self.ctx.fastapi.parameters(node, self.ctx.scopes)
            names = set().union(
                *(param.names for param in params if param.kind not in (STAR, DOUBLE_STAR))
            )
            missing = [name for name in wanted if name not in names]
            if not missing:
                continue
            taken = self._taken(route, params)
            if taken is UNKNOWN:
                continue
            for name in missing:
                if name not in taken:
                    self._report(route, node, params, name)

    def _report(
        self, route: Route, node: cst.FunctionDef, params: list[RouteParam], name: str
    ) -> None:
        path_arg = route.keywords.get("path") or route.call.args[0]
        kwargs = any(param.kind == DOUBLE_STAR for param in params)
        message = f"Path parameter `{name}` is not a parameter of `{node.name.value}`"
        message += "; `**kwargs` does not receive it: add it" if kwargs else "; add it"
        self.report(path_arg.value, message, fix=self._fix(node, name))

    def _fix(self, node: cst.FunctionDef, name: str) -> Fix | None:
        params = node.params
        positional = [*params.posonly_params, *params.params]
        message = f"Add parameter `{name}`"
        for position, param in enumerate(positional):
            if param.default is not None:
                before = positional[position - 1].comma if position else None
                space = (
                    node.whitespace_before_params
                    if position == 0
                    else getattr(before, "whitespace_after", None)
                )
                if isinstance(space, cst.ParenthesizedWhitespace):  # one parameter a line
                    return Fix(
                        message,
                        UNSAFE,
                        (insert_before(param, f"{name},\n{space.last_line.value}"),),
                    )
                return Fix(message, UNSAFE, (insert_before(param, f"{name}, "),))
        if positional:
            last = positional[-1]
            end = last.annotation.annotation if last.annotation is not None else last.name
            return Fix(message, UNSAFE, (insert_after(end, f", {name}"),))
        for first in (params.star_arg, *params.kwonly_params, params.star_kwarg):
            if isinstance(first, (cst.Param, cst.ParamStar)):
                return Fix(message, UNSAFE, (insert_before(first, f"{name}, "),))
        return None  # ``def f():``: no node to anchor the edit to

    # -- what the route's dependencies take ----------------------------------------------------

    def _taken(self, route: Route, params: list[RouteParam]) -> set[str] | None:
        """Names the route's dependencies take; UNKNOWN when one of them cannot be seen."""
        if self._owner_dependencies(route):
            return UNKNOWN
        taken: set[str] = set()
        dependencies = route.keywords.get("dependencies")
        if dependencies is not None:
            if not isinstance(dependencies.value, (cst.List, cst.Tuple)):
                return UNKNOWN
            for element in dependencies.value.elements:
                call = element.value
                found = (
                    self._takes(dependency_of(call), _DEPTH)
                    if isinstance(call, cst.Call)
                    else UNKNOWN
                )
                if found is UNKNOWN:
                    return UNKNOWN
                taken |= found
        for param in params:
            found = self._param_takes(param, _DEPTH)
            if found is UNKNOWN:
                return UNKNOWN
            taken |= found
        return taken

    def _param_takes(self, param: RouteParam, depth: int) -> set[str] | None:
        """What the dependency behind one parameter takes (nothing for a plain parameter)."""
        if param.where == IMPORTED_ALIAS:
            return self._imported_alias(param, depth)
        if param.declaration in ("Depends", "Security"):
            return self._takes(param.dependency, depth)
        if param.declaration is None and isinstance(param.annotation, (cst.Name, cst.Attribute)):
            return self._plain_type(param.annotation)
        if param.declaration == "Path" and isinstance(param.type, cst.Name):
            # ``Annotated[ItemPath, Path()]``: a model's fields are parameters too.
            return self._takes(param.type, 1) or set()
        return set()

    def _owner_dependencies(self, route: Route) -> bool:
        """The route's router (or app) was made in this module with ``dependencies=[...]``."""
        for statement in self.ctx.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and isinstance(small.value, cst.Call)
                    and any(
                        isinstance(target.target, cst.Name) and target.target.value == route.owner
                        for target in small.targets
                    )
                ):
                    return any(
                        arg.keyword is not None and arg.keyword.value == "dependencies"
                        for arg in small.value.args
                    )
        return False

    def _takes(self, dependency: cst.BaseExpression | None, depth: int) -> set[str] | None:
        """The parameter names a dependency takes, with its own dependencies'."""
        if not isinstance(dependency, (cst.Name, cst.Attribute)) or depth == 0:
            return UNKNOWN
        qualified = self.ctx.resolve(dependency)
        if qualified is not None:  # imported: what the project index knows of it
            values = self.ctx.values
            return self._external(absolute(qualified, values.module, values.package), depth)
        if not isinstance(dependency, cst.Name):
            return UNKNOWN
        definition = self.ctx.fastapi.module_definition(dependency.value)
        if definition is None:
            return set() if self._security_scheme(dependency.value) else UNKNOWN
        if isinstance(definition, cst.ClassDef):
            return self._class_takes(definition, depth)
        return self._takes_function(definition, depth)

    def _class_takes(self, definition: cst.ClassDef, depth: int) -> set[str] | None:
        if any(arg.keyword is None for arg in definition.bases) and not self._plain_bases(
            definition
        ):
            return UNKNOWN  # fields or ``__init__`` may come from a base class
        taken: set[str] = set()
        for statement in definition.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
                found = self._takes_function(statement, depth)
                if found is UNKNOWN:
                    return UNKNOWN
                taken |= found
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        taken.add(small.target.value)
        return taken

    def _takes_function(self, function: cst.FunctionDef, depth: int) -> set[str] | None:
        taken: set[str] = set()
        for param in self.ctx.fastapi.parameters(function):
            if param.kind == DOUBLE_STAR:
                return UNKNOWN
            if param.kind in (POSITIONAL, KEYWORD_ONLY):
                taken |= param.names
            found = self._param_takes(param, depth - 1)
            if found is UNKNOWN:
                return UNKNOWN
            taken |= found
        return taken - {"self"}

    def _plain_type(self, annotation: cst.BaseExpression) -> set[str] | None:
        """A type imported from another first-party module takes nothing when the index knows
        it for a class or a function; a name it cannot find there may be an ``Annotated``
        dependency alias it failed to read (two packages of one name): UNKNOWN."""
        qualified = self.ctx.resolve(annotation)
        index = self.ctx.project
        if qualified is None or index is None:
            return set()
        values = self.ctx.values
        qualified = absolute(qualified, values.module, values.package)
        if index.definition(qualified) is None:
            return set()  # a library's type
        if index.signature(qualified) is not None or index.model_class(qualified) is not None:
            return set()
        return UNKNOWN

    def _imported_alias(self, param: RouteParam, depth: int) -> set[str] | None:
        """What the dependency of an alias imported from another module takes."""
        if param.declaration not in ("Depends", "Security", "Path"):
            return set()  # ``Annotated[str, Query()]``: a query parameter, nothing else
        qualified = self.ctx.resolve(param.annotation) if param.annotation is not None else None
        index = self.ctx.project
        if qualified is None or index is None or depth == 0:
            return UNKNOWN
        values = self.ctx.values
        target = index.alias_dependency(absolute(qualified, values.module, values.package))
        if target is None or not target.startswith(FOLLOW):
            return UNKNOWN
        return self._external(target[len(FOLLOW) :], depth - 1)

    def _external(self, qualified: str, depth: int) -> set[str] | None:
        """The names a dependency of another first-party module takes (its signature in the
        project index, its own dependencies followed)."""
        index = self.ctx.project
        if index is None or depth == 0:
            return UNKNOWN
        alias = index.alias_dependency(qualified)
        if alias is not None:
            return (
                self._external(alias[len(FOLLOW) :], depth - 1)
                if alias.startswith(FOLLOW)
                else UNKNOWN
            )
        signature = index.signature(qualified)
        if signature is None:
            return UNKNOWN
        taken: set[str] = set()
        for entry in signature:
            if entry in (KWARGS, NOT_FOLLOWED):
                return UNKNOWN
            if entry.startswith(FOLLOW):
                found = self._external(entry[len(FOLLOW) :], depth - 1)
                if found is UNKNOWN:
                    return UNKNOWN
                taken |= found
            else:
                taken.add(entry)
        return taken

    def _security_scheme(self, name: str) -> bool:
        """``oauth2_scheme = OAuth2PasswordBearer(...)`` at module level: reads headers only."""
        for statement in self.ctx.module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign)
                        and isinstance(small.value, cst.Call)
                        and any(
                            isinstance(target.target, cst.Name) and target.target.value == name
                            for target in small.targets
                        )
                    ):
                        return security_scheme(self.ctx.resolve(small.value.func))
        return False

    def _plain_bases(self, definition: cst.ClassDef) -> bool:
        """Bases whose fields are read from the class body: ``BaseModel`` and ``object``."""
        for arg in definition.bases:
            if arg.keyword is not None:
                continue
            qualified = self.ctx.resolve(arg.value) or ""
            if qualified not in (
                "pydantic.BaseModel",
                "pydantic.main.BaseModel",
                "builtins.object",
            ):
                return False
        return True
