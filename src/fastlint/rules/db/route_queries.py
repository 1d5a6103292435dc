"""FST304: a route handler that queries the database itself instead of through a repository."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.queries import SA_CONNECTIONS, SESSION_METHODS, SESSIONS

_RECEIVERS = SESSIONS | SA_CONNECTIONS
_HEAD = (
    "from typing import Annotated\nfrom fastapi import APIRouter, Depends\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\nrouter = APIRouter()\n"
    "SessionDep = Annotated[AsyncSession, Depends(get_session)]\n"
)


class QueryInRouteHandler(Rule):
    """Reports a route handler that drives the session itself instead of a repository or service."""

    code = "FST304"
    name = "query-in-route-handler"
    category = "database"
    summary = "A route handler calls session methods (`execute`, `get`, `add`, `commit`...) itself instead of a repository or service"
    message = (
        "Route handler queries the database itself; move the queries into a repository or "
        "service function and call that"
    )
    requires_text = ("Session", "session", "Connection", "Depends")
    call_names = SESSION_METHODS
    needs_project = True  # routers, session aliases and dependencies in other modules
    docs = """
## What it does
Finds route handlers that use a SQLAlchemy (or SQLModel) session or connection themselves:
`session.execute(...)`, `scalars`, `scalar`, `get`, `query`, `exec`, `add`, `delete`,
`commit`, `flush`, `refresh`... called in the handler's own body. The session is known as
FST301 and FST302 know it: a parameter annotated `Session`/`AsyncSession` (also through
`Annotated[..., Depends(get_db)]` or an alias such as `SessionDep`, also from another module),
`db = Depends(get_db)` where `get_db` yields a session, or `with SessionLocal() as session`.

One diagnostic per handler, at its first such call; the message names how many calls it makes.
Passing the session to a function (`users.get(session, user_id)`, `UserService(session)`) is
what the rule asks for and is never reported; neither are calls in functions that are not
route handlers (repositories, services, dependencies), nor on objects of unknown kind.

## Why is this bad?
The seeds' architecture is Router → Service → Repository: "Keep route handlers thin—delegate to
services", "Implement repository pattern for data access". Queries written inline in handlers
are repeated from route to route, cannot be tested without HTTP, and mix transaction handling
(when to commit) with request handling. A repository function has one name per query, one place
to add eager loading or an index hint, and is reused by background jobs and scripts.

This fires on small CRUD apps written in the tutorial style (the full-stack FastAPI template
calls `session.exec(...)` in its routes). If that is your deliberate style, turn the rule off
for the routes package (`per-file-ignores`), or for the project.

## Example
```python
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import Item
from app.schemas import ItemOut

router = APIRouter()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@router.get("/items/{item_id}")
async def read_item(item_id: int, session: SessionDep) -> ItemOut:
    result = await session.execute(select(Item).where(Item.id == item_id))
    return result.scalar_one()
```

## Use instead
```python
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.repositories import items
from app.schemas import ItemOut

router = APIRouter()
SessionDep = Annotated[AsyncSession, Depends(get_session)]


@router.get("/items/{item_id}")
async def read_item(item_id: int, session: SessionDep) -> ItemOut:
    return await items.get(session, item_id)
```
"""
    valid = (
        Valid(
            _HEAD + "@router.get('/i')\nasync def f(session: SessionDep):\n"
            "    return await repo.list_items(session)\n"
        ),
        Valid(
            _HEAD
            + "async def list_items(session: SessionDep):\n    return await session.execute(q)\n"
        ),
        Valid(
            _HEAD
            + "@router.get('/i')\nasync def f(request):\n    return request.session.get('k')\n"
        ),
        Valid(
            _HEAD + "@router.get('/i')\nasync def f(session: SessionDep):\n"
            "    async def inner():\n        return await session.execute(q)\n    return inner\n"
        ),
    )
    invalid = (
        Invalid(
            _HEAD + "@router.get('/i')\nasync def f(session: SessionDep):\n"
            "    return await session.execute(q)\n",
            8,
            18,
            message_contains="Route handler `f` calls `session.execute()` itself: move the query into a repository or service function",
        ),
        Invalid(
            "from fastapi import FastAPI, Depends\nfrom sqlmodel import Session\napp = FastAPI()\n"
            "@app.post('/i')\ndef create(item: Item, db: Session = Depends(get_db)):\n"
            "    db.add(item)\n    db.commit()\n    db.refresh(item)\n    return item\n",
            6,
            5,
            message_contains="calls `db.add()` and 2 more session methods itself",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # handler id -> (its first session call, how many)
        self._found: dict[int, tuple[cst.Call, str, int]] = {}

    def visit_Call(self, node: cst.Call) -> None:
        function = self.ctx.function
        if not isinstance(function, cst.FunctionDef) or not self.ctx.fastapi.is_route(function):
            return
        callee = self.ctx.callee(node)
        if callee.receiver not in _RECEIVERS:
            return
        key = id(function)
        found = self._found.get(key)
        if found is None:
            self._found[key] = (node, callee.shown or f"session.{callee.method}", 1)
        else:
            self._found[key] = (found[0], found[1], found[2] + 1)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        found = self._found.pop(id(node), None)
        if found is None:
            return
        call, shown, count = found
        what = f"`{shown}()`" if count == 1 else f"`{shown}()` and {count - 1} more session methods"
        noun = "query" if count == 1 else "queries"
        self.report(
            call,
            f"Route handler `{node.name.value}` calls {what} itself: move the {noun} into a "
            "repository or service function that takes the session, and call that",
        )
