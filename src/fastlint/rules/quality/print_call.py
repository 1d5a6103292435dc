"""FST510: ``print()`` in application code."""

from __future__ import annotations

import os

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

# A module that imports one of these is a command-line program: printing is its output.
CLI_MODULES = frozenset({"argparse", "click", "typer", "fire", "docopt", "rich_click"})
# Directories of code whose output is for a person at a terminal: command-line programs,
# scripts, database migrations (run by alembic's CLI), examples, test helpers.
SCRIPT_DIRECTORIES = frozenset(
    {
        "cli",
        "commands",
        "management",
        "scripts",
        "migrations",
        "alembic",
        "examples",
        "example_dags",
        "docs_src",
        "tests",
        "testing",
    }
)
_STANDARD_STREAMS = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = {_text(test.left), _text(target.comparator)}
    return sides == {"__name__", "__main__"}


def _text(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    return None


def _not_application_code(path: str) -> bool:
    """Tests, scripts, ``conftest.py`` and ``__main__.py`` print as a matter of course."""
    name = os.path.basename(path)
    parts = [part.lstrip("_") for part in path.replace("\\", "/").split("/")]
    return (
        name in ("__main__.py", "conftest.py", "cli.py", "manage.py")
        or name.startswith("test_")
        or name.endswith("_test.py")
        or not SCRIPT_DIRECTORIES.isdisjoint(parts[:-1])
    )


class PrintCall(Rule):
    """Reports `print()` in application code, where logging belongs."""

    code = "FST510"
    name = "print-call"
    category = "quality"
    summary = "`print()` in application code (use logging)"
    message = "`print()` in application code: use a logger (`logging.getLogger(__name__)`)"
    requires_text = ("print",)
    call_names = frozenset({"print"})
    docs = """
## What it does
Reports calls of the built-in `print()` at the call. `from rich import print` and other
functions named `print` are not the built-in and are not reported.

Not reported, because printing is their job:
- code inside `if __name__ == "__main__":`;
- modules that are command-line programs: a module that imports `argparse`, `click`, `typer`,
  `fire`, `docopt` or `rich_click`, and `__main__.py`, `cli.py`, `manage.py`;
- tests: `test_*.py`, `*_test.py`, `conftest.py`;
- files in a directory named `cli`, `commands`, `management`, `scripts`, `migrations`,
  `alembic`, `examples`, `example_dags`, `docs_src`, `tests` or `testing` (at any depth, with
  or without leading underscores: `_migrations`):
  command-line programs, database migrations run from a terminal, examples and test helpers;
- `print(..., file=f)` that writes to a file object: that is file output, not logging.
  `file=sys.stderr` and `file=sys.stdout` *are* reported: in a server, those streams are the
  log, and a logger gives them a level, a time and the request's context.

The functions of a module that also has an `if __name__ == "__main__":` block are still
reported (an app's `main.py` often ends with `uvicorn.run(app)`; its routes must not print). For
other scripts and command-line modules, turn the rule off by path:

```toml
[tool.fastlint.per-file-ignores]
"scripts/**" = ["FST510"]
"app/cli.py" = ["FST510"]
```

## Why is this bad?
`print()` writes unstructured text to standard output with no level, no timestamp, no logger
name and no request context; it cannot be filtered, routed or silenced in production, and
under several workers its lines interleave. The seeds ask for proper logging throughout.

## Example
```python
from fastapi import APIRouter

router = APIRouter()


@router.post("/orders")
async def create_order(order_id: int) -> dict[str, int]:
    print(f"creating order {order_id}")
    return {"id": order_id}
```

## Use instead
```python
import logging

from fastapi import APIRouter

logger = logging.getLogger(__name__)
router = APIRouter()


@router.post("/orders")
async def create_order(order_id: int) -> dict[str, int]:
    logger.info("creating order %s", order_id)
    return {"id": order_id}
```

## Differences from ruff
T201 reports every `print()`; this rule leaves the main block, command-line modules, tests and
writes to files alone.
"""
    valid = (
        Valid('if __name__ == "__main__":\n    print("hi")\n'),
        Valid("import argparse\ndef main():\n    print('usage')\n"),
        Valid("import typer\napp = typer.Typer()\n@app.command()\ndef hello():\n    print('hi')\n"),
        Valid("from rich import print\nprint('x')\n"),
        Valid("def print(x):\n    pass\nprint(1)\n"),
        Valid("def dump(rows, out):\n    for row in rows:\n        print(row, file=out)\n"),
        Valid("def test_x():\n    print('debug')\n", filename="tests/test_x.py"),
        Valid("print('x')\n", filename="app/__main__.py"),
        Valid("logger.print('x')\n"),
    )
    invalid = (
        Invalid("def f():\n    print('hello')\n", 2, 5, message_contains="use a logger"),
        Invalid(
            "import sys\ndef f():\n    print('failed', file=sys.stderr)\n",
            3,
            5,
            message_contains="`print()`",
        ),
        Invalid(
            'def main():\n    print("x")\nif __name__ == "__main__":\n    main()\n',
            2,
            5,
            message_contains="`print()`",
        ),
        Invalid("import builtins\nbuiltins.print(1)\n", 2, 1, message_contains="`print()`"),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._main = 0  # depth of `if __name__ == "__main__":` blocks being walked
        self._exempt = _not_application_code(self.ctx.path) or any(
            qualified.split(".", 1)[0] in CLI_MODULES
            for qualified in self.ctx.imports.module_imports.values()
        )

    def visit_If(self, node: cst.If) -> None:
        if not self.ctx.scopes and _is_main_guard(node.test):
            self._main += 1

    def leave_If(self, node: cst.If) -> None:
        if not self.ctx.scopes and _is_main_guard(node.test):
            self._main -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self._exempt or self._main:
            return
        if self.ctx.callee(node).qualified != "builtins.print":
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "file":
                if self.ctx.resolve(arg.value) not in _STANDARD_STREAMS:
                    return
        self.report(node)
