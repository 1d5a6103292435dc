"""FST306: a query sent once per iteration of a loop (N+1)."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.queries import QUERY_METHOD_NAMES, QUERY_METHODS

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_SMALL = 8  # a literal of at most this many items is a fixed list of work, not rows
_HEAD = "from sqlalchemy.orm import Session\n"
# Loops whose iterable or variable says they retry, page or batch: the remedy, not N+1.
_BATCHES = ("retr", "attempt", "chunk", "batch", "page")
# Loop variables over the schema (a query per table or model class, bounded by the code).
_SCHEMA = frozenset({"model", "models", "model_class", "mapper", "cls"})


class QueryInLoop(Rule):
    """Reports a database query made in a loop body (N+1 queries)."""

    code = "FST306"
    name = "query-in-loop"
    category = "database"
    summary = "A database query inside a loop body (N+1 queries)"
    message = (
        "Query runs once per loop iteration (N+1); load the rows at once: one `IN` query "
        "(`select(Item).where(Item.id.in_(ids))`) or eager loading (`selectinload`)"
    )
    # The query methods as called: a file without one has nothing to report.
    requires_text = tuple(f".{name}(" for name in sorted(QUERY_METHOD_NAMES)) + (".stream",)
    call_names = QUERY_METHOD_NAMES
    needs_project = True  # sessions and connections declared in other modules
    docs = """
## What it does
Finds a call that sends a query to the database in the body of a `for`, `async for` or `while`
loop, or in a comprehension: `execute`, `exec`, `scalars`, `scalar`, `get`, `get_one`, `query`,
`refresh`, `merge`, `stream` of a SQLAlchemy/SQLModel session or connection, `execute` and
`executemany` of a DB-API connection or cursor (`sqlite3`, `psycopg2`, `psycopg`, `pymysql`),
and asyncpg's `execute`/`fetch`/`fetchrow`/`fetchval`. The object is known from the semantic
model, as for FST301 (annotations, `Depends(get_db)`, `SessionDep` aliases, other modules).

Not reported: the loop's iterable (`for row in session.execute(q)` runs one query);
`session.add(x)`, `add_all`, `delete` (they only change the unit of work, sent at the flush);
`commit`/`flush` (a commit per item is slow, but it is not N+1); loops over a small literal, or
a local name assigned one (`for model in (User, Team):`, `for attempt in range(3):`: a fixed
amount of work); loops that retry, page or batch, which are the remedy rather than the problem:
`while True:` and `for n in itertools.count():`, a loop variable `_`, an iterable or variable
named for retries, attempts, chunks, batches or pages (`for attempt in retrying():`,
`for chunk in chunks(ids, 500):`), `range(0, len(ids), size)`; loops over the schema (a
variable named `model`, `cls`, `mapper` or `...table...`); calls in a function defined inside
the loop. `while <condition>:` loops (a worklist walked one item, one query, at a time) are
reported.

## Why is this bad?
Each iteration waits for a round trip to the database: 200 rows make 200 queries where one
would do, and the page gets slower as the data grows. The seeds: "Avoid N+1 queries; use eager
loading (joinedload, selectinload)".

