"""FST103: a route handler declared with ``def`` instead of ``async def``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

_APP = "from fastapi import FastAPI, APIRouter\napp = FastAPI()\nrouter = APIRouter()\n"


class SyncRouteHandler(Rule):
    """Reports a route handler written with `def`, which FastAPI runs in a thread pool."""

    code = "FST103"
    name = "sync-route-handler"
    category = "async"
    summary = "A route handler declared with `def` instead of `async def`"
    message = (
        "Route handler is a sync `def` and runs in FastAPI's thread pool; declare it `async def` "
        "and await async I/O"
    )
    requires_text = ("@",)  # a route is decorated; its router may come from another module
    needs_project = True  # for routers and apps made by the project's own classes and factories
    docs = """
## What it does
Finds route handlers (functions decorated by `.get`, `.post`, ..., `.api_route` or `.websocket`
on a `FastAPI` app or an `APIRouter`) declared with `def` rather than `async def`. The
diagnostic points at the handler's name.

## Why is this bad?
FastAPI runs a sync handler in Starlette's thread pool (anyio's default limiter: 40 threads per
process). That keeps the event loop free, but every request in flight holds a thread: under load
the pool is exhausted and further requests queue, even when the handler only waits on the
network or the database. Each request also pays a thread hand-off, and context variables set in
middleware do not flow back. A handler that is `async def` and uses async libraries (`httpx`,
an async SQLAlchemy session) serves thousands of concurrent requests on one thread.

The house rule is "async by default": every route handler is `async def`. When a handler must
call a sync library, keep it `async def` and run that call with
`await asyncio.to_thread(...)` or `await run_in_threadpool(...)`, so the blocking part is
explicit. Pure computation with no I/O is also fine in an `async def` handler, as long as it is
short.

## Example
```python
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import User
from app.schemas import UserOut

router = APIRouter()


@router.get("/users/{user_id}")
def get_user(user_id: int, db: Session = Depends(get_db)) -> UserOut:
    return db.get(User, user_id)
```

## Use instead
```python
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import User
from app.schemas import UserOut

router = APIRouter()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@router.get("/users/{user_id}")
async def get_user(user_id: int, db: SessionDep) -> UserOut:
    return await db.get(User, user_id)
```
"""
    valid = (
        Valid(_APP + "@app.get('/')\nasync def root() -> dict:\n    return {}\n"),
        Valid(_APP + "def helper() -> dict:\n    return {}\n"),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef root():\n    return {}\n"
        ),
        Valid(
            _APP
            + "@app.middleware('http')\ndef mw(request, call_next):\n    return call_next(request)\n"
        ),
    )
    invalid = (
        Invalid(
            "from fastapi import APIRouter\n"
            "class AppRouter(APIRouter):\n    pass\n"
            "def make_router(prefix):\n    return AppRouter(prefix=prefix)\n"
            "router = make_router('/items')\n"
            "@router.get('/')\ndef items() -> list:\n    return []\n",
            8,
            5,
            message_contains="Route handler is a sync `def`",
        ),
        Invalid(
            _APP + "@app.get('/')\ndef root() -> dict:\n    return {}\n",
            5,
            5,
            message_contains="Route handler is a sync `def`",
        ),
        Invalid(
            _APP + "@router.post('/items')\ndef create(item: dict) -> dict:\n    return item\n",
            5,
            5,
            message_contains="declare it `async def` and await async I/O",
        ),
        Invalid(
            "import fastapi\ndef build():\n    app = fastapi.FastAPI()\n"
            "    @app.api_route('/x', methods=['GET'])\n    def x() -> dict:\n        return {}\n"
            "    return app\n",
            5,
            9,
            message_contains="thread pool",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is None and self.ctx.fastapi.is_route(node):
            self.report(node.name)
