"""FST217: a verb or camelCase in a path segment."""

from __future__ import annotations

import re

import libcst as cst

from fastlint.engine.fastapi_model import added_route, string_value
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import APP, ROUTER, fastapi_kind
from fastlint.knowledge.rest import PATH_VERBS, PATH_VERBS_WITH_OBJECT
from fastlint.rules.api.route_status import words

_ROUTER = "from fastapi import APIRouter\nrouter = APIRouter()\n"
_PARAMETER = re.compile(r"\{[^}]*\}")
_CAMEL = re.compile(r"[a-z0-9][A-Z]")


def path_problem(path: str) -> str | None:
    """What is wrong with the first bad segment of a path, or None. Path parameters
    (``{userId}``) are not checked: they are placeholders, never part of a URL."""
    for segment in path.split("/"):
        text = _PARAMETER.sub("", segment)
        if not text:
            continue
        said = words(text)
        if said and (
            said[0] in PATH_VERBS or (said[0] in PATH_VERBS_WITH_OBJECT and len(said) > 1)
        ):
            return (
                f"Path segment `{segment}` is a verb; name the resource (`/orders/{{order_id}}`) "
                "and let the HTTP method say the action"
            )
        if text[0].islower() and _CAMEL.search(text):
            return f"Path segment `{segment}` is camelCase; use lowercase words joined by `-`"
    return None


class NonRestfulPath(Rule):
    """Reports a route path segment that starts with a verb or is camelCase (`/getUser`)."""

    code = "FST217"
    name = "non-restful-path"
    category = "api"
    summary = "A verb or camelCase in a path segment (`/getUser`, `/create-order`)"
    message = "Path segment is not a resource name"
    default_enabled = False
    requires_text = ("@", "prefix", "add_api_route")
    call_names = frozenset({"add_api_route", "APIRouter", "include_router"})
    docs = """
## What it does
Checks the paths of routes (method decorators, `api_route`, `add_api_route`) and the
`prefix=` of `APIRouter(...)` and `include_router(...)`, segment by segment, and reports the
first segment that:
- starts with a verb: `get`, `fetch`, `retrieve`, `create`, `add`, `insert`, `update`, `modify`,
  `delete`, `remove`, `destroy`, `save`, `upsert` (`/getUser`, `/create-order`,
  `/users/delete`), or `set`, `list`, `make`, `do`, `edit`, `change` followed by another word
  (`/set-default`, `/listUsers`: alone these are also nouns or conventions, like a Rails-style
  `/posts/{id}/edit` form);
- is camelCase (`/userProfiles`). PascalCase segments are left alone: protocols such as SCIM
  define them (`/ServiceProviderConfig`, `/ResourceTypes`).

Words are split at `-`, `_` and case changes, and only the first word of a segment is compared,
so nouns that start like a verb (`/updates`, `/address`, `/settings`) are fine. Actions that
have no resource to name (`/login`, `/logout`, `/token`, `/search`, `/health`, `/me`,
`/jobs/{id}/cancel`) are not verbs of the list and are not reported. Path parameters
(`{userId}`) are never checked: they are placeholders named after the handler's Python
parameters, not part of any URL. A path that is not a string literal is not checked.

## Why is this bad?
In a REST API the path names a resource and the method says what to do with it: `GET
/users/{id}`, not `GET /getUser`. Verb paths multiply endpoints (`/createUser`, `/updateUser`,
`/deleteUser`), hide which ones are safe to retry, and break the conventions that clients,
caches and API gateways rely on. URLs are case-sensitive in their path, and mixed case is easy
to mistype: lowercase words joined by `-` are the common convention.

## Example
```python
from fastapi import APIRouter

router = APIRouter()


@router.post("/create-order")
async def create_order() -> None:
    ...
```

## Use instead
```python
from fastapi import APIRouter, status

router = APIRouter()


@router.post("/orders", status_code=status.HTTP_201_CREATED)
async def create_order() -> None:
    ...


@router.get("/users/{userId}")
async def get_user(userId: int) -> None:
    ...
```
"""
    valid = (
        Valid(_ROUTER + "@router.get('/users/{user_id}')\nasync def f(user_id: int): ...\n"),
        Valid(_ROUTER + "@router.get('/users/{userId}')\nasync def f(userId: int): ...\n"),
        Valid(_ROUTER + "@router.post('/login')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.post('/token')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/search')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/me')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/health')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/updates')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/settings/address')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/posts/{post_id}/edit')\nasync def f(post_id: int): ...\n"),
        Valid(_ROUTER + "@router.post('/jobs/{job_id}/cancel')\nasync def f(job_id: int): ...\n"),
        Valid(_ROUTER + "@router.get('/api/v1/openapi.json')\nasync def f(): ...\n"),
        Valid(_ROUTER + "@router.get('/scim/v2/ServiceProviderConfig')\nasync def f(): ...\n"),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n@app.get('/getUser')\ndef f(): ...\n"
        ),
    )
    invalid = (
        Invalid(
            _ROUTER + "@router.get('/getUser')\nasync def f(): ...\n",
            3,
            13,
            message_contains="`getUser` is a verb",
        ),
        Invalid(
            _ROUTER + "@router.post('/create-order')\nasync def f(): ...\n",
            3,
            14,
            message_contains="`create-order` is a verb",
        ),
        Invalid(
            _ROUTER + "@router.delete('/users/{user_id}/delete')\nasync def f(user_id: int): ...\n",
            3,
            16,
            message_contains="`delete` is a verb",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter(prefix='/userProfiles')\n",
            2,
            27,
            message_contains="camelCase",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "app.add_api_route('/list_users', handler)\n",
            3,
            19,
            message_contains="`list_users` is a verb",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in self.ctx.fastapi.routes_of(node):
            call = route.call
            path = route.keywords.get("path")
            if path is None and call.args and call.args[0].keyword is None:
                path = call.args[0]
            self._check(path)

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.ctx.callee(node)
        if fastapi_kind(callee.qualified) == ROUTER:
            self._check(self._keyword(node, "prefix"))
        elif callee.receiver in (APP, ROUTER):
            if callee.method == "add_api_route":
                self._check(added_route(node)[0])
            elif callee.method == "include_router":
                self._check(self._keyword(node, "prefix"))

    @staticmethod
    def _keyword(node: cst.Call, name: str) -> cst.Arg | None:
        return next(
            (arg for arg in node.args if arg.keyword is not None and arg.keyword.value == name),
            None,
        )

    def _check(self, arg: cst.Arg | None) -> None:
        if arg is None:
            return
        path = string_value(arg.value)
        problem = path_problem(path) if path is not None else None
        if problem is not None:
            self.report(arg.value, problem)
