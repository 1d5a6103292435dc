"""FST206 and FST207: the status code of creating and deleting routes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fastapi_model import Route
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import RESPONSE
from fastlint.knowledge.http_status import HTTP_STATUS, STATUS_MODULES
from fastlint.knowledge.rest import (
    AUTH_ACTIONS,
    CREATION_SEGMENTS,
    CREATION_VERBS,
    DRY_RUN_WORDS,
)

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# ``response_class=`` values whose routes answer JSON like any other: they do not exempt.
_JSON_CLASSES = frozenset({"JSONResponse", "ORJSONResponse", "UJSONResponse"})


def words(text: str) -> list[str]:
    """``create_user`` / ``create-user`` / ``createUser`` -> ``["create", "user"]``."""
    return [word.lower() for word in _WORD.findall(text)]


def status_code_of(ctx: Context, route: Route) -> int | None:
    """The literal or named status code a route declares (``201``, ``status.HTTP_201_CREATED``,
    ``HTTPStatus.CREATED``, ``HTTP_201_CREATED`` imported from starlette); None otherwise."""
    arg = route.keywords.get("status_code")
    if arg is None:
        return None
    value = arg.value
    if isinstance(value, cst.Integer):
        return int(value.evaluated_value)
    if not isinstance(value, (cst.Name, cst.Attribute)):
        return None
    qualified = ctx.resolve(value) or ""
    module, _, name = qualified.rpartition(".")
    if module in STATUS_MODULES:
        match = re.match(r"HTTP_(\d{3})_", name)
        return int(match.group(1)) if match else None
    if module == HTTP_STATUS:
        return {"CREATED": 201, "NO_CONTENT": 204, "OK": 200, "ACCEPTED": 202}.get(name)
    return None


@dataclass
class _Handler:
    node: cst.FunctionDef
    values: int = 0  # returns with a value
    responses: int = 0  # of them, response objects


class _RouteStatusRule(Rule):
    """Follows the returns of the route handlers a subclass picks (``_wanted``)."""

    requires_text = ("@",)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._handlers: dict[int, _Handler] = {}

    def _wanted(self, node: cst.FunctionDef, routes: list[Route]) -> bool:
        raise NotImplementedError

    def _finish(self, handler: _Handler) -> None:
        raise NotImplementedError

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = self.ctx.fastapi.routes_of(node)
        if routes and self._wanted(node, routes):
            self._handlers[id(node)] = _Handler(node)

    def visit_Return(self, node: cst.Return) -> None:
        function = self.ctx.function
        handler = self._handlers.get(id(function)) if function is not None else None
        if handler is None or node.value is None:
            return
        value = node.value
        if isinstance(value, cst.Name) and value.value == "None":
            return
        handler.values += 1
        if self.ctx.kind_of(value) == RESPONSE:
            handler.responses += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        handler = self._handlers.pop(id(original_node), None)
        if handler is not None:
            self._finish(handler)

    def _answers_itself(self, handler: _Handler) -> bool:
        """Every return is a response object, or the handler takes the ``Response`` to set its
        status: the status code is decided in the body, not by the decorator."""
        if handler.values and handler.values == handler.responses:
            return True
        params = handler.node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                if self.ctx.annotation_kind(param.annotation.annotation) == RESPONSE:
                    return True
        return False


class CreateWithout201(_RouteStatusRule):
    """Reports a creating POST route that keeps the default 200 status."""

    code = "FST206"
    name = "create-without-201"
    category = "api"
    summary = "A POST route that creates something without `status_code=` (201)"
    message = (
        "POST route answers 200 by default; declare `status_code=status.HTTP_201_CREATED` "
        "for a creation (or the status it really answers)"
    )
    docs = """
## What it does
Finds POST routes (`@router.post`, or `api_route`/`add_api_route` with `methods=["POST"]`
only) that declare no `status_code=`, so FastAPI answers 200 OK.

POST also carries searches, logins, RPC actions (`/jobs/{id}/cancel`) and proxies, which
rightly answer 200, so the rule reports only the POST routes that say they create something:
- the handler's name starts with `create`, `add`, `new`, `insert`, `register` or `signup`
  (`create_order`, `add_member`), or
- the last static segment of the path is `create`, `add`, `new`, `register` or `signup`
  (`/orders/create`, `/cart/add`).

Even then it is not reported when:
- the handler's name says it only tries (`create_backfill_dry_run`, `preview_`,
  `validate_`, `check_`, `test_`, `estimate_`, `simulate_`);
- the path ends with a login segment (`/token`, `/login`, `/refresh`, `/verify`, `/callback`,
  ...): `create_access_token` at `/token` logs in;
- every `return` returns a response object (`RedirectResponse`, `JSONResponse(...,
  status_code=...)`), or the handler takes `response: Response` to set the status itself;
