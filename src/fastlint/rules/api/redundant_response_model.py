"""FST202: ``response_model=X`` that only repeats the return annotation."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.fix import SAFE, Fix
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid
from fastlint.rules.api._types import same_type

_APP = "from fastapi import FastAPI\nfrom app.schemas import Item\napp = FastAPI()\n"


def without_argument(call: cst.Call, argument: cst.Arg) -> cst.Call:
    """``call`` without ``argument``, its neighbours' commas kept as they were written."""
    args = list(call.args)
    position = args.index(argument)
    del args[position]
    if args and position == len(args):  # the last one went: its comma (or none) ends the list
        args[-1] = args[-1].with_changes(comma=argument.comma)
    return call.with_changes(args=args)


class RedundantResponseModel(Rule):
    """Reports `response_model=` that only repeats the handler's return annotation."""

    code = "FST202"
    name = "redundant-response-model"
    category = "api"
    summary = "`response_model=X` repeats the return annotation"
    message = "`response_model=` repeats the return annotation; remove it"
    fix = FIX_SAFE
    requires_text = ("response_model",)
    needs_project = True  # for routers and apps made by the project's own classes and factories
    docs = """
## What it does
Finds routes whose `response_model=` argument is the same type as the handler's return
annotation. Since FastAPI 0.89 the return annotation *is* the response model; writing it twice
is noise, and the two drift apart when one is edited.

The types are compared after resolving names: `List[Item]` (from `typing`) and `list[Item]` are
the same, so are `Optional[Item]`, `Union[Item, None]` and `Item | None`, and `"Item"` (a string
annotation) and `Item`. Different types are not reported: `response_model=UserPublic` with
`-> User` is how a handler returns an ORM object and lets FastAPI filter it.
`response_model=None` (turns the model off) is never reported.

## Why is this bad?
Two declarations of one fact: someone changes the return type, forgets the decorator, and the
endpoint validates against the old model. The annotation alone also gives type checkers the
information.

## Example
```python
from fastapi import APIRouter

from app.schemas import Item

router = APIRouter()


@router.get("/items/{item_id}", response_model=Item)
async def read_item(item_id: int) -> Item:
    ...
```

## Use instead
```python
from fastapi import APIRouter

from app.schemas import Item

router = APIRouter()


@router.get("/items/{item_id}")
async def read_item(item_id: int) -> Item:
    ...
```

## Fix
Removes the `response_model=` argument. Safe: FastAPI then takes the response model from the
return annotation, which is the same type.

## Differences from ruff's FAST001
- ruff compares the two expressions as written: `response_model=List[Item]` with `-> list[Item]`
  or `Optional[Item]` with `Item | None` is not reported there; here they are the same type.
- ruff only checks `.get/.post/...` decorators; `@app.api_route(..., response_model=X)` is
  checked here too.
- Routes are found through the semantic model here (an app or router made by a factory, a
  subclass, or imported from another module of the project), not by the decorator's name alone.
"""
    valid = (
        Valid(_APP + "@app.get('/', response_model=ItemPublic)\nasync def r() -> Item:\n    ...\n"),
        Valid(_APP + "@app.get('/', response_model=None)\nasync def r() -> None:\n    ...\n"),
        Valid(_APP + "@app.get('/', response_model=Item)\nasync def r():\n    ...\n"),
        Valid(_APP + "@app.get('/')\nasync def r() -> Item:\n    ...\n"),
        Valid(_APP + "@app.get('/', response_model=list[Item])\nasync def r() -> Item:\n    ...\n"),
        Valid(
            "from flask import Flask\napp = Flask(__name__)\n"
            "@app.get('/', response_model=Item)\ndef r() -> Item:\n    ...\n"
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/', response_model=Item)\nasync def r() -> Item:\n    ...\n",
            4,
            15,
            message_contains="repeats the return annotation",
            fixed=_APP + "@app.get('/')\nasync def r() -> Item:\n    ...\n",
        ),
        Invalid(
            "from typing import List\n" + _APP + "@app.get(\n    '/',\n"
            "    response_model=List[Item],\n    status_code=200,\n)\n"
            "async def r() -> list[Item]:\n    ...\n",
            7,
            5,
            message_contains="remove it",
            fixed="from typing import List\n"
            + _APP
            + "@app.get(\n    '/',\n    status_code=200,\n)\nasync def r() -> list[Item]:\n    ...\n",
        ),
        Invalid(
            _APP + "@app.api_route('/', methods=['GET', 'HEAD'], response_model=Item | None)\n"
            "async def r() -> 'Item | None':\n    ...\n",
            4,
            46,
            message_contains="remove it",
            fixed=_APP + "@app.api_route('/', methods=['GET', 'HEAD'])\n"
            "async def r() -> 'Item | None':\n    ...\n",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        returns = node.returns
        if returns is None:
            return
        for route in self.ctx.fastapi.routes_of(node):
            argument = route.keywords.get("response_model")
            if argument is None:
                continue
            model = argument.value
            if isinstance(model, cst.Name) and model.value == "None":
                continue
            if same_type(model, returns.annotation, self.ctx.resolve):
                fix = Fix.replace(
                    route.call,
                    without_argument(route.call, argument),
                    "Remove `response_model=`",
                    SAFE,
                )
                self.report(argument, fix=fix)
