"""FST511: a public module-level function or class without a docstring."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

_ALEMBIC = frozenset({"upgrade", "downgrade"})
_OVERLOADS = frozenset({"typing.overload", "typing_extensions.overload"})


class MissingDocstring(Rule):
    """Reports a public module-level function or class without a docstring."""

    code = "FST511"
    name = "missing-docstring"
    category = "quality"
    default_enabled = False
    summary = "A public module-level function or class without a docstring"
    message = "Public function has no docstring: say what it does, its arguments and its result"
    docs = """
## What it does
Reports a public (name not starting with `_`) function or class defined at module level that has
no docstring, at its name. Methods, nested functions and private names are not reported, nor
`@overload` signatures, pytest tests (`test_*` functions, `Test*` classes), functions whose
body is only `...` (protocol and stub signatures), and the `upgrade()`/`downgrade()` of an
alembic migration (a file that sets `revision`).

## Why is this bad?
The seeds ask for docstrings on public functions and classes: they are what an editor shows on
hover, what generated documentation is made of, and, for route handlers, the operation
description of the OpenAPI schema.

## Example
```python
def monthly_price(plan: str, seats: int) -> int:
    return {"free": 0, "pro": 20}[plan] * seats
```

## Use instead
```python
def monthly_price(plan: str, seats: int) -> int:
    \"\"\"The monthly price in euros of ``seats`` seats of ``plan``.\"\"\"
    return {"free": 0, "pro": 20}[plan] * seats
```

## Differences from pydocstyle
D101/D103 in one rule, for module-level definitions only (D102 for methods is left to
pydocstyle or ruff).
"""
    valid = (
        Valid('def f():\n    """Doc."""\n'),
        Valid("def _private():\n    pass\n"),
        Valid('class A:\n    """Doc."""\n    def method(self):\n        pass\n'),
        Valid("from typing import overload\n@overload\ndef f(x: int) -> int: ...\n"),
        Valid("def test_it():\n    assert True\n"),
        Valid("class TestIt:\n    pass\n"),
        Valid('def outer():\n    """Doc."""\n    def inner():\n        pass\n'),
        Valid("def f(x: int) -> int: ...\n"),
        Valid("revision = 'a1'\ndef upgrade() -> None:\n    pass\n"),
    )
    invalid = (
        Invalid("def f():\n    pass\n", 1, 5, message_contains="function `f` has no docstring"),
        Invalid("async def load():\n    return 1\n", 1, 11, message_contains="`load`"),
        Invalid("class User:\n    name: str\n", 1, 7, message_contains="class `User` has no"),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if self.ctx.scopes or name.startswith("_") or name.startswith("test_"):
            return
        if name in _ALEMBIC and "revision" in self.ctx.text:
            return  # a migration's `upgrade()`/`downgrade()`: the revision says what it does
        if node.get_docstring(clean=False) is not None or _only_ellipsis(node.body):
            return
        if any(self.ctx.resolve(d.decorator) in _OVERLOADS for d in node.decorators):
            return
        self.report(
            node.name,
            f"Public function `{name}` has no docstring: say what it does, its arguments and result",
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value
        if self.ctx.scopes or name.startswith("_") or name.startswith("Test"):
            return
        if node.get_docstring(clean=False) is None:
            self.report(node.name, f"Public class `{name}` has no docstring: say what it is for")


def _only_ellipsis(body: cst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, cst.SimpleStatementSuite) else None
    if statements is None:
        lines = body.body
        if len(lines) != 1 or not isinstance(lines[0], cst.SimpleStatementLine):
            return False
        statements = lines[0].body
    return (
        len(statements) == 1
        and isinstance(statements[0], cst.Expr)
        and isinstance(statements[0].value, cst.Ellipsis)
    )
