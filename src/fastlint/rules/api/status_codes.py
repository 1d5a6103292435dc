"""FST205: an integer literal where a ``status.HTTP_...`` constant says what the code means."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.fastapi_model import added_route
from fastlint.engine.fix import SAFE, Fix, NodeEdit, add_import
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid
from fastlint.knowledge.fastapi import APP, RESPONSE_CLASSES, ROUTER, fastapi_kind, response_kind
from fastlint.knowledge.http_status import HTTP_EXCEPTIONS, RENAMED, STATUS_MODULES
from fastlint.rules.api.status_names import status_name, suggested_names

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"
_EXC = "from fastapi import HTTPException\n"


def _status_integer(node: cst.CSTNode | None) -> int | None:
    """The value of an integer literal that is an HTTP status (100-599)."""
    if not isinstance(node, cst.Integer):
        return None
    value = node.evaluated_value
    return value if 100 <= value <= 599 else None


def _argument(call: cst.Call, keyword: str, position: int) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    positional = [arg for arg in call.args if arg.keyword is None]
    if position < len(positional) and not positional[position].star:
        if not any(arg.star for arg in positional[:position]):
            return positional[position]
    return None


class MagicStatusCode(Rule):
    """Reports an integer status code where a `status.HTTP_...` constant names it."""

    code = "FST205"
    name = "magic-status-code"
    category = "api"
    summary = "An integer literal status code instead of a `status.HTTP_...` constant"
    message = "Magic status code; use a `status.HTTP_...` constant"
    fix = FIX_SAFE
    requires_text = ("status_code", "HTTPException", "responses", "Response")
    call_names = frozenset(
        {"HTTPException", *RESPONSE_CLASSES, "add_api_route", "APIRouter", "include_router"}
    )
    docs = """
## What it does
Finds integer literal HTTP status codes (100 to 599) where FastAPI takes a status code:
- `status_code=` of a route decorator (`@router.post(..., status_code=201)`, `api_route`) or of
  `add_api_route(...)`;
- the status code of `HTTPException` (`fastapi`'s or `starlette`'s), the first positional
  argument or `status_code=`;
- the status code of a response (`Response`, `JSONResponse`, `RedirectResponse`,
  `HTMLResponse`, `StreamingResponse`, ... from `fastapi`, `fastapi.responses` or
  `starlette.responses`), the second positional argument or `status_code=`;
- the keys of a `responses={404: {...}}` mapping of a route decorator, `add_api_route`,
  `APIRouter(...)` or `include_router(...)`.

