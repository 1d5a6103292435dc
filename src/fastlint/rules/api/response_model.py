"""FST201: a route that declares no response model."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"


class MissingResponseModel(Rule):
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
    docs = """
## What it does
Finds route handlers (functions decorated by `.get`, `.post`, ... on a `FastAPI` app or an
`APIRouter`) that have neither a `response_model=` argument nor a return annotation. A
`response_class=` argument, or a return annotation naming a `Response` class, also counts as a
declaration. WebSocket routes have no response and are not checked.

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
or `@router.get("/users/{user_id}", response_model=UserPublic)`.
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
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = self.ctx.fastapi.routes_of(node)
        if not routes or node.returns is not None:
            return
        for route in routes:
            if route.method == "websocket":
                continue
            if "response_model" in route.keywords or "response_class" in route.keywords:
                continue
            self.report(node.name)
            return
