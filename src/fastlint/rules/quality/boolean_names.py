"""FST514: a ``bool`` variable or field not named with an auxiliary verb (``is_``, ``has_``)."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Option, Rule, Valid

DEFAULT_PREFIXES = [
    "is",
    "has",
    "have",
    "had",
    "can",
    "could",
    "should",
    "would",
    "will",
    "was",
    "were",
    "did",
    "does",
    "do",
    "are",
    "needs",
    "must",
    "may",
    "allow",
    "allows",
    "supports",
    "use",
    "uses",
    "enable",
    "include",
    "show",
]


class BooleanNamePrefix(Rule):
    """Reports a `bool` variable or field whose name does not read as a yes/no question."""

    code = "FST514"
    name = "boolean-name-prefix"
    category = "quality"
    default_enabled = False
    summary = (
        "A `bool` variable or field not named with an auxiliary verb (`is_`, `has_`, `can_`, "
        "`should_`...)"
    )
    message = "Name a boolean with an auxiliary verb (`is_active`, `has_error`)"
    options = (
        Option(
            "boolean-prefixes",
            list,
            DEFAULT_PREFIXES,
            "The words a boolean name may start with (followed by `_`, or the whole name).",
        ),
    )
    docs = """
## What it does
Reports, at the name, a variable or class field that holds a `bool` and whose name does not
start with one of `boolean-prefixes` followed by `_` (`is_active`, `has_error`, `can_edit`,
`should_retry`...). A `bool` is recognised from an annotation (`active: bool = True`, a model
or dataclass field `verified: bool`, `Optional[bool]`/`bool | None` too) or from an assignment
of `True`/`False` (`done = False`), except an unannotated assignment in the body of a class
with bases (`default_enabled = False`, `orm_mode = True`): it sets an attribute that a base
class or a framework names, not a name chosen here. Each name is reported once per scope, at its first binding.
Leading underscores and case are ignored (`_IS_READY` is fine); dunder names are not checked.
Besides auxiliary verbs, the default prefixes accept the flag verbs `allow_`, `use_`,
`enable_`, `include_`, `show_`, `supports_`. Function parameters are not
checked: they are often an API (query parameters, keyword arguments of a library).

## Why is this bad?
The seeds ask for descriptive names with auxiliary verbs: `if user.is_active` reads as a
question with a yes/no answer, `if user.active` could be a timestamp, a count or an object.

## Example
```python
from pydantic import BaseModel


class User(BaseModel):
    email: str
    active: bool = True


def find_admin(users: list[User]) -> bool:
    found = False
    for user in users:
        found = found or user.email.endswith("@admin.example")
    return found
```

## Use instead
```python
from pydantic import BaseModel


class User(BaseModel):
    email: str
    is_active: bool = True


def find_admin(users: list[User]) -> bool:
    has_admin = False
    for user in users:
        has_admin = has_admin or user.email.endswith("@admin.example")
    return has_admin
```
"""
    valid = (
        Valid("is_ready = False\nhas_error: bool = True\n"),
        Valid("class A:\n    is_active: bool = True\n    can_edit: bool\n"),
        Valid("def f(active: bool):\n    return active\n"),
        Valid("count: int = 0\nname = 'x'\n"),
        Valid("_IS_READY = True\n"),
        Valid("active = False\n", {"boolean-prefixes": ["active"]}),
        Valid("self.active = True\n"),
        Valid("__dirty__ = False\ninclude_future: bool = False\n"),
        Valid("class MyRule(Rule):\n    default_enabled = False\n"),
    )
    invalid = (
        Invalid("done = False\n", 1, 1, message_contains="Name the boolean `done`"),
        Invalid("class A:\n    active: bool = True\n", 2, 5, message_contains="`active`"),
        Invalid(
            "from typing import Optional\nverified: Optional[bool] = None\n",
            2,
            1,
            message_contains="`verified`",
        ),
        Invalid(
            "def f():\n    found = False\n    found = True\n",
            2,
            5,
            message_contains="`is_`",
        ),
        Invalid("class A:\n    active = True\n", 2, 5, message_contains="`active`"),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._reported: set[tuple[int, str]] = set()
        self._prefixes: tuple[str, ...] | None = None

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if not (isinstance(value, cst.Name) and value.value in ("True", "False")):
            return
        scope = self.ctx.scopes[-1] if self.ctx.scopes else None
        if isinstance(scope, cst.ClassDef) and scope.bases:
            return  # overrides what a base class names (`default_enabled = False` on a Rule)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._check(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and self._is_bool(node.annotation.annotation):
            self._check(node.target)

    def _is_bool(self, annotation: cst.BaseExpression) -> bool:
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            sides = (annotation.left, annotation.right)
            return any(self._is_bool(s) for s in sides) and all(
                self._is_bool(s) or (isinstance(s, cst.Name) and s.value == "None") for s in sides
            )
        if isinstance(annotation, cst.Subscript) and len(annotation.slice) == 1:
            if self.ctx.resolve(annotation.value) in (
                "typing.Optional",
                "typing_extensions.Optional",
            ):
                element = annotation.slice[0].slice
                return isinstance(element, cst.Index) and self._is_bool(element.value)
            return False
        return self.ctx.resolve(annotation) == "builtins.bool"

    def _check(self, name: cst.Name) -> None:
        if name.value.startswith("__") and name.value.endswith("__"):
            return  # `__dirty__`: a dunder's name is a protocol's
        text = name.value.lstrip("_").lower()
        if not text or any(text == p or text.startswith(p + "_") for p in self.prefixes()):
            return
        scope = self.ctx.scopes[-1] if self.ctx.scopes else None
        key = (id(scope), name.value)
        if key in self._reported:
            return
        self._reported.add(key)
        self.report(
            name,
            f"Name the boolean `{name.value}` with an auxiliary verb (`is_`, `has_`, `can_`, "
            "`should_`...): it reads as a yes/no question",
        )

    def prefixes(self) -> tuple[str, ...]:
        """The accepted prefixes, lower-cased, read from the option once per file."""
        if self._prefixes is None:
            self._prefixes = tuple(p.lower() for p in self.option("boolean-prefixes"))
        return self._prefixes
