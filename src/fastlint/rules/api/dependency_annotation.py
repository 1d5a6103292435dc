"""FST216: a ``yield`` dependency annotated as returning what it yields, or the reverse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.route_params import dependency_of
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.fastapi import declaration_name

_SYNC = frozenset({"Iterator", "Generator", "Iterable"})
_ASYNC = frozenset({"AsyncIterator", "AsyncGenerator", "AsyncIterable"})
_GENERIC_MODULES = ("typing.", "typing_extensions.", "collections.abc.")
_ANYTHING = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})
# Modules that hold dependencies by convention (FastAPI's tutorial and templates).
_DEPENDENCY_MODULES = frozenset({"deps", "dependencies", "dependency"})
_DB = "from fastapi import Depends, FastAPI\nfrom sqlalchemy.orm import Session\napp = FastAPI()\n"


@dataclass
class _Function:
    node: cst.FunctionDef
    is_generator: bool = False  # a `yield` in its body


def _stub(body: cst.BaseSuite) -> bool:
    """``...``, ``pass``, a docstring or ``raise NotImplementedError``: nothing to check."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, cst.Expr) and isinstance(
                small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
            ):
                continue
            if isinstance(small, (cst.Pass, cst.Raise)):
                continue
            return False
    return True


class DependencyAnnotationMismatch(Rule):
    """Reports a `yield` dependency whose return annotation does not match what it yields."""

    code = "FST216"
    name = "dependency-annotation-mismatch"
    category = "api"
    summary = "A `yield` dependency annotated as returning the yielded type, or the reverse"
    message = (
        "A `yield` dependency is a generator: annotate it `-> Iterator[T]` (`AsyncIterator[T]`)"
    )
    requires_text = ("yield", "Iterator", "Generator", "Iterable")
    call_names = frozenset({"Depends", "Security"})
    docs = """
## What it does
Finds dependencies whose return annotation disagrees with their body:
- a function with `yield` annotated with the type it yields (`-> AsyncSession`, `-> None`)
  instead of a generator (`-> AsyncIterator[AsyncSession]`, `-> Iterator[Session]`,
  `Generator[...]`/`AsyncGenerator[...]`), or an `async def` annotated with a sync iterator
  (or a `def` with an async one);
- the reverse: a function annotated `-> Iterator[T]` (or another generator type) that never
  yields, so FastAPI injects the iterator object itself instead of `T`.

A function is taken for a dependency when this module passes it to `Depends(...)` or
`Security(...)` (in a parameter, an `Annotated` alias or a `dependencies=[...]` list), when one
of its own parameters is a FastAPI declaration (`settings: Settings = Depends(get_settings)`),
or when it is defined at module level of a `deps.py`/`dependencies.py` module (or a package of
that name), where the project keeps its dependencies. Decorated functions are never checked:
`@contextmanager`/`@asynccontextmanager` functions are correctly annotated `-> Iterator[T]`,
and `@pytest.fixture` generators are pytest's, not FastAPI's. Annotations `Any` and `object`,
and stub bodies (`...`, `raise NotImplementedError`), are not reported.

## Why is this bad?
FastAPI decides how to run a dependency from what it *is* (a generator function runs to its
`yield`, injects the value, and resumes after the response for cleanup), but type checkers,
editors and readers go by the annotation: `db: AsyncSession = Depends(get_db)` type-checks
against `-> AsyncSession` while mypy rejects the function itself. In the reverse case the
annotation promises a generator dependency while FastAPI injects the iterator object: the
handler gets a generator, not a session, and the cleanup code never runs.

## Example
```python
from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import SessionLocal

router = APIRouter()


async def get_db() -> AsyncSession:
    async with SessionLocal() as session:
        yield session


@router.get("/items")
async def list_items(db: AsyncSession = Depends(get_db)):
    ...
```

## Use instead
```python
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import SessionLocal

router = APIRouter()


async def get_db() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session


@router.get("/items")
async def list_items(db: AsyncSession = Depends(get_db)):
    ...
```
"""
    valid = (
        Valid(
            "from collections.abc import Iterator\n"
            + _DB
            + "def get_db() -> Iterator[Session]:\n    yield Session()\n"
            "def r(db=Depends(get_db)):\n    ...\n"
        ),
        Valid(
            "from contextlib import contextmanager\nfrom typing import Iterator\n"
            + _DB
            + "@contextmanager\ndef session() -> Iterator[Session]:\n    yield Session()\n"
        ),
        Valid(_DB + "def numbers() -> int:\n    yield 1\n"),  # not a dependency
        Valid(
            "from typing import Iterator\n"
            + _DB
            + "def get_db() -> Iterator[Session]:\n    ...\nx = Depends(get_db)\n"
        ),
        Valid(
            "from typing import Any\n"
            + _DB
            + "def get_db() -> Any:\n    yield Session()\nx = Depends(get_db)\n"
        ),
    )
    invalid = (
        Invalid(
            _DB + "async def get_db() -> Session:\n    yield Session()\n"
            "async def r(db: Session = Depends(get_db)):\n    ...\n",
            4,
            11,
            message_contains="`-> AsyncIterator[Session]`",
        ),
        Invalid(
            "from typing import Iterator\n"
            + _DB
            + "def get_db() -> Iterator[Session]:\n    return Session()\n"
            "def r(db: Session = Depends(get_db)):\n    ...\n",
            5,
            5,
            message_contains="never yields",
        ),
        Invalid(
            "from typing import Iterator\n"
            + _DB
            + "async def get_db() -> Iterator[Session]:\n    yield Session()\n",
            5,
            11,
            message_contains="`async def`",
            filename="app/api/deps.py",
        ),
        Invalid(
            _DB + "def get_user(db: Session = Depends(get_db)) -> None:\n    yield\n",
            4,
            5,
            message_contains="`-> Iterator[None]`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._open: dict[int, _Function] = {}
        self._done: list[_Function] = []
        self._used: set[str] = set()
        parts = PurePath(self.ctx.path).with_suffix("").parts
        self._dependency_module = bool(set(parts[-2:]) & _DEPENDENCY_MODULES)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.ctx.scopes and not node.decorators and node.returns is not None:
            self._open[id(node)] = _Function(node)

    def visit_Yield(self, node: cst.Yield) -> None:
        function = self.ctx.function
        found = self._open.get(id(function)) if function is not None else None
        if found is not None:
            found.is_generator = True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        found = self._open.pop(id(original_node), None)
        if found is not None:
            self._done.append(found)

    def visit_Call(self, node: cst.Call) -> None:
        if declaration_name(self.ctx.resolve(node.func)) in ("Depends", "Security"):
            dependency = dependency_of(node)
            if isinstance(dependency, cst.Name):
                self._used.add(dependency.value)

    def leave_Module(self, original_node: cst.Module) -> None:
        for function in self._done:
            if self._is_dependency(function.node):
                self._check(function)

    def _is_dependency(self, node: cst.FunctionDef) -> bool:
        if self._dependency_module or node.name.value in self._used:
            return True
        return any(param.declaration for param in self.ctx.fastapi.parameters(node))

    def _check(self, function: _Function) -> None:
        node = function.node
        assert node.returns is not None
        annotation = node.returns.annotation
        generic = self._generic(annotation)
        if generic is None:
            return  # ``Any``/``object``: anything goes
        name = node.name.value
        shown = self.ctx.module.code_for_node(annotation)
        if function.is_generator:
            message = _yield_message(name, node.asynchronous is not None, generic, shown)
            if message:
                self.report(node.name, message)
        elif generic in _SYNC | _ASYNC and not _stub(node.body):
            self.report(
                node.name,
                f"`{name}` is annotated `-> {shown}` but never yields: FastAPI injects the "
                "iterator object itself; `yield` the value (or annotate what it returns)",
            )

    def _generic(self, annotation: cst.BaseExpression) -> str | None:
        """``Iterator`` for ``Iterator[T]`` (from typing or collections.abc), "" for another
        type, None for ``Any``/``object``."""
        base = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        qualified = None
        if isinstance(base, (cst.Name, cst.Attribute)):
            qualified = self.ctx.imports.resolve(base)
        if qualified in _ANYTHING:
            return None
        if qualified and qualified.startswith(_GENERIC_MODULES):
            return qualified.rpartition(".")[2]
        return ""


def _yield_message(name: str, is_async: bool, generic: str, shown: str) -> str | None:
    """What to say of a generator annotated ``-> shown`` (None: it is right)."""
    wanted = "AsyncIterator" if is_async else "Iterator"
    if generic in (_ASYNC if is_async else _SYNC):
        return None
    if generic in _SYNC | _ASYNC:
        kind = "an `async def`" if is_async else "a sync"
        return f"`{name}` is {kind} generator: annotate it `-> {wanted}[...]`, not `-> {shown}`"
    return (
        f"`{name}` yields, so FastAPI runs it as a generator dependency: annotate it "
        f"`-> {wanted}[{shown}]`, not `-> {shown}`"
    )
