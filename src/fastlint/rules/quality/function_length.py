"""FST502: a function body with too many lines of code."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Option, Rule, Valid


def _body(lines: int) -> str:
    return "".join(f"    x{i} = {i}\n" for i in range(lines))


class FunctionTooLong(Rule):
    """Reports a function whose body has more code lines than `max-function-lines`."""

    code = "FST502"
    name = "function-too-long"
    category = "quality"
    summary = "A function body longer than `max-function-lines` (default 30) code lines"
    message = "Function is too long; split it into smaller functions"
    options = (
        Option(
            "max-function-lines",
            int,
            30,
            "The most code lines a function body may have (blank, comment and docstring lines "
            "are not counted).",
        ),
    )
    docs = """
## What it does
Counts the code lines of each function's body: lines that hold code, not blank lines, lines
with only a comment, or the docstring. A body with more than `max-function-lines` (default 30)
is reported at the function's name. A nested function's lines count toward the function that
contains it, and are also checked on their own.

## Why is this bad?
A long handler mixes validation, business logic, persistence and response shaping. It is hard
to read in review, hard to test in parts, and changes to one concern risk the others. Short
functions with names that say what they do are the house style the rule documents ask for.

## Example
A limit of 8 keeps the example short (the default is 30):
```toml
[tool.fastlint]
max-function-lines = 8
```
```python
from fastapi import APIRouter, HTTPException

from app.db import SessionDep
from app.emails import send_receipt
from app.models import Order
from app.schemas import OrderIn, OrderOut

router = APIRouter()


@router.post("/orders", status_code=201)
async def create_order(payload: OrderIn, db: SessionDep) -> OrderOut:
    if not payload.lines:
        raise HTTPException(422, "an order needs at least one line")
    total = sum(line.price * line.quantity for line in payload.lines)
    if payload.coupon:
        total *= 0.9
    order = Order(customer_id=payload.customer_id, total=total)
    db.add(order)
    await db.commit()
    await send_receipt(payload.email, order)
    return OrderOut.model_validate(order)
```

## Use instead
```python
from fastapi import APIRouter

from app.schemas import OrderIn, OrderOut
from app.services import OrderServiceDep

router = APIRouter()


@router.post("/orders", status_code=201)
async def create_order(payload: OrderIn, service: OrderServiceDep) -> OrderOut:
    order = await service.place(payload)
    return OrderOut.model_validate(order)
```
Move each concern into a service or helper function with a name that says what it does.
"""
    valid = (
        Valid("def f():\n" + _body(30)),
        Valid(
            'def f():\n    """Doc\n\n    more doc\n    """\n'
            + _body(28)
            + "    # note\n\n    pass\n"
        ),
        Valid("def f():\n" + _body(40), {"max-function-lines": 40}),
    )
    invalid = (
        Invalid("def f():\n" + _body(31), 1, 5, message_contains="31 code lines"),
        Invalid(
            "class A:\n    async def method(self):\n" + _body(3).replace("    ", "        "),
            2,
            15,
            {"max-function-lines": 2},
            message_contains="Function `method` has 3 code lines (more than 2)",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        limit = self.option("max-function-lines")
        length = self.ctx.function_length(node)
        if length > limit:
            self.report(
                node.name,
                f"Function `{node.name.value}` has {length} code lines (more than {limit}); "
                "split it into smaller functions",
            )
