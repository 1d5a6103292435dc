"""FST503: a function whose cyclomatic complexity is above ``max-complexity``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Option, Rule, Valid


def _block(body: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    # A one-line body (``if x: return``) holds small statements only: they add nothing.
    return body.body if isinstance(body, cst.IndentedBlock) else ()


def _count(statements: Sequence[cst.BaseStatement]) -> int:
    """The decisions of a list of statements, as mccabe 0.7's path graph counts them: ``if``,
    ``elif``, loops +1; ``try`` +1 and +1 per handler; a nested ``def`` +1 with its own
    decisions; ``with`` and ``class`` bodies are looked into; a ``finally`` block, ``match`` and
    ``try``/``except*`` are single statements (mccabe has no visitor for them)."""
    return sum(_decisions(statement) for statement in statements)


def _else(orelse: cst.Else | None) -> int:
    return _count(_block(orelse.body)) if orelse is not None else 0


def _decisions(statement: cst.BaseStatement) -> int:
    kind = type(statement)
    if kind is cst.If:
        orelse = statement.orelse  # type: ignore[attr-defined]
        rest = _decisions(orelse) if type(orelse) is cst.If else _else(orelse)
        return 1 + _count(_block(statement.body)) + rest  # type: ignore[attr-defined]
    if kind is cst.For or kind is cst.While:
        body = _count(_block(statement.body))  # type: ignore[attr-defined]
        return 1 + body + _else(statement.orelse)  # type: ignore[attr-defined]
    if kind is cst.Try:
        handlers = statement.handlers  # type: ignore[attr-defined]
        inside = _count(_block(statement.body)) + _else(statement.orelse)  # type: ignore[attr-defined]
        return 1 + len(handlers) + inside + sum(_count(_block(h.body)) for h in handlers)
    if kind is cst.FunctionDef:
        return 1 + _count(_block(statement.body))  # type: ignore[attr-defined]
    if kind is cst.With or kind is cst.ClassDef:
        return _count(_block(statement.body))  # type: ignore[attr-defined]
    return 0  # simple statements, match, try/except*


def complexity(function: cst.FunctionDef) -> int:
    """McCabe's cyclomatic complexity of ``function``: mccabe's (flake8's C901) count of the
    function alone; decisions of nested functions count toward it, as in mccabe and ruff."""
    return 1 + _count(_block(function.body))


def _branches(count: int) -> str:
    return "def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(count))


class TooComplex(Rule):
    """Reports functions whose McCabe complexity exceeds ``max-complexity`` (FST503)."""

    code = "FST503"
    name = "too-complex"
    category = "quality"
    summary = "A function whose cyclomatic complexity is above `max-complexity` (default 10)"
    message = "Function is too complex; split it into smaller functions"
    options = (
        Option(
            "max-complexity",
            int,
            10,
            "The highest McCabe cyclomatic complexity a function may have.",
        ),
    )
    docs = """
## What it does
Computes each function's McCabe cyclomatic complexity, the number of independent paths through
it, and reports the functions above `max-complexity` (default 10) at their name. The count is
mccabe's (flake8's `C901`, also behind ruff's `C901`): 1, plus 1 for each `if`, `elif`, `for`,
`while` (`async for` too), plus 1 for a `try` and 1 for each of its `except` handlers. A nested
function adds 1 and its own decisions to the function that contains it, and is also checked on
its own. Boolean operators, comprehensions, lambdas and conditional expressions add nothing; as
in mccabe 0.7, a `match` statement, a `try` with `except*` and the body of a `finally` count as
one statement (ruff counts each `case` and does not count the `try` itself: its numbers can
differ on those functions).

## Why is this bad?
Every path through a function is a case to understand, review and test. A handler with a dozen
branches usually mixes several concerns (validation, permissions, persistence, formatting); the
rule documents set 10 as the limit.

## Example
A limit of 3 keeps the example short (the default is 10):
```toml
[tool.fastlint]
max-complexity = 3
```
```python
def shipping_cost(order):
    if order.express:
        return 20
    elif order.total > 100:
        return 0
    for item in order.items:
        if item.oversized:
            return 50
    return 5
```

## Use instead
```python
EXPRESS, FREE_ABOVE, OVERSIZED, STANDARD = 20, 100, 50, 5


def shipping_cost(order):
    if order.express:
        return EXPRESS
    return _standard_cost(order)


def _standard_cost(order):
    if order.total > FREE_ABOVE:
        return 0
    return OVERSIZED if any(item.oversized for item in order.items) else STANDARD
```
Move each decision into a function with a name that says what it decides, or replace a chain of
`if`s by a table.
"""
    valid = (
        Valid(_branches(9)),
        Valid(_branches(12), {"max-complexity": 13}),
        Valid("def f(x):\n    return [y for y in x if y and x or y]\n"),
        Valid(
            "def f(x):\n    match x:\n" + "".join(f"        case {i}: pass\n" for i in range(12))
        ),
    )
    invalid = (
        Invalid(
            _branches(10),
            1,
            5,
            message_contains="Function `f` has a cyclomatic complexity of 11 (more than 10)",
        ),
        Invalid(
            "class A:\n    async def m(self, x):\n        try:\n            pass\n"
            "        except ValueError:\n            pass\n",
            2,
            15,
            {"max-complexity": 2},
            message_contains="cyclomatic complexity of 3 (more than 2)",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._limit: int = self.option("max-complexity")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        found = complexity(node)
        if found > self._limit:
            self.report(
                node.name,
                f"Function `{node.name.value}` has a cyclomatic complexity of {found} (more "
                f"than {self._limit}); split it into smaller functions",
            )
