"""FST602: the environment read outside the settings module."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.pydantic import PROCESS_PREFIXES, PROCESS_VARIABLES
from fastlint.rules.pydantic.options import GlobListOption, path_matches

_GETENV = frozenset({"os.getenv", "os.getenvb"})
_ENVIRON = frozenset({"os.environ", "os.environb"})
_S = "from pydantic_settings import BaseSettings\n"
_SETTINGS_PACKAGE = "pydantic_settings."


def _first_argument(call: cst.Call) -> cst.BaseExpression | None:
    for arg in call.args:
        return arg.value if arg.keyword is None and not arg.star else None
    return None


def _process_variable(name: cst.BaseExpression | None) -> bool:
    """``"PATH"``, ``"TERM"``, ``"LC_ALL"``...: the process's environment, not configuration."""
    if not isinstance(name, cst.SimpleString):
        return False
    value = name.evaluated_value
    return isinstance(value, str) and (
        value in PROCESS_VARIABLES or value.startswith(PROCESS_PREFIXES)
    )


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = (test.left, target.comparator)
    names = [side for side in sides if isinstance(side, cst.Name) and side.value == "__name__"]
    strings = [
        side
        for side in sides
        if isinstance(side, cst.SimpleString) and side.evaluated_value == "__main__"
    ]
    return len(names) == 1 and len(strings) == 1


def _may_be_environ(node: cst.BaseExpression) -> bool:
    """A cheap look before resolving: ``<x>.environ`` or a name (``environ``, an alias of it:
    names not imported resolve at once)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value in ("environ", "environb")
    return isinstance(node, cst.Name)


class EnvironOutsideSettings(Rule):
    """Reports environment reads outside the settings module."""

    code = "FST602"
    name = "environ-outside-settings"
    category = "pydantic"
    summary = "`os.getenv`/`os.environ[...]` outside the settings module"
    message = (
        "Environment read outside the settings module: declare it as a field of a "
        "pydantic-settings `BaseSettings` class and inject the settings"
    )
    requires_text = ("environ", "getenv")
    call_names = frozenset({"getenv", "getenvb", "get"})
    needs_project = True  # a settings class whose base is in another module
    options = (
        GlobListOption(
            "settings-modules",
            list,
            [],
            "Globs of the files that are settings modules (matched against the end of the "
            'path: `["app/core/config.py", "**/settings.py"]`); a module that defines a '
            "`BaseSettings` subclass is one without being listed",
        ),
    )
    docs = """
## What it does
Finds reads of the environment, `os.getenv(...)`, `os.environ.get(...)` and `os.environ[...]`
(also through `from os import environ, getenv` and aliases), outside the settings module. The
diagnostic points at the call or the subscript.

