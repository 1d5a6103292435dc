"""FST302: a coroutine method of an async SQLAlchemy session called without ``await``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.fix import UNSAFE, Fix, awaited
from fastlint.engine.rule import FIX_UNSAFE, Invalid, Rule, Valid
from fastlint.knowledge.sqlalchemy import COROUTINE_METHODS

_IMPORTS = "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"


class MissingAwaitOnAsyncSession(Rule):
    """Reports a coroutine method of an async SQLAlchemy session/engine called without `await`."""

    code = "FST302"
    name = "missing-await-on-async-session"
    summary = "A coroutine method of an `AsyncSession`/`AsyncConnection`/`AsyncEngine` not awaited"
    message = "Coroutine method called without `await`: nothing runs; write `await` before the call"
    category = "database"
    fix = FIX_UNSAFE  # adds the `await` (in an `async def` only)
    needs_project = True  # for session aliases and dependencies in other modules
    requires_text = ("Async", "async")
    docs = """
## What it does
Finds calls of the coroutine methods of SQLAlchemy's asyncio objects (`execute`, `commit`,
`refresh`, `get`, `scalars`, `scalar`, `flush`, `delete`, `merge`, `close`, `rollback`,
`stream`, `run_sync`... of an `AsyncSession`; `execute`, `commit`... of an `AsyncConnection`;
`dispose` of an `AsyncEngine`) whose result is not awaited: the call is a statement of its own,
is assigned, is iterated with a plain `for`, or has an attribute read from it
(`session.execute(q).scalars()`).

The object is known from its annotation (`session: AsyncSession`, also inside
`Annotated[AsyncSession, Depends(get_session)]`, `AsyncSession | None` or a module-level alias
such as `SessionDep = Annotated[AsyncSession, Depends(get_session)]`), from the call that made
it (`AsyncSession(engine)`, `async_sessionmaker(engine)()`, `create_async_engine(url)`), from
`async with SessionLocal() as session` where `SessionLocal = async_sessionmaker(...)`, and from
`self.session` assigned from one of those. The alias and the factory may live in another module
of the project (`from app.db import SessionDep, SessionLocal`): the project index reads it.
SQLModel's `AsyncSession` counts too.

`session.add(...)`, `add_all`, `expunge`, `expire`, `in_transaction` and `is_modified` are plain
methods and are never reported; neither is `async with session.begin():`. A coroutine handed to
`asyncio.gather(...)` or `create_task(...)`, or returned, is not reported.

## Why is this bad?
Calling a coroutine method only creates a coroutine object: without `await`, the statement never
runs. `session.commit()` without `await` silently loses the transaction; Python only warns
"coroutine was never awaited" at garbage collection, if anyone reads the log. An assigned result
is a coroutine, not a `Result`, and fails later far from the cause.

## Example
```python
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import Item
from app.schemas import ItemIn, ItemOut

router = APIRouter()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@router.post("/items", status_code=201)
async def create_item(item: ItemIn, session: SessionDep) -> ItemOut:
    row = Item(**item.model_dump())
    session.add(row)
    session.commit()
    return row
```

## Use instead
```python
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import Item
from app.schemas import ItemIn, ItemOut

router = APIRouter()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@router.post("/items", status_code=201)
async def create_item(item: ItemIn, session: SessionDep) -> ItemOut:
    row = Item(**item.model_dump())
    session.add(row)
    await session.commit()
    await session.refresh(row)
    return row
```

