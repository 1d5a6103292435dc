"""FST508: ``from module import *``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid


class WildcardImport(Rule):
    """Reports ``from module import *`` (FST508)."""

    code = "FST508"
    name = "wildcard-import"
    category = "quality"
    summary = "`from module import *`"
    message = "Import the names you use (`from module import a, b`) instead of `*`"
    requires_text = ("*",)
    docs = """
## What it does
Reports `from module import *` at the import, in any module and at any depth (inside a
function or an `if` block too).

One exception: in a package's `__init__.py`, `from .submodule import *` (a relative import of
the package's own module) is not reported. That is how a package re-exports what its
submodules list in `__all__`; the names a user sees are still the ones `__all__` declares.
`from fastapi import *` in an `__init__.py` is reported.

## Why is this bad?
Nobody can tell where a name comes from, linters and type checkers cannot tell whether a name
is defined, and a new name in the imported module silently shadows one of yours (a library
release that adds `status` or `Request` changes what your code calls).

## Example
```python
from fastapi import *

from app.models import *

app = FastAPI()
```

## Use instead
```python
from fastapi import FastAPI

from app.models import Item, User

app = FastAPI()
```

## Differences from ruff
ruff's `F403` also reports relative wildcard imports in `__init__.py`.
"""
    valid = (
        Valid("from os import path\n"),
        Valid("from .models import *\n", filename="app/__init__.py"),
        Valid("x = 2 * 3\n"),
    )
    invalid = (
        Invalid("from os.path import *\n", 1, 1, message_contains="import the names you use"),
        Invalid(
            "def f():\n    if True:\n        from json import *\n",
            3,
            9,
            message_contains="`from json import *`",
        ),
        Invalid(
            "from fastapi import *\n",
            1,
            1,
            message_contains="instead of `*`",
            filename="app/__init__.py",
        ),
        Invalid("from ..models import *\n", 1, 1, message_contains="`from ..models import *`"),
    )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            return
        if node.relative and self.ctx.path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py":
            return
        module = "." * len(node.relative) + (
            self.ctx.module.code_for_node(node.module) if node.module is not None else ""
        )
        self.report(node, f"`from {module} import *`: import the names you use instead of `*`")