The settings module is:
- a module that defines a settings class: a subclass of `pydantic_settings.BaseSettings` (or of
  v1's `pydantic.BaseSettings`), directly or through the project's own base class, or a
  settings source (a subclass of a `pydantic_settings` class such as
  `PydanticBaseSettingsSource`);
- or a file matched by the `settings-modules` option.

Not reported:
- anything in the settings module (`env_file=os.getenv("ENV_FILE", ".env")` there is fine);
- code under `if __name__ == "__main__":` (a script's entry point);
- setting or deleting a variable: `os.environ["TZ"] = "UTC"`, `os.environ["PATH"] += ...`,
  `del os.environ["X"]`, `os.environ.setdefault(...)` (a program configuring its own process or
  a child process, not reading configuration);
- passing the whole environment on (`dict(os.environ)`, `env=os.environ` for a subprocess);
- variables that describe the process, the terminal or the CI machine rather than configure the
  application, named by a string literal: `PATH`, `HOME`, `TERM`, `COLUMNS`, `NO_COLOR`, `TZ`,
  `LANG`, `TMPDIR`, `LC_*`, `XDG_*`, the interpreter's (`PYTHONPATH`, `PYTHONDEVMODE`...),
  and what a CI runner says about the build (`CI`, `CI_*`, `GITHUB_SHA`, `GITHUB_REF_NAME`...;
  not `GITHUB_CLIENT_ID`: that one configures the application).

Tests and scripts that read the environment on purpose are best excluded with
`per-file-ignores` (`"tests/**" = ["FST602"]`); the rule does not guess which files are tests.

## Why is this bad?
Configuration read with `os.getenv` all over the code base has no single list of what the
service needs, no types (`os.getenv("PORT")` is a string or None), no validation at start-up
(a missing variable fails on the first request that needs it, in production) and no way to
override it in a test but to patch the environment. A `BaseSettings` class reads, converts and
validates every variable once, at start-up, and is injected like any other dependency.

## Example
```python
import os

from fastapi import APIRouter

router = APIRouter()


@router.get("/status")
async def status() -> dict[str, str]:
    return {"region": os.getenv("REGION", "eu-west-1")}
```

## Use instead
```python
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    region: str = "eu-west-1"


@lru_cache
def get_settings() -> Settings:
    return Settings()


router = APIRouter()


@router.get("/status")
async def status(settings: Annotated[Settings, Depends(get_settings)]) -> dict[str, str]:
    return {"region": settings.region}
```
(in a real project `Settings` lives in its own module, `app/core/config.py`, and the routes
import `get_settings`).

## Options
- `settings-modules` (list of globs, default `[]`): files that count as settings modules even
  without a `BaseSettings` subclass, matched against the end of the file's path by whole
  components: `["app/core/config.py", "**/settings.py"]`.
"""
    valid = (
        Valid(_S + "import os\nclass Settings(BaseSettings):\n    a: str = os.getenv('A', '')\n"),
        Valid("import os\nos.environ['TZ'] = 'UTC'\n"),
        Valid("import os\nos.environ['PATH'] += ':/opt'\ndel os.environ['X']\n"),
        Valid("import os\nos.environ.setdefault('TZ', 'UTC')\n"),
        Valid("import os\nif __name__ == '__main__':\n    print(os.getenv('DEBUG'))\n"),
        Valid(
            "import os\nx = os.getenv('A')\n",
            filename="app/core/config.py",
            options={"settings-modules": ["app/core/config.py"]},
        ),
        Valid(
            "import os\nx = os.getenv('A')\n",
            filename="/srv/p/app/x/settings.py",
            options={"settings-modules": ["**/settings.py"]},
        ),
        Valid("environ = {}\nx = environ.get('A')\ny = environ['B']\n"),
        Valid("import subprocess, os\nsubprocess.run(['ls'], env=dict(os.environ))\n"),
        Valid("def getenv(name):\n    return name\nx = getenv('A')\n"),
        Valid("import os\nterm = os.environ.get('TERM', '')\npath = os.environ['PATH']\n"),
        Valid("import os\nsha = os.getenv('GITHUB_SHA') or os.getenv('CI_COMMIT_SHA')\n"),
        Valid(
            "import os\nfrom pydantic_settings import PydanticBaseSettingsSource\n"
            "class Source(PydanticBaseSettingsSource):\n    pass\nx = os.getenv('PROFILE')\n"
        ),
    )
    invalid = (
        Invalid("import os\nx = os.getenv('A')\n", 2, 5, message_contains="BaseSettings"),
        Invalid("import os\nx = os.environ['A']\n", 2, 5, message_contains="settings module"),
        Invalid(
            "import os\nGITHUB_CLIENT_ID = os.getenv('GITHUB_CLIENT_ID', '')\n",
            2,
            20,
            message_contains="settings module",
        ),
        Invalid(
            "from os import environ as env\ndef f():\n    return env.get('A', 1)\n",
            3,
            12,
            message_contains="settings module",
        ),
        Invalid(
            "from os import getenv\nx = getenv('A')\n",
            2,
            5,
            filename="app/api/routes.py",
            options={"settings-modules": ["app/core/config.py"]},
            message_contains="settings module",
        ),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._main = 0  # depth of ``if __name__ == "__main__":`` blocks
        self._writes: set[int] = set()  # subscripts assigned or deleted
        self._settings: bool | None = None

    def _in_settings_module(self) -> bool:
        if self._settings is None:
            ctx = self.ctx
            self._settings = path_matches(ctx.path, self.option("settings-modules")) or any(
                self._settings_class(node) for node in ctx.models.classes()
            )
        return self._settings

    def _settings_class(self, node: cst.ClassDef) -> bool:
        """A settings class, or a pydantic-settings source (``PydanticBaseSettingsSource``)."""
        models = self.ctx.models
        for arg in node.bases:
            if (models.base_name(arg.value) or "").startswith(_SETTINGS_PACKAGE):
                return True
        model = models.model_for(node)
        return model is not None and model.is_settings

    def _report(self, node: cst.CSTNode, shown: str, name: cst.BaseExpression | None) -> None:
        if self._main or _process_variable(name) or self._in_settings_module():
            return
        self.report(
            node,
            f"`{shown}` reads the environment outside the settings module: declare it as a "
            "field of a pydantic-settings `BaseSettings` class and inject the settings",
        )

    def visit_If(self, node: cst.If) -> None:
        if _is_main_guard(node.test):
            self._main += 1

    def leave_If(self, node: cst.If) -> None:
        if _is_main_guard(node.test):
            self._main -= 1

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if type(node.target) is cst.Subscript:
            self._writes.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if type(node.target) is cst.Subscript:
            self._writes.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        if type(node.target) is cst.Subscript:
            self._writes.add(id(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get":
            if _may_be_environ(func.value) and self.ctx.resolve(func.value) in _ENVIRON:
                self._report(node, "os.environ.get(...)", _first_argument(node))
        elif self.ctx.resolve(func) in _GETENV:
            self._report(node, "os.getenv(...)", _first_argument(node))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if id(node) in self._writes or not _may_be_environ(node.value):
            return
        if self.ctx.resolve(node.value) in _ENVIRON:
            element = node.slice[0].slice if len(node.slice) == 1 else None
            name = element.value if isinstance(element, cst.Index) else None
            self._report(node, "os.environ[...]", name)