- `response_class=` is not a JSON response (`RedirectResponse`, `HTMLResponse`,
  `StreamingResponse`, a class of your own): form posts and streams.

Routes registered with `add_api_route(path, endpoint, ...)` are not checked (the endpoint is
defined elsewhere).

## Why is this bad?
Clients, caches and generated SDKs read the status: 201 Created says a resource was made (and
goes with a `Location` header), 200 says "here is a result". The OpenAPI schema FastAPI
generates documents the declared status only.

## Example
```python
from fastapi import APIRouter

from app.schemas import OrderIn, OrderOut

router = APIRouter()


@router.post("/orders")
async def create_order(order: OrderIn) -> OrderOut:
    return OrderOut(id=1, **order.model_dump())
```

## Use instead
```python
from fastapi import APIRouter, status

from app.schemas import OrderIn, OrderOut

router = APIRouter()


@router.post("/orders", status_code=status.HTTP_201_CREATED)
async def create_order(order: OrderIn) -> OrderOut:
    return OrderOut(id=1, **order.model_dump())


@router.post("/token")
async def login(form: OrderIn) -> dict[str, str]:
    return {"access_token": "..."}
```
"""
    valid = (
        Valid(_APP + "@app.post('/items', status_code=201)\nasync def create_item(): ...\n"),
        Valid(
            _APP + "from starlette import status\n"
            "@app.post('/items', status_code=status.HTTP_201_CREATED)\nasync def create(): ...\n"
        ),
        Valid(_APP + "@app.post('/token')\nasync def token(): ...\n"),
        Valid(_APP + "@app.post('/auth/login')\nasync def do_it(): ...\n"),
        Valid(_APP + "@app.post('/items/search')\nasync def items(): ...\n"),
        Valid(_APP + "@app.post('/jobs/{job_id}/cancel')\nasync def job(job_id: int): ...\n"),
        Valid(_APP + "@app.post('/items/{item_id}')\nasync def item(item_id: int): ...\n"),
        Valid(_APP + "@app.post('/flows')\nasync def run_flow(): ...\n"),
        Valid(
            _APP + "from fastapi.responses import RedirectResponse\n@app.post('/items')\n"
            "async def items():\n    return RedirectResponse('/', status_code=303)\n"
        ),
        Valid(
            _APP + "from fastapi.responses import HTMLResponse\n"
            "@app.post('/items', response_class=HTMLResponse)\nasync def items(): ...\n"
        ),
        Valid(
            _APP + "from fastapi import Response\n@app.post('/items')\n"
            "async def items(response: Response):\n    response.status_code = 201\n"
        ),
        Valid(_APP + "@app.api_route('/items', methods=['GET', 'POST'])\nasync def items(): ...\n"),
        Valid(_APP + "@app.get('/items')\nasync def items(): ...\n"),
        Valid(_APP + "@app.post('/')\nasync def items():\n    return {}\n"),
        Valid(_APP + "@app.post('/token')\nasync def create_access_token(): ...\n"),
        Valid(_APP + "@app.post('/models/unload')\nasync def unload_model(): ...\n"),
        Valid(_APP + "@app.post('/embeddings')\nasync def embeddings(): ...\n"),
        Valid(_APP + "@app.post('/backfills/dry_run')\nasync def create_backfill_dry_run(): ...\n"),
        Valid(_APP + "@app.delete('/items/{i}')\nasync def create_tombstone(i: int): ...\n"),
    )
    invalid = (
        Invalid(
            _APP + "@app.post('/items')\nasync def create_item():\n    return {}\n",
            4,
            11,
            message_contains="declare `status_code=status.HTTP_201_CREATED`",
        ),
        Invalid(
            _APP + "@app.post('/users/create')\nasync def user_form():\n    return {}\n",
            4,
            11,
            message_contains="POST route answers 200",
        ),
        Invalid(
            _APP + "@app.api_route('/items', methods=['post'])\nasync def add(): ...\n",
            4,
            11,
            message_contains="POST route answers 200",
        ),
        Invalid(
            _APP + "from fastapi.responses import ORJSONResponse\n"
            "@app.post('/users/register', response_class=ORJSONResponse)\n"
            "async def register(): ...\n",
            5,
            11,
            message_contains="POST route answers 200",
        ),
    )

    def _wanted(self, node: cst.FunctionDef, routes: list[Route]) -> bool:
        return any(self._creates(node, route) for route in routes)

    def _creates(self, node: cst.FunctionDef, route: Route) -> bool:
        if route.methods != frozenset({"POST"}) or "status_code" in route.keywords:
            return False
        response_class = route.response_class
        if response_class is not None:
            shown = self.ctx.resolve(response_class) or ""
            if shown.rpartition(".")[2] not in _JSON_CLASSES:
                return False
        static = [
            part for part in (route.path or "").split("/") if part and not part.startswith("{")
        ]
        last = words(static[-1]) if static else []
        if last and (last[0] in AUTH_ACTIONS or last[-1] in AUTH_ACTIONS):
            return False  # ``create_access_token`` at ``/token``: a login
        named = words(node.name.value)
        if DRY_RUN_WORDS.intersection(named):
            return False  # ``create_backfill_dry_run``, ``preview_order``: nothing is made
        return bool(named and named[0] in CREATION_VERBS) or bool(
            last and last[-1] in CREATION_SEGMENTS
        )

    def _finish(self, handler: _Handler) -> None:
        if not self._answers_itself(handler):
            self.report(handler.node.name)


class DeleteStatus(_RouteStatusRule):
    """Reports a DELETE route without an explicit status, or a 204 route that returns a body."""

    code = "FST207"
    name = "delete-status"
    category = "api"
    summary = "A DELETE route without `status_code=` (204), or a 204 route that returns a body"
    message = (
        "DELETE route answers 200 by default; declare `status_code=status.HTTP_204_NO_CONTENT` "
        "and return nothing (or `status_code=200` when it returns the deleted resource)"
    )
    docs = """
