"""FST215: Starlette's generic ``route()`` / ``add_route()`` on a FastAPI app or router."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.fastapi_model import string_value
from fastlint.engine.fix import SAFE, Fix
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid
from fastlint.knowledge.fastapi import APP, ROUTER

_APP = "from fastapi import FastAPI, Request\napp = FastAPI()\n"
_METHODS = frozenset({"get", "post", "put", "patch", "delete", "options", "head", "trace"})
_REQUEST = frozenset({"fastapi.Request", "fastapi.requests.Request", "starlette.requests.Request"})


class GenericRouteDecorator(Rule):
    """Reports `@app.route(...)`/`add_route` where a method decorator (`.get`, `.post`) fits."""

    code = "FST215"
    name = "generic-route-decorator"
    category = "api"
    summary = "`@app.route(...)`/`add_route` instead of a method decorator (`.get`, `.post`...)"
    message = (
        "Starlette's `route()` bypasses FastAPI (no validation, no OpenAPI); use a method "
        "decorator (`.get`, `.post`, ...) or `api_route(..., methods=[...])`"
    )
    fix = FIX_SAFE
    requires_text = ("route(",)
    call_names = frozenset({"add_route"})
    docs = """
## What it does
Finds Starlette's generic routes on a FastAPI app or `APIRouter`: the `@app.route(path,
methods=[...])` decorator and `app.add_route(path, endpoint)`. FastAPI's own
`@app.api_route(..., methods=[...])` and `add_api_route(...)` are FastAPI routes and are not
reported; neither are `route()` methods of other objects (a Flask app, a Starlette `Router`).

## Why is this bad?
These are Starlette routes: the endpoint gets the raw `Request`, its parameters are not
validated, dependencies do not run, its response is not serialized by a response model, and
it does not appear in the OpenAPI schema. Starlette deprecated the decorator. A method
decorator says which method the route answers, right where it is declared.

## Example
```python
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.route("/ping", methods=["GET"])
async def ping(request: Request) -> PlainTextResponse:
    return PlainTextResponse("pong")
```

## Use instead
```python
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/ping")
async def ping(request: Request) -> PlainTextResponse:
    return PlainTextResponse("pong")
```

## Fix
`@app.route(path, methods=["GET"])` with exactly one literal method becomes `@app.get(path)`
(the other arguments, `name=` and `include_in_schema=`, are kept). The fix is offered only
when the endpoint's parameters are all annotated with `Request` (or it has none), so that
FastAPI passes it the same request: an unannotated `request` parameter would become a
required query parameter. A `route()` without `methods=` (GET and HEAD in Starlette), with
several methods, and `add_route(...)` get no fix.
"""
    valid = (
        Valid(_APP + "@app.get('/ping')\nasync def ping(request: Request): ...\n"),
        Valid(_APP + "@app.api_route('/ping', methods=['GET', 'POST'])\nasync def ping(): ...\n"),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef index(): ...\n"
        ),
        Valid(
            "from starlette.applications import Starlette\napp = Starlette()\n"
            "@app.route('/')\nasync def index(request): ...\n"
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.route('/ping', methods=['GET'])\nasync def ping(request: Request): ...\n",
            3,
            2,
            message_contains="use `@app.get(...)`",
            fixed=_APP + "@app.get('/ping')\nasync def ping(request: Request): ...\n",
        ),
        Invalid(
            _APP + "@app.route('/ping', methods=['post'], name='ping')\nasync def ping(): ...\n",
            3,
            2,
            message_contains="use `@app.post(...)`",
            fixed=_APP + "@app.post('/ping', name='ping')\nasync def ping(): ...\n",
        ),
        Invalid(
            _APP + "@app.route('/ping', methods=['GET'])\nasync def ping(request): ...\n",
            3,
            2,
            message_contains="use `@app.get(...)`",
            fixed=None,
        ),
        Invalid(
            _APP + "@app.route('/ping', methods=['GET', 'POST'])\nasync def ping(request): ...\n",
            3,
            2,
            message_contains="`api_route(..., methods=[...])`",
            fixed=None,
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\nrouter.add_route('/x', endpoint)\n",
            3,
            1,
            message_contains="use `add_api_route(...)` or a method decorator",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            call = decorator.decorator
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "route"
                and self.ctx.kind_of(call.func.value) in (APP, ROUTER)
            ):
                self._decorator(node, call)

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.ctx.callee(node)
        if callee.method == "add_route" and callee.receiver in (APP, ROUTER):
            self.report(
                node,
                "Starlette's `add_route()` bypasses FastAPI (no validation, no OpenAPI); "
                "use `add_api_route(...)` or a method decorator (`.get`, `.post`, ...)",
            )

    def _decorator(self, node: cst.FunctionDef, call: cst.Call) -> None:
        owner = cst.Module([]).code_for_node(call.func.value)  # type: ignore[attr-defined]
        methods_arg = next(
            (
                arg
                for arg in call.args
                if arg.keyword is not None and arg.keyword.value == "methods"
            ),
            None,
        )
        method = self._single_method(methods_arg)
        if method is None:
            self.report(call)
            return
        message = (
            f"Starlette's `route()` bypasses FastAPI (no validation, no OpenAPI); "
            f"use `@{owner}.{method}(...)`"
        )
        fix = None
        if self._takes_request_only(node):
            args = [arg for arg in call.args if arg is not methods_arg]
            if args and methods_arg is call.args[-1]:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            func = call.func.with_changes(attr=cst.Name(method))  # type: ignore[attr-defined]
            new = call.with_changes(func=func, args=args)
            fix = Fix.replace(call, new, f"Use `@{owner}.{method}(...)`", SAFE)
        self.report(call, message, fix=fix)

    @staticmethod
    def _single_method(arg: cst.Arg | None) -> str | None:
        if arg is None or not isinstance(arg.value, (cst.List, cst.Tuple)):
            return None
        elements = arg.value.elements
        if len(elements) != 1:
            return None
        value = string_value(elements[0].value)
        return value.lower() if value is not None and value.lower() in _METHODS else None

    def _takes_request_only(self, node: cst.FunctionDef) -> bool:
        params = node.params
        if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
            return False
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is None:
                return False
            if self.ctx.resolve(param.annotation.annotation) not in _REQUEST:
                return False
        return True
