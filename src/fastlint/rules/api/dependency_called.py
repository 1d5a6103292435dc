"""FST210: ``Depends(get_db())``: the dependency is called where it should be passed."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from fastlint.engine.fix import SAFE, Fix
from fastlint.engine.route_params import dependency_of
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid
from fastlint.knowledge.fastapi import declaration_name

_APP = "from fastapi import Depends, FastAPI\napp = FastAPI()\n"
# Bases that give a class no ``__call__`` (a subclass of anything else may inherit one).
_PLAIN_BASES = frozenset({"object", "BaseModel", "pydantic.BaseModel"})


_PLAIN_VALUES = (cst.Call, cst.SimpleString, cst.Integer, cst.Dict, cst.Name, cst.List, cst.Tuple)


def _returns_callable(function: cst.FunctionDef) -> bool:
    """A dependency factory: ``def require(role): def check(...): ...; return check`` (or a
    lambda, a ``functools.partial``, a ``Callable`` return annotation)."""
    returns = function.returns
    if returns is not None and "Callable" in cst.Module([]).code_for_node(returns.annotation):
        return True
    return any(_may_be_callable(statement) for statement in _statements(function.body))


def _statements(body: cst.BaseSuite) -> Iterator[cst.CSTNode]:
    """The statements of a body, also inside its blocks (not their expressions: cheap)."""
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.BaseSuite):
            stack.extend(node.body)
        elif isinstance(node, cst.SimpleStatementLine):
            yield from node.body
        else:
            yield node
            if isinstance(node, cst.BaseCompoundStatement) and not isinstance(
                node, (cst.FunctionDef, cst.ClassDef)
            ):
                stack.append(node.body)
                orelse = getattr(node, "orelse", None)
                if orelse is not None:  # ``elif`` is an ``If``; ``else`` holds a body
                    stack.append(orelse if isinstance(orelse, cst.If) else orelse.body)
                stack.extend(handler.body for handler in getattr(node, "handlers", ()))


def _may_be_callable(statement: cst.CSTNode) -> bool:
    """A nested ``def``/``class``, or a return of something else than a plain value."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return True
    if not isinstance(statement, cst.Return) or statement.value is None:
        return False
    value = statement.value
    if not isinstance(value, _PLAIN_VALUES):
        return True  # a lambda, an attribute, a conditional...: it may be callable
    if isinstance(value, cst.Call) and isinstance(value.func, (cst.Name, cst.Attribute)):
        func = value.func
        return (func.value if isinstance(func, cst.Name) else func.attr.value) == "partial"
    return False


