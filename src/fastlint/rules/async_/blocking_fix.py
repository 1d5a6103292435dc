"""FST101's fix: ``time.sleep(x)`` -> ``await asyncio.sleep(x)``, importing ``asyncio`` once.

Only ``time.sleep`` has a mechanical replacement; the other blocking calls need a client or a
thread chosen by a person (``requests.get`` -> ``httpx.AsyncClient`` changes the code around it).
"""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fix import UNSAFE, Fix, add_import, awaited

SLEEP = "time.sleep"


def sleep_fix(ctx: Context, call: cst.Call) -> Fix | None:
    """The fix of a ``time.sleep(...)`` call that is a statement of its own, in an ``async def``;
    None when ``asyncio`` cannot be bound (the name is taken by something else)."""
    imported = add_import(ctx, "asyncio")
    if imported is None:
        return None
    name, import_edits = imported
    func = cst.Attribute(value=cst.Name(name), attr=cst.Name("sleep"))
    new = awaited(call.with_changes(func=func))
    fix = Fix.replace(call, new, f"Replace with `await {name}.sleep(...)`", UNSAFE)
    return fix.with_edits(import_edits)