Names are resolved through imports: a class of your own named `HTTPException` is not checked.
Integers that are not HTTP status codes (`0`, `1000`, WebSocket close codes) or that have
no constant (nginx's `499`) are never reported, and neither is a status code held in a
variable or a named constant.

## Why is this bad?
`404` reads fine, `409`, `422` or `451` less so; `status.HTTP_409_CONFLICT` says what the
endpoint means, is found by a search for the status name, and a typo is an `AttributeError`
at import time instead of a wrong answer at run time.

## Example
```python
from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.get("/items/{item_id}", responses={404: {"description": "No such item"}})
async def get_item(item_id: int) -> dict[str, int]:
    if item_id > 10:
        raise HTTPException(404, "item not found")
    return {"id": item_id}
```

## Use instead
```python
from fastapi import APIRouter, HTTPException, status

router = APIRouter()


@router.get(
    "/items/{item_id}", responses={status.HTTP_404_NOT_FOUND: {"description": "No such item"}}
)
async def get_item(item_id: int) -> dict[str, int]:
    if item_id > 10:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    return {"id": item_id}
```

## Fix
Replaces the literal by the constant and imports `status` when needed: `from fastapi import
status` (merged into an existing `from fastapi import ...`), or `from starlette import status`
in a file that imports nothing from fastapi. An existing `from fastapi import status`, `from
starlette import status` (also under another name) or `from starlette.status import
HTTP_201_CREATED` is reused. The names are those of the installed Starlette, read from its
`starlette/status.py` source (never imported), so the deprecated names that Starlette 0.48
replaced (`HTTP_422_UNPROCESSABLE_ENTITY` is now `HTTP_422_UNPROCESSABLE_CONTENT`, and 413,
414, 416) are not written. When no Starlette is installed where fastlint runs, the constant
names that every Starlette release has are used, and those four codes get no fix (the message
names both spellings). There is no fix either when `status` is already bound to something else
in the file (a parameter or variable named `status`). The constant has the same integer value,
so the fix is safe.
"""
    valid = (
        Valid(
            _APP
            + "from fastapi import status\n@app.post('/', status_code=status.HTTP_201_CREATED)\nasync def f(): ...\n"
        ),
        Valid(
            _APP
            + "from starlette import status\n@app.post('/', status_code=status.HTTP_201_CREATED)\nasync def f(): ...\n"
        ),
        Valid(
            _APP
            + "from starlette.status import HTTP_201_CREATED\n@app.post('/', status_code=HTTP_201_CREATED)\nasync def f(): ...\n"
        ),
        Valid(
            _APP
            + "from http import HTTPStatus\n@app.post('/', status_code=HTTPStatus.CREATED)\nasync def f(): ...\n"
        ),
        Valid(_APP + "@app.post('/', status_code=CREATED)\nasync def f(): ...\n"),
        Valid("class HTTPException(Exception): ...\nraise HTTPException(404)\n"),
        Valid(_EXC + "def f(code):\n    raise HTTPException(code)\n"),
        Valid("from fastapi import WebSocketException\nraise WebSocketException(1008)\n"),
        Valid(
            "from fastapi.responses import JSONResponse\nJSONResponse({'a': 1}, headers={'x': '1'})\n"
        ),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.get('/', status_code=201)\ndef f(): ...\n"
        ),
        Valid("from fastapi.responses import JSONResponse\nJSONResponse(content={'n': 1000})\n"),
        Valid("from fastapi import Response\nResponse(status_code=499)\n"),
    )
    invalid = (
        Invalid(
            _APP + "@app.post('/', status_code=201)\nasync def f(): ...\n",
            3,
            28,
            message_contains="`status.HTTP_201_CREATED`",
            fixed="from fastapi import FastAPI, status\napp = FastAPI()\n"
            "@app.post('/', status_code=status.HTTP_201_CREATED)\nasync def f(): ...\n",
        ),
        Invalid(
            _EXC + "from fastapi import status\nraise HTTPException(404, 'no')\n",
            3,
            21,
            message_contains="Magic status code 404",
            fixed=_EXC + "from fastapi import status\n"
            "raise HTTPException(status.HTTP_404_NOT_FOUND, 'no')\n",
        ),
        Invalid(
            "from starlette.exceptions import HTTPException as E\nfrom starlette import status as s\n"
            "raise E(status_code=403)\n",
            3,
            21,
            message_contains="`status.HTTP_403_FORBIDDEN`",
            fixed="from starlette.exceptions import HTTPException as E\n"
            "from starlette import status as s\nraise E(status_code=s.HTTP_403_FORBIDDEN)\n",
        ),
        Invalid(
            "from fastapi.responses import JSONResponse\nJSONResponse({'a': 1}, 409)\n",
            2,
            24,
            message_contains="HTTP_409_CONFLICT",
            fixed="from fastapi import status\nfrom fastapi.responses import JSONResponse\n"
            "JSONResponse({'a': 1}, status.HTTP_409_CONFLICT)\n",
        ),
        Invalid(
            "from starlette.responses import Response\nResponse(status_code=204)\n",
            2,
            22,
            message_contains="HTTP_204_NO_CONTENT",
            fixed="from starlette import status\nfrom starlette.responses import Response\n"
            "Response(status_code=status.HTTP_204_NO_CONTENT)\n",
        ),
        Invalid(
            _APP + "@app.get('/', responses={404: {'description': 'x'}})\nasync def f(): ...\n",
            3,
            26,
            message_contains="HTTP_404_NOT_FOUND",
            fixed="from fastapi import FastAPI, status\napp = FastAPI()\n"
            "@app.get('/', responses={status.HTTP_404_NOT_FOUND: {'description': 'x'}})\n"
            "async def f(): ...\n",
        ),
        Invalid(
            _EXC + "def f(status: str):\n    raise HTTPException(400, status)\n",
            3,
            25,
            message_contains="HTTP_400_BAD_REQUEST",
            fixed=None,
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "router.add_api_route('/x', handler, methods=['POST'], status_code=202)\n",
            3,
            67,
            message_contains="HTTP_202_ACCEPTED",
            fixed="from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "router.add_api_route('/x', handler, methods=['POST'], "
            "status_code=status.HTTP_202_ACCEPTED)\n",
        ),
        Invalid(
            "from fastapi import status\nfrom starlette.status import HTTP_201_CREATED\n"
            "from fastapi.responses import JSONResponse\nJSONResponse({}, status_code=201)\n",
            4,
            30,
            message_contains="HTTP_201_CREATED",
            fixed="from fastapi import status\nfrom starlette.status import HTTP_201_CREATED\n"
            "from fastapi.responses import JSONResponse\nJSONResponse({}, status_code=HTTP_201_CREATED)\n",
        ),
    )

    # -- where status codes are written ---------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in self.ctx.fastapi.routes_of(node):
            self._keywords(route.keywords)

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.ctx.callee(node)
        qualified = callee.qualified
        if qualified in HTTP_EXCEPTIONS:
            self._check(_argument(node, "status_code", 0))
        elif response_kind(qualified) is not None:
            self._check(_argument(node, "status_code", 1))
        elif fastapi_kind(qualified) == ROUTER:
            self._responses(_argument(node, "responses", 99))
        elif callee.method in ("add_api_route", "include_router") and callee.receiver in (
            APP,
            ROUTER,
        ):
            self._keywords(added_route(node)[2])

    def _keywords(self, keywords: dict[str, cst.Arg]) -> None:
        self._check(keywords.get("status_code"))
        self._responses(keywords.get("responses"))

    def _responses(self, arg: cst.Arg | None) -> None:
        if arg is not None and isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                if isinstance(element, cst.DictElement):
                    self._literal(element.key)

    def _check(self, arg: cst.Arg | None) -> None:
        if arg is not None:
            self._literal(arg.value)

    # -- the finding and its fix -------------------------------------------------------------

    def _literal(self, node: cst.CSTNode) -> None:
        code = _status_integer(node)
        if code is None:
            return
        name = status_name(code)
        if name is None and code not in RENAMED:
            return  # no constant to use (499 of nginx, 299...)
        message = f"Magic status code {code}: use {suggested_names(code)}"
        written = self._constant(name) if name is not None else None
        fix = None
        if written is not None:
            expression, edits = written
            fix = Fix.replace(node, expression, f"Replace with `{expression}`", SAFE).with_edits(
                edits
            )
        self.report(node, message, fix=fix)

    def _constant(self, name: str) -> tuple[str, tuple[NodeEdit, ...]] | None:
        """How to write ``status.<name>`` here, and the import it needs."""
        imports = self.ctx.imports
        scopes = self.ctx.scopes
        module_alias = None
        for local, qualified in imports.module_imports.items():
            if imports.resolve_name(local, scopes) != qualified:
                continue  # shadowed here
            module, _, last = qualified.rpartition(".")
            if last == name and module in STATUS_MODULES:
                return local, ()
            if qualified in STATUS_MODULES and module_alias is None:
                module_alias = local
        if module_alias is not None:
            return f"{module_alias}.{name}", ()
        uses_fastapi = any(
            qualified.startswith("fastapi") for qualified in imports.module_imports.values()
        )
        added = add_import(self.ctx, "fastapi" if uses_fastapi else "starlette", "status")
        if added is None:
            return None
        local, edits = added
        return f"{local}.{name}", edits
