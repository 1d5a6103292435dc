"""FST408: debug settings written into application code (``FastAPI(debug=True)``,
``uvicorn.run(..., reload=True)``)."""

from __future__ import annotations

from pathlib import PurePath

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import APP, fastapi_kind
from fastlint.knowledge.security import APP_CLASSES, UVICORN_RUN
from fastlint.rules.security._common import is_constant, keyword, string_of, values_of

_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_file(path: str) -> bool:
    """``tests/...``, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    parts = PurePath(path).parts
    name = parts[-1] if parts else ""
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in _TEST_DIRS for part in parts[:-1])
    )


class DebugInProduction(Rule):
    """Reports ``debug=True`` apps and ``reload=True`` servers in application code (FST408)."""

    code = "FST408"
    name = "debug-in-production"
    category = "security"
    summary = "`FastAPI(debug=True)` or `uvicorn.run(..., reload=True)` in application code"
    message = "Debug setting is hard-coded: read it from settings (`debug=settings.DEBUG`)"
    requires_text = ("debug", "reload")
    call_names = frozenset({"FastAPI", "Starlette", "run", "Config"})
    docs = """
## What it does
Finds debug settings written as literals into application code:

- `FastAPI(debug=True)` (also `Starlette(debug=True)` and through an alias or a name assigned
  `True`), at the `debug=True` argument;
- `uvicorn.run(..., reload=True)` and `uvicorn.Config(..., reload=True)`, at the `reload=True`
  argument.

Not reported:
- values read from settings or the environment (`debug=settings.DEBUG`);
- test files (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`): a test app with `debug=True`
  shows the traceback of a failing test;
- `uvicorn.run(..., reload=True)` under `if __name__ == "__main__":`. That block is the usual
  development launcher (`python app/main.py`); production servers import the module
  (`uvicorn app.main:app`, `gunicorn -k uvicorn.workers.UvicornWorker`), so it never runs
  there. If your container does start the service with `python app/main.py`, read `reload`
  from settings there too. `FastAPI(debug=True)` is reported wherever it is.

## Why is this bad?
With `debug=True`, an unhandled error is answered with the full traceback: source lines, local
paths, sometimes values of local variables. `reload=True` runs a file watcher that restarts the
server on changes and a single worker process: slower, and code changes on disk go live.

## Example
```python
import uvicorn
from fastapi import FastAPI

app = FastAPI(debug=True)


def serve() -> None:
    uvicorn.run("app.main:app", host="0.0.0.0", reload=True)
```

## Use instead
```python
import uvicorn
from fastapi import FastAPI

from app.core.config import settings

app = FastAPI(debug=settings.DEBUG)


def serve() -> None:
    uvicorn.run("app.main:app", host="0.0.0.0", reload=settings.RELOAD)


if __name__ == "__main__":
    uvicorn.run("app.main:app", reload=True)  # the development launcher
```
"""
    valid = (
        Valid("from fastapi import FastAPI\napp = FastAPI(debug=settings.DEBUG)\n"),
        Valid("from fastapi import FastAPI\napp = FastAPI(debug=False)\n"),
        Valid(
            "from fastapi import FastAPI\napp = FastAPI(debug=True)\n", filename="tests/test_app.py"
        ),
        Valid(
            "import uvicorn\nif __name__ == '__main__':\n    uvicorn.run('main:app', reload=True)\n"
        ),
        Valid(
            "import uvicorn\ndef serve():\n    uvicorn.run('main:app', reload=settings.RELOAD)\n"
        ),
        Valid("def run(debug=True, reload=True):\n    pass\nrun(debug=True, reload=True)\n"),
        Valid("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"),
    )
    invalid = (
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI(title='x', debug=True)\n",
            2,
            26,
            message_contains="`debug=settings.DEBUG`",
        ),
        Invalid(
            "import fastapi\nDEBUG = True\napp = fastapi.FastAPI(debug=DEBUG)\n",
            3,
            23,
            message_contains="tracebacks",
        ),
        Invalid(
            "import uvicorn\ndef serve():\n    uvicorn.run('main:app', host='0.0.0.0', reload=True)\n",
            3,
            45,
            message_contains="`reload=settings.RELOAD`",
        ),
        Invalid(
            "from uvicorn import Config\nconfig = Config('main:app', reload=True)\n",
            2,
            29,
            message_contains="file watcher",
        ),
        Invalid(
            "from starlette.applications import Starlette\napp = Starlette(debug=True)\n",
            2,
            17,
            message_contains="tracebacks",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._main = 0  # depth of ``if __name__ == "__main__":`` blocks around the walk
        self._skip = is_test_file(ctx.path)

    def visit_If(self, node: cst.If) -> None:
        if not self.ctx.scopes and _is_main_guard(node.test):
            self._main += 1

    def leave_If(self, original_node: cst.If) -> None:
        if not self.ctx.scopes and _is_main_guard(original_node.test):
            self._main -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if self._skip:
            return
        qualified = self.ctx.resolve(node.func)
        if qualified in APP_CLASSES or fastapi_kind(qualified) == APP:
            debug = keyword(node, "debug")
            if debug is not None and self._true(debug.value):
                self.report(
                    debug,
                    "`debug=True` answers errors with their tracebacks: read it from settings "
                    "(`debug=settings.DEBUG`, false in production)",
                )
        elif qualified in UVICORN_RUN and not self._main:
            reload = keyword(node, "reload")
            if reload is not None and self._true(reload.value):
                self.report(
                    reload,
                    "`reload=True` runs a file watcher and a single worker: read it from "
                    "settings (`reload=settings.RELOAD`), or keep it to the "
                    '`if __name__ == "__main__":` development launcher',
                )

    def _true(self, value: cst.BaseExpression) -> bool:
        if is_constant(value, "True"):
            return True
        return any(is_constant(found, "True") for found in values_of(self.ctx, value))


def _is_main_guard(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    if not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    pair = {string_of(left), string_of(right)}
    names = {side.value for side in (left, right) if isinstance(side, cst.Name)}
    return "__main__" in pair and "__name__" in names
