"""FST105: a task created and dropped, so nothing keeps it alive."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.imports import dotted_name
from fastlint.engine.rule import Invalid, Rule, Valid

_TASK_FUNCTIONS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
    }
)
_LOOP_FUNCTIONS = frozenset(
    {"asyncio.get_running_loop", "asyncio.get_event_loop", "asyncio.new_event_loop"}
)
_LOOP_TYPES = frozenset(
    {"asyncio.AbstractEventLoop", "asyncio.BaseEventLoop", "asyncio.events.AbstractEventLoop"}
)


class DanglingTask(Rule):
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
@router.post("/signup", status_code=201)
async def signup(user: UserIn) -> UserOut:
    created = await users.create(user)
    asyncio.create_task(send_welcome_email(created.email))
    return created
```

## Use instead
```python
background_tasks: set[asyncio.Task[None]] = set()

@router.post("/signup", status_code=201)
async def signup(user: UserIn) -> UserOut:
    created = await users.create(user)
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
        Invalid("import asyncio\nasync def f():\n    asyncio.create_task(g())\n", 3, 5),
        Invalid("from asyncio import ensure_future as ef\nasync def f():\n    ef(g())\n", 3, 5),
        Invalid(
            "import asyncio\nasync def f():\n    loop = asyncio.get_running_loop()\n"
            "    loop.create_task(g())\n",
            4,
            5,
        ),
        Invalid(
            "import asyncio\nasync def f():\n    asyncio.get_event_loop().create_task(g())\n", 3, 5
        ),
        Invalid(
            "import asyncio\ndef f(loop: asyncio.AbstractEventLoop):\n    loop.create_task(g())\n",
            3,
            5,
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._loops: dict[int, set[str]] = {}  # scope id (0: module) -> names bound to loops

    def _scope_id(self) -> int:
        function = self.ctx.function
        return id(function) if function is not None else 0

    def _is_loop(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            return self.ctx.resolve(node.func) in _LOOP_FUNCTIONS
        name = dotted_name(node)
        if name is None:
            return False
        scopes = [0, *(id(scope) for scope in self.ctx.scopes)]
        return any(name in self._loops.get(scope, ()) for scope in scopes)

    def _bind(self, target: cst.CSTNode, is_loop: bool, scope: int | None = None) -> None:
        name = dotted_name(target)
        if name is None:
            return
        names = self._loops.setdefault(self._scope_id() if scope is None else scope, set())
        if is_loop:
            names.add(name)
        else:
            names.discard(name)

    def visit_Assign(self, node: cst.Assign) -> None:
        is_loop = self._is_loop(node.value)
        for target in node.targets:
            self._bind(target.target, is_loop)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                scopes = [*self.ctx.scopes, node]
                qualified = self.ctx.imports.resolve(param.annotation.annotation, scopes)
                if qualified in _LOOP_TYPES:
                    self._bind(param.name, True, id(node))

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        if self.ctx.resolve(call.func) in _TASK_FUNCTIONS:
            self.report(call)
        elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "create_task":
            if self._is_loop(call.func.value):
                self.report(call)
