"""FST102: an ``async def`` calls a sync function of the project that blocks, maybe far away."""

from __future__ import annotations

import os

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.diagnostic import Related
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.project.index import BlockingAnalysis, Link
from fastlint.rules.async_.options import BLOCKING_OPTIONS, blocking_policy

_HELPERS = "import requests\ndef fetch(u):\n    return requests.get(u, timeout=5)\ndef load(u):\n    return fetch(u)\n"


def describe(called: str, chain: list[Link]) -> str:
    """``load_profile() blocks: load_profile -> fetch -> requests.get (services/profile.py:41)``"""
    names = [link.function.facts.name for link in chain]
    last = chain[-1]
    verdict = last.blocking
    blocking = last.callee
    if verdict is not None:
        blocking = verdict.what if verdict.client is None else f"{last.shown} ({verdict.what})"
    path, line = last.function.module.path, last.line
    shown = os.path.relpath(path) if os.path.isabs(path) else path
    steps = " -> ".join([*names, blocking])
    return f"`{called}()` blocks: {steps} ({shown}:{line}); call it with `await asyncio.to_thread({called}, ...)` or make it async"


def hops(chain: list[Link]) -> tuple[Related, ...]:
    """Each call of the chain as a place to jump to: ``load_profile`` calls ``fetch`` (in
    services/profile.py), ``fetch`` calls ``requests.get``, which blocks (in clients/http.py)."""
    found = []
    for link in chain:
        caller = link.function.facts.name
        called = link.shown or link.callee
        message = f"`{caller}` calls `{called}`"
        if link.blocking is not None:
            what = link.blocking.what
            message += ", which blocks" if what == called else f" ({what}), which blocks"
        found.append(Related(link.function.module.path, link.line, message))
    return tuple(found)


