"""FST101: a blocking call in the body of an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.imports import dotted_name
from fastlint.engine.rule import FIX_NONE, Invalid, Option, Rule, Valid
from fastlint.knowledge.blocking import (
    BLOCKING_CALLS,
    CLIENTS_BY_CONSTRUCTOR,
    CLIENTS_BY_LABEL,
    THREAD,
    ClientKind,
)

_MODULE = 0


class BlockingCallInAsync(Rule):
    code = "FST101"
    name = "blocking-call-in-async"
    summary = "A blocking call (sleep, sync HTTP, files, subprocess, sync DB) inside `async def`"
    message = "Blocking call inside `async def`; use an async alternative or `asyncio.to_thread`"
    category = "async"
    fix = FIX_NONE  # unsafe (time.sleep -> await asyncio.sleep) once `--fix` exists
    requires_text = ("async",)
    options = (
        Option(
            "extend-blocking-calls",
            list,
            [],
            "Qualified names of further functions that block, such as `mylib.slow_fetch`.",
        ),
        Option(
            "allowed-blocking-calls",
            list,
            [],
            "Qualified names from the built-in table that this project allows in `async def`.",
        ),
    )
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

@router.get("/weather")
async def weather(city: str) -> Weather:
    time.sleep(1)
    return Weather(**requests.get(f"{API}/{city}").json())
```

## Use instead
```python
import asyncio
import httpx

@router.get("/weather")
async def weather(city: str) -> Weather:
    await asyncio.sleep(1)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{API}/{city}")
    return Weather(**response.json())
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
        Invalid("import requests as r\nasync def f():\n    return r.get('u')\n", 3, 12),
        Invalid("async def f():\n    with open('x') as fh:\n        return fh.read()\n", 2, 10),
        Invalid("import requests\ns = requests.Session()\nasync def f():\n    s.get('u')\n", 4, 5),
        Invalid(
            "import httpx\nasync def f():\n    with httpx.Client() as c:\n        c.get('u')\n",
            4,
            9,
        ),
        Invalid(
            "import sqlite3\nconn = sqlite3.connect('x')\nasync def f():\n    conn.cursor().execute('q')\n",
            4,
            5,
        ),
        Invalid(
            "import mylib\nasync def f():\n    mylib.slow_fetch()\n",
            3,
            5,
            {"extend-blocking-calls": ["mylib.slow_fetch"]},
        ),
        Invalid(
            "from pathlib import Path\nasync def f(p: Path):\n    return p.read_text()\n", 3, 12
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        allowed = set(self.option("allowed-blocking-calls"))
        self._table = {name: alt for name, alt in BLOCKING_CALLS.items() if name not in allowed}
        for name in self.option("extend-blocking-calls"):
            self._table.setdefault(name, THREAD)
        # Per scope, dotted name -> the client kind it holds, or None when rebound to something
        # else (which shadows a client of the same name in an enclosing scope).
        self._bindings: dict[int, dict[str, ClientKind | None]] = {}

    # -- what names hold blocking clients ----------------------------------------------------

    def _scope_key(self, dotted: str) -> int:
        if dotted.startswith(("self.", "cls.")):
            owner = self.ctx.class_
            return id(owner) if owner is not None else _MODULE
        function = self.ctx.function
        return id(function) if function is not None else _MODULE

    def _lookup(self, dotted: str) -> ClientKind | None:
        if dotted.startswith(("self.", "cls.")):
            owner = self.ctx.class_
            return self._bindings.get(id(owner), {}).get(dotted) if owner is not None else None
        for scope in reversed(self.ctx.scopes):
            bindings = self._bindings.get(id(scope))
            if bindings and dotted in bindings:
                return bindings[dotted]
        return self._bindings.get(_MODULE, {}).get(dotted)

    def _kind_of(self, value: cst.CSTNode) -> ClientKind | None:
        if not isinstance(value, cst.Call):
            return None
        qualified = self.ctx.resolve(value.func)
        if qualified in CLIENTS_BY_CONSTRUCTOR:
            return CLIENTS_BY_CONSTRUCTOR[qualified]
        if isinstance(value.func, cst.Attribute):
            receiver = self._receiver_kind(value.func.value)
            derived = receiver.derived.get(value.func.attr.value) if receiver else None
            if derived:
                return CLIENTS_BY_LABEL[derived]
        return None

    def _receiver_kind(self, receiver: cst.CSTNode) -> ClientKind | None:
        if isinstance(receiver, cst.Call):
            return self._kind_of(receiver)
        dotted = dotted_name(receiver)
        return self._lookup(dotted) if dotted else None

    def _bind(self, target: cst.CSTNode, kind: ClientKind | None, key: int | None = None) -> None:
        dotted = dotted_name(target)
        if dotted is None:
            return
        self._bindings.setdefault(self._scope_key(dotted) if key is None else key, {})[dotted] = (
            kind
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self._kind_of(node.value)
        for target in node.targets:
            self._bind(target.target, kind)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        kind = self._kind_of(node.value) if node.value is not None else None
        if kind is None:
            kind = CLIENTS_BY_CONSTRUCTOR.get(self.ctx.resolve(node.annotation.annotation) or "")
        self._bind(node.target, kind)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, self._kind_of(node.item))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            kind = None
            if param.annotation is not None:
                annotation = param.annotation.annotation
                qualified = self.ctx.imports.resolve(annotation, [*self.ctx.scopes, node])
                kind = CLIENTS_BY_CONSTRUCTOR.get(qualified or "")
            self._bind(param.name, kind, key=id(node))  # a parameter shadows outer clients

    # -- the calls ------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_coroutine:
            return
        qualified = self.ctx.resolve(node.func)
        if qualified is not None and qualified in self._table:
            display = qualified.removeprefix("builtins.")
            self.report(node, self._message(f"`{display}()`", self._table[qualified]))
            return
        if isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            kind = self._receiver_kind(node.func.value)
            if (
                kind is not None
                and kind.blocks(method)
                and kind.label not in self._allowed_labels()
            ):
                shown = dotted_name(node.func) or f"{kind.label}.{method}"
                self.report(node, self._message(f"`{shown}()` on a `{kind.label}`", kind.instead))

    def _allowed_labels(self) -> set[str]:
        return set(self.option("allowed-blocking-calls"))

    def _message(self, what: str, instead: str) -> str:
        function = self.ctx.function
        name = function.name.value if isinstance(function, cst.FunctionDef) else "?"
        return f"{what} blocks the event loop in `async def {name}`; use {instead}"
