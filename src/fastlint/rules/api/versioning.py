"""FST212: routes an app serves outside the versioned prefix (``/api/v1``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fastapi_model import added_route, string_value
from fastlint.engine.rule import Invalid, Option, Rule, Valid
from fastlint.knowledge.fastapi import APP
from fastlint.knowledge.rest import OPERATIONAL_PATHS, OPERATIONAL_ROOTS
from fastlint.semantic.resolver import absolute

_APP = "from fastapi import FastAPI\napp = FastAPI()\n"
_MAX_DEPTH = 8


def version_pattern(prefix: str) -> re.Pattern[str]:
    """``/api/v{N}`` -> a pattern that a path under that prefix matches."""
    escaped = re.escape("/" + prefix.strip("/")) if prefix.strip("/") else ""
    return re.compile(escaped.replace(re.escape("{N}"), r"\d+(?:\.\d+)?") + r"(?:/|$)")


def operational(path: str) -> bool:
    """A health check, the docs, a static file, an OAuth redirect: not a versioned API."""
    segments = path.strip("/").split("/")
    last = segments[-1]
    return (
        path in OPERATIONAL_PATHS
        or segments[0] in OPERATIONAL_ROOTS
        or ("." in last and "{" not in last)
    )


def normalized(path: str) -> str:
    """`path` with one leading `/`, no doubled or trailing `/` (the root stays `/`)."""
    path = re.sub(r"/{2,}", "/", "/" + path)
    return path.rstrip("/") or "/"


@dataclass
class _App:
    root_path: str
    findings: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    is_mounted: bool = False  # a sub-application: its paths are below the mount point


class UnversionedRoute(Rule):
    """Reports a route path or router prefix outside the versioned API prefix."""

    code = "FST212"
    name = "unversioned-route"
    category = "api"
    summary = "A route path or router prefix outside `/api/v{N}` (or the configured prefix)"
    message = "Route is outside the versioned API prefix"
    default_enabled = False
    needs_project = True  # routers included from other modules, and what they include
    requires_text = ("FastAPI",)
    call_names = frozenset({"include_router", "add_api_route", "mount"})
    options = (
        Option(
            "api-version-prefix",
            str,
            "/api/v{N}",
            "The prefix every API path must start with; `{N}` stands for a version number "
            "(`1`, `2`, `1.1`).",
        ),
    )
    docs = """
## What it does
Follows each `FastAPI(...)` app created in the file down to its routes: the routes declared on
the app itself (`@app.get`, `app.add_api_route`), and every router it includes with
`app.include_router(router, prefix=...)`, adding the router's own `APIRouter(prefix=...)`, the
routers *it* includes (`api_router.include_router(users.router, prefix="/users")`) and their
routes' paths, across the modules of the project. A path that does not start with the
configured prefix (`api-version-prefix`, default `/api/v{N}`: `/api/v1/users`) is reported:
at the path string of a route of the app, or at the `prefix=` (else the router argument) of
the app's `include_router` call that leads to it, naming the first such path.

Only what is known is reported: a prefix or path that is not a string literal
(`prefix=settings.API_V1_STR`), a router made by a factory, a router of a library
(`fastapi_users.get_auth_router()`), or an app made elsewhere are unknown, and nothing
below an unknown prefix is reported. An app mounted in this file as a sub-application
(`app.mount("/v1", v1_app)`) is not checked; one mounted from another module cannot be seen
and is checked as an app of its own. WebSocket routes, routes with `include_in_schema=False`
and operational endpoints are not reported: `/`, `/ping`, `/status`, `/version`, paths
under `/health`, `/healthz`, `/ready`, `/livez`, `/metrics`, `/docs`, `/redoc`, `/static`,
`/assets`, `/.well-known`, `/oauth` and `/oauth2`, and files (`/manifest.json`,
`/robots.txt`). `FastAPI(root_path="/api/v1")`
counts as a prefix.

## Why is this bad?
Without a version in the path, the first breaking change to a response forces every client to
upgrade at once. With `/api/v1`, `/api/v2` can be served next to it while clients move.

## Example
```python
from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/users")


@router.get("/{user_id}")
async def read_user(user_id: int) -> dict[str, int]:
    return {"id": user_id}


app = FastAPI()
app.include_router(router)
```

