"""FST201: a route that declares no response model."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import RESPONSE

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"
_NO_CONTENT = frozenset(
    {
        "fastapi.status.HTTP_204_NO_CONTENT",
        "starlette.status.HTTP_204_NO_CONTENT",
        "http.HTTPStatus.NO_CONTENT",
    }
)


@dataclass
class _Handler:
    """A route handler without a declared model, while the walk is inside it."""

    node: cst.FunctionDef
    is_no_content: bool  # every route of it declares status code 204
    values: int = 0  # returns with a value
    responses: int = 0  # of them, returns of a response object


class MissingResponseModel(Rule):
    """Reports a route whose response has no declared type (no `response_model=`, no annotation)."""

    code = "FST201"
    name = "missing-response-model"
    category = "api"
    summary = "A route with neither `response_model=` nor a return annotation"
    message = (
        "Route declares no response model; add a return annotation with a Pydantic model "
        "(or `response_model=`)"
    )
    requires_text = ("@",)  # a route is decorated; its router may come from another module
    needs_project = True  # for routers and apps made by the project's own classes and factories
    needs_values = True  # what a return statement returns
    docs = """
## What it does
Finds route handlers (functions decorated by `.get`, `.post`, ... on a `FastAPI` app or an
`APIRouter`) that have neither a `response_model=` argument nor a return annotation. A
`response_class=` argument, or a return annotation naming a `Response` class, also counts as a
declaration. WebSocket routes have no response and are not checked.

Routes with no body for a model to validate are not reported either:
- every `return` returns a response object, which FastAPI sends as it is, whatever model is
  declared: `Response(status_code=204)`, `RedirectResponse(...)`, `StreamingResponse(...)`,
  `FileResponse(...)`, `HTMLResponse(...)`, `PlainTextResponse(...)`, `JSONResponse(...)`
  (from `fastapi`, `fastapi.responses` or `starlette.responses`), a subclass of those defined
  in the project, a name bound to one, or the injected `response: Response` parameter;
- the handler returns nothing (no `return` with a value, or `return None`) and its route
  declares `status_code=204` (or `status.HTTP_204_NO_CONTENT`, `HTTPStatus.NO_CONTENT`).

A route that returns a response object on one path and a dict, a model or an ORM object on
another is still reported: the dict goes out unfiltered. So is a route that returns what a
helper returns: the rule does not follow calls (annotate the handler `-> RedirectResponse`).

## Why is this bad?
The response model is what FastAPI uses to validate and *filter* what the endpoint returns, and
to document it in OpenAPI. Without one, whatever the handler returns is serialized as it is: a
password hash or an internal field added to the ORM object later leaks to clients, and the
generated client code has no types.

## Example
```python
from fastapi import APIRouter

from app.db import SessionDep
from app.models import User

router = APIRouter()


@router.get("/users/{user_id}")
async def get_user(user_id: int, db: SessionDep):
    return await db.get(User, user_id)
```

