"""FST701 and FST702: imports against the layers of ``[tool.fastlint.layers]``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.layers import Layers, parse_layers
from fastlint.engine.rule import Invalid, Option, Rule, Valid
from fastlint.rules.architecture.modules import imported_modules, layer_of_file

LAYERS = Option(
    "layers",
    dict,
    {},
    'The project\'s layers, highest first, as `[tool.fastlint.layers]`: `name = "module.glob"` '
    "(or a list of globs) per layer, plus `strict` (bool) and `domain` (list of layer names).",
)
_TABLE = {
    "routers": "app.api.**",
    "services": "app.services.**",
    "repositories": "app.repositories.**",
    "models": "app.models.**",
}
_OPTIONS = {"layers": _TABLE}
_STRICT = {"layers": {**_TABLE, "strict": True}}
_MODEL = "app/models/user.py"
_SERVICE = "app/services/users.py"
_ROUTER = "app/api/users.py"


class _LayeredRule(Rule):
    """Knows the layers and the layer of the file being linted (None: outside every layer)."""

    options = (LAYERS,)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.layers: Layers | None = parse_layers(self.option("layers"))
        self.module = ""
        self.layer: int | None = None
        if self.layers is not None:
            found = layer_of_file(ctx.path, self.layers)
            if found is not None:
                self.module, self.layer = found

    def targets(self, node: cst.Import | cst.ImportFrom) -> list[tuple[str, ...]]:
        package = self.ctx.path.endswith("__init__.py")
        return list(imported_modules(node, self.module, package))

    def layer_name(self, index: int) -> str:
        assert self.layers is not None
        return self.layers.layers[index].name


class LayerViolation(_LayeredRule):
    """Reports an import that goes against the layer order of `[tool.fastlint.layers]`."""

    code = "FST701"
    name = "layer-violation"
    category = "architecture"
    default_enabled = False
    summary = "An import against the layer order of `[tool.fastlint.layers]`"
    message = (
        "Import against the layer order: move the code to a lower layer, or invert the dependency"
    )
    docs = """
## What it does
Checks every import (module level, in functions, under `if TYPE_CHECKING:`, relative imports
too) of the modules that belong to a layer of `[tool.fastlint.layers]`. An import from a lower
layer up to a higher one (a model importing a service) is reported at the import, naming both
modules and both layers. With `strict = true`, an import that skips a layer (a router importing
a repository instead of going through a service) is reported too. Imports within one layer, and
of modules outside every layer (the standard library, `app.core`, `app.schemas` when they are
not in a layer), are never reported.

## Why is this bad?
Layered code (routers → services → repositories → models) only stays testable and replaceable
if dependencies point downwards. A model that imports a service ties the data layer to the
business logic, invites import cycles, and makes the lower layer impossible to reuse or test
without the one above.

## Example
```toml
[tool.fastlint.layers]
routers = "app.api.**"
services = "app.services.**"
repositories = "app.repositories.**"
models = "app.models.**"
```
```python
# file: app/__init__.py

# file: app/models/__init__.py

# file: app/models/user.py
from app.services.billing import price_for


class User:
    plan: str

    def monthly_price(self) -> int:
        return price_for(self.plan)
# file: app/services/__init__.py

# file: app/services/billing.py
def price_for(plan: str) -> int:
    return {"free": 0, "pro": 20}[plan]
```

## Use instead
```python
# file: app/models/user.py
class User:
    plan: str
# file: app/services/billing.py
from app.models.user import User


def price_for(plan: str) -> int:
    return {"free": 0, "pro": 20}[plan]


def monthly_price(user: User) -> int:
    return price_for(user.plan)
```
The service, the higher layer, reads the model; the model knows nothing of services.

## Configuration
The rule is opt-in and does nothing until `[tool.fastlint.layers]` declares layers; select it
explicitly (`extend-select = ["FST701"]`): configuring layers does not select it by itself.

