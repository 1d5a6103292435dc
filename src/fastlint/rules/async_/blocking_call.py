"""FST101: a blocking call in the body of an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import FIX_UNSAFE, Invalid, Rule, Valid
from fastlint.rules.async_.blocking_fix import SLEEP, sleep_fix
from fastlint.rules.async_.options import BLOCKING_OPTIONS, blocking_policy


class BlockingCallInAsync(Rule):
    """Reports a call that blocks the event loop, made directly inside `async def`."""

    code = "FST101"
    name = "blocking-call-in-async"
    summary = "A blocking call (sleep, sync HTTP, files, subprocess, sync DB) inside `async def`"
    message = "Blocking call inside `async def`; use an async alternative or `asyncio.to_thread`"
    category = "async"
    fix = FIX_UNSAFE  # time.sleep(x) -> await asyncio.sleep(x) (blocking_fix.py); nothing else
    requires_text = ("async",)
    options = BLOCKING_OPTIONS
    docs = """
## What it does
Finds calls that block the running thread inside the body of an `async def`, each with what
to use instead:

- `time.sleep`, `input()`;
- HTTP: `requests`, sync `httpx` and `httpx.Client`, `urllib.request.urlopen` and openers,
  `http.client` connections;
- processes: `subprocess`, `os.system`, `os.popen`, `os.wait*`;
- files: builtin `open`; `pathlib.Path` reads, writes, `open`, `mkdir`, `unlink`, `rename`,
  `iterdir`, `glob`...; `os` calls that change or list a directory (`remove`, `unlink`,
  `rename`, `replace`, `makedirs`, `mkdir`, `rmdir`, `removedirs`, `listdir`, `scandir`,
  `walk`, `truncate`, `fsync`, `sendfile`); `shutil` copies, moves, archives and `rmtree`;
  `glob.glob`;
- network: `socket` connects, sends and receives, and DNS lookups (`getaddrinfo`,
  `gethostbyname`, `getfqdn`...); `smtplib.SMTP`/`SMTP_SSL` (the constructor connects) and
  their methods (`login`, `starttls`, `sendmail`, `send_message`, `quit`...);
- sync database and cache drivers: `sqlite3`, `psycopg2` (connections, cursors, pools),
  psycopg 3's sync `Connection`, `pymysql`/`MySQLdb`/`mysql.connector`, `redis.Redis` (and
  its pipelines, pub/sub and locks);
- AWS: the methods of `boto3.client(...)`, `boto3.resource(...)`, `session.client(...)` and
  `boto3.session.Session().resource(...)` objects, their sub-resources (`s3.Bucket(...)`,
  `s3.Object(...)`) and waiters, which are all network round trips. Not reported, because they
  do no I/O: making a client or resource, `generate_presigned_url`, `generate_presigned_post`,
  `get_paginator`, `get_waiter`, `can_paginate`, `close`, and sub-resource constructors.

The methods count on objects made in the same function, class or module (`s = requests.Session()`,
`s3 = boto3.client("s3")`, `with smtplib.SMTP(host) as server:`), declared by an annotation
(`p: Path`, `conn: psycopg2.extensions.connection`), or imported from another module of the
project. Names are resolved through imports, so `from time import sleep as nap` is still
`time.sleep`, while a function of your own named `sleep` is not.

Not reported: single metadata reads of one file (`os.stat`, `os.path.exists`, `isfile`,
`getsize`, `os.access`, `Path.exists`, `Path.stat`): on a local disk the kernel answers them
from its cache in microseconds, and they are everywhere. Sync SQLAlchemy sessions, connections
and engines are FST301's. Only code that runs in the coroutine's own body counts: a sync `def`
or `lambda` nested inside the `async def` runs wherever it is called, and is not reported here.

## Why is this bad?
An `async def` endpoint runs on the event loop, which serves every request of the worker. A
blocking call stops the loop: while one request sleeps for a second, no other request makes any
progress. Latency grows with load and health checks time out.

## Example
```python
import shutil
import time

import requests
from fastapi import APIRouter

router = APIRouter()


@router.get("/weather/{city}")
async def weather(city: str) -> dict:
    time.sleep(1)
    return requests.get(f"https://api.example.com/{city}").json()


@router.delete("/workspaces/{workspace_id}", status_code=204)
async def delete_workspace(workspace_id: str) -> None:
    shutil.rmtree(f"/srv/workspaces/{workspace_id}")
```
An `async def` that moves one call to a thread and not the next:
```python
import asyncio

import boto3

s3_client = boto3.client("s3")


async def archive(bucket: str, key: str) -> None:
    source = {"Bucket": bucket, "Key": key}
    await asyncio.to_thread(
        s3_client.copy_object, Bucket=bucket, CopySource=source, Key=f"archive/{key}"
    )
    s3_client.delete_object(Bucket=bucket, Key=key)  # still on the event loop
```

## Use instead
```python
import asyncio
import shutil

import httpx
from fastapi import APIRouter

router = APIRouter()


@router.get("/weather/{city}")
async def weather(city: str) -> dict:
    await asyncio.sleep(1)
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"https://api.example.com/{city}")
    return response.json()


@router.delete("/workspaces/{workspace_id}", status_code=204)
async def delete_workspace(workspace_id: str) -> None:
    await asyncio.to_thread(shutil.rmtree, f"/srv/workspaces/{workspace_id}")
```
When no async library exists, run the call in a worker thread:
`await asyncio.to_thread(blocking_function, arg)`. Move every blocking call of the function, not
only the first one:
```python
import asyncio

import boto3

s3_client = boto3.client("s3")


async def archive(bucket: str, key: str) -> None:
    source = {"Bucket": bucket, "Key": key}
    await asyncio.to_thread(
        s3_client.copy_object, Bucket=bucket, CopySource=source, Key=f"archive/{key}"
    )
    await asyncio.to_thread(s3_client.delete_object, Bucket=bucket, Key=key)
```

