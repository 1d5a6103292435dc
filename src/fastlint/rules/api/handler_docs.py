"""FST214: a route that OpenAPI shows with no description."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.fix import docstring_of
from fastlint.engine.rule import Invalid, Rule, Valid

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"


class UndocumentedRoute(Rule):
    """Reports a route with no docstring, `summary=` or `description=` for the OpenAPI page."""

    code = "FST214"
    name = "undocumented-route"
    category = "api"
    summary = "A route without a docstring, `summary=` or `description=`"
    message = "Route is undocumented: add a docstring (or `summary=`/`description=`)"
    default_enabled = False
    requires_text = ("@",)
    needs_project = True  # for routers and apps made by the project's own classes and factories
    docs = """
## What it does
Finds route handlers with no docstring whose route decorator passes neither `summary=` nor
`description=`. Routes hidden from the schema (`include_in_schema=False`) and WebSocket routes
(not in OpenAPI) are not reported. Opt-in: enable it for public APIs whose OpenAPI page is
their documentation.

## Why is this bad?
FastAPI turns the docstring into the operation's description in OpenAPI (`/docs`, `/redoc`,
generated clients). Without one the page shows only the function's name turned into a title;
readers have to guess what `Read Items Legacy` does, which errors it answers, and why.

## Example
```python
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
async def list_items():
    ...
```

## Use instead
```python
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
async def list_items():
    \"\"\"The items of the current user, newest first.\"\"\"


@router.get("/health", summary="Liveness probe")
async def health():
    ...
```
"""
    valid = (
        Valid(_APP + "@app.get('/')\nasync def r():\n    '''Root.'''\n"),
        Valid(_APP + "@app.get('/', summary='Root')\nasync def r():\n    ...\n"),
        Valid(_APP + "@app.get('/', description='Root')\nasync def r():\n    ...\n"),
        Valid(_APP + "@app.get('/', include_in_schema=False)\nasync def r():\n    ...\n"),
        Valid(_APP + "@app.websocket('/ws')\nasync def r(ws):\n    ...\n"),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/')\nasync def r():\n    return 1\n",
            4,
            11,
            message_contains="add a docstring",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = self.ctx.fastapi.routes_of(node)
        if not routes or docstring_of(_body(node)) is not None:
            return
        for route in routes:
            if route.method == "websocket" or not route.include_in_schema:
                continue
            if "summary" in route.keywords or "description" in route.keywords:
                continue
            self.report(node.name)
            return


def _body(node: cst.FunctionDef) -> list[cst.BaseStatement]:
    body = node.body
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    return [cst.SimpleStatementLine(body=body.body)]
