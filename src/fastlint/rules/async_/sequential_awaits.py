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
# Calls that emit or deliver something: events, messages and writes go out in the order they
# happened (``await send(event)``, ``await publish_event(...)``, ``await emit_deleted(flow)``).
_ORDERED_CALL = re.compile(
    r"(^|_)(send|emit|publish|notify|write|broadcast|dispatch|enqueue|push|put|produce|fire|"
    r"trigger|signal|log|record|reply|respond|forward|deliver|relay|stream|yield|replay|apply|"
    r"migrate)(s|ed|es)?($|_)",
    re.IGNORECASE,
)
# Arguments that are handled in order: events, messages, chunks of a stream, steps of a plan.
_ORDERED_ITEM = re.compile(
    r"(^|_)(event|message|msg|chunk|delta|frame|packet|update|change|op|operation|step|"
    r"migration|patch|command|cmd|action|token|line|notification)(s|es)?($|_)",
    re.IGNORECASE,
)
# ``async with lock:`` (or a semaphore, a transaction) around the loop: one at a time on purpose.
_SERIALIZING = re.compile(
    r"(^|_)(lock|mutex|semaphore|sem|transaction|tx|txn|begin|begin_nested)s?($|_)",
    re.IGNORECASE,
)
_ASYNC_LIBRARIES = ("asyncio.", "anyio.", "trio.")
_NESTED_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_NOT_SHARED = frozenset({"pathlib.Path"})  # kinds of values that are not one shared resource


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