## Fix
Unsafe (applied with `--fix --unsafe-fixes`), for `time.sleep(x)` written as a statement of its
own: it becomes `await asyncio.sleep(x)`, and `import asyncio` is added once, in the standard
library block of the imports (an existing `import asyncio`, or `import asyncio as aio`, is used
instead). It is unsafe because the coroutine now yields to other tasks while it waits, which
code relying on the pause being exclusive may notice. The other blocking calls have no automatic
fix: the async replacement (a client, a thread) is a choice for a person.
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
        Valid(
            "import os\nasync def f(p):\n    if os.path.exists(p) and os.stat(p).st_size:\n"
            "        return os.path.getsize(p)\n"
        ),
        Valid(
            "import boto3\ns3 = boto3.client('s3')\nasync def f(key):\n"
            "    return s3.generate_presigned_url('get_object', Params={'Bucket': 'b', 'Key': key})\n"
        ),
        Valid(
            "import boto3\ns3 = boto3.resource('s3')\nasync def f(key):\n"
            "    bucket = s3.Bucket('b')\n    return bucket.Object(key)\n"
        ),
        Valid(
            "import asyncio, shutil\nasync def f(p):\n    await asyncio.to_thread(shutil.rmtree, p)\n"
        ),
        Valid(
            "from sqlalchemy.orm import Session\nasync def f(db: Session):\n"
            "    return db.query(User).all()\n"  # FST301's
        ),
        Valid("import aiofiles.os\nasync def f(p):\n    await aiofiles.os.remove(p)\n"),
    )
    invalid = (
        Invalid(
            "from time import sleep as nap\nasync def f():\n    nap(1)\n",
            3,
            5,
            message_contains="asyncio.sleep",
            fixed="import asyncio\nfrom time import sleep as nap\nasync def f():\n"
            "    await asyncio.sleep(1)\n",
        ),
        Invalid(
            "import asyncio as aio\nimport time\n\n\nasync def f(delay):\n"
            "    time.sleep(delay * 2)  # back off\n",
            6,
            5,
            message_contains="asyncio.sleep",
            fixed="import asyncio as aio\nimport time\n\n\nasync def f(delay):\n"
            "    await aio.sleep(delay * 2)  # back off\n",
        ),
        Invalid(
            "import time\nasync def f(asyncio):\n    time.sleep(1)\n",
            3,
            5,
            message_contains="asyncio.sleep",
            fixed=None,  # `asyncio` is a parameter here: no name to import it as
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
            "import shutil\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.delete('/w/{wid}', status_code=204)\nasync def delete_workspace(wid: str) -> None:\n"
            "    shutil.rmtree(f'/srv/{wid}')\n",
            6,
            5,
            message_contains="`shutil.rmtree()` blocks the event loop in `async def delete_workspace`; use `await asyncio.to_thread(shutil.rmtree, ...)`",
        ),
        Invalid(
            "import os\nasync def f(p):\n    os.remove(p)\n",
            3,
            5,
            message_contains="`os.remove()` blocks the event loop in `async def f`; use `await aiofiles.os.remove(...)` (aiofiles)",
        ),
        Invalid(
            "import asyncio, boto3\ns3_client = boto3.client('s3')\nasync def archive(key):\n"
            "    await asyncio.to_thread(s3_client.copy_object, Bucket='b', CopySource=key, Key='a')\n"
            "    s3_client.delete_object(Bucket='b', Key=key)\n",
            5,
            5,
            message_contains="`s3_client.delete_object()` on a `boto3 client` blocks the event loop in `async def archive`; use `aioboto3`",
        ),
        Invalid(
            "import boto3\nasync def f(body):\n    s3 = boto3.session.Session().resource('s3')\n"
            "    s3.Object('b', 'k').put(Body=body)\n",
            4,
            5,
            message_contains="`put()` on a `boto3 resource` blocks the event loop",
        ),
        Invalid(
            "import smtplib\nasync def f(msg):\n    server = smtplib.SMTP_SSL('smtp.example.com')\n",
            3,
            14,
            message_contains="`smtplib.SMTP_SSL()` blocks the event loop in `async def f`; use `aiosmtplib`",
        ),
        Invalid(
            "import smtplib\ndef connect() -> smtplib.SMTP: ...\nasync def f(server: smtplib.SMTP, msg):\n"
            "    server.send_message(msg)\n",
            4,
            5,
            message_contains="`server.send_message()` on a `smtplib.SMTP` blocks the event loop",
        ),
        Invalid(
            "import socket\nasync def f(host):\n    return socket.gethostbyname(host)\n",
            3,
            12,
            message_contains="use `await loop.getaddrinfo(...)`",
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
        self._statements: set[int] = set()  # calls that are a statement of their own

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statements.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_coroutine:
            return
        callee = self.ctx.callee(node)
        verdict = self._policy.direct_verdict(callee)
        if verdict is None:
            return
        if verdict.client is None:
            what = f"`{verdict.what}()`"
        else:
            what = f"`{callee.shown or callee.method}()` on a `{verdict.client}`"
        function = self.ctx.function
        name = function.name.value if isinstance(function, cst.FunctionDef) else "?"
        fix = None
        if callee.qualified == SLEEP and id(node) in self._statements:
            fix = sleep_fix(self.ctx, node)
        self.report(
            node,
            f"{what} blocks the event loop in `async def {name}`; use {verdict.instead}",
            fix=fix,
        )
