"""FST101: a blocking call in the body of an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import FIX_NONE, Invalid, Rule, Valid
from fastlint.rules.async_.options import BLOCKING_OPTIONS, blocking_policy


class BlockingCallInAsync(Rule):
    code = "FST101"
    name = "blocking-call-in-async"
    summary = "A blocking call (sleep, sync HTTP, files, subprocess, sync DB) inside `async def`"
    message = "Blocking call inside `async def`; use an async alternative or `asyncio.to_thread`"
    category = "async"
    fix = FIX_NONE  # unsafe (time.sleep -> await asyncio.sleep) once `--fix` exists
    requires_text = ("async",)
    needs_values = True
    options = BLOCKING_OPTIONS
    docs = """
## What it does
Finds calls that block the running thread inside the body of an `async def`: `time.sleep`,
`requests`, `urllib.request.urlopen`, sync `httpx`, `subprocess`, `os.system`, builtin `open`
and `pathlib.Path` reads and writes, blocking `socket` calls, sync database drivers (`sqlite3`,
`psycopg2`, `pymysql`, `redis.Redis`), `input()`, and the methods of clients made from them
(`requests.Session()`, `httpx.Client()`, `sqlite3.connect()`...) in the same function, class
or module. Names are resolved through imports, so `from time import sleep as nap` is still
`time.sleep`, while a function of your own named `sleep` is not.

Only code that runs in the coroutine's own body counts: a sync `def` or `lambda` nested inside
the `async def` runs wherever it is called, and is not reported here.

## Why is this bad?
An `async def` endpoint runs on the event loop, which serves every request of the worker. A
blocking call stops the loop: while one request sleeps for a second, no other request makes any
progress. Latency grows with load and health checks time out.

## Example
```python
import time

import requests
from fastapi import APIRouter

router = APIRouter()


@router.get("/weather/{city}")
async def weather(city: str) -> dict:
    time.sleep(1)
    return requests.get(f"https://api.example.com/{city}").json()
```

## Use instead
```python
import asyncio

import httpx
from fastapi import APIRouter

router = APIRouter()


@router.get("/weather/{city}")
async def weather(city: str) -> dict:
    await asyncio.sleep(1)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"https://api.example.com/{city}")
    return response.json()
```
When no async library exists, run the call in a worker thread:
`await asyncio.to_thread(blocking_function, arg)`.
"""
    valid = (
        Valid("import asyncio\nasync def f():\n    await asyncio.sleep(1)\n"),
        Valid("import time\ndef f():\n    time.sleep(1)\n"),
        Valid(
            "import time\nasync def f():\n    def inner():\n        time.sleep(1)\n    return inner\n"
        ),
        Valid("def sleep(x):\n    pass\nasync def f():\n    sleep(1)\n"),
        Valid("from time import sleep\nasync def f(sleep):\n    sleep(1)\n"),
        Valid("import asyncio, time\nasync def f():\n    await asyncio.to_thread(time.sleep, 1)\n"),
        Valid(
            "import aiofiles\nasync def f():\n    async with aiofiles.open('x') as fh:\n        pass\n"
        ),
        Valid(
            "import time\nasync def f():\n    time.sleep(1)\n",
            {"allowed-blocking-calls": ["time.sleep"]},
        ),
        Valid("import requests\nasync def f():\n    return lambda: requests.get('u')\n"),
        Valid(
            "import requests\nsession = requests.Session()\n"
            "async def f(session):\n    await session.get('u')\n"
            "async def g():\n    session = make_async_session()\n    await session.get('u')\n"
        ),
    )
    invalid = (
        Invalid(
            "from time import sleep as nap\nasync def f():\n    nap(1)\n",
            3,
            5,
            message_contains="asyncio.sleep",
        ),
        Invalid(
            "import requests as r\nasync def f():\n    return r.get('u')\n",
            3,
            12,
            message_contains="`requests.get()` blocks the event loop in `async def f`; use `httpx.AsyncClient`",
        ),
        Invalid(
            "async def f():\n    with open('x') as fh:\n        return fh.read()\n",
            2,
            10,
            message_contains="`open()` blocks the event loop in `async def f`; use `anyio.open_file`",
        ),
        Invalid(
            "import requests\ns = requests.Session()\nasync def f():\n    s.get('u')\n",
            4,
            5,
            message_contains="`s.get()` on a `requests.Session` blocks the event loop",
        ),
        Invalid(
            "import httpx\nasync def f():\n    with httpx.Client() as c:\n        c.get('u')\n",
            4,
            9,
            message_contains="`c.get()` on a `httpx.Client` blocks the event loop",
        ),
        Invalid(
            "import sqlite3\nconn = sqlite3.connect('x')\nasync def f():\n    conn.cursor().execute('q')\n",
            4,
            5,
            message_contains="on a `sqlite3.Cursor` blocks the event loop in `async def f`; use `aiosqlite`",
        ),
        Invalid(
            "import mylib\nasync def f():\n    mylib.slow_fetch()\n",
            3,
            5,
            {"extend-blocking-calls": ["mylib.slow_fetch"]},
            message_contains="`mylib.slow_fetch()` blocks the event loop in `async def f`; use `await asyncio.to_thread(...)`",
        ),
        Invalid(
            "from pathlib import Path\nasync def f(p: Path):\n    return p.read_text()\n",
            3,
            12,
            message_contains="`p.read_text()` on a `pathlib.Path` blocks the event loop",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._policy = blocking_policy(ctx.options)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_coroutine:
            return
        callee = self.ctx.callee(node)
        verdict = self._policy.verdict(callee)
        if verdict is None:
            return
        if verdict.client is None:
            what = f"`{verdict.what}()`"
        else:
            what = f"`{callee.shown or callee.method}()` on a `{verdict.client}`"
        function = self.ctx.function
        name = function.name.value if isinstance(function, cst.FunctionDef) else "?"
        self.report(
            node, f"{what} blocks the event loop in `async def {name}`; use {verdict.instead}"
        )
