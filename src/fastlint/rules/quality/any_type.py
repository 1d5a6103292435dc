"""FST505: ``typing.Any`` in an annotation."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid

ANY = frozenset({"typing.Any", "typing_extensions.Any"})
_LITERAL = frozenset({"typing.Literal", "typing_extensions.Literal"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


class AnyType(Rule):
    """Reports ``typing.Any`` in annotations, model fields included (FST505)."""

    code = "FST505"
    name = "any-type"
    category = "quality"
    summary = "`typing.Any` in an annotation (parameters, returns, variables, model fields)"
    message = (
        "`Any` turns type checking off; use a precise type (a model, a TypedDict, a Protocol, "
        "a TypeVar) or `object`"
    )
    requires_text = ("Any",)
    docs = """
## What it does
Reports `typing.Any` (or `typing_extensions.Any`) wherever it appears in an annotation: a
parameter, a return, a variable, and the fields of Pydantic models, dataclasses and SQLAlchemy
models (class-level annotations), also nested (`dict[str, Any]`, `list[Any] | None`,
`Callable[..., Any]`) and in a string annotation (`"Any"`). Each `Any` is reported where it is.

The name is resolved through imports: `from typing import Any as A`, `import typing as t` then
`t.Any` are reported; a class of your own called `Any` is not, nor the strings of a
`Literal["Any"]`, nor the metadata of `Annotated[T, ...]`. `Any` outside annotations
(`cast(Any, x)`, `TypeAdapter(Any)`) is not reported.

## Why is this bad?
`Any` is compatible with everything in both directions: the type checker stops checking every
value that goes through it, and in a Pydantic model or a FastAPI signature nothing is validated
and the OpenAPI schema says nothing. The rule documents ask to avoid it and to say what the
data is.

## Example
```python
from typing import Any

from pydantic import BaseModel


class Event(BaseModel):
    name: str
    payload: dict[str, Any]


def handle(event: Any) -> None: ...
```

## Use instead
```python
from pydantic import BaseModel


class Payload(BaseModel):
    user_id: int
    action: str


class Event(BaseModel):
    name: str
    payload: Payload


def handle(event: Event) -> None: ...
```
When a value really can be anything, `object` says so and keeps it checked: nothing can be done
with it until it is narrowed with `isinstance`.

## Differences from ruff
ruff's `ANN401` reports `Any` only as the whole annotation of a function's parameter or
return; this rule also reports it nested and in variable and model field annotations.
"""
    valid = (
        Valid("def f(x: object) -> dict[str, int]:\n    return {}\n"),
        Valid("class Any: ...\ndef f(x: Any) -> None: ...\n"),
        Valid(
            "from typing import Any, Literal, cast\nx: Literal['Any'] = 'Any'\ny = cast(Any, 1)\n"
        ),
        Valid("from typing import Annotated, Any\nx: Annotated[int, Any] = 1\n"),
    )
    invalid = (
        Invalid(
            "from typing import Any as A\ndef f(x: A) -> None: ...\n",
            2,
            10,
            message_contains="`Any` turns type checking off",
        ),
        Invalid(
            "import typing as t\nfrom pydantic import BaseModel\n"
            "class M(BaseModel):\n    data: dict[str, t.Any] | None = None\n",
            4,
            21,
            message_contains="use a precise type",
        ),
        Invalid(
            "from typing import Any\ndef f() -> 'list[Any]': ...\n",
            2,
            12,
            message_contains="`Any` turns type checking off",
        ),
        Invalid(
            "import typing_extensions\ndef f(*args: typing_extensions.Any) -> None: ...\n",
            2,
            14,
            message_contains="or `object`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # The local names ``Any`` may be written as (``from typing import Any as A``).
        self._names = {
            local for local, qualified in ctx.imports.module_imports.items() if qualified in ANY
        } | {"Any"}
        self._strings: set[int] = set()  # string annotations reported (once each)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._scan(node.annotation, None)

    def _scan(self, expression: cst.BaseExpression, string: cst.SimpleString | None) -> None:
        """``string``: the string annotation ``expression`` was parsed from (reported there)."""
        kind = type(expression)
        if kind is cst.Name:
            if expression.value in self._names and self.ctx.resolve(expression) in ANY:  # type: ignore[attr-defined]
                self._report(expression, string)
        elif kind is cst.Attribute:
            if expression.attr.value == "Any" and self.ctx.resolve(expression) in ANY:  # type: ignore[attr-defined]
                self._report(expression, string)
        elif kind is cst.Subscript:
            self._scan_subscript(expression, string)  # type: ignore[arg-type]
        elif kind is cst.BinaryOperation:
            self._scan(expression.left, string)  # type: ignore[attr-defined]
            self._scan(expression.right, string)  # type: ignore[attr-defined]
        elif kind is cst.List or kind is cst.Tuple:
            for element in expression.elements:  # type: ignore[attr-defined]
                self._scan(element.value, string)
        elif kind is cst.SimpleString and string is None and "Any" in expression.value:  # type: ignore[attr-defined]
            self._scan_string(expression)  # type: ignore[arg-type]

    def _report(self, name: cst.CSTNode, string: cst.SimpleString | None) -> None:
        if string is None:
            self.report(name)
        elif id(string) not in self._strings:
            self._strings.add(id(string))
            self.report(string)

    def _scan_subscript(self, expression: cst.Subscript, string: cst.SimpleString | None) -> None:
        head = self.ctx.resolve(expression.value)
        if head in _LITERAL:
            return
        self._scan(expression.value, string)
        elements = expression.slice[:1] if head in _ANNOTATED else expression.slice
        for element in elements:
            if isinstance(element.slice, cst.Index):
                self._scan(element.slice.value, string)

    def _scan_string(self, string: cst.SimpleString) -> None:
        text = string.evaluated_value
        if not isinstance(text, str):
            return
        try:
            inner = cst.parse_expression(text.strip())
        except cst.ParserSyntaxError:
            return
        self._scan(inner, string)
