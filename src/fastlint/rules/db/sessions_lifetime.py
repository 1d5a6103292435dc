"""FST305: a session, connection or HTTP client opened without a ``with`` or a ``finally`` that
closes it, and sessions opened inside route handlers instead of injected."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge import sqlalchemy as sa
from fastlint.knowledge.queries import (
    CLOSABLE,
    CLOSE_METHODS,
    CLOSERS,
    HTTP_CLIENTS,
    SA_ENGINES,
    SESSIONS,
)
from fastlint.semantic.kinds import constructor_kind

_FACTORIES = frozenset({sa.SYNC_FACTORY, sa.ASYNC_FACTORY})
_ASYNC = frozenset({sa.ASYNC_SESSION, sa.ASYNC_CONNECTION})
_OPENERS = frozenset({"connect", "begin", "acquire"})  # ``engine.connect()``, ``pool.acquire()``
_MAKERS = ("session",)  # in the names of session factories (``SessionLocal``, ``async_session``)
_ORM = "from sqlalchemy.orm import Session, sessionmaker\nSessionLocal = sessionmaker()\n"
_DEPENDENCY = (
    "a `yield` dependency (`with SessionLocal() as db: yield db`, or `try: yield db` / "
    "`finally: db.close()`)"
)


@dataclass
class _Opened:
    """One ``name = <creation>`` in a function (or the module)."""

    call: cst.Call
    shown: str  # the creation as written: ``SessionLocal()``
    is_client: bool  # an HTTP client, not a database object
    kind: str | None  # the semantic model's kind (None for HTTP clients)
    is_async: bool = False  # closed with ``await``, used with ``async with``
    is_closed: bool = False  # ``name.close()`` somewhere in the function
    is_closed_in_finally: bool = False
    is_yielded: bool = False
    is_managed: bool = False  # ``with name:``, returned, stored, handed to a closer


@dataclass
class _Frame:
    opened: dict[str, _Opened] = field(default_factory=dict)
    finally_depth: int = 0
    outer: set[str] = field(default_factory=set)  # ``global``/``nonlocal`` names


class UnmanagedSession(Rule):
    """Reports a session, connection or client whose closing is not guaranteed, and a session
    opened in a route handler instead of injected."""

    code = "FST305"
    name = "unmanaged-session"
    category = "database"
    summary = "A session, connection or `httpx` client opened outside `with` and not closed in a `finally`, or a session opened in a route handler"
    message = "Opened without `with` and not closed in a `finally`: use `with ... as ...:`"
    requires_text = ("Session", "session", "connect", "Client")
    call_names = CLOSE_METHODS | CLOSERS | {"release"}
    needs_project = True  # session factories and engines declared in other modules
    docs = """
## What it does
Finds a SQLAlchemy/SQLModel session (`Session(engine)`, `SessionLocal()` from a `sessionmaker`
or `async_sessionmaker`; for speed, a factory is recognised when its name says `session`, as
`SessionLocal` and `async_session` do), a connection (`engine.connect()`, `sqlite3.connect(...)`,
`psycopg2.connect(...)`, `await asyncpg.connect(...)`) or an `httpx.Client`/`httpx.AsyncClient`
assigned to a name in a function and then neither used in `with`/`async with` nor closed in a
`finally:` block. A `yield` dependency that yields it must close it in `finally` (or yield it
from inside `with`). Also finds a session opened inside a route handler at all, even in a `with`:
the handler should receive it from a dependency.

Not reported: objects opened in `with`/`async with` (outside route handlers); objects returned
(a factory function: the caller owns them) or stored on an attribute (`self.client = ...`,
`app.state.client = ...`: the owner closes them); objects handed to something that closes them
(`stack.enter_context(db)`, `contextlib.closing(db)`, `stack.push_async_callback(client.aclose)`,
`pool.release(conn)`), or closed by a function nested in the one that opened them (a lifespan's
shutdown callback). At module level, HTTP clients are never reported (one client for the whole
process, closed in the lifespan, is the recommended pattern) and neither are connections (a
process-wide connection or pool); a module-level session is reported when nothing in the module
closes it: every request would share it.

## Why is this bad?
A session holds a pooled connection from its first query until it is closed. When an exception
skips the `close()` (or there is none), the connection is returned only when the garbage
collector finds the object: under load the pool runs dry and requests wait for
`QueuePool limit ... overflow ... reached`. A session opened in a handler also cannot be
replaced in tests (`app.dependency_overrides`), and every handler repeats the open/commit/close
dance. The seeds: "Always close database connections properly", "All database access must be
through a dependency (... `yield session`). This ensures proper session scoping and teardown."

## Example
```python
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite:///app.db"))


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    yield db
```

