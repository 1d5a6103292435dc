"""FST604: a request body model without strict mode."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

_BODY_DECLARATIONS = frozenset({None, "Body"})
_APP = "from fastapi import FastAPI\nfrom pydantic import BaseModel, ConfigDict\napp = FastAPI()\n"


class NonStrictModel(Rule):
    """Reports a request body model that lets pydantic coerce types (no strict mode)."""

    code = "FST604"
    name = "non-strict-model"
    category = "pydantic"
    summary = "A request body model without strict mode"
    message = "Request model is not strict: set `model_config = ConfigDict(strict=True)`"
    default_enabled = False
    requires_text = ("@",)  # a route is decorated
    needs_project = True  # routers and models of other modules
    docs = """
## What it does
Finds route parameters that FastAPI reads from the request body as a Pydantic model (or a list
of them) whose model is not in strict mode. A parameter is a body model when its type (inside
`Annotated[...]`, `Optional[...]`, `X | None`, `list[...]`) is a Pydantic model class and it is
declared with no FastAPI declaration or with `Body(...)`; `Depends(...)`, `Query(...)`,
`Form(...)`... parameters are not bodies. The model may be defined in another module of the
project. A model is strict when its class says `strict=True` (`class M(BaseModel,
strict=True)`), or its `model_config = ConfigDict(strict=True)` (or `class Config: strict =
True`) does, its own or inherited from one of the project's base models. The diagnostic points
at the parameter, once per route that uses the model.

## Why is this bad?
Without strict mode Pydantic coerces input: `"123"` becomes `123`, `1` becomes `True`, `"1e3"`
a float. For a public API that silently accepts what a client did not mean to send, and masks
client bugs until the day the coercion guesses wrong. Strict mode rejects a value of the wrong
JSON type with a 422.

## Example
```python
from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class TransferIn(BaseModel):
    amount: int


@router.post("/transfers")
async def create_transfer(transfer: TransferIn) -> TransferIn:
    return transfer
```

## Use instead
```python
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

router = APIRouter()


class TransferIn(BaseModel):
    model_config = ConfigDict(strict=True)

    amount: int


@router.post("/transfers")
async def create_transfer(transfer: TransferIn) -> TransferIn:
    return transfer
```
A project base model (`class StrictModel(BaseModel, strict=True)`) that every request model
inherits from does it once.
"""
    valid = (
        Valid(
            _APP + "class M(BaseModel):\n    model_config = ConfigDict(strict=True)\n    a: int\n"
            "@app.post('/')\nasync def f(m: M) -> M:\n    return m\n"
        ),
        Valid(
            _APP + "class Strict(BaseModel, strict=True):\n    pass\nclass M(Strict):\n    a: int\n"
            "@app.post('/')\nasync def f(m: M) -> M:\n    return m\n"
        ),
        Valid(
            _APP + "from fastapi import Depends\nclass M(BaseModel):\n    a: int\n"
            "@app.get('/')\nasync def f(m: M = Depends()) -> M:\n    return m\n"
        ),
        Valid(_APP + "class M(BaseModel):\n    a: int\nasync def f(m: M) -> M:\n    return m\n"),
        Valid(_APP + "@app.post('/')\nasync def f(a: int, b: dict) -> int:\n    return a\n"),
    )
    invalid = (
        Invalid(
            _APP + "class M(BaseModel):\n    a: int\n@app.post('/')\nasync def f(m: M) -> M:\n"
            "    return m\n",
            7,
            13,
            message_contains="`M` is not strict",
        ),
        Invalid(
            _APP + "from typing import Annotated\nfrom fastapi import Body\n"
            "class M(BaseModel):\n    a: int\n@app.post('/')\n"
            "async def f(m: Annotated[list[M], Body(embed=True)]) -> int:\n    return 1\n",
            9,
            13,
            message_contains="strict=True",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        routes = ctx.fastapi.routes_of(node)
        if not routes or all(route.method == "websocket" for route in routes):
            return
        scopes = ctx.scopes
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is None:
                continue
            if ctx.fastapi.declaration(param, scopes) not in _BODY_DECLARATIONS:
                continue
            model = ctx.models.model_in_annotation(param.annotation.annotation, scopes)
            if model is None or model.is_settings or model.config_value("strict") == "True":
                continue
            self.report(
                param,
                f"Request model `{model.name}` is not strict: set `model_config = "
                "ConfigDict(strict=True)` (or `strict=True` in its class statement)",
            )