class TransitiveBlockingCall(Rule):
    """Reports `async def` calling a project function that blocks through a chain of sync calls."""

    code = "FST102"
    name = "transitive-blocking-call"
    category = "async"
    summary = "`async def` calls a project function that blocks (through any chain of sync calls)"
    message = (
        "Call of a sync function that blocks the event loop; use `await asyncio.to_thread(...)`"
    )
    needs_project = True
    requires_text = ("async",)
    options = BLOCKING_OPTIONS  # the same table settings as FST101
    docs = """
## What it does
Follows calls from an `async def` into the sync functions of your own project, across modules:
`async def route()` calls `load_profile()`, which calls `fetch()` in another module, which calls
`requests.get(...)`. The call in the `async def` is reported, with the chain and the place of
the blocking call in the message:
`load_profile() blocks: load_profile -> fetch -> requests.get (services/profile.py:41)`.

Calls are resolved through imports and aliases (`from services.profile import load as
load_profile`, `import services.profile as profile`, re-exports in `__init__.py`), `self.method()`
within a class, and `ClassName(...)` (its `__init__`). A function blocks when it makes a call
that FST101 reports (its table, with the same `extend-blocking-calls` and
`allowed-blocking-calls` settings), or a call of a sync SQLAlchemy session, connection or engine
that talks to the database (the methods FST301 reports: `session.execute`, `session.query`,
`session.commit`, `engine.connect`...), or calls a function that blocks; recursion and cycles
are handled. So a sync repository helper, `def get_user(db: Session, user_id: int)`, called
from an `async def` route is reported with its chain: `get_user -> db.get (Session.get)`. A
session is known in the helper from its annotation, from `with SessionLocal() as db` when the
factory is defined in the helper's own module, and from the other ways FST301 knows it in that
module (a factory imported from another module is not followed into helpers yet). The index covers the files being linted and the first-party modules they import (found
below the package roots; below a `site-packages` directory only the packages being linted), and
is built once per run. Nothing is imported or executed.

A function passed by reference is not a call: `background_tasks.add_task(load_profile, uid)`,
`await run_in_threadpool(load_profile, uid)`, `await asyncio.to_thread(load_profile, uid)` and
`loop.run_in_executor(None, load_profile, uid)` are the recommended fixes and are not reported.
Not followed either, to keep false positives out: sync functions with decorators other than
`staticmethod`, `classmethod`, `contextmanager` and `functools.wraps` (a decorator may run them
elsewhere or cache them); generators (calling one runs nothing, and Starlette iterates a sync
iterator given to `StreamingResponse` in a worker thread); and first-use initialization
(`if _registry is None: ...` on a module global or `self` attribute), a cost paid once.

## Why is this bad?
Peers only see a blocking call written directly in the `async def`. In a real service the
`requests.get` sits two modules away behind helpers with innocent names, and the endpoint stalls
the event loop, and every other request of the worker, for the whole network round trip.

## Example
A project of four files: the app, a route, a service, and an HTTP helper.
```python
# file: clients/http.py
import requests


def fetch(url: str) -> dict:
    return requests.get(url, timeout=5).json()


# file: services/profile.py
from clients.http import fetch


def load_profile(user_id: int) -> dict:
    return fetch(f"https://profiles.example.com/{user_id}")


# file: routers/users.py
from fastapi import APIRouter

from services.profile import load_profile

router = APIRouter()


@router.get("/users/{user_id}/profile")
async def profile(user_id: int) -> dict:
    return load_profile(user_id)  # load_profile -> fetch -> requests.get


# file: main.py
from fastapi import FastAPI

from routers.users import router

app = FastAPI()
app.include_router(router)
```

## Use instead
```python
# file: routers/users.py
import asyncio

from fastapi import APIRouter

from services.profile import load_profile

router = APIRouter()


@router.get("/users/{user_id}/profile")
async def profile(user_id: int) -> dict:
    return await asyncio.to_thread(load_profile, user_id)
```
or make the chain async (`httpx.AsyncClient`, `async def load_profile`, `await` at each step).
"""
    valid = (
        Valid(
            _HELPERS
            + "import asyncio\nasync def f(u):\n    return await asyncio.to_thread(load, u)\n"
        ),
        Valid(_HELPERS + "async def f(u, tasks):\n    tasks.add_task(load, u)\n"),
        Valid(_HELPERS + "def g(u):\n    return load(u)\n"),
        Valid("def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\nasync def f():\n    a(1)\n"),
        Valid(_HELPERS + "async def f(load):\n    load('u')\n"),
        Valid(
            _HELPERS + "async def f(u):\n    load(u)\n",
            {"allowed-blocking-calls": ["requests.get"]},
        ),
        Valid(
            "import functools, requests\n@functools.lru_cache\ndef conf():\n    return requests.get('u')\nasync def f():\n    conf()\n"
        ),
        Valid(
            "from sqlalchemy.orm import Session\ndef stage(db: Session, user):\n    db.add(user)\n"
            "async def f(db: Session, user):\n    stage(db, user)\n"
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "def build(db: AsyncSession, q):\n    return db.execute(q)\n"
            "async def f(db: AsyncSession, q):\n    return await build(db, q)\n"
        ),
    )
    invalid = (
        Invalid(
            _HELPERS + "async def f(u):\n    return load(u)\n",
            7,
            12,
            message_contains="load -> fetch -> requests.get",
        ),
        Invalid(
            "import time\nclass Repo:\n    def _wait(self):\n        time.sleep(1)\n"
            "    def load(self):\n        return self._wait()\n"
            "    async def run(self):\n        self.load()\n",
            8,
            9,
            message_contains="Repo.load -> Repo._wait -> time.sleep",
        ),
        Invalid(
            "import mylib\ndef a(n):\n    return b(n)\ndef b(n):\n    mylib.slow()\n    return a(n)\nasync def f():\n    a(1)\n",
            8,
            5,
            {"extend-blocking-calls": ["mylib.slow"]},
            message_contains="`a()` blocks: a -> b -> mylib.slow (example.py:5)",
        ),
        Invalid(
            "from sqlalchemy.orm import Session\n"
            "def get_user(db: Session, user_id: int):\n    return db.get(User, user_id)\n"
            "async def read_user(user_id: int, db: Session):\n    return get_user(db, user_id)\n",
            5,
            12,
            message_contains="`get_user()` blocks: get_user -> db.get (Session.get) (example.py:3)",
        ),
        Invalid(
            "from sqlalchemy import create_engine, text\nengine = create_engine('sqlite://')\n"
            "def ping():\n    with engine.connect() as conn:\n        conn.execute(text('select 1'))\n"
            "async def health():\n    ping()\n",
            7,
            5,
            message_contains="ping -> engine.connect (Engine.connect)",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        index = ctx.project
        assert index is not None  # the linter provides one to rules that need it
        index.provide(ctx.path, ctx.text)
        self._policy = blocking_policy(ctx.options)
        self._analysis: BlockingAnalysis = index.analysis(self._policy)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_coroutine:
            return
        callee = self.ctx.callee(node)
        if callee.target is None or self._policy.verdict(callee) is not None:
            return  # FST101's
        chain = self._analysis.chain(callee.target)
        if chain:
            self.report(node, describe(callee.shown or callee.target, chain), hops(chain))
