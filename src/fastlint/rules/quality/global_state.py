"""FST509: ``global`` statements, and module-level containers mutated inside functions."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.containers import MUTABLE_CONTAINER_CALLS

_CONTAINER_LITERALS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)
_CONTAINER_CALLS = MUTABLE_CONTAINER_CALLS
# Methods that change a list, dict, set or deque in place.
MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "clear",
        "sort",
        "reverse",
        "update",
        "setdefault",
        "popitem",
        "add",
        "discard",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "appendleft",
        "extendleft",
        "popleft",
        "rotate",
    }
)


class GlobalState(Rule):
    """Reports a `global` statement or a module-level container mutated in a function."""

    code = "FST509"
    name = "global-state"
    category = "quality"
    summary = "A `global` statement, or a module-level container mutated inside a function"
    message = (
        "Global state: keep it in an object the app owns (a dependency, `app.state`, a cache "
        "client) and pass it in"
    )
    requires_text = ("global", *(f".{name}(" for name in sorted(MUTATORS)), "]", "del ")
    call_names = MUTATORS
    docs = """
## What it does
Reports, inside a function (or lambda):
- a `global` statement, at the statement;
- a change to a list, dict, set, `defaultdict`, `Counter`, `OrderedDict` or `deque` that is
  created at module level: `CACHE[key] = value`, `del CACHE[key]`, `CACHE[key] += 1`,
  `ITEMS.append(x)`, `SEEN.add(x)`, `CACHE.update(...)` and the other in-place methods, once
  per function and container, at the first change.