## Use instead
```python
from fastapi import APIRouter

from app.db import SessionDep
from app.models import User
from app.schemas import UserPublic

router = APIRouter()


@router.get("/users/{user_id}")
async def get_user(user_id: int, db: SessionDep) -> UserPublic:
    return await db.get(User, user_id)
```
or `@router.get("/users/{user_id}", response_model=UserPublic)`. These routes have no body to
model, and are not reported:
```python
from fastapi import APIRouter, Response, status
from fastapi.responses import RedirectResponse

router = APIRouter()


@router.get("/docs")
async def docs():
    return RedirectResponse("/redoc")


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int):
    ...


@router.post("/users/{user_id}/logout")
async def logout(user_id: int):
    return Response(status_code=204)
```
"""
    valid = (
        Valid(_APP + "@app.get('/')\nasync def root() -> dict[str, str]:\n    return {}\n"),
        Valid(_APP + "@app.get('/', response_model=Item)\nasync def root():\n    return {}\n"),
        Valid(_APP + "@app.get('/', response_model=None)\nasync def root():\n    return {}\n"),
        Valid(
            _APP
            + "from fastapi.responses import HTMLResponse\n"
            + "@app.get('/', response_class=HTMLResponse)\nasync def root():\n    return '<p/>'\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef root():\n    return {}\n"
        ),
        Valid(_APP + "@app.websocket('/ws')\nasync def ws(websocket):\n    pass\n"),
        Valid(_APP + "async def helper():\n    return {}\n"),
        Valid(
            _APP + "from fastapi.responses import RedirectResponse\n@app.get('/')\n"
            "async def root(next: str = ''):\n    if next:\n        return RedirectResponse(next)\n"
            "    return RedirectResponse('/docs')\n"
        ),
        Valid(
            _APP + "from fastapi import Response\n@app.delete('/x/{i}')\n"
            "async def drop(i: int):\n    return Response(status_code=204)\n"
        ),
        Valid(
            _APP + "from starlette.responses import StreamingResponse, FileResponse\n"
            "@app.get('/a')\nasync def a():\n    response = StreamingResponse(iter([b'x']))\n"
            "    return response\n@app.get('/b')\ndef b():\n    return FileResponse('b.pdf')\n"
        ),
        Valid(
            _APP + "from fastapi.responses import HTMLResponse, PlainTextResponse\n"
            "class PageResponse(HTMLResponse):\n    media_type = 'text/html; charset=utf-8'\n"
            "@app.get('/a')\nasync def a():\n    return PageResponse('<p/>')\n"
            "@app.get('/b')\nasync def b():\n    return PlainTextResponse('ok')\n"
        ),
        Valid(
            _APP
            + "from fastapi.responses import JSONResponse\n@app.get('/health', include_in_schema=False)\n"
            "async def old_health():\n    return JSONResponse(status_code=404, content={'error': 'moved'})\n"
        ),
        Valid(
            _APP + "from fastapi import Response\n@app.get('/x')\n"
            "async def x(response: Response):\n    response.headers['X'] = '1'\n    return response\n"
        ),
        Valid(
            _APP
            + "from fastapi import status\n@app.delete('/x/{i}', status_code=status.HTTP_204_NO_CONTENT)\n"
            "async def drop(i: int):\n    await remove(i)\n"
        ),
        Valid(
            _APP + "@app.delete('/x/{i}', status_code=204)\nasync def drop(i: int):\n"
            "    if not i:\n        return\n    await remove(i)\n"
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/')\nasync def root():\n    return {}\n",
            4,
            11,
            message_contains="Route declares no response model",
        ),
        Invalid(
            "from fastapi import APIRouter as R\nrouter = R(prefix='/x')\n"
            "@router.post('/')\ndef create(item: Item):\n    return item\n",
            4,
            5,
            message_contains="add a return annotation with a Pydantic model",
        ),
        Invalid(
            "import fastapi\ndef create_app():\n    app = fastapi.FastAPI()\n"
            "    @app.get('/health')\n    async def health():\n        return {'ok': True}\n"
            "    return app\n",
            5,
            15,
            message_contains="(or `response_model=`)",
        ),
        Invalid(
            _APP + "from fastapi.responses import RedirectResponse\n@app.get('/')\n"
            "async def root(next: str = ''):\n    if next:\n        return RedirectResponse(next)\n"
            "    return {'next': None}\n",
            5,
            11,
            message_contains="Route declares no response model",
        ),
        Invalid(
            _APP + "from fastapi.responses import JSONResponse\n@app.get('/')\n"
            "async def root(user):\n    if user is None:\n"
            "        return JSONResponse({'detail': 'no user'}, status_code=401)\n"
            "    return {'id': user.id, 'password_hash': user.password_hash}\n",
            5,
            11,
            message_contains="Route declares no response model",
        ),
        Invalid(
            _APP + "@app.delete('/x/{i}')\nasync def drop(i: int):\n    await remove(i)\n",
            4,
            11,
            message_contains="Route declares no response model",
        ),
        Invalid(
            _APP + "@app.post('/x', status_code=204)\nasync def make(db):\n    return db.get(1)\n",
            4,
            11,
            message_contains="Route declares no response model",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._handlers: dict[int, _Handler] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = self.ctx.fastapi.routes_of(node)
        if not routes or node.returns is not None:
            return
        undeclared = [
            route
            for route in routes
            if route.method != "websocket"
            and "response_model" not in route.keywords
            and "response_class" not in route.keywords
        ]
        if undeclared:
            is_no_content = all(
                self._no_content(route.keywords.get("status_code")) for route in undeclared
            )
            self._handlers[id(node)] = _Handler(node, is_no_content)

    def visit_Return(self, node: cst.Return) -> None:
        function = self.ctx.function
        handler = self._handlers.get(id(function)) if function is not None else None
        if handler is None:
            return
        value = node.value
        if value is None or (isinstance(value, cst.Name) and value.value == "None"):
            return
        handler.values += 1
        if self.ctx.kind_of(value) == RESPONSE:
            handler.responses += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        handler = self._handlers.pop(id(original_node), None)
        if handler is None:
            return
        if handler.values == 0 and handler.is_no_content:
            return  # 204: nothing to model
        if handler.values and handler.responses == handler.values:
            return  # sent as they are: no model applies
        self.report(original_node.name)

    def _no_content(self, argument: cst.Arg | None) -> bool:
        if argument is None:
            return False
        value = argument.value
        if isinstance(value, cst.Integer):
            return value.value == "204"
        return (
            isinstance(value, (cst.Name, cst.Attribute)) and self.ctx.resolve(value) in _NO_CONTENT
        )