## Example
```python
from sqlalchemy.orm import Session

from app.models import Item, Order


def order_items(session: Session, order: Order) -> list[Item]:
    return [session.get(Item, line.item_id) for line in order.lines]
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Item, Order


def order_items(session: Session, order: Order) -> list[Item]:
    ids = [line.item_id for line in order.lines]
    return list(session.scalars(select(Item).where(Item.id.in_(ids))))
```
"""
    valid = (
        Valid(
            _HEAD
            + "def f(s: Session, items):\n    for item in items:\n        s.add(item)\n    s.commit()\n"
        ),
        Valid(_HEAD + "def f(s: Session):\n    for row in s.execute(q):\n        print(row)\n"),
        Valid(
            _HEAD
            + "def f(s: Session):\n    for model in (User, Team):\n        s.execute(delete(model))\n"
        ),
        Valid(_HEAD + "def f(s: Session):\n    return [row for row in s.scalars(q)]\n"),
        Valid("def f(db, ids):\n    for i in ids:\n        db.get(i)\n"),
        Valid(
            _HEAD + "def f(s: Session, ids):\n    for i in ids:\n"
            "        def later():\n            return s.get(User, i)\n"
        ),
        Valid(_HEAD + "def f(s: Session):\n    for attempt in retrying():\n        s.execute(q)\n"),
        Valid(
            _HEAD + "def f(s: Session, ids):\n    for chunk in chunks(ids, 500):\n"
            "        s.execute(q(chunk))\n"
        ),
        Valid(
            _HEAD
            + "def f(s: Session):\n    while True:\n        if not s.scalar(q):\n            break\n"
        ),
        Valid(
            _HEAD + "def f(s: Session, ti):\n    tables = [A, B, C]\n    for t in tables:\n"
            "        s.execute(delete(t))\n"
        ),
    )
    invalid = (
        Invalid(
            _HEAD + "def f(s: Session, ids):\n    for i in ids:\n        user = s.get(User, i)\n",
            4,
            16,
            message_contains="`s.get()` runs a query on every iteration of the `for` loop (N+1)",
        ),
        Invalid(
            "from sqlalchemy.ext.asyncio import AsyncSession\n"
            "async def f(s: AsyncSession, orders):\n"
            "    return [await s.scalar(q(o)) for o in orders]\n",
            3,
            19,
            message_contains="iteration of the comprehension",
        ),
        Invalid(
            "import sqlite3\ndef f(rows):\n    cur = sqlite3.connect('x').cursor()\n"
            "    for row in rows:\n        cur.execute('INSERT INTO t VALUES (?)', row)\n",
            5,
            9,
            message_contains="`cur.execute()` runs a query on every iteration",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # The loops around the walk's position in the current function, innermost last; a
        # function or lambda starts a new list (its body does not run per iteration).
        self._loops: list[list[str]] = [[]]
        self._outside: set[int] = set()  # calls in a loop's iterable: run once

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._loops.append([])

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._loops.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._loops.append([])

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self._loops.pop()

    def visit_For(self, node: cst.For) -> None:
        self._enter("`for` loop", node.target, node.iter)

    def leave_For(self, node: cst.For) -> None:
        self._leave()

    def visit_While(self, node: cst.While) -> None:
        # ``while True:`` polls, retries or walks batches (``LIMIT`` per round); ``while
        # stack:`` and the like walk a worklist one item (one query) at a time.
        test = node.test
        forever = isinstance(test, cst.Name) and test.value == "True"
        forever = forever or (isinstance(test, cst.Integer) and test.value == "1")
        self._loops[-1].append("" if forever else "`while` loop")

    def leave_While(self, node: cst.While) -> None:
        self._leave()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._enter("comprehension", node.for_in.target, node.for_in.iter)

    def leave_ListComp(self, node: cst.ListComp) -> None:
        self._leave()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._enter("comprehension", node.for_in.target, node.for_in.iter)

    def leave_SetComp(self, node: cst.SetComp) -> None:
        self._leave()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._enter("comprehension", node.for_in.target, node.for_in.iter)

    def leave_DictComp(self, node: cst.DictComp) -> None:
        self._leave()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter("comprehension", node.for_in.target, node.for_in.iter)

    def leave_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._leave()

    def _enter(self, what: str, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        names: list[str] = []
        _read(iterable, self._outside, names)
        if self._fixed(target, iterable, names):
            what = ""  # a fixed amount of work, retries or batches: not a query per row
        self._loops[-1].append(what)

    def _fixed(
        self, target: cst.BaseExpression, iterable: cst.BaseExpression, names: list[str]
    ) -> bool:
        if isinstance(iterable, cst.Name):
            assigned = self.ctx.assigned(iterable.value)
            if len(assigned) == 1:
                iterable = assigned[0]
        if _small(iterable):
            return True
        if isinstance(iterable, cst.Call) and self.ctx.resolve(iterable.func) == "itertools.count":
            return True  # ``while True:`` with a counter
        if isinstance(target, cst.Name):
            name = target.value.lower()
            if name == "_" or name in _SCHEMA or "table" in name:
                return True
            names.append(name)
        return any(word in name for name in names for word in _BATCHES)

    def _leave(self) -> None:
        self._loops[-1].pop()

    def visit_Call(self, node: cst.Call) -> None:
        loop = next((what for what in reversed(self._loops[-1]) if what), None)
        if loop is None or id(node) in self._outside:
            return
        callee = self.ctx.callee(node)
        methods = QUERY_METHODS.get(callee.receiver or "")
        if methods is None or callee.method not in methods:
            return
        shown = callee.shown or callee.method
        self.report(
            node,
            f"`{shown}()` runs a query on every iteration of the {loop} (N+1); load the rows "
            "at once: one `IN` query (`select(Item).where(Item.id.in_(ids))`) or eager loading "
            "(`selectinload(Order.items)`)",
        )


def _small(iterable: cst.BaseExpression) -> bool:
    """A literal of a few items, or ``range(3)``."""
    if isinstance(iterable, (cst.List, cst.Tuple, cst.Set)):
        return len(iterable.elements) <= _SMALL
    if (
        isinstance(iterable, cst.Call)
        and isinstance(iterable.func, cst.Name)
        and iterable.func.value == "range"
        and len(iterable.args) == 1
        and isinstance(iterable.args[0].value, cst.Integer)
    ):
        return int(iterable.args[0].value.value, 0) <= _SMALL
    return False


def _read(node: cst.BaseExpression, calls: set[int], names: list[str]) -> None:
    """The calls and the names of a loop's iterable expression (small: walked by hand, over
    the expression types iterables are made of; libcst's ``children`` is slow)."""
    kind = type(node)
    if kind is cst.Name:
        names.append(node.value.lower())  # type: ignore[attr-defined]
    elif kind is cst.Attribute:
        names.append(node.attr.value.lower())  # type: ignore[attr-defined]
        _read(node.value, calls, names)  # type: ignore[attr-defined]
    elif kind is cst.Call:
        _read_call(node, calls, names)  # type: ignore[arg-type]
    elif kind is cst.Subscript:
        _read(node.value, calls, names)  # type: ignore[attr-defined]
    elif kind is cst.BinaryOperation:
        _read(node.left, calls, names)  # type: ignore[attr-defined]
        _read(node.right, calls, names)  # type: ignore[attr-defined]
    elif kind is cst.Await:
        _read(node.expression, calls, names)  # type: ignore[attr-defined]
    elif kind in (cst.Tuple, cst.List, cst.Set):
        for element in node.elements:  # type: ignore[attr-defined]
            _read(element.value, calls, names)


def _read_call(node: cst.Call, calls: set[int], names: list[str]) -> None:
    calls.add(id(node))
    func = node.func
    if isinstance(func, cst.Name) and func.value == "range" and len(node.args) == 3:
        names.append("batch")  # ``range(0, len(ids), size)``: one query per batch
    _read(func, calls, names)
    for arg in node.args:
        _read(arg.value, calls, names)