```toml
[tool.fastlint]
extend-select = ["FST701", "FST702"]

[tool.fastlint.layers]
routers = "app.api.**"                      # highest layer first
services = ["app.services.**", "app.tasks"] # a layer may have several globs
repositories = "app.repositories.**"
models = "app.models.**"
strict = false              # true: a layer may import only itself and the layer right below
domain = ["services", "repositories"]       # FST702's layers
```

- The layers are the table's keys **in the order they are written** (TOML tables keep their
  order): the first is the highest. `strict` and `domain` are reserved keys, not layers.
- A value is a module glob or a list of them. Globs are dotted names: `*` matches one name,
  `**` any number of names; a glob also matches the modules below what it names (`app.models`
  is `app.models` and `app.models.user`). A module in several layers belongs to the first.
- A file's module name is found as the project index finds it (below its package root, the
  first directory up without `__init__.py`); for namespace packages (no `__init__.py`) the
  dotted path of the file is tried too (`app/services/users.py` is `app.services.users`).
- Mistakes are configuration errors (exit status 2): a value that is not a glob or a list of
  globs, an invalid glob (`app/api`, `app..api`, `[`), `strict` not a boolean, a `domain` name
  that is not a layer.

## Differences from import-linter
import-linter's `layers` contract checks the whole import graph, transitive imports included;
this rule checks each import where it is written, so the finding points at the line to change.
"""
    valid = (
        Valid("from app.models.user import User\n", _OPTIONS, _SERVICE),
        Valid("from app.repositories.users import load\n", _OPTIONS, _ROUTER),
        Valid("from app.services import users\n", _STRICT, _ROUTER),
        Valid("from app.core.config import settings\n", _OPTIONS, _MODEL),
        Valid("from . import base\nfrom .base import Base\n", _OPTIONS, _MODEL),
        Valid("from app.services.users import load\n", {}, _MODEL),
        Valid("from app.services.users import load\n", _OPTIONS, "app/core/startup.py"),
    )
    invalid = (
        Invalid(
            "from app.services.users import load\n",
            1,
            1,
            _OPTIONS,
            message_contains="`app.models.user` (layer `models`) imports `app.services.users` "
            "(layer `services`)",
            filename=_MODEL,
        ),
        Invalid(
            "def f():\n    from ..api import users\n",
            2,
            5,
            _OPTIONS,
            message_contains="imports `app.api` (layer `routers`), a higher layer",
            filename=_SERVICE,
        ),
        Invalid(
            "from app.repositories.users import load\n",
            1,
            1,
            _STRICT,
            message_contains="skips layer `services`",
            filename=_ROUTER,
        ),
    )

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)

    def _check(self, node: cst.Import | cst.ImportFrom) -> None:
        if self.layer is None or self.layers is None:
            return
        for names in self.targets(node):
            for name in names:
                index = self.layers.index_of(name)
                if index is None:
                    continue
                problem = self._problem(index)
                if problem:
                    # The module as written (`app.services.users`, not its name `load`) when
                    # it is in the same layer.
                    shown = names[-1] if self.layers.index_of(names[-1]) == index else name
                    self.report(node, self._message(shown, index, problem))
                    return
                break

    def _problem(self, index: int) -> str:
        assert self.layer is not None and self.layers is not None
        if index < self.layer:
            return "a higher layer"
        if self.layers.strict and index > self.layer + 1:
            skipped = ", ".join(f"`{self.layer_name(i)}`" for i in range(self.layer + 1, index))
            return f"and skips layer {skipped} (`strict = true`)"
        return ""

    def _message(self, name: str, index: int, problem: str) -> str:
        assert self.layer is not None
        importer = f"`{self.module}` (layer `{self.layer_name(self.layer)}`)"
        imported = f"`{name}` (layer `{self.layer_name(index)}`)"
        if problem == "a higher layer":
            return (
                f"{importer} imports {imported}, a higher layer: depend downwards only "
                "(move the code down, or pass it in from above)"
            )
        return f"{importer} imports {imported} {problem}: go through the layer below"


class HttpInDomainLayer(_LayeredRule):
    """Reports FastAPI/HTTP imports in a service, repository or domain module."""

    code = "FST702"
    name = "http-in-domain-layer"
    category = "architecture"
    default_enabled = False
    summary = "`fastapi` or `HTTPException` imported in a service, repository or domain module"
    message = (
        "HTTP in the domain layer: raise a domain exception and turn it into a response in the "
        "router or an exception handler"
    )
    requires_text = ("fastapi", "HTTPException")
    docs = """
