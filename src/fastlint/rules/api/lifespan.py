"""FST208: startup and shutdown handlers instead of a lifespan context manager."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import APP, ROUTER, fastapi_kind

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"
_EVENT_ARGUMENTS = frozenset({"on_startup", "on_shutdown"})


class OnEventHandler(Rule):
    """Reports startup/shutdown event handlers where a lifespan should be used."""

    code = "FST208"
    name = "on-event-handler"
    category = "api"
    summary = (
        "`on_event`, `on_startup=`/`on_shutdown=` or `add_event_handler` instead of a lifespan"
    )
    message = (
        "Startup/shutdown event handlers are deprecated; use a `lifespan` async context "
        "manager (`FastAPI(lifespan=lifespan)`)"
    )
    requires_text = ("on_event", "on_startup", "on_shutdown", "add_event_handler")
    call_names = frozenset({"on_event", "add_event_handler", "FastAPI", "APIRouter"})
    docs = """
## What it does
Finds startup and shutdown event handlers on a FastAPI app or `APIRouter`:
`@app.on_event("startup")` / `@router.on_event("shutdown")`, `app.add_event_handler(...)`, and
the `on_startup=` / `on_shutdown=` arguments of `FastAPI(...)` and `APIRouter(...)` (an empty
list or `None` is not reported). The diagnostic points at the decorator's call, the call, or
the argument. Objects that are not a FastAPI app or router (a Starlette app, another
framework's `on_event`) are not checked.

## Why is this bad?
FastAPI deprecated event handlers in favour of the lifespan protocol. A lifespan keeps
startup and shutdown together in one function, so what startup creates (a connection pool, an
HTTP client) is in scope for the shutdown that closes it, and it can hand state to requests
through `yield {...}` instead of module globals. With a `lifespan=` set, FastAPI ignores
`on_event` handlers altogether.

## Example
```python
from fastapi import FastAPI

from app.db import engine

app = FastAPI()


@app.on_event("shutdown")
async def close_engine() -> None:
    await engine.dispose()
```

## Use instead
```python
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.db import engine


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
```
"""
    valid = (
        Valid("from fastapi import FastAPI\napp = FastAPI(lifespan=lifespan)\n"),
        Valid("from fastapi import FastAPI\napp = FastAPI(on_startup=[])\n"),
        Valid("from starlette.applications import Starlette\napp = Starlette(on_startup=[f])\n"),
        Valid(
            "class Bus:\n    def on_event(self, name): ...\nbus = Bus()\n@bus.on_event('startup')\ndef f(): ...\n"
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.on_event('startup')\nasync def start(): ...\n",
            3,
            2,
            message_contains="use a `lifespan` async context manager",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter(on_shutdown=[close])\n",
            2,
            20,
            message_contains="Startup/shutdown event handlers are deprecated",
        ),
        Invalid(
            "import fastapi\napp = fastapi.FastAPI()\napp.add_event_handler('startup', connect)\n",
            3,
            1,
            message_contains="`FastAPI(lifespan=lifespan)`",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n@router.on_event('shutdown')\n"
            "def stop(): ...\n",
            3,
            2,
            message_contains="`lifespan`",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.ctx.callee(node)
        if callee.method in ("on_event", "add_event_handler"):
            first = node.args[0].value if node.args else None
            if callee.receiver in (APP, ROUTER) and not self._forwarded(first):
                self.report(node)
            return
        if fastapi_kind(callee.qualified) not in (APP, ROUTER):
            return
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value not in _EVENT_ARGUMENTS:
                continue
            value = arg.value
            empty = isinstance(value, (cst.List, cst.Tuple)) and not value.elements
            if empty or (isinstance(value, cst.Name) and value.value == "None"):
                continue
            if not self._forwarded(value):
                self.report(arg)

    def _forwarded(self, value: cst.BaseExpression | None) -> bool:
        """A parameter of the enclosing function passed on: a wrapper (FastAPI's own
        ``FastAPI.__init__`` and ``on_event``), not a handler declared here."""
        function = self.ctx.function
        if not isinstance(value, cst.Name) or not isinstance(function, cst.FunctionDef):
            return False
        params = function.params
        every = (*params.posonly_params, *params.params, *params.kwonly_params)
        return any(param.name.value == value.value for param in every)
