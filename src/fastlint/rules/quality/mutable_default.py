"""FST501: a mutable value as a parameter default."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import FIX_NONE, Invalid, Rule, Valid
from fastlint.knowledge.fastapi import declaration_name
from fastlint.semantic.cst_tree import dotted_name

_MUTABLE_LITERALS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
_MUTABLE_CALLS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.bytearray",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.deque",
    }
)
_APP = "from fastapi import FastAPI, Depends, Query\napp = FastAPI()\n"


class MutableDefaultArgument(Rule):
    code = "FST501"
    name = "mutable-default-argument"
    summary = "A list, dict or set (literal or call) as a parameter default"
    message = (
        "Mutable default is created once and shared by every call; default to `None` and "
        "create the value in the body"
    )
    category = "quality"
    fix = FIX_NONE  # unsafe (default to None) once `--fix` exists
    needs_project = True  # route handlers are exempt, and their router may come from elsewhere
    docs = """
## What it does
Finds parameters whose default is a mutable value: a list, dict or set literal or
comprehension, or a call such as `list()`, `dict()`, `set()`, `collections.defaultdict()` or
`collections.deque()`.

FastAPI parameter declarations are not values: `tags: list[str] = Query([])` and
`db = Depends(get_db)` are not reported. Neither are the parameters of route handlers and of the
dependencies of this file (functions or classes passed to `Depends(...)`): FastAPI builds a
fresh value from the request for each call.

## Why is this bad?
A default is evaluated once, when the `def` runs. Every call that does not pass the argument
shares the same object, so a function that appends to its default list leaks data from one call
(one request, one user) into the next.

## Example
```python
def add_tag(tag: str, tags: list[str] = []) -> list[str]:
    tags.append(tag)
    return tags
```

## Use instead
```python
def add_tag(tag: str, tags: list[str] | None = None) -> list[str]:
    tags = [] if tags is None else tags
    tags.append(tag)
    return tags
```
"""
    valid = (
        Valid("def f(x=None, y=(), z=frozenset()):\n    pass\n"),
        Valid(
            _APP
            + "@app.get('/')\nasync def f(tags: list[str] = Query([])) -> list[str]:\n    return tags\n"
        ),
        Valid(
            _APP
            + "@app.get('/')\nasync def f(tags: list[str] = []) -> list[str]:\n    return tags\n"
        ),
        Valid(
            _APP
            + "def common(skip: int = 0, tags: list[str] = []) -> dict:\n    return {}\n"
            + "@app.get('/')\nasync def f(p: dict = Depends(common)) -> dict:\n    return p\n"
        ),
        Valid("def list(): pass\ndef f(x=list()):\n    pass\n"),
    )
    invalid = (
        Invalid(
            "def f(x=[]):\n    pass\n",
            1,
            9,
            message_contains="Mutable default is created once and shared by every call",
        ),
        Invalid(
            "def f(*, x: dict = {}):\n    pass\n",
            1,
            20,
            message_contains="default to `None` and create the value in the body",
        ),
        Invalid(
            "import collections\ndef f(x=collections.defaultdict(list)):\n    pass\n",
            2,
            9,
            message_contains="Mutable default is created once",
        ),
        Invalid(
            "handler = lambda x, acc=[]: acc.append(x)\n",
            1,
            25,
            message_contains="shared by every call",
        ),
        Invalid(
            "class A:\n    def m(self, seen=set()):\n        pass\n",
            2,
            22,
            message_contains="Mutable default is created once",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._candidates: list[tuple[cst.FunctionDef, str | None, cst.CSTNode]] = []
        self._dependencies: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.ctx.fastapi.is_route(node):
            return
        params = node.params
        owner = self.ctx.class_
        owner_name = (
            owner.name.value if owner is not None and self.ctx.scopes[-1] is owner else None
        )
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            default = param.default
            if default is None or not self._is_mutable(default):
                continue
            if self.ctx.fastapi.declaration(param, self.ctx.scopes):
                continue
            self._candidates.append((node, owner_name, default))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None and self._is_mutable(param.default):
                self.report(param.default)  # a lambda is never a route or a dependency class

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        if last not in ("Depends", "Security"):
            return
        if node.args and declaration_name(self.ctx.resolve(node.func)) in ("Depends", "Security"):
            target = dotted_name(node.args[0].value)
            if target:
                self._dependencies.add(target.rsplit(".", 1)[-1])

    def leave_Module(self, node: cst.Module) -> None:
        for function, owner_name, default in self._candidates:
            if function.name.value in self._dependencies:
                continue
            if owner_name in self._dependencies and function.name.value == "__init__":
                continue
            self.report(default)

    def _is_mutable(self, value: cst.CSTNode) -> bool:
        if isinstance(value, _MUTABLE_LITERALS):
            return True
        if isinstance(value, cst.Call):
            return self.ctx.resolve(value.func) in _MUTABLE_CALLS
        return False
