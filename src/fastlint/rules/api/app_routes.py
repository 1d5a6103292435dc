"""FST209: routes declared on the app instead of on routers."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Option, Rule, Valid
from fastlint.knowledge.fastapi import APP


def _routes(count: int) -> str:
    return "".join(f"@app.get('/r{i}')\nasync def r{i}(): ...\n" for i in range(count))


_APP = "from fastapi import FastAPI\napp = FastAPI()\n"


@dataclass
class _App:
    name: str
    call: cst.Call
    routes: int = 0


class RoutesOnApp(Rule):
    """Reports routes declared on the `FastAPI` app itself beyond `max-app-routes`."""

    code = "FST209"
    name = "routes-on-app"
    category = "api"
    summary = "More than `max-app-routes` (default 3) routes declared on the `FastAPI` app"
    message = "Too many routes on the app; declare them on an `APIRouter` and `include_router` it"
    requires_text = ("FastAPI",)
    call_names = frozenset({"route", "add_api_route", "add_route", "add_websocket_route"})
    options = (
        Option(
            "max-app-routes",
            int,
            3,
            "The most routes a `FastAPI` app may declare itself (on `@app.get`, `@app.post`, "
            "`app.add_api_route`, ...) before they belong on a router.",
        ),
    )
    docs = """
## What it does
Counts the routes each `FastAPI(...)` app of a file declares directly: `@app.get`/`.post`/...,
`@app.api_route`, `@app.websocket`, `@app.route`, `app.add_api_route(...)`,
`app.add_route(...)` and `app.add_websocket_route(...)`, where `app` is the name the
`FastAPI(...)` call is assigned to (at module level or in an app factory function). An app
with more than `max-app-routes` (default 3) is reported once, at its `FastAPI(...)` call, with
the number of routes. Routes of an `APIRouter`, and routes added in another module to an app
imported from here, are not counted.

## Why is this bad?
Routes on the app itself cannot be grouped, prefixed, tagged, given shared dependencies or
tested in isolation; the app module grows into a god module that every feature edits. An
`APIRouter` per feature (`app/api/routes/users.py`) keeps them apart, and the app module only
assembles them. A few routes on the app (a health check, a root redirect) are fine: that is
what the limit allows.

## Example
With `max-app-routes = 1` to keep the example short (the default is 3):
```toml
[tool.fastlint]
max-app-routes = 1
```
```python
from fastapi import FastAPI

app = FastAPI()


@app.get("/users")
async def list_users() -> list[str]:
    return []


@app.get("/items")
async def list_items() -> list[str]:
    return []
```

## Use instead
```python
from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.get("/users")
async def list_users() -> list[str]:
    return []


@router.get("/items")
async def list_items() -> list[str]:
    return []


app = FastAPI()
app.include_router(router)
```

## Options
- `max-app-routes` (integer, at least 1, default 3): the most routes an app may declare.
"""
    valid = (
        Valid(_APP + _routes(3)),
        Valid(_APP + _routes(5), options={"max-app-routes": 5}),
        Valid("from fastapi import APIRouter, FastAPI\napp = APIRouter()\n" + _routes(5)),
        Valid("from flask import Flask as FastAPI\napp = FastAPI()\n" + _routes(5)),
        Valid(
            "from fastapi import FastAPI\ndef make():\n    app = FastAPI()\n    return app\n"
            "app = FastAPI()\n"
            "def other():\n    app = make()\n"
            + "".join(f"    @app.get('/r{i}')\n    async def r{i}(): ...\n" for i in range(5))
        ),
    )
    invalid = (
        Invalid(_APP + _routes(4), 2, 7, message_contains="App `app` declares 4 routes"),
        Invalid(
            "import fastapi\napi: fastapi.FastAPI = fastapi.FastAPI(title='x')\n"
            "@api.get('/a')\nasync def a(): ...\napi.add_api_route('/b', b)\n",
            2,
            24,
            options={"max-app-routes": 1},
            message_contains="declares 2 routes (more than 1)",
        ),
        Invalid(
            "from fastapi import FastAPI\ndef create_app():\n    app = FastAPI()\n"
            + "".join(f"    @app.post('/r{i}')\n    async def r{i}(): ...\n" for i in range(4))
            + "    return app\n",
            3,
            11,
            message_contains="declare them on an `APIRouter`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._apps: dict[int, _App] = {}  # id of the FastAPI(...) call -> its count

    # -- the apps (the FastAPI model knows which ``FastAPI(...)`` a name holds) ----------------

    def _owner(self, owner: cst.BaseExpression) -> _App | None:
        call = self.ctx.fastapi.app_call(owner, self.ctx.scopes)
        if call is None:
            return None
        found = self._apps.get(id(call))
        if found is None:
            found = self._apps[id(call)] = _App(owner.value, call)  # type: ignore[attr-defined]
        return found

    # -- the routes ---------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in self.ctx.fastapi.routes_of(node):
            self._count(route.call.func)

    def visit_Call(self, node: cst.Call) -> None:
        self._count(node.func)

    def _count(self, func: cst.BaseExpression) -> None:
        if isinstance(func, cst.Attribute) and self.ctx.kind_of(func.value) == APP:
            app = self._owner(func.value)
            if app is not None:
                app.routes += 1

    def leave_Module(self, original_node: cst.Module) -> None:
        limit = self.option("max-app-routes")
        for app in self._apps.values():
            if app.routes > limit:
                self.report(
                    app.call,
                    f"App `{app.name}` declares {app.routes} routes (more than {limit}); "
                    "declare them on an `APIRouter` and include it with `include_router`",
                )