def _words_in(node: cst.CSTNode) -> set[str]:
    """The names and attribute names of an expression (``request.app.state.redis``: all four)."""
    found = _names_in(node)
    for child in [node, *_body_nodes(node)]:
        if isinstance(child, cst.Attribute):
            found.add(child.attr.value)
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
    """Reports independent `await`s run one by one in a `for` loop."""

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
    needs_values = True  # the kinds of the arguments: a shared session or client
    docs = """
## What it does
Finds a `for` loop in an `async def` whose body awaits one call per item, where the call is an
independent function call on the loop's item: the loop body holds exactly one `await`, of a
plain function (or a module's function) whose arguments use the loop variable.

The loop body must be that one statement, and the iterations must be independent as far as the
code shows. The rule is conservative, and opt-in: when unsure, it stays silent. It never
reports:
- awaits on a method of an object (`await session.execute(...)`, `await websocket.send_text(...)`,
  `await client.get(...)`, `await self.fetch(...)`): one session, connection, websocket, stream or
  client cannot serve concurrent calls, and the order often matters;
- calls that are passed a session, connection, client, lock, queue or stream, by its name
  (`await save(db, item)`, `await stop_task(request.app.state.redis, task_id)`) or its kind (a
  parameter annotated `AsyncSession`, a name bound to `httpx.AsyncClient()`...), for the same
  reason;
- events and messages, which go out in the order they happened: a call that sends, emits,
  publishes, notifies, writes, broadcasts, dispatches, records or logs (`await send(event)`,
  `await publish_event(...)`, `await emit_flow_deleted_event(flow)`), and a call passed an
  event, a message, a chunk, an update or a step (`await evaluate(event)`);
- loops inside `async with lock:` (or a semaphore, or a transaction: `async with
  session.begin():`): one at a time on purpose;
- loops that do more per item (other statements, an `if`, `try`, `with`, `break`,
  `continue`), whose order or conditions may depend on earlier iterations;
- a result assigned to a name or accumulated (`state = await step(item, state)`, `result =
  await stop(task)`, `total += await count(item)`): the next iteration, or the code after the
  loop, sees the last one; appending to a list or storing by key is fine;
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
        Valid(
            "from app.tasks import stop_task\nasync def f(request, task_ids):\n"
            "    for task_id in task_ids:\n"
            "        result = await stop_task(request.app.state.redis, task_id)\n    return result\n"
        ),
        Valid(
            "from app.events import publish_event\nasync def f(request, ids):\n"
            "    for child_id in ids:\n        await publish_event(request, child_id)\n"
        ),
        Valid(
            "from app.events import emit_flow_deleted_event\nasync def f(flows):\n"
            "    for flow in flows:\n        await emit_flow_deleted_event(flow)\n"
        ),
        Valid(
            "from app.triggers import reactive_evaluation\nasync def f(events):\n"
            "    for event in events:\n        await reactive_evaluation(event)\n"
        ),
        Valid(
            "from app.io import send\nasync def f(items):\n    for item in items:\n"
            "        await send(item)\n"
        ),
        Valid(
            "import asyncio\nfrom app.jobs import run_job\nlock = asyncio.Lock()\n"
            "async def f(jobs):\n    async with lock:\n        for job in jobs:\n"
            "            await run_job(job)\n"
        ),
        Valid(
            "from sqlalchemy.ext.asyncio import AsyncSession\nfrom app.repo import save\n"
            "async def f(s: AsyncSession, items):\n    for item in items:\n        await save(s, item)\n"
        ),
        Valid(
            "from app.memory import reindex\nasync def f(users):\n    total = 0\n"
            "    for user in users:\n        total += await reindex(user)\n    return total\n"
        ),
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
            "import svc\nasync def f(ids):\n    for i in ids:\n        await svc.refresh(i)\n",
            4,
            9,
            message_contains="concurrently with `asyncio.gather(...)` or an `asyncio.TaskGroup`",
        ),
        Invalid(
            "from app.users import disconnect_user_sessions\nasync def f(user_ids):\n"
            "    for user_id in user_ids:\n        await disconnect_user_sessions(user_id)\n",
            4,
            9,
            message_contains="Each iteration waits for the previous one",
        ),
        Invalid(
            "from app.http import fetch\nasync def f(urls):\n    pages = {}\n    for url in urls:\n"
            "        pages[url] = await fetch(url)\n    return pages\n",
            5,
            22,
            message_contains="Each iteration waits for the previous one",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._reported: set[int] = set()
        self._serialized: list[int] = []  # ``with lock:`` blocks the walk is inside

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            if any(_SERIALIZING.search(word) for word in _words_in(item.item)):
                self._serialized.append(id(node))
                return

    def leave_With(self, original_node: cst.With) -> None:
        if self._serialized and self._serialized[-1] == id(original_node):
            self._serialized.pop()

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or not self.ctx.in_coroutine or self._serialized:
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
        assigned = _filled_containers(body[0])
        if assigned is not None and self._independent(awaits[0], loop_names, assigned):
            self._reported.add(id(awaits[0]))
            self.report(awaits[0])

    def _independent(self, node: cst.Await, loop_names: set[str], assigned: set[str]) -> bool:
        call = node.expression
        if not isinstance(call, cst.Call) or not call.args:
            return False
        callee = self._plain_function(call)
        if callee is None or _ORDERED_CALL.search(callee.rpartition(".")[2]):
            return False  # events and messages go out in order
        used: set[str] = set()
        words: set[str] = set()
        for arg in call.args:
            used |= _names_in(arg.value)
            words |= _words_in(arg.value)
            kind = self.ctx.kind_of(arg.value)
            if kind is not None and kind not in _NOT_SHARED:
                return False  # one session, connection or client for every call
        if used & assigned or any(_SHARED.search(word) for word in words):
            return False  # the result feeds the next call, or one shared resource is passed
        if any(_ORDERED_ITEM.search(word) for word in words | loop_names):
            return False  # events, messages, chunks: handled in the order they came
        return bool(used & loop_names)

    def _plain_function(self, call: cst.Call) -> str | None:
        """The callee as written when it is a function of ours or a module's (never a method of
        an object, nor an ``asyncio``/``anyio``/``trio`` helper or a builtin)."""
        callee = dotted_name(call.func)
        if callee is None:
            return None
        qualified = self.ctx.resolve(call.func)
        if "." in callee:
            if qualified is None or qualified.count(".") != callee.count("."):
                return None
        elif qualified is None and not self.ctx.imports.is_module_definition(callee):
            return None
        if (qualified or "").startswith((*_ASYNC_LIBRARIES, "builtins.")):
            return None
        return callee


def _filled_containers(line: cst.SimpleStatementLine) -> set[str] | None:
    """The names of the containers the loop body's assignments fill (``pages[url] = ...`` fills
    ``pages``); None when it rebinds a name or attribute (the last result wins) or accumulates
    with ``+=`` (in order, maybe on purpose)."""
    assigned: set[str] = set()
    for small in line.body:
        if isinstance(small, cst.AugAssign):
            return None
        if isinstance(small, cst.Assign):
            targets = [target.target for target in small.targets]
        elif isinstance(small, cst.AnnAssign):
            targets = [small.target]
        else:
            continue
        for target in targets:
            if not isinstance(target, cst.Subscript):
                return None
            assigned |= _names_in(target.value)
    return assigned