## Use instead
```python
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite:///app.db"))


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
```
"""
    valid = (
        Valid(
            _ORM
            + "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n"
        ),
        Valid(_ORM + "def get_db():\n    with SessionLocal() as db:\n        yield db\n"),
        Valid(_ORM + "def make():\n    db = SessionLocal()\n    return db\n"),
        Valid("import httpx\nclient = httpx.AsyncClient()\n"),
        Valid(
            "import httpx\nasync def main():\n    async with httpx.AsyncClient() as client:\n"
            "        await client.get('u')\n"
        ),
        Valid(
            "import httpx\n_client = None\nasync def get():\n    global _client\n"
            "    if _client is None:\n        _client = httpx.AsyncClient()\n    return _client\n"
        ),
        Valid(
            "import httpx\nclass Api:\n    def __init__(self):\n        self.client = httpx.Client()\n"
        ),
        Valid(
            "import httpx\nasync def lifespan(app):\n    client = httpx.AsyncClient()\n"
            "    app.state.client = client\n    yield\n    await client.aclose()\n"
        ),
        Valid(
            "import sqlite3\ndef f():\n    conn = sqlite3.connect('x')\n    try:\n"
            "        conn.execute('SELECT 1')\n    finally:\n        conn.close()\n"
        ),
    )
    invalid = (
        Invalid(
            _ORM + "def get_db():\n    db = SessionLocal()\n    yield db\n",
            4,
            10,
            message_contains="`get_db` yields `db` but never closes it in a `finally`",
        ),
        Invalid(
            _ORM + "def count():\n    db = SessionLocal()\n    n = db.query(User).count()\n"
            "    db.close()\n    return n\n",
            4,
            10,
            message_contains="`db` is closed, but not in a `finally`",
        ),
        Invalid(
            "import httpx\nasync def fetch(url):\n    client = httpx.AsyncClient()\n"
            "    return (await client.get(url)).json()\n",
            3,
            14,
            message_contains="`client = httpx.AsyncClient()` is never closed",
        ),
        Invalid(
            "from fastapi import APIRouter\n" + _ORM + "router = APIRouter()\n"
            "@router.get('/u')\ndef users():\n    with SessionLocal() as db:\n"
            "        return db.query(User).all()\n",
            7,
            10,
            message_contains="`SessionLocal()` opens a session inside route handler `users`: inject it",
        ),
        Invalid(
            _ORM + "db = SessionLocal()\n",
            3,
            6,
            message_contains="`db = SessionLocal()` at module level is one session for every caller",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._frames: list[_Frame] = [_Frame()]  # the module, then each enclosing function

    # -- scopes ---------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(_Frame())

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self._frames.pop()
        for name, opened in frame.opened.items():
            self._judge(node, name, opened)

    def leave_Module(self, node: cst.Module) -> None:
        for name, opened in self._frames[0].opened.items():
            if not (opened.is_client or opened.is_closed or opened.is_managed):
                self.report(
                    opened.call,
                    f"`{name} = {opened.shown}` at module level is one session for every caller, "
                    "never closed in this module: open one per use with `with ...:`, or per "
                    "request in " + _DEPENDENCY,
                )

    def visit_Global(self, node: cst.Global) -> None:
        self._frames[-1].outer.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self._frames[-1].outer.update(item.name.value for item in node.names)

    def visit_Finally(self, node: cst.Finally) -> None:
        self._frames[-1].finally_depth += 1

    def leave_Finally(self, node: cst.Finally) -> None:
        self._frames[-1].finally_depth -= 1

    # -- what opens ----------------------------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if isinstance(value, cst.Name):
            if any(type(target.target) is not cst.Name for target in node.targets):
                self._mark(value.value, "managed")  # ``self.client = client``: the owner closes
            return
        call = _call(value)
        if call is None or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if type(target) is cst.Name:
            self._opened(target.value, call)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        call = _call(node.value) if node.value is not None else None
        if call is not None and type(node.target) is cst.Name:
            self._opened(node.target.value, call)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        item = node.item
        if isinstance(item, cst.Name):
            self._mark(item.value, "managed")
            return
        call = _call(item)
        if call is not None and self.ctx.fastapi.routes:  # only route handlers matter here
            made = self._creation(call)
            if made is not None and not made.is_client:
                self._in_route(call, made)

    def _opened(self, name: str, call: cst.Call) -> None:
        made = self._creation(call)
        if made is None:
            return
        if not made.is_client and self._in_route(call, made):
            return
        if self.ctx.scopes and self.ctx.function is None:
            return  # a class attribute: the class owns it
        if name in self._frames[-1].outer:
            return  # ``global _client``: made once, kept for the process
        if len(self._frames) == 1 and (made.is_client or made.kind not in SESSIONS):
            return  # one client or connection for the process: closed in the lifespan, or at exit
        self._frames[-1].opened[name] = made

    def _creation(self, call: cst.Call) -> _Opened | None:
        """What ``call`` opens, when it opens something that must be closed."""
        func = call.func
        name = _may_open(func)
        if name is None:
            return None
        qualified = self.ctx.resolve(func)
        if qualified in HTTP_CLIENTS:
            return self._made(call, None, is_client=True)
        made_by = constructor_kind(qualified)
        lower = name.lower()
        if made_by is None and name not in _OPENERS and not any(w in lower for w in _MAKERS):
            return None  # ``Item(...)``: no library constructor, no factory's name
        kind = self.ctx.kind_of(call)
        if kind not in CLOSABLE:
            return None
        if made_by == kind:
            return self._made(call, kind)  # ``Session(engine)``, ``sqlite3.connect(...)``
        if isinstance(func, cst.Attribute):
            receiver = self.ctx.kind_of(func.value)
            if name in _OPENERS and receiver is not None:
                if receiver in SA_ENGINES or receiver in _FACTORIES or "pool" in receiver:
                    return self._made(call, kind)
            return None
        return self._made(call, kind) if self.ctx.kind_of(func) in _FACTORIES else None

    def _made(self, call: cst.Call, kind: str | None, is_client: bool = False) -> _Opened:
        shown = self.ctx.module.code_for_node(call.func) + "()"
        is_async = shown.startswith("httpx.Async") or kind in _ASYNC or kind == "asyncpg connection"
        return _Opened(call, shown, is_client, kind, is_async)

    def _in_route(self, call: cst.Call, made: _Opened) -> bool:
        function = self.ctx.function
        if not isinstance(function, cst.FunctionDef) or not self.ctx.fastapi.is_route(function):
            return False
        if made.kind not in SESSIONS:
            return False
        self.report(
            call,
            f"`{made.shown}` opens a session inside route handler `{function.name.value}`: "
            "inject it instead (`session: SessionDep`, from a dependency that yields it)",
        )
        return True

    # -- what closes ---------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute | cst.Name):
            return
        method = func.attr.value if isinstance(func, cst.Attribute) else func.value
        if method in CLOSE_METHODS and isinstance(func, cst.Attribute):
            if isinstance(func.value, cst.Name):
                self._mark(func.value.value, "closed")
            return
        for arg in node.args:  # ``closing(db)``, ``stack.push_async_callback(client.aclose)``
            value = arg.value
            if isinstance(value, cst.Attribute) and value.attr.value in CLOSE_METHODS:
                value = value.value
            if isinstance(value, cst.Name):
                self._mark(value.value, "managed")

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Name):
            self._mark(node.value.value, "managed")

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.Name):
            self._mark(node.value.value, "yielded")

    def _mark(self, name: str, what: str) -> None:
        for depth in range(len(self._frames) - 1, -1, -1):
            opened = self._frames[depth].opened.get(name)
            if opened is None:
                continue
            if depth != len(self._frames) - 1:
                opened.is_managed = True  # closed (or kept) by a nested function: a callback
            elif what == "closed":
                opened.is_closed = True
                opened.is_closed_in_finally |= self._frames[-1].finally_depth > 0
            else:
                setattr(opened, "is_" + what, True)  # is_managed, is_yielded
            return

    def _judge(self, function: cst.FunctionDef, name: str, opened: _Opened) -> None:
        if opened.is_managed or opened.is_closed_in_finally:
            return
        instead = _instead(name, opened)
        if opened.is_yielded:
            close = f"{name}.aclose()" if opened.is_client else f"{name}.close()"
            close = "await " + close if opened.is_async else close
            message = (
                f"`{function.name.value}` yields `{name}` but never closes it in a `finally`: an "
                f"error in the request leaks it; write `try: yield {name}` / `finally: {close}`, "
                f"or yield it inside `{instead[5:-1]}`"
            )
        elif opened.is_closed:
            message = (
                f"`{name}` is closed, but not in a `finally`: an exception before the close "
                f"leaks it; {instead}"
            )
        else:
            message = (
                f"`{name} = {opened.shown}` is never closed: its connection is freed only when "
                f"garbage-collected; {instead}"
            )
        self.report(opened.call, message)


def _instead(name: str, opened: _Opened) -> str:
    """The ``with`` statement to write instead."""
    shown = opened.shown
    if shown.startswith("sqlite3."):  # sqlite3's own ``with`` commits but does not close
        instead = f"use `with contextlib.closing({shown[:-2]}(...)) as {name}:`"
    elif opened.is_async:
        instead = f"use `async with {shown} as {name}:`"
    else:
        instead = f"use `with {shown} as {name}:`"
    if opened.is_client:
        instead += ", or one client for the app, opened and closed in the lifespan"
    return instead


def _may_open(func: cst.BaseExpression) -> str | None:
    """The called name when the call may open something, checked cheaply before anything is
    resolved: a class (``Session``, ``httpx.AsyncClient``), an opener method
    (``engine.connect()``), ``connect``, or a factory named for what it makes (``SessionLocal``,
    ``async_session``). Other calls are not asked about: that would read the modules they come
    from."""
    if isinstance(func, cst.Attribute):
        name = func.attr.value
        return name if name in _OPENERS or name[:1].isupper() else None
    if isinstance(func, cst.Name):
        name = func.value
        lower = name.lower()
        if name[:1].isupper() or lower == "connect" or any(word in lower for word in _MAKERS):
            return name
    return None


def _call(value: cst.BaseExpression) -> cst.Call | None:
    """The call of ``x = f()`` or ``x = await f()``."""
    if isinstance(value, cst.Await):
        value = value.expression
    return value if isinstance(value, cst.Call) else None
