"""FST104: independent awaits one after another in a ``for`` loop."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.semantic.cst_fields import iter_children
from fastlint.semantic.cst_tree import dotted_name

# Receivers and arguments that name one shared resource: awaits on it cannot run concurrently.
_SHARED = re.compile(
    r"(^|_)(session|sess|db|database|conn|connection|cursor|cur|tx|txn|transaction|websocket|ws|"
    r"socket|sock|stream|reader|writer|client|channel|queue|lock|pipe|redis|engine|pool)s?($|_)",
    re.IGNORECASE,
)
_ASYNC_LIBRARIES = ("asyncio.", "anyio.", "trio.")
_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _body_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node of a loop body, not entering nested functions, classes or lambdas."""
    stack = list(iter_children(node))
    while stack:
        current = stack.pop()
        yield current
        if not isinstance(current, _NESTED_SCOPES):
            stack.extend(iter_children(current))


def _names_in(node: cst.CSTNode) -> set[str]:
    found = {node.value} if isinstance(node, cst.Name) else set()
    for child in _body_nodes(node):
        if isinstance(child, cst.Name):
            found.add(child.value)
    return found


def _target_names(target: cst.BaseAssignTargetExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        names: set[str] = set()
        for element in target.elements:
            names |= _target_names(element.value)  # type: ignore[arg-type]
        return names
    return set()


class SequentialAwaitsInLoop(Rule):
    code = "FST104"
    name = "sequential-awaits-in-loop"
    category = "async"
    summary = "Independent `await`s one after another in a `for` loop (use `gather`/`TaskGroup`)"
    message = (
        "Each iteration waits for the previous one; run the independent calls concurrently with "
        "`asyncio.gather(...)` or an `asyncio.TaskGroup`"
    )
    default_enabled = False
    requires_text = ("await",)
    docs = """
## What it does
Finds a `for` loop in an `async def` whose body awaits one call per item, where the call is an
independent function call on the loop's item: the loop body holds exactly one `await`, of a
plain function (or a module's function) whose arguments use the loop variable.

The loop body must be that one statement. The rule is conservative, and opt-in. It never
reports:
- awaits on a method of an object (`await session.execute(...)`, `await websocket.send_text(...)`,
  `await client.get(...)`, `await self.fetch(...)`): one session, connection, websocket, stream or
  client cannot serve concurrent calls, and the order often matters;
- calls that are passed a session, connection, client, lock, queue or stream (`await
  save(db, item)`), for the same reason;
- loops that do more per item (other statements, an `if`, `try`, `with`, `break`,
  `continue`), whose order or conditions may depend on earlier iterations;
- a call whose result feeds the next one (`state = await step(item, state)`);
- `asyncio`, `anyio` and `trio` helpers such as `await asyncio.sleep(...)` (deliberate pacing).

## Why is this bad?
`await` inside a loop runs the calls one after another: ten HTTP calls of 100 ms each take a
second, where running them concurrently takes 100 ms. Independent I/O is the case `async` exists
for.

## Example
```python
from app.http import fetch  # async def fetch(url: str) -> bytes


async def fetch_all(urls: list[str]) -> list[bytes]:
    pages = []
    for url in urls:
        pages.append(await fetch(url))
    return pages
```

## Use instead
```python
import asyncio

from app.http import fetch


async def fetch_all(urls: list[str]) -> list[bytes]:
    return await asyncio.gather(*(fetch(url) for url in urls))
```
Bound the concurrency (an `asyncio.Semaphore`) when the list can be long.
"""
    valid = (
        Valid("async def f(urls):\n    for url in urls:\n        await session.execute(url)\n"),
        Valid("async def f(items, db):\n    for item in items:\n        await save(db, item)\n"),
        Valid(
            "from a import fetch\nasync def f(urls):\n    for url in urls:\n        r = await fetch(url)\n        if r:\n            break\n"
        ),
        Valid(
            "import asyncio\nasync def f(xs):\n    for x in xs:\n        await asyncio.sleep(x)\n"
        ),
        Valid("async def f(ws, xs):\n    for x in xs:\n        await ws.send_text(x)\n"),
        Valid(
            "async def f(xs):\n    for x in xs:\n        a = await fetch(x)\n        await store(a)\n"
        ),
        Valid("async def f(xs):\n    for x in xs:\n        await tick()\n"),
        Valid(
            "from a import g\nasync def f(xs, s):\n    for x in xs:\n        s = await g(x, s)\n"
        ),
        Valid(
            "from a import g\nasync def f(xs):\n    for x in xs:\n        if x:\n            await g(x)\n"
        ),
        Valid("async def f(urls):\n    async for url in urls:\n        await fetch(url)\n"),
    )
    invalid = (
        Invalid(
            "from app.http import fetch\nasync def f(urls):\n    pages = []\n    for url in urls:\n"
            "        pages.append(await fetch(url))\n    return pages\n",
            5,
            22,
            message_contains="Each iteration waits for the previous one",
        ),
        Invalid(
            "import svc\nasync def f(ids):\n    for i in ids:\n        await svc.notify(i)\n",
            4,
            9,
            message_contains="concurrently with `asyncio.gather(...)` or an `asyncio.TaskGroup`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._reported: set[int] = set()

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or not self.ctx.in_coroutine:
            return
        loop_names = _target_names(node.target)
        if not loop_names:
            return
        body = node.body.body
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or node.orelse:
            return  # more work per item, or control flow: the order may matter
        awaits = [child for child in _body_nodes(body[0]) if isinstance(child, cst.Await)]
        if len(awaits) != 1 or id(awaits[0]) in self._reported:
            return
        assigned: set[str] = set()
        for small in body[0].body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    assigned |= _names_in(target.target)
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                assigned |= _names_in(small.target)
        if self._independent(awaits[0], loop_names, assigned):
            self._reported.add(id(awaits[0]))
            self.report(awaits[0])

    def _independent(self, node: cst.Await, loop_names: set[str], assigned: set[str]) -> bool:
        call = node.expression
        if not isinstance(call, cst.Call) or not call.args:
            return False
        callee = dotted_name(call.func)
        if callee is None:
            return False
        if "." in callee:  # only a module's function, never a method of an object
            qualified = self.ctx.resolve(call.func)
            if qualified is None or qualified.count(".") != callee.count("."):
                return False
        elif self.ctx.resolve(call.func) is None and not self.ctx.imports.is_module_definition(
            callee
        ):
            return False
        qualified = self.ctx.resolve(call.func) or ""
        if qualified.startswith(_ASYNC_LIBRARIES) or qualified.startswith("builtins."):
            return False
        used: set[str] = set()
        for arg in call.args:
            used |= _names_in(arg.value)
        if used & assigned or any(_SHARED.search(name) for name in used):
            return False  # the result feeds the next call, or one shared resource is passed
        return bool(used & loop_names)
