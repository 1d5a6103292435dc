"""FST603: a model field without a description."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import ANNOTATED

_FIELD = frozenset(
    {"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field", "sqlmodel.main.Field"}
)
_P = "from pydantic import BaseModel, Field\n"


def _own_fields(node: cst.ClassDef) -> Iterator[cst.AnnAssign]:
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    yield small


class FieldWithoutDescription(Rule):
    """Reports a model field without `Field(description=...)` for the OpenAPI schema."""

    code = "FST603"
    name = "field-without-description"
    category = "pydantic"
    summary = "A model field without `Field(description=...)`"
    message = "Field has no description: add `Field(description=...)` (it documents the API)"
    default_enabled = False
    requires_text = ("class",)
    needs_project = True  # models whose base model is in another module
    docs = """
## What it does
Finds fields of Pydantic models (and SQLModel models that are not tables) declared without a
description: neither `name: T = Field(..., description="...")` nor
`name: Annotated[T, Field(description="...")]`. The diagnostic points at the field.

Which models are checked: every Pydantic model class the file defines, since a schema module
cannot know which routes of the project use its models as request or response bodies. Not
checked: settings classes (`BaseSettings`: their fields are configuration, not API), SQLModel
`table=True` classes (ORM tables), and models whose configuration sets
`use_attribute_docstrings=True` (their descriptions are docstrings below the fields).

## Why is this bad?
FastAPI turns each field's description into the OpenAPI schema that API clients and their
generated code read. A schema of bare names and types leaves every consumer guessing what
`status`, `ref` or `amount` mean and in which unit.

## Example
```python
from pydantic import BaseModel


class Payment(BaseModel):
    amount: int
```

## Use instead
```python
from typing import Annotated

from pydantic import BaseModel, Field


class Payment(BaseModel):
    amount: Annotated[int, Field(description="Amount in cents")]
    currency: str = Field("EUR", description="ISO 4217 code")
```
"""
    valid = (
        Valid(_P + "class M(BaseModel):\n    a: int = Field(description='A')\n"),
        Valid(
            _P + "from typing import Annotated\nclass M(BaseModel):\n"
            "    a: Annotated[int, Field(description='A')] = 1\n"
        ),
        Valid("from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    a: int\n"),
        Valid("from sqlmodel import SQLModel\nclass T(SQLModel, table=True):\n    id: int\n"),
        Valid("class Plain:\n    a: int\n"),
        Valid(
            _P + "from typing import ClassVar\nclass M(BaseModel):\n    a: ClassVar[int] = 1\n"
            "    _b: int = 2\n"
        ),
        Valid(
            "from pydantic import BaseModel, ConfigDict\nclass M(BaseModel):\n"
            "    model_config = ConfigDict(use_attribute_docstrings=True)\n    a: int\n"
            '    """The a."""\n'
        ),
    )
    invalid = (
        Invalid(_P + "class M(BaseModel):\n    a: int\n", 3, 5, message_contains="`a`"),
        Invalid(
            _P + "class M(BaseModel):\n    a: int = Field(1, title='A')\n",
            3,
            5,
            message_contains="description",
        ),
        Invalid(
            "from sqlmodel import SQLModel\nclass HeroBase(SQLModel):\n    name: str\n",
            3,
            5,
            message_contains="`name`",
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not node.bases:
            return
        model = self.ctx.models.model_for(node)
        if model is None or model.is_settings or model.is_table:
            return
        if model.config_value("use_attribute_docstrings") == "True":
            return
        for small in _own_fields(node):
            field = model.field(small.target.value)  # type: ignore[attr-defined]
            if field is None or field.node is not small:
                continue  # a ClassVar, a private attribute, ``model_config``
            if not self._described(small):
                self.report(
                    small.target,
                    f"Field `{field.name}` has no description: add "
                    "`Field(description=...)` (it documents the API schema)",
                )

    def _described(self, node: cst.AnnAssign) -> bool:
        if node.value is not None and self._field_call_describes(node.value):
            return True
        annotation = node.annotation.annotation
        if (
            isinstance(annotation, cst.Subscript)
            and self.ctx.resolve(annotation.value) in ANNOTATED
        ):
            for element in annotation.slice[1:]:
                if isinstance(element.slice, cst.Index) and self._field_call_describes(
                    element.slice.value
                ):
                    return True
        return False

    def _field_call_describes(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call) or self.ctx.resolve(value.func) not in _FIELD:
            return False
        return any(
            arg.star == "**" or (arg.keyword is not None and arg.keyword.value == "description")
            for arg in value.args
        )