## Fix
Unsafe (applied with `--fix --unsafe-fixes`): writes `await` before the call, with parentheses
where the result is used further (`(await session.execute(q)).scalars()`). It is unsafe because
the statement now runs: a `commit()` that was silently lost is now made. Outside an `async def`
(where `await` is not allowed) there is no fix.
"""
    valid = (
        Valid(_IMPORTS + "async def f(session: AsyncSession):\n    await session.execute(q)\n"),
        Valid(
            _IMPORTS
            + "async def f(session: AsyncSession):\n    session.add(x)\n    session.add_all([x])\n"
        ),
        Valid(
            _IMPORTS
            + "async def f(session: AsyncSession):\n    async with session.begin():\n        session.add(x)\n"
        ),
        Valid("async def f(session):\n    session.commit()\n"),
        Valid(
            "from sqlalchemy.orm import Session\ndef f(session: Session):\n    session.commit()\n"
        ),
        Valid(
            _IMPORTS
            + "import asyncio\nasync def f(s: AsyncSession):\n    await asyncio.gather(s.execute(a))\n"
        ),
        Valid(
            _IMPORTS
            + "async def f(session: AsyncSession):\n    return (await session.execute(q)).scalars()\n"
        ),
    )
    invalid = (
        Invalid(
            _IMPORTS + "async def f(session: AsyncSession):\n    session.commit()\n",
            3,
            5,
            message_contains="`session.commit()` is a coroutine method of `AsyncSession` called without `await`",
            fixed=_IMPORTS + "async def f(session: AsyncSession):\n    await session.commit()\n",
        ),
        Invalid(
            "from typing import Annotated\nfrom fastapi import Depends\n"
            + _IMPORTS
            + "SessionDep = Annotated[AsyncSession, Depends(get_session)]\n"
            + "async def f(db: SessionDep):\n    rows = db.execute(q)\n",
            6,
            12,
            message_contains="write `await db.execute(...)`",
            fixed="from typing import Annotated\nfrom fastapi import Depends\n"
            + _IMPORTS
            + "SessionDep = Annotated[AsyncSession, Depends(get_session)]\n"
            + "async def f(db: SessionDep):\n    rows = await db.execute(q)\n",
        ),
        Invalid(
            _IMPORTS
            + "SessionLocal = async_sessionmaker(engine)\nasync def f():\n"
            + "    async with SessionLocal() as session:\n        session.execute(q).scalars()\n",
            5,
            9,
            message_contains="`session.execute()` is a coroutine method of `AsyncSession`",
            fixed=_IMPORTS
            + "SessionLocal = async_sessionmaker(engine)\nasync def f():\n"
            + "    async with SessionLocal() as session:\n"
            + "        (await session.execute(q)).scalars()\n",
        ),
        Invalid(
            _IMPORTS + "def f(session: AsyncSession):\n    session.commit()\n",
            3,
            5,
            message_contains="called without `await`",
            fixed=None,  # `await` is not allowed in a sync `def`
        ),
        Invalid(
            _IMPORTS
            + "class Repo:\n    def __init__(self, session: AsyncSession) -> None:\n"
            + "        self.session = session\n    async def save(self, x):\n"
            + "        self.session.add(x)\n        self.session.flush()\n",
            7,
            9,
            message_contains="await self.session.flush(",
            fixed=_IMPORTS
            + "class Repo:\n    def __init__(self, session: AsyncSession) -> None:\n"
            + "        self.session = session\n    async def save(self, x):\n"
            + "        self.session.add(x)\n        await self.session.flush()\n",
        ),
    )

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._check(node.value)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._check(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check(node.value, parenthesize=True)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check(node.iter)

    def _check(self, value: cst.CSTNode, *, parenthesize: bool = False) -> None:
        if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute):
            return
        callee = self.ctx.callee(value)
        kind, method = callee.receiver, callee.method
        if kind in COROUTINE_METHODS and method in COROUTINE_METHODS[kind]:
            shown = callee.shown or f"session.{method}"
            self.report(
                value,
                f"`{shown}()` is a coroutine method of `{kind}` called without `await`: it never "
                f"runs; write `await {shown}(...)`",
                fix=self._fix(value, parenthesize),
            )

    def _fix(self, call: cst.Call, parenthesize: bool) -> Fix | None:
        if not self.ctx.in_coroutine:
            return None  # `await` is a syntax error outside an `async def`
        new = awaited(call, parenthesize=parenthesize)
        return Fix.replace(call, new, "Add `await`", UNSAFE)
