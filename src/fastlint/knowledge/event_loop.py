"""asyncio's event loop and tasks: the names that return a loop, the loop's types, and the
functions that start a task."""

from __future__ import annotations

EVENT_LOOP = "asyncio.AbstractEventLoop"

LOOP_FUNCTIONS = frozenset(
    {"asyncio.get_running_loop", "asyncio.get_event_loop", "asyncio.new_event_loop"}
)
LOOP_TYPES = frozenset(
    {"asyncio.AbstractEventLoop", "asyncio.BaseEventLoop", "asyncio.events.AbstractEventLoop"}
)
TASK_FUNCTIONS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
    }
)