## Use instead
```python
from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/users")


@router.get("/{user_id}")
async def read_user(user_id: int) -> dict[str, int]:
    return {"id": user_id}


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = FastAPI()
app.include_router(router, prefix="/api/v1")
```

## Options
- `api-version-prefix` (string, default `/api/v{N}`): the prefix paths must start with;
  `{N}` is a version number. `"/v{N}"` for `/v1/users`.
"""
    valid = (
        Valid(_APP + "@app.get('/api/v1/items')\nasync def f(): ...\n"),
        Valid(_APP + "@app.get('/health')\nasync def f(): ...\n"),
        Valid(_APP + "@app.get('/health/db')\nasync def f(): ...\n"),
        Valid(_APP + "@app.get('/manifest.json')\nasync def f(): ...\n"),
        Valid(_APP + "@app.get('/oauth/{provider}/callback')\nasync def f(provider: str): ...\n"),
        Valid(_APP + "@app.get('/items', include_in_schema=False)\nasync def f(): ...\n"),
        Valid(_APP + "@app.get(path)\nasync def f(): ...\n"),
        Valid(
            _APP + "from fastapi import APIRouter\nrouter = APIRouter(prefix='/items')\n"
            "@router.get('/')\nasync def f(): ...\napp.include_router(router, prefix='/api/v2')\n"
        ),
        Valid(
            _APP + "from fastapi import APIRouter\nrouter = APIRouter(prefix='/items')\n"
            "@router.get('/')\nasync def f(): ...\n"
            "app.include_router(router, prefix=settings.API_V1_STR)\n"
        ),
        Valid(
            _APP + "from fastapi import APIRouter\nrouter = make_router()\n"
            "@router.get('/items')\nasync def f(): ...\napp.include_router(router)\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\nv1 = FastAPI()\n"
            "@v1.get('/items')\nasync def f(): ...\napp.mount('/api/v1', v1)\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI(root_path='/api/v1')\n"
            "@app.get('/items')\nasync def f(): ...\n"
        ),
        Valid(
            _APP + "@app.get('/v3/items')\nasync def f(): ...\n",
            options={"api-version-prefix": "/v{N}"},
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/items')\nasync def f(): ...\n",
            3,
            10,
            message_contains="`/items` is outside `/api/v{N}`",
        ),
        Invalid(
            _APP + "from fastapi import APIRouter\nrouter = APIRouter(prefix='/items')\n"
            "@router.get('/{item_id}')\nasync def f(item_id: int): ...\n"
            "app.include_router(router, prefix='/api')\n",
            7,
            35,
            message_contains="mounts `/api/items/{item_id}`",
        ),
        Invalid(
            _APP + "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/items')\nasync def f(): ...\napp.include_router(router)\n",
            7,
            20,
            message_contains="`router` mounts `/items`, outside `/api/v{N}`",
        ),
        Invalid(
            _APP + "@app.get('/api/v1/items')\nasync def f(): ...\n",
            3,
            10,
            options={"api-version-prefix": "/v{N}"},
            message_contains="outside `/v{N}`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._apps: dict[int, _App | None] = {}  # id of the FastAPI(...) call -> its state
        self._pattern = version_pattern(self.option("api-version-prefix"))
        if ctx.project is not None:  # this file's own routers are read from its text
            ctx.project.provide(ctx.path, ctx.text)

    # -- the apps of this file ------------------------------------------------------------------

    def _owner(self, owner: cst.BaseExpression) -> _App | None:
        """The app ``owner`` holds here; None when it is not this file's or its root path is
        not a literal (then nothing below it is known)."""
        if not isinstance(owner, cst.Name) or self.ctx.kind_of(owner) != APP:
            return None
        call = self.ctx.fastapi.app_call(owner, self.ctx.scopes)
        if call is None:
            return None
        if id(call) not in self._apps:
            self._apps[id(call)] = _app_of(call)
        return self._apps[id(call)]

    # -- routes and routers ---------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in self.ctx.fastapi.routes_of(node):
            if route.method == "websocket" or not route.include_in_schema:
                continue
            app = self._owner(route.call.func.value)  # type: ignore[attr-defined]
            path = route.keywords.get("path")
            if path is None and route.call.args and route.call.args[0].keyword is None:
                path = route.call.args[0]
            if app is not None and path is not None:
                self._route(app, path)

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.ctx.callee(node)
        if callee.receiver != APP or not isinstance(node.func, cst.Attribute):
            return
        app = self._owner(node.func.value)
        if app is None:
            if callee.method == "mount" and len(node.args) > 1:
                self._mark_mounted(node.args[1].value)
            return
        if callee.method == "add_api_route":
            path, _, keywords = added_route(node)
            schema = keywords.get("include_in_schema")
            hidden = schema is not None and getattr(schema.value, "value", None) == "False"
            if path is not None and not hidden:
                self._route(app, path)
        elif callee.method == "include_router":
            self._include(app, node)
        elif callee.method == "mount" and len(node.args) > 1:
            self._mark_mounted(node.args[1].value)

    def _mark_mounted(self, value: cst.BaseExpression) -> None:
        mounted = self._owner(value)
        if mounted is not None:
            mounted.is_mounted = True

    def _route(self, app: _App, arg: cst.Arg) -> None:
        path = string_value(arg.value)
        if path is None:
            return
        full = normalized(app.root_path + path)
        if operational(full) or self._pattern.match(full):
            return
        pattern = self.option("api-version-prefix")
        app.findings.append(
            (
                arg.value,
                f"Route path `{full}` is outside `{pattern}`; serve it under the versioned "
                "prefix (`include_router(router, prefix=...)`)",
            )
        )

    def _include(self, app: _App, node: cst.Call) -> None:
        router = next((arg for arg in node.args if arg.keyword is None), None)
        if router is None:
            router = next((a for a in node.args if a.keyword and a.keyword.value == "router"), None)
        prefix_arg = next(
            (arg for arg in node.args if arg.keyword and arg.keyword.value == "prefix"), None
        )
        if router is None or any(arg.star for arg in node.args):
            return
        prefix = string_value(prefix_arg.value) if prefix_arg is not None else ""
        qualified = self._qualified(router.value)
        if prefix is None or qualified is None:
            return  # not a literal: unknown, never reported
        found = self._first_unversioned(app.root_path + prefix, qualified, 0, set())
        if found is None:
            return
        shown = cst.Module([]).code_for_node(router.value)
        pattern = self.option("api-version-prefix")
        app.findings.append(
            (
                (prefix_arg or router).value,
                f"`{shown}` mounts `{found}`, outside `{pattern}`; include it under the "
                "versioned prefix",
            )
        )

    def _qualified(self, node: cst.BaseExpression) -> str | None:
        values = self.ctx.values
        qualified = self.ctx.resolve(node)
        if qualified is not None:
            return absolute(qualified, values.module, values.package)
        dotted = cst.Module([]).code_for_node(node)
        head = dotted.partition(".")[0]
        if isinstance(node, (cst.Name, cst.Attribute)) and self.ctx.imports.is_module_definition(
            head
        ):
            return f"{values.module}.{dotted}" if values.module else None
        return None

    def _first_unversioned(
        self, prefix: str, router: str, depth: int, seen: set[str]
    ) -> str | None:
        """The first known path below ``prefix`` + the router's own prefix that is outside the
        versioned prefix; None when every known path is inside (or nothing is known)."""
        project = self.ctx.project
        if project is None or depth > _MAX_DEPTH or router in seen:
            return None
        seen.add(router)
        facts = project.router(router)
        if facts is None or facts.prefix is None:
            return None
        base = prefix + facts.prefix
        if self._pattern.match(normalized(base)):
            return None
        for path in facts.paths:
            if path is not None:
                full = normalized(base + path)
                if not operational(full) and not self._pattern.match(full):
                    return full
        for target, sub_prefix in facts.includes:
            if sub_prefix is not None:
                found = self._first_unversioned(base + sub_prefix, target, depth + 1, seen)
                if found is not None:
                    return found
        return None

    def leave_Module(self, original_node: cst.Module) -> None:
        for app in self._apps.values():
            if app is not None and not app.is_mounted:
                for node, message in app.findings:
                    self.report(node, message)


def _app_of(call: cst.Call) -> _App | None:
    root = next(
        (arg for arg in call.args if arg.keyword and arg.keyword.value == "root_path"), None
    )
    root_path = string_value(root.value) if root is not None else ""
    if root_path is None or any(arg.star for arg in call.args):
        return None
    return _App(root_path)
