"""FST301: sync SQLAlchemy (a ``Session``, ``create_engine``, ``session.query``) in ``async def``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.sqlalchemy import (
    BLOCKING_METHODS,
    SYNC_ENGINE,
    SYNC_FACTORY,
    SYNC_SESSION,
    library_kind,
)

# What creating makes (a ``sessionmaker(...)`` is only a factory: making one does no I/O).
_CONSTRUCTORS = {
    "create_engine": SYNC_ENGINE,
    "Session": SYNC_SESSION,
    "sessionmaker": SYNC_FACTORY,
}
_REPORTED = {SYNC_ENGINE: "`Engine`", SYNC_SESSION: "`Session`"}
_INSTEAD = (
    "use `AsyncSession` (`create_async_engine`, `async_sessionmaker`) and `await`, "
    "or run the sync code with `await asyncio.to_thread(...)`"
)
_ORM = "from sqlalchemy.orm import Session, sessionmaker\nfrom sqlalchemy import create_engine\n"


class SyncOrmInAsync(Rule):
    """Reports sync SQLAlchemy use inside `async def`, which blocks the event loop."""

    code = "FST301"
    name = "sync-orm-in-async"
    category = "database"
    summary = "Sync SQLAlchemy (`Session`, `session.query`, `create_engine`, a sync session factory) in `async def`"
    message = "Sync SQLAlchemy call blocks the event loop in `async def`; " + _INSTEAD
    needs_project = True  # for session aliases and dependencies in other modules
    requires_text = ("async",)
    docs = """
## What it does
Finds sync SQLAlchemy used in the body of an `async def`: creating an engine with
`create_engine(...)`, opening a `Session(...)` or a session from a sync `sessionmaker` factory
(`SessionLocal()`), and the methods of a sync session, connection or engine that talk to
the database (`query`, `execute`, `scalars`, `get`, `commit`, `flush`, `refresh`, `connect`,
`begin`...). The session is known from its annotation (`db: Session`, also in
`Annotated[Session, Depends(get_db)]` or an alias of it), from `with SessionLocal() as db`, and
from `db = Depends(get_db)` when `get_db` in the same file is declared to return or yield a
`Session` (`-> Iterator[Session]`). The dependency, alias, factory or engine may live in another
module of the project (`from app.db import get_db`): the project index reads it. SQLModel's
`Session` and `create_engine` count too.

Creating the factory itself, `sessionmaker(...)`, is not reported: it does no I/O. An awaited
call is not reported (it cannot be a sync session's, whatever the annotation says). Code in a sync `def` is not reported, nor is a sync function run with `session.run_sync(...)`
or `asyncio.to_thread(...)`.

## Why is this bad?
A sync session waits for the database on the event loop's thread: while one query runs, no other
request of the worker progresses. A sync route handler (`def`) would at least run in the thread
pool; an `async def` handler with a sync session is the worst of both.

## Example
```python
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import User
from app.schemas import UserOut

router = APIRouter()


@router.get("/users/{user_id}")
async def get_user(user_id: int, db: Session = Depends(get_db)) -> UserOut:
    return db.query(User).filter(User.id == user_id).one()
```

## Use instead
```python
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import User
from app.schemas import UserOut

router = APIRouter()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@router.get("/users/{user_id}")
async def get_user(user_id: int, db: SessionDep) -> UserOut:
    return await db.get_one(User, user_id)
```
"""
    valid = (
        Valid(_ORM + "def f(db: Session):\n    return db.query(User).all()\n"),
        Valid(_ORM + "engine = create_engine('sqlite://')\nasync def f():\n    return 1\n"),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "async def f(db: AsyncSession):\n    return await db.execute(q)\n"
        ),
        Valid(_ORM + "async def f(db: Session):\n    db.add(x)\n"),
        Valid(_ORM + "async def f(db: Session):\n    return await db.execute(q)\n"),
        Valid("import requests\nasync def f(s: requests.Session):\n    return 1\n"),
        Valid(
            _ORM
            + "async def f(db: Session):\n    def inner():\n        return db.query(User).all()\n    return inner\n"
        ),
        Valid(
            _ORM + "async def lifespan(app):\n    engine = make_engine()\n"
            "    app.state.sessions = sessionmaker(bind=engine, expire_on_commit=False)\n    yield\n"
        ),
    )
    invalid = (
        Invalid(
            _ORM + "async def f(db: Session):\n    return db.query(User).all()\n",
            4,
            12,
            message_contains="`db.query()` on a sync `Session` blocks the event loop in `async def f`",
        ),
        Invalid(
            _ORM + "async def f():\n    engine = create_engine('sqlite://')\n",
            4,
            14,
            message_contains="`create_engine()` creates a sync `Engine`, which blocks the event loop in `async def f`; use `AsyncSession`",
        ),
        Invalid(
            _ORM + "SessionLocal = sessionmaker(bind=engine)\nasync def f():\n"
            "    with SessionLocal() as db:\n        pass\n",
            5,
            10,
            message_contains="`SessionLocal()` opens a sync `Session`, which blocks the event loop in `async def f`; use",
        ),
        Invalid(
            _ORM + "from collections.abc import Iterator\nfrom fastapi import Depends\n"
            "def get_db() -> Iterator[Session]:\n    yield Session()\n"
            "async def f(db = Depends(get_db)):\n    db.commit()\n",
            8,
            5,
            message_contains="use `AsyncSession` (`create_async_engine`, `async_sessionmaker`)",
        ),
        Invalid(
            "from sqlmodel import Session, select\nasync def f(s: Session):\n    return s.exec(select(X))\n",
            3,
            12,
            message_contains="`s.exec()` on a sync `Session` blocks the event loop in `async def f`",
        ),
        Invalid(
            _ORM + "async def f(engine):\n    with Session(engine) as db:\n        pass\n",
            4,
            10,
            message_contains="`Session()` opens a sync `Session`, which blocks the event loop in `async def f`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._awaited: set[int] = set()

    def visit_Await(self, node: cst.Await) -> None:
        # Awaitable, so not a sync session whatever its annotation says.
        self._awaited.add(id(node.expression))

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_coroutine or id(node) in self._awaited:
            return
        callee = self.ctx.callee(node)
        made = library_kind(callee.qualified, _CONSTRUCTORS)
        if made is not None:
            if made in _REPORTED and self.ctx.kind_of(node) == made:
                verb = "creates" if made == SYNC_ENGINE else "opens"
                self._report(node, f"`{callee.shown}()` {verb} a sync {_REPORTED[made]}, which")
            return
        if isinstance(node.func, cst.Name):
            if self.ctx.kind_of(node.func) == SYNC_FACTORY:
                self._report(node, f"`{node.func.value}()` opens a sync `Session`, which")
            return
        kind, method = callee.receiver, callee.method
        if kind in BLOCKING_METHODS and method in BLOCKING_METHODS[kind]:
            self._report(node, f"`{callee.shown or method}()` on a sync `{kind}`")

    def _report(self, node: cst.CSTNode, subject: str) -> None:
        """``subject`` is what blocks: the sentence goes on with "blocks the event loop"."""
        function = self.ctx.function
        name = function.name.value if isinstance(function, cst.FunctionDef) else "?"
        self.report(node, f"{subject} blocks the event loop in `async def {name}`; {_INSTEAD}")