## What it does
Reports an import of `fastapi` (any of its modules or names: `HTTPException`, `Depends`,
`status`, `Request`...) or of Starlette's `HTTPException` in a module of a domain layer of
`[tool.fastlint.layers]`, at the import. The domain layers are the table's `domain` list; without
one, the layers named `services`, `service`, `repositories`, `repository`, `domain` or `crud`.

## Why is this bad?
Services and repositories hold the business rules; HTTP is how one client reaches them. A
service that raises `HTTPException(404)` cannot be reused from a background task, a CLI or a
message consumer, and its tests need the web framework. Domain exceptions, translated to HTTP
responses by the router or by `@app.exception_handler`, keep the layers apart.

## Example
```toml
[tool.fastlint.layers]
routers = "app.api.**"
services = "app.services.**"
domain = ["services"]
```
```python
# file: app/__init__.py

# file: app/services/__init__.py

# file: app/services/users.py
from fastapi import HTTPException


def load_user(users: dict[int, str], user_id: int) -> str:
    if user_id not in users:
        raise HTTPException(status_code=404, detail="user not found")
    return users[user_id]
```

## Use instead
```python
# file: app/services/users.py
class UserNotFound(Exception):
    pass


def load_user(users: dict[int, str], user_id: int) -> str:
    if user_id not in users:
        raise UserNotFound(user_id)
    return users[user_id]
```
The router (or an exception handler) catches `UserNotFound` and raises the `HTTPException`.

## Configuration
Opt-in: select it (`extend-select = ["FST702"]`) and declare the layers; see FST701 for the
table. Only modules in a domain layer are checked: routers, dependencies and `main.py` import
FastAPI freely.
"""
    valid = (
        Valid("from fastapi import HTTPException\n", _OPTIONS, _ROUTER),
        Valid("from app.errors import HTTPException\n", _OPTIONS, _SERVICE),
        Valid("from fastapi import HTTPException\n", {}, _SERVICE),
        Valid("import fastapi\n", {"layers": {**_TABLE, "domain": ["repositories"]}}, _SERVICE),
    )
    invalid = (
        Invalid(
            "from fastapi import HTTPException, status\n",
            1,
            1,
            _OPTIONS,
            message_contains="`app.services.users` (layer `services`) imports "
            "`fastapi.HTTPException`",
            filename=_SERVICE,
        ),
        Invalid(
            "import fastapi.responses\n",
            1,
            1,
            _OPTIONS,
            message_contains="imports `fastapi.responses`",
            filename="app/repositories/users.py",
        ),
        Invalid(
            "from starlette.exceptions import HTTPException as E\n",
            1,
            1,
            _OPTIONS,
            message_contains="`starlette.exceptions.HTTPException`",
            filename=_SERVICE,
        ),
    )

    def visit_Import(self, node: cst.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check(node)

    def _check(self, node: cst.Import | cst.ImportFrom) -> None:
        if self.layer is None or self.layers is None:
            return
        layer = self.layer_name(self.layer)
        if layer not in self.layers.domain:
            return
        for names in self.targets(node):
            name = names[0]
            if _is_http(name):
                self.report(
                    node,
                    f"`{self.module}` (layer `{layer}`) imports `{name}`: keep HTTP out of the "
                    "domain layer; raise a domain exception and turn it into a response in the "
                    "router or an exception handler",
                )
                return


def _is_http(name: str) -> bool:
    return (
        name == "fastapi"
        or name.startswith("fastapi.")
        or (name.startswith("starlette.") and name.endswith(".HTTPException"))
    )