## What it does
Finds DELETE routes (`@router.delete`, or `api_route`/`add_api_route` with `methods=["DELETE"]`
only) that declare no `status_code=`, and routes of any method that declare 204 No Content
(`204`, `status.HTTP_204_NO_CONTENT`, `HTTPStatus.NO_CONTENT`) but return a value.

Not reported: handlers whose every `return` returns a response object
(`Response(status_code=204)`), and handlers that take `response: Response` to set the status.
`return None` and a bare `return` are not bodies. Routes registered with
`add_api_route(path, endpoint, ...)` are not checked (the endpoint is defined elsewhere).

## Why is this bad?
A deletion has nothing to say: 204 No Content tells clients (and generated SDKs) not to parse a
body. A 204 response that carries a body breaks HTTP: servers and proxies drop it, or clients
hang waiting for it to end. Declaring `status_code=200` explicitly is fine when the route
returns the deleted resource.

## Example
```python
from fastapi import APIRouter

router = APIRouter()


@router.delete("/items/{item_id}")
async def delete_item(item_id: int) -> None:
    ...
```

## Use instead
```python
from fastapi import APIRouter, status

router = APIRouter()


@router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: int) -> None:
    ...
```
"""
    valid = (
        Valid(
            _APP + "@app.delete('/x/{i}', status_code=204)\nasync def drop(i: int):\n    return\n"
        ),
        Valid(
            _APP + "from http import HTTPStatus\n"
            "@app.delete('/x/{i}', status_code=HTTPStatus.NO_CONTENT)\nasync def drop(i: int):\n"
            "    return None\n"
        ),
        Valid(
            _APP
            + "@app.delete('/x/{i}', status_code=200)\nasync def drop(i: int):\n    return {'id': i}\n"
        ),
        Valid(
            _APP + "from fastapi import Response\n@app.delete('/x/{i}')\nasync def drop(i: int):\n"
            "    return Response(status_code=204)\n"
        ),
        Valid(
            _APP + "from fastapi import Response, status\n"
            "@app.post('/x', status_code=status.HTTP_204_NO_CONTENT)\nasync def x():\n"
            "    return Response(status_code=status.HTTP_204_NO_CONTENT)\n"
        ),
        Valid(_APP + "@app.api_route('/x', methods=['GET', 'DELETE'])\nasync def x(): ...\n"),
    )
    invalid = (
        Invalid(
            _APP + "@app.delete('/x/{i}')\nasync def drop(i: int):\n    pass\n",
            4,
            11,
            message_contains="declare `status_code=status.HTTP_204_NO_CONTENT`",
        ),
        Invalid(
            _APP + "from starlette.status import HTTP_204_NO_CONTENT\n"
            "@app.delete('/x/{i}', status_code=HTTP_204_NO_CONTENT)\nasync def drop(i: int):\n"
            "    return {'deleted': i}\n",
            5,
            11,
            message_contains="returns a body",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.api_route('/x', methods=['DELETE'])\nasync def drop(): ...\n",
            4,
            11,
            message_contains="DELETE route answers 200",
        ),
    )

    def _wanted(self, node: cst.FunctionDef, routes: list[Route]) -> bool:
        return any(
            route.methods == frozenset({"DELETE"}) and "status_code" not in route.keywords
            for route in routes
        ) or any(status_code_of(self.ctx, route) == 204 for route in routes)

    def _finish(self, handler: _Handler) -> None:
        routes = self.ctx.fastapi.routes_of(handler.node)
        if any(status_code_of(self.ctx, route) == 204 for route in routes):
            if handler.values > handler.responses:
                self.report(
                    handler.node.name,
                    "Route declares 204 No Content but returns a body; return nothing "
                    "(or declare the status code it answers)",
                )
            return
        if not self._answers_itself(handler):
            self.report(handler.node.name)
