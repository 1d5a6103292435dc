"""FST213: a request body that no model validates (``dict``, ``Any``, ``await request.json()``)."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.route_params import DOUBLE_STAR, STAR, RouteParam
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.rules.api._types import outer_type

_DICTS = frozenset({"builtins.dict", "collections.abc.Mapping", "collections.abc.MutableMapping"})
_DICT_SPELLINGS = {"typing.MutableMapping": "collections.abc.MutableMapping"}
_ANY = frozenset({"typing.Any", "typing_extensions.Any"})
_OPEN_VALUES = frozenset({"builtins.object", "pydantic.JsonValue", "pydantic.types.JsonValue"})
_REQUESTS = frozenset({"fastapi.Request", "fastapi.requests.Request", "starlette.requests.Request"})
_APP = "from typing import Any\nfrom fastapi import Body, FastAPI, Request\napp = FastAPI()\n"


class UntypedRequestBody(Rule):
    """Reports a request body read as `dict`/`Any` or raw JSON instead of a model."""

    code = "FST213"
    name = "untyped-request-body"
    category = "api"
    summary = (
        "A request body typed `dict`/`Any` (or read with `await request.json()`) instead of a model"
    )
    message = "Request body is not validated: declare a Pydantic model for it"
    requires_text = ("dict", "Dict", "Mapping", "Any", "Body", ".json(")
    call_names = frozenset({"json"})
    needs_project = True  # for routers and apps made by the project's own classes and factories
    docs = """
## What it does
Finds route handlers that take their request body without a model to validate it:
- a parameter typed `dict`, `dict[str, Any]` (or `object`, pydantic's `JsonValue` as the value
  type), `Dict[...]`, `Mapping[...]` that FastAPI reads from the body (one with no declaration, or declared `Body(...)`; not one declared `Query`,
  `Depends`, ...);
- a parameter typed `Any`, or not annotated, declared `= Body(...)` (or
  `Annotated[Any, Body()]`);
- `await request.json()` on the route's `Request` parameter.

Not reported: untyped or `Any` parameters without `Body(...)`, which FastAPI reads from the
query string or, when their name is in the path, from the path (they are scalars, not a body);
`list[Item]` and `dict[str, int]` bodies (their items are validated); parameters of other functions than route handlers.

## Why is this bad?
A `dict` body accepts anything: missing fields, wrong types and extra keys reach your code,
which then fails with a `KeyError` (a 500) instead of a 422 that says what is wrong, and the
OpenAPI schema shows an empty object, so clients and generated SDKs know nothing about it.
A Pydantic model validates, documents and types the body in one place.

## Example
```python
from typing import Any

from fastapi import APIRouter, Request

router = APIRouter()


@router.post("/items")
async def create_item(item: dict[str, Any]):
    ...


@router.post("/webhooks")
async def webhook(request: Request):
    payload = await request.json()
    ...
```

## Use instead
```python
from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class ItemCreate(BaseModel):
    name: str
    price: float


@router.post("/items")
async def create_item(item: ItemCreate):
    ...
```
"""
    valid = (
        Valid(_APP + "@app.post('/')\nasync def r(item: Item):\n    ...\n"),
        Valid(_APP + "@app.get('/{key}')\nasync def r(key, q=None, x: Any = None):\n    ...\n"),
        Valid(_APP + "def helper(data: dict):\n    ...\n"),
        Valid(_APP + "@app.post('/')\nasync def r(counts: dict[str, int]):\n    ...\n"),
        Valid(
            "from fastapi import Depends\n"
            + _APP
            + "@app.post('/')\nasync def r(ctx: dict = Depends(get_ctx)):\n    ...\n"
        ),
        Valid(_APP + "async def helper(request: Request):\n    return await request.json()\n"),
        Valid(
            "import json\n"
            + _APP
            + "@app.post('/')\nasync def r(raw: str):\n    return json.loads(raw)\n"
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.post('/')\nasync def r(item: dict[str, Any]):\n    ...\n",
            5,
            13,
            message_contains="`item` is typed `dict[str, Any]`",
        ),
        Invalid(
            _APP + "@app.post('/')\nasync def r(data=Body(...)):\n    ...\n",
            5,
            13,
            message_contains="declare a Pydantic model",
        ),
        Invalid(
            _APP + "@app.post('/hook')\nasync def hook(request: Request):\n"
            "    payload = await request.json()\n    return payload\n",
            6,
            21,
            message_contains="`await request.json()`",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = self.ctx.fastapi.routes_of(node)
        if not routes or all(route.method == "websocket" for route in routes):
            return
        for param in self.ctx.fastapi.parameters(node, self.ctx.scopes):
            if param.kind in (STAR, DOUBLE_STAR):
                continue
            shown = self._unvalidated(param)
            if shown is not None:
                self.report(
                    param.node,
                    f"Request body `{param.name}` is {shown}, so nothing validates it: "
                    "declare a Pydantic model for it",
                )

    def _unvalidated(self, param: RouteParam) -> str | None:
        if param.declaration not in (None, "Body"):
            return None
        base, elements = outer_type(param.type, self.ctx.resolve)
        base = _DICT_SPELLINGS.get(base or "", base)
        if base in _DICTS and (len(elements) < 2 or self._anything(elements[1])):
            return f"typed `{self.ctx.module.code_for_node(param.type)}`"  # type: ignore[arg-type]
        if param.declaration == "Body" and (param.type is None or base in _ANY):
            return "not typed" if param.type is None else "typed `Any`"
        return None

    def _anything(self, value_type: cst.CSTNode) -> bool:
        """``Any``, ``object`` or pydantic's ``JsonValue``: the values are not validated."""
        qualified, _ = outer_type(value_type, self.ctx.resolve)
        return qualified in _ANY or qualified in _OPEN_VALUES

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if node.args or not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return
        function = self.ctx.function
        if not isinstance(function, cst.FunctionDef) or not self.ctx.fastapi.is_route(function):
            return
        receiver = func.value.value
        for param in self.ctx.fastapi.parameters(function):
            if param.name == receiver and param.annotation is not None:
                if self.ctx.imports.resolve(param.annotation) in _REQUESTS:
                    self.report(
                        node,
                        f"The request body is read with `await {receiver}.json()`, so nothing "
                        "validates it: declare a Pydantic model parameter for it",
                    )
                return
