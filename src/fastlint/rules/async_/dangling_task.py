"""FST105: a task created and dropped, so nothing keeps it alive."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.event_loop import EVENT_LOOP, TASK_FUNCTIONS


class DanglingTask(Rule):
    """Reports a task created with `create_task`/`ensure_future` whose reference is dropped."""

    code = "FST105"
    name = "dangling-task"
    category = "async"
    summary = "The result of `asyncio.create_task(...)`/`ensure_future(...)` is discarded"
    message = (
        "Task is not stored: the event loop keeps only a weak reference, so it can be "
        "garbage-collected before it finishes; keep a reference (a set of tasks, a TaskGroup)"
    )
    requires_text = ("create_task", "ensure_future")
    docs = """
## What it does
Finds calls of `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
`loop.create_task(...)` (on a loop from `asyncio.get_running_loop()`, `get_event_loop()`,
`new_event_loop()`, or a parameter annotated `asyncio.AbstractEventLoop`) whose result is
discarded: the call is a statement of its own. `create_task` on a `TaskGroup` or an anyio task
group is not reported: the group keeps its tasks.

## Why is this bad?
The event loop keeps only weak references to tasks. A task that nobody references can be
garbage-collected in the middle of its work, silently: the e-mail is never sent, the cache never
warmed. Its exceptions are also lost ("Task exception was never retrieved"). Python's own
documentation of `asyncio.create_task` warns about this.

## Example
```python
import asyncio

from fastapi import APIRouter

from app.emails import send_welcome_email
from app.schemas import UserIn, UserOut
from app.users import create_user

router = APIRouter()


@router.post("/signup", status_code=201)
async def signup(user: UserIn) -> UserOut:
    created = await create_user(user)
    asyncio.create_task(send_welcome_email(created.email))
    return created
```

## Use instead
```python
import asyncio

from fastapi import APIRouter

from app.emails import send_welcome_email
from app.schemas import UserIn, UserOut
from app.users import create_user

router = APIRouter()
background_tasks: set[asyncio.Task[None]] = set()


@router.post("/signup", status_code=201)
async def signup(user: UserIn) -> UserOut:
    created = await create_user(user)
    task = asyncio.create_task(send_welcome_email(created.email))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    return created
```
In a route, FastAPI's `BackgroundTasks` is often simpler; inside a coroutine that waits for its
work, use `asyncio.TaskGroup`.
"""
    valid = (
        Valid(
            "import asyncio\nasync def f():\n    task = asyncio.create_task(g())\n    await task\n"
        ),
        Valid(
            "import asyncio\nasync def f():\n    async with asyncio.TaskGroup() as tg:\n        tg.create_task(g())\n"
        ),
        Valid(
            "import asyncio\ntasks = set()\nasync def f():\n    tasks.add(asyncio.create_task(g()))\n"
        ),
        Valid("def create_task(c):\n    pass\nasync def f():\n    create_task(g())\n"),
        Valid("async def f(nursery):\n    nursery.create_task(g())\n"),
    )
    invalid = (
        Invalid(
            "import asyncio\nasync def f():\n    asyncio.create_task(g())\n",
            3,
            5,
            message_contains="Task is not stored",
        ),
        Invalid(
            "from asyncio import ensure_future as ef\nasync def f():\n    ef(g())\n",
            3,
            5,
            message_contains="can be garbage-collected before it finishes",
        ),
        Invalid(
            "import asyncio\nasync def f():\n    loop = asyncio.get_running_loop()\n"
            "    loop.create_task(g())\n",
            4,
            5,
            message_contains="Task is not stored",
        ),
        Invalid(
            "import asyncio\nasync def f():\n    asyncio.get_event_loop().create_task(g())\n",
            3,
            5,
            message_contains="Task is not stored",
        ),
        Invalid(
            "import asyncio\ndef f(loop: asyncio.AbstractEventLoop):\n    loop.create_task(g())\n",
            3,
            5,
            message_contains="keep a reference (a set of tasks, a TaskGroup)",
        ),
    )

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        callee = self.ctx.callee(call)
        if callee.qualified in TASK_FUNCTIONS or (
            callee.method == "create_task" and callee.receiver == EVENT_LOOP
        ):
            self.report(call)
