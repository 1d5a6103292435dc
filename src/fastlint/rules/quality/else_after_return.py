"""FST513: ``else``/``elif`` after an ``if`` branch that returns or raises."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastlint.engine.fix import SAFE, Fix
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid


def _leaves(body: cst.BaseSuite) -> str | None:
    """``return`` or ``raise`` when the branch has one among its own statements."""
    if isinstance(body, cst.SimpleStatementSuite):
        statements: Sequence[cst.CSTNode] = body.body
    else:
        statements = [
            small
            for line in body.body
            if isinstance(line, cst.SimpleStatementLine)
            for small in line.body
        ]
    for statement in statements:
        if isinstance(statement, cst.Return):
            return "return"
        if isinstance(statement, cst.Raise):
            return "raise"
    return None


class ElseAfterReturn(Rule):
    """Reports an `else`/`elif` that follows a branch ending in `return` or `raise`."""

    code = "FST513"
    name = "else-after-return"
    category = "quality"
    default_enabled = False
    fix = FIX_SAFE
    summary = "`else`/`elif` after an `if` branch that returns or raises"
    message = "Unnecessary `else` after `return`: dedent its body (guard clauses first)"
    docs = """
## What it does
Reports the `else` or `elif` that follows an `if` body which returns or raises, at the `else`/
`elif` keyword: the branch never falls through, so the `else` only adds a level of nesting. As
ruff's RET505/RET506 do, only the first clause after the `if` body is judged (an `elif` after an
`elif` that returns is not: an earlier branch may fall through to the code after the
statement), and a `return` or `raise` anywhere among the body's own statements counts.

## Why is this bad?
Guard clauses first, happy path last: an early `return` followed by unindented code reads top to
bottom, while `if ...: return ... else:` pushes the main path one level deeper for nothing.

## Example
```python
def discount(total: float, is_member: bool) -> float:
    if not is_member:
        return total
    else:
        return total * 0.9
```

## Use instead
```python
def discount(total: float, is_member: bool) -> float:
    if not is_member:
        return total
    return total * 0.9
```

## Fix
Safe, as ruff's: the `else:` line goes and its body is dedented one level (multi-line strings
inside it are kept as they are); an `elif` becomes an `if`. The `if` body always leaves, so the
code runs exactly as before. No fix when the `else:` line has a comment of its own (it would have
nowhere to go).
"""
    valid = (
        Valid("def f(x):\n    if x:\n        y = 1\n    else:\n        return 2\n"),
        Valid(
            "def f(x):\n    if x:\n        y = 1\n    elif x > 1:\n        return 2\n    else:\n        return 3\n"
        ),
        Valid("def f(x):\n    if x:\n        return 1\n    return 2\n"),
        Valid(
            "def f(x):\n    for i in x:\n        if i:\n            break\n        else:\n            pass\n"
        ),
        Valid(
            "def f(x):\n    if x:\n        if x > 1:\n            return 1\n    else:\n        return 2\n"
        ),
    )
    invalid = (
        Invalid(
            "def f(x):\n    if x:\n        return 1\n    else:\n        y = 2\n        return y\n",
            4,
            5,
            message_contains="Unnecessary `else` after `return`",
            fixed="def f(x):\n    if x:\n        return 1\n    y = 2\n    return y\n",
        ),
        Invalid(
            "def f(x):\n    if not x:\n        raise ValueError(x)\n    elif x > 1:\n        x = 1\n    return x\n",
            4,
            5,
            message_contains="Unnecessary `elif` after `raise`",
            fixed="def f(x):\n    if not x:\n        raise ValueError(x)\n    if x > 1:\n        x = 1\n    return x\n",
        ),
        Invalid(
            'def f(x):\n    if x: return 1\n    else:\n        s = """a\n  b"""\n        return s\n',
            3,
            5,
            message_contains="dedent",
            fixed='def f(x):\n    if x: return 1\n    s = """a\n  b"""\n    return s\n',
        ),
        Invalid(
            "class A:\n    def f(self, x):\n        if x:\n            return 1\n        else: return 2\n",
            5,
            9,
            message_contains="`else`",
            fixed="class A:\n    def f(self, x):\n        if x:\n            return 1\n        return 2\n",
        ),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._indents: list[str] = []
        self._elifs: set[int] = set()  # `elif` clauses are `If` nodes too; not judged alone

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._indents.append(
            node.indent if node.indent is not None else self.ctx.module.default_indent
        )

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._indents.pop()

    def visit_If(self, node: cst.If) -> None:
        clause = node.orelse
        if isinstance(clause, cst.If):
            self._elifs.add(id(clause))
        if clause is None or id(node) in self._elifs:
            return
        leaves = _leaves(node.body)
        if leaves is None:
            return
        keyword = "elif" if isinstance(clause, cst.If) else "else"
        message = (
            f"Unnecessary `{keyword}` after `{leaves}`: "
            + ("use `if`" if keyword == "elif" else "dedent its body")
            + " (guard clauses first)"
        )
        self.report(clause, message, fix=self._fix(clause))

    def _fix(self, clause: cst.If | cst.Else) -> Fix | None:
        indent = "".join(self._indents)
        if isinstance(clause, cst.If):
            statements: Sequence[cst.BaseStatement] = [clause.with_changes(leading_lines=())]
            message = "Replace `elif` with `if`"
        else:
            body = clause.body
            if isinstance(body, cst.SimpleStatementSuite):
                statements = [cst.SimpleStatementLine(body=body.body)]
            else:
                if body.header.comment is not None:
                    return None
                statements = body.body
            message = "Remove the `else` and dedent its body"
        footer: Sequence[cst.EmptyLine] = ()
        if isinstance(clause, cst.Else) and isinstance(clause.body, cst.IndentedBlock):
            footer = clause.body.footer  # comments after the last statement of the body
        block = cst.IndentedBlock(body=statements, indent=indent, footer=footer)
        code = self.ctx.module.code_for_node(block)
        newline = self.ctx.module.default_newline
        code = code.removeprefix(newline).removeprefix(indent).removesuffix(newline)
        return Fix.replace(clause, code, message, SAFE)
