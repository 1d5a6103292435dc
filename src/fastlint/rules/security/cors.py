"""FST401: ``CORSMiddleware`` allowing every origin."""

from __future__ import annotations

import re

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.security import CORS_MIDDLEWARE, MIDDLEWARE
from fastlint.rules.security._common import (
    elements,
    is_constant,
    keyword,
    positional,
    string_of,
    values_of,
)

_IMPORT = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\n"
# A regex that matches any origin once anchors and a scheme are taken off.
_SCHEME = re.compile(r"^\^?(\(?https?\??\)?|\(https\|http\)|\(http\|https\))?(:|\\:)?(//|\\/\\/)?")
_ANY = frozenset({".*", ".+", ".*?", "(.*)", "(.+)", "[^/]*", "[^/]+", r"\S*", r"\S+"})


class CorsWildcard(Rule):
    """Reports ``CORSMiddleware`` allowing every origin (FST401)."""

    code = "FST401"
    name = "cors-wildcard"
    category = "security"
    summary = '`CORSMiddleware` with `allow_origins=["*"]` (severe with `allow_credentials=True`)'
    message = (
        "CORS allows every origin: list the front-end origins, read from settings "
        "(`allow_origins=settings.CORS_ORIGINS`)"
    )
    requires_text = ("CORSMiddleware",)
    call_names = frozenset({"add_middleware", "Middleware", "CORSMiddleware"})
    docs = """
## What it does
Finds `CORSMiddleware` (from `fastapi.middleware.cors` or `starlette.middleware.cors`, also
through an alias) configured to accept every origin:

- `app.add_middleware(CORSMiddleware, allow_origins=["*"], ...)`,
  `Middleware(CORSMiddleware, allow_origins=["*"])` in `FastAPI(middleware=[...])`, and
  `CORSMiddleware(app, allow_origins=["*"])`;
- `allow_origins="*"` (a string is a sequence holding `"*"`);
- a name assigned such a list in the same function or module: `origins = ["*"]` then
  `allow_origins=origins`;
- `allow_origin_regex` that matches anything: `".*"`, `"^.*$"`, `"https?://.*"`, `".+"`.

The message says when `allow_credentials=True` is set too: that is the severe case. Origins read
from settings or the environment (`allow_origins=settings.CORS_ORIGINS`) are not reported, nor
a wildcard chosen by a condition (`["*"] if settings.DEBUG else settings.ORIGINS`).

## Why is this bad?
CORS is what stops a page on another site from reading your API's responses in a visitor's
browser. `"*"` turns that off. With `allow_credentials=True`, Starlette answers a credentialed
request by echoing the caller's `Origin`, so any website the user visits can call the API with
the user's cookies and read the answers: account data, CSRF tokens, everything.

## Example
```python
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
```

## Use instead
```python
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import settings

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.CORS_ORIGINS,  # e.g. ["https://app.example.com"]
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)
```
A public API that is meant to be called from any site, with no cookies, may keep `"*"`
without `allow_credentials`; suppress it there with `# noqa: FST401` and a comment.
"""
    valid = (
        Valid(_IMPORT + "app.add_middleware(CORSMiddleware, allow_origins=settings.ORIGINS)\n"),
        Valid(
            _IMPORT + "app.add_middleware(CORSMiddleware, allow_origins=['https://a.example'])\n"
        ),
        Valid(
            _IMPORT
            + "app.add_middleware(CORSMiddleware, allow_origins=['*'] if settings.DEBUG else [])\n"
        ),
        Valid(
            _IMPORT
            + "app.add_middleware(CORSMiddleware, allow_origin_regex=r'https://.*\\.example\\.com')\n"
        ),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "class CORSMiddleware: ...\napp.add_middleware(CORSMiddleware, allow_origins=['*'])\n"
        ),
        Valid(
            _IMPORT + "def create(origins: list[str]):\n"
            "    app.add_middleware(CORSMiddleware, allow_origins=origins)\norigins = ['*']\n"
        ),
        Valid(_IMPORT + "app.add_middleware(GZipMiddleware, allow_origins=['*'])\n"),
    )
    invalid = (
        Invalid(
            _IMPORT + "app.add_middleware(CORSMiddleware, allow_origins=['*'])\n",
            4,
            36,
            message_contains="allow_origins=settings.CORS_ORIGINS",
        ),
        Invalid(
            _IMPORT + "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=['*'],\n"
            "    allow_credentials=True,\n)\n",
            6,
            5,
            message_contains="with `allow_credentials=True`",
        ),
        Invalid(
            _IMPORT
            + "origins = ['*']\napp.add_middleware(CORSMiddleware, allow_origins=origins)\n",
            5,
            36,
            message_contains="CORS allows every origin",
        ),
        Invalid(
            _IMPORT + "def create_app():\n    origins = [\n        '*',\n    ]\n"
            "    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)\n",
            8,
            40,
            message_contains="severe",
        ),
        Invalid(
            "from starlette.middleware import Middleware\n"
            "from starlette.middleware.cors import CORSMiddleware as Cors\nfrom fastapi import FastAPI\n"
            "app = FastAPI(middleware=[Middleware(Cors, allow_origins='*')])\n",
            4,
            44,
            message_contains="CORS allows every origin",
        ),
        Invalid(
            _IMPORT + "app.add_middleware(CORSMiddleware, allow_origin_regex='^https?://.*$')\n",
            4,
            36,
            message_contains="`allow_origin_regex` matches every origin",
        ),
        Invalid(
            "from starlette.middleware.cors import CORSMiddleware\n"
            "def wrap(app):\n    return CORSMiddleware(app, allow_origins=('*',))\n",
            3,
            32,
            message_contains="CORS allows every origin",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute) and func.attr.value == "add_middleware"
        ) or self.ctx.resolve(func) in MIDDLEWARE:
            first = positional(node, 0)
            if first is None or self.ctx.resolve(first.value) not in CORS_MIDDLEWARE:
                return
        elif self.ctx.resolve(func) not in CORS_MIDDLEWARE:
            return
        credentials = keyword(node, "allow_credentials")
        severe = credentials is not None and is_constant(credentials.value, "True")
        origins = keyword(node, "allow_origins")
        if origins is not None and any(_wildcard(v) for v in values_of(self.ctx, origins.value)):
            self.report(origins, self._message('CORS allows every origin (`"*"`)', severe))
            return
        regex = keyword(node, "allow_origin_regex")
        if regex is not None and any(_any_regex(v) for v in values_of(self.ctx, regex.value)):
            self.report(regex, self._message("`allow_origin_regex` matches every origin", severe))

    @staticmethod
    def _message(what: str, severe: bool) -> str:
        if severe:
            return (
                f"{what} with `allow_credentials=True` (severe: any website can make "
                "requests with the user's cookies and read the answers): list the front-end "
                "origins, read from settings (`allow_origins=settings.CORS_ORIGINS`)"
            )
        return (
            f"{what}: list the front-end origins, read from settings "
            "(`allow_origins=settings.CORS_ORIGINS`)"
        )


def _wildcard(node: cst.BaseExpression) -> bool:
    if string_of(node) == "*":
        return True
    return any(string_of(element) == "*" for element in elements(node))


def _any_regex(node: cst.BaseExpression) -> bool:
    pattern = string_of(node)
    if pattern is None:
        return False
    rest = _SCHEME.sub("", pattern.strip(), count=1)
    if rest.endswith("$"):
        rest = rest[:-1]
    return rest in _ANY