class DependencyCalled(Rule):
    """Reports `Depends(f())`: the dependency called at import time instead of passed."""

    code = "FST210"
    name = "dependency-called"
    category = "api"
    summary = "`Depends(get_db())`: the dependency is called instead of passed"
    message = "The dependency is called here; pass the function itself: `Depends(get_db)`"
    fix = FIX_SAFE
    requires_text = ("Depends", "Security")
    call_names = frozenset({"Depends", "Security"})
    docs = """
## What it does
Finds `Depends(...)`/`Security(...)` whose argument is a *call* of a function or class of the
same module that gives nothing FastAPI can call: `Depends(get_db())` passes the generator
`get_db()` returned, once, at import time, instead of `get_db`, which FastAPI would call per
request; `Depends(Settings())` passes one instance of a class without `__call__`.

Not reported, because the call returns the dependency and that is the point:
- dependency factories: a function that defines and returns an inner function, returns a
  lambda, a `functools.partial` or anything but a plain value, or is annotated `-> Callable`
  (`Depends(require_role("admin"))`);
- instances of classes with `__call__` (`Depends(RateLimiter(times=2))`, `Depends(HTTPBearer())`,
  `Depends(OAuth2PasswordBearer(tokenUrl="token"))`), and of classes whose bases may define one;
- functions and classes of other modules and libraries (what they return is not read here).

## Why is this bad?
FastAPI calls the dependency for each request, resolving its own parameters. A called
dependency is evaluated once, when the module is imported: one database session shared by every
request (and never closed), settings read before the environment is ready, or a `TypeError`
at the first request because a generator object is not callable.

## Example
```python
from fastapi import APIRouter, Depends


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


router = APIRouter()


@router.get("/items")
async def list_items(db=Depends(get_db())):
    ...
```

## Use instead
```python
from fastapi import APIRouter, Depends


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def require_role(role: str):
    def check(user=Depends(current_user)):
        ...

    return check


router = APIRouter()


@router.get("/items", dependencies=[Depends(require_role("admin"))])
async def list_items(db=Depends(get_db)):
    ...
```

## Fix
Passes the function or class itself (`Depends(get_db())` -> `Depends(get_db)`), when the call
has no arguments. Safe: FastAPI then calls it per request, as intended; the called form could
not work (its result is not callable). A call with arguments has no automatic fix (they would
have to become parameters of the dependency).
"""
    valid = (
        Valid(
            _APP
            + "def get_db():\n    yield 1\n@app.get('/')\nasync def r(db=Depends(get_db)):\n    ...\n"
        ),
        Valid(
            _APP + "def require(role):\n    def check():\n        return role\n    return check\n"
            "@app.get('/', dependencies=[Depends(require('admin'))])\nasync def r():\n    ...\n"
        ),
        Valid(
            _APP + "class Limiter:\n    def __init__(self, n):\n        self.n = n\n"
            "    def __call__(self):\n        ...\n"
            "@app.get('/', dependencies=[Depends(Limiter(2))])\nasync def r():\n    ...\n"
        ),
        Valid(
            "from fastapi import Depends\nfrom fastapi.security import HTTPBearer\n"
            "def r(token=Depends(HTTPBearer())):\n    ...\n"
        ),
        Valid(
            "from app.deps import get_db\nfrom fastapi import Depends\ndef r(db=Depends(get_db())):\n    ...\n"
        ),
        Valid(
            "def Depends(x):\n    return x\ndef get_db():\n    return 1\nx = Depends(get_db())\n"
        ),
    )
    invalid = (
        Invalid(
            _APP
            + "def get_db():\n    yield 1\n@app.get('/')\nasync def r(db=Depends(get_db())):\n    ...\n",
            6,
            24,
            message_contains="pass the function itself",
            fixed=_APP
            + "def get_db():\n    yield 1\n@app.get('/')\nasync def r(db=Depends(get_db)):\n    ...\n",
        ),
        Invalid(
            _APP + "class Settings:\n    debug = False\n"
            "@app.get('/')\nasync def r(s=Depends(Settings())):\n    ...\n",
            6,
            23,
            message_contains="`Depends(Settings)`",
            fixed=_APP + "class Settings:\n    debug = False\n"
            "@app.get('/')\nasync def r(s=Depends(Settings)):\n    ...\n",
        ),
        Invalid(
            _APP + "def get_repo(db):\n    return Repo(db)\n"
            "@app.get('/')\nasync def r(repo=Depends(get_repo(1))):\n    ...\n",
            6,
            26,
            message_contains="`Depends(get_repo)`",
            fixed=None,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if declaration_name(self.ctx.resolve(node.func)) not in ("Depends", "Security"):
            return
        inner = dependency_of(node)
        if not isinstance(inner, cst.Call) or not isinstance(inner.func, cst.Name):
            return
        name = inner.func.value
        if self.ctx.resolve(inner.func) is not None or self.ctx.imports.is_local(
            name, self.ctx.scopes
        ):
            return  # imported (or a local of the function): its result is not read here
        definition = self.ctx.fastapi.module_definition(name)
        if definition is None or not self._not_callable(definition):
            return
        declaration = node.func.attr.value if isinstance(node.func, cst.Attribute) else "Depends"
        if isinstance(node.func, cst.Name):
            declaration = node.func.value
        message = (
            f"The dependency is called here; pass the function itself: `{declaration}({name})`"
        )
        fix = None
        if not inner.args:
            fix = Fix.replace(inner, inner.func, f"Pass `{name}` uncalled", SAFE)
        self.report(inner, message, fix=fix)

    @staticmethod
    def _not_callable(definition: cst.FunctionDef | cst.ClassDef) -> bool:
        if isinstance(definition, cst.FunctionDef):
            return not definition.decorators and not _returns_callable(definition)
        if definition.decorators:
            return False
        for base in definition.bases:
            shown = cst.Module([]).code_for_node(base.value)
            if base.keyword is None and shown not in _PLAIN_BASES:
                return False
        for statement in definition.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__call__":
                return False
        return True
