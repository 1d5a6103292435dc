"""FST501: a mutable value as a parameter default."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fix import UNSAFE, Fix, insert_after, insert_at_top_of_body, replace
from fastlint.engine.rule import FIX_UNSAFE, Invalid, Rule, Valid
from fastlint.knowledge.containers import MUTABLE_CONTAINER_CALLS
from fastlint.knowledge.fastapi import declaration_name
from fastlint.semantic.cst_tree import dotted_name

_MUTABLE_LITERALS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
_MUTABLE_CALLS = MUTABLE_CONTAINER_CALLS
_APP = "from fastapi import FastAPI, Depends, Query\napp = FastAPI()\n"


class MutableDefaultArgument(Rule):
    """Reports a list, dict or set used as a parameter default (shared between calls)."""

    code = "FST501"
    name = "mutable-default-argument"
    summary = "A list, dict or set (literal or call) as a parameter default"
    message = (
        "Mutable default is created once and shared by every call; default to `None` and "
        "create the value in the body"
    )
    category = "quality"
    fix = FIX_UNSAFE  # `None` plus a guard at the top of the body (not for lambdas)
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
    if tags is None:
        tags = []
    tags.append(tag)
    return tags
```

## Fix
Unsafe (applied with `--fix --unsafe-fixes`): the default becomes `None`, an annotation gets
`| None` (unless it already allows `None`), and `if tags is None: tags = []` opens the body, after
the docstring; a one-line body (`def f(x=[]): pass`) becomes an indented block. It is unsafe
because it changes behaviour a caller may rely on: passing `None` explicitly now means "a new
list", and code that mutated the shared default on purpose (a cache) stops sharing it. On Python
before 3.10, `X | None` in an annotation needs `from __future__ import annotations`. A lambda gets
no fix (it has no body to put the guard in).
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
            fixed="def f(x=None):\n    if x is None:\n        x = []\n    pass\n",
        ),
        Invalid(
            "def f(*, x: dict = {}):\n    pass\n",
            1,
            20,
            message_contains="default to `None` and create the value in the body",
            fixed="def f(*, x: dict | None = None):\n    if x is None:\n        x = {}\n    pass\n",
        ),
        Invalid(
            "import collections\ndef f(x=collections.defaultdict(list)):\n    pass\n",
            2,
            9,
            message_contains="Mutable default is created once",
            fixed="import collections\ndef f(x=None):\n"
            "    if x is None:\n        x = collections.defaultdict(list)\n    pass\n",
        ),
        Invalid(
            'def f(x: list[int] | None = [1]):\n    """Doc."""\n    # first\n    return x\n',
            1,
            29,
            message_contains="Mutable default is created once",
            fixed='def f(x: list[int] | None = None):\n    """Doc."""\n'
            "    if x is None:\n        x = [1]\n    # first\n    return x\n",
        ),
        Invalid(
            "def f(x={}): return x  # keep\n",
            1,
            9,
            message_contains="Mutable default is created once",
            fixed="def f(x=None):\n    if x is None:\n        x = {}\n    return x  # keep\n",
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
            fixed="class A:\n    def m(self, seen=None):\n"
            "        if seen is None:\n            seen = set()\n        pass\n",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._candidates: list[tuple[cst.FunctionDef, str | None, cst.Param]] = []
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
            self._candidates.append((node, owner_name, param))

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
        for function, owner_name, param in self._candidates:
            if function.name.value in self._dependencies:
                continue
            if owner_name in self._dependencies and function.name.value == "__init__":
                continue
            assert param.default is not None
            self.report(param.default, fix=self._fix(function, param))

    def _fix(self, function: cst.FunctionDef, param: cst.Param) -> Fix | None:
        """``x=[]`` -> ``x=None`` and ``if x is None: x = []`` at the top of the body."""
        default = param.default
        assert default is not None
        value = self.ctx.module.code_for_node(default)
        if "\n" in value and ('"""' in value or "'''" in value or "\\" in value):
            return None  # re-indenting it could change a string
        name = param.name.value
        guard = f"if {name} is None:\n{self.ctx.module.default_indent}{name} = {value}\n"
        edits = [replace(default, "None"), insert_at_top_of_body(function, guard)]
        annotation = param.annotation.annotation if param.annotation is not None else None
        if annotation is not None and not _allows_none(annotation):
            if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
                return None  # a string annotation: the union would go inside it
            edits.append(insert_after(annotation, " | None"))
        return Fix(
            f"Default `{name}` to `None` and create the value in the body", UNSAFE, tuple(edits)
        )

    def _is_mutable(self, value: cst.CSTNode) -> bool:
        if isinstance(value, _MUTABLE_LITERALS):
            return True
        if isinstance(value, cst.Call):
            return self.ctx.resolve(value.func) in _MUTABLE_CALLS
        return False


def _allows_none(annotation: cst.BaseExpression) -> bool:
    """``Optional[...]``, ``X | None``, ``None``: the annotation already admits ``None``."""
    has_none = False

    class _Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            nonlocal has_none
            has_none = has_none or node.value in ("None", "Optional", "Any")

    annotation.visit(_Finder())
    return has_none