Not reported: module-level code that fills a container while the module is imported (a
registry built by module-level statements, `__all__ += [...]`), containers that are never
changed (constant tables such as `STATUS_NAMES = {200: "OK"}`), dunder names (`__all__`), a
local name that shadows the module-level one, and changes through an attribute
(`self.items.append(x)` is the object's own state).

## Why is this bad?
A FastAPI app runs many requests at once and usually several worker processes. Module-level
state is shared by every request of one worker and invisible to the others: a dict used as a
cache grows without bound, leaks data between users, differs from worker to worker and survives
between tests. `global` makes a function's behaviour depend on hidden, mutable state.

## Example
```python
from fastapi import APIRouter

router = APIRouter()
VISITS: dict[str, int] = {}


@router.post("/visits/{page}")
async def count_visit(page: str) -> int:
    VISITS[page] = VISITS.get(page, 0) + 1
    return VISITS[page]
```

## Use instead
```python
from fastapi import APIRouter, Request

router = APIRouter()


@router.post("/visits/{page}")
async def count_visit(page: str, request: Request) -> int:
    counter = request.app.state.visits  # created in the lifespan; Redis across workers
    return await counter.increment(page)
```
Hold state in something the app creates and owns (a dependency, `app.state` set in the
lifespan, Redis, the database), so it has a lifetime, a limit and a place in tests.

## Differences from pylint
PLW0603 reports `global` statements only; this rule also finds the far more common mutation of a
module-level container, which needs no `global`.
"""
    valid = (
        Valid("CACHE = {}\nCACHE['a'] = 1\n"),
        Valid("ITEMS = []\nfor i in range(3):\n    ITEMS.append(i)\n"),
        Valid("NAMES = {1: 'a'}\ndef f(k):\n    return NAMES[k]\n"),
        Valid("CACHE = {}\ndef f(CACHE):\n    CACHE['a'] = 1\n"),
        Valid("CACHE = {}\ndef f():\n    CACHE = {}\n    CACHE['a'] = 1\n"),
        Valid("class A:\n    items = []\n    def f(self):\n        self.items.append(1)\n"),
        Valid("__all__ = []\ndef export(f):\n    __all__.append(f.__name__)\n    return f\n"),
        Valid("TOTAL = 0\ndef f():\n    return TOTAL + 1\n"),
        Valid("global x\n"),
        Valid("def f():\n    items = []\n    items.append(1)\n"),
    )
    invalid = (
        Invalid(
            "COUNT = 0\ndef bump():\n    global COUNT\n    COUNT += 1\n",
            3,
            5,
            message_contains="`global COUNT`",
        ),
        Invalid(
            "CACHE = {}\nasync def get(key):\n    CACHE[key] = await load(key)\n",
            3,
            5,
            message_contains="module-level `CACHE` is changed in `get`",
        ),
        Invalid(
            "from collections import defaultdict\nSEEN = defaultdict(list)\n"
            "def note(k, v):\n    SEEN[k].append(v)\n    SEEN[k].append(v)\n",
            4,
            5,
            message_contains="`SEEN`",
        ),
        Invalid(
            "ITEMS: list[int] = []\ndef add(x):\n    ITEMS.append(x)\n    ITEMS.append(x)\n",
            3,
            5,
            message_contains="module-level `ITEMS` is changed in `add`",
        ),
        Invalid(
            "CACHE = dict()\ndef drop(k):\n    del CACHE[k]\n",
            3,
            9,
            message_contains="`CACHE`",
        ),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._containers: frozenset[str] | None = None
        self._reported: set[tuple[int, str]] = set()

    # -- `global` -------------------------------------------------------------------------

    def visit_Global(self, node: cst.Global) -> None:
        if self.ctx.function is None:
            return  # `global` at module level does nothing
        names = ", ".join(item.name.value for item in node.names)
        self.report(
            node,
            f"`global {names}`: the function changes module state shared by every request; "
            "keep it in an object the app owns (a dependency, `app.state`) and pass it in",
        )

    # -- mutated containers ---------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MUTATORS:
            self._changed(func.value, node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                self._changed(target.target.value, target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Subscript):
            self._changed(node.target.value, node.target)

    def visit_Del(self, node: cst.Del) -> None:
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else ()
        for target in [node.target, *(element.value for element in targets)]:
            if isinstance(target, cst.Subscript):
                self._changed(target.value, target)

    def _changed(self, container: cst.BaseExpression, at: cst.CSTNode) -> None:
        while isinstance(container, cst.Subscript):  # `SEEN[k].append(v)` changes SEEN too
            container = container.value
        if not isinstance(container, cst.Name):
            return
        function = self.ctx.function
        if function is None:
            return  # import-time code: a registry being built
        name = container.value
        if name not in self.containers() or self.ctx.imports.is_local(name, self.ctx.scopes):
            return
        key = (id(function), name)
        if key in self._reported:
            return
        self._reported.add(key)
        where = function.name.value if isinstance(function, cst.FunctionDef) else "a lambda"
        self.report(
            at,
            f"Global state: module-level `{name}` is changed in `{where}`; it is shared by every "
            "request of a worker and differs between workers: keep it in an object the app "
            "owns (a dependency, `app.state`, a cache) and pass it in",
        )

    def containers(self) -> frozenset[str]:
        """Module-level names bound to a new mutable container (read once, on first use)."""
        if self._containers is None:
            found = set()
            for statement in self.ctx.module.body:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                for small in statement.body:
                    for name, value in _bindings(small):
                        if not (name.startswith("__") and name.endswith("__")) and self._mutable(
                            value
                        ):
                            found.add(name)
            self._containers = frozenset(found)
        return self._containers

    def _mutable(self, value: cst.BaseExpression | None) -> bool:
        if isinstance(value, _CONTAINER_LITERALS):
            return True
        if isinstance(value, cst.Call):
            return self.ctx.imports.resolve(value.func, []) in _CONTAINER_CALLS
        return False


def _bindings(small: cst.BaseSmallStatement) -> list[tuple[str, cst.BaseExpression | None]]:
    if isinstance(small, cst.Assign):
        return [
            (target.target.value, small.value)
            for target in small.targets
            if isinstance(target.target, cst.Name)
        ]
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return [(small.target.value, small.value)]
    return []
