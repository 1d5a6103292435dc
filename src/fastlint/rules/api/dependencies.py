"""FST203: a FastAPI declaration written as a default instead of inside ``Annotated``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.fix import UNSAFE, Fix, add_import
from fastlint.engine.route_params import DEFAULT, KEYWORD_ONLY, POSITIONAL, RouteParam
from fastlint.engine.rule import FIX_UNSAFE, Invalid, Rule, Valid
from fastlint.knowledge.fastapi import ANNOTATED

_APP = "from fastapi import Depends, FastAPI, Query\napp = FastAPI()\n"
_DEPENDENCIES = frozenset({"Depends", "Security"})
_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")
)


def _is_ellipsis(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Ellipsis)


def split_default(call: cst.Call) -> tuple[cst.Call, cst.BaseExpression | None]:
    """``Query("x", max_length=5)`` -> ``(Query(max_length=5), "x")``: FastAPI refuses a default
    inside ``Annotated`` (``Query(...)``/``Query(default=...)`` for a required one: no default)."""
    kept: list[cst.Arg] = []
    default: cst.BaseExpression | None = None
    for position, arg in enumerate(call.args):
        first = position == 0 and arg.keyword is None and arg.star == ""
        if first or (arg.keyword is not None and arg.keyword.value == "default"):
            default = arg.value
            continue
        kept.append(arg)
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if default is not None and _is_ellipsis(default):
        default = None
    return call.with_changes(args=kept), default


class NonAnnotatedDependency(Rule):
    """Reports a `Depends()`/`Query()`... default where `Annotated[T, ...]` should carry it."""

    code = "FST203"
    name = "non-annotated-dependency"
    category = "api"
    summary = "`x: T = Depends(...)` (or `Query(...)`, ...) instead of `Annotated[T, ...]`"
    message = "Declare the parameter with `Annotated[T, ...]` instead of a default"
    fix = FIX_UNSAFE
    requires_text = (
        "Depends",
        "Security",
        "Query",
        "Path",
        "Body",
        "Header",
        "Cookie",
        "Form",
        "File",
    )
    needs_project = True  # for routers and apps made by the project's own classes and factories
    docs = """
## What it does
Finds route handler parameters declared with a FastAPI declaration as their default value,
`db: Session = Depends(get_db)` or `q: str = Query(None, max_length=50)` (also `Security`,
`Path`, `Body`, `Header`, `Cookie`, `Form`, `File`), instead of inside `Annotated`:
`db: Annotated[Session, Depends(get_db)]`.

Not reported: parameters without an annotation (`db = Depends(get_db)`: there is no type to put
in `Annotated`), and functions that are not route handlers (dependencies declare their own
sub-dependencies the same way, but the fix would change how they can be called directly).

## Why is this bad?
FastAPI recommends `Annotated` since 0.95. The default-value form makes the function lie to type
checkers and to callers: `get_items()` called from a test or a script gets a `Depends` object
as `db`, not a session. `Annotated` declarations can also be named once
(`SessionDep = Annotated[Session, Depends(get_db)]`) and reused by every route.

## Example
```python
from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from app.db import get_db

router = APIRouter()


@router.get("/items")
async def list_items(db: Session = Depends(get_db), q: str | None = Query(None, max_length=50)):
    ...
```

## Use instead
```python
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from app.db import get_db

router = APIRouter()


@router.get("/items")
async def list_items(
    db: Annotated[Session, Depends(get_db)],
    q: Annotated[str | None, Query(max_length=50)] = None,
):
    ...
```

## Fix
Moves the declaration into `Annotated[T, ...]` (importing `Annotated` from `typing`, or
`typing_extensions` below Python 3.9, when it is not imported). A default value of the
declaration (`Query(None)`, `Query(default=3)`) stays the parameter's default, as FastAPI
requires (`Annotated[str, Query()] = None`); `Depends(...)` and required declarations
(`Path(...)`) leave no default. Python forbids a parameter without a default after one with a
default, so the fix is offered only where the result is valid: on a keyword-only parameter, or
on a positional one that no parameter with a default precedes (after a fix, the next one becomes
fixable in the following round of `--fix`). Unsafe: the parameter loses its default, so direct
calls of the function that relied on it must now pass it.

## Differences from ruff's FAST002
- The same parameters are reported, at the same place; the fix moves defaults out of
  `Query(...)`/`Path(...)`/... as ruff's does, and is withheld in the same cases.
- ruff fixes several parameters of one function at once when none of them keeps a default;
  here one parameter per round is fixed there (the result is the same after `--fix`).
- Routes are found through the semantic model here (routers made by factories or imported from
  another module), and `Depends` is recognised through imports (`from fastapi import params`).
"""
    valid = (
        Valid(
            "from typing import Annotated\n"
            + _APP
            + "@app.get('/')\nasync def r(db: Annotated[int, Depends(get_db)]):\n    ...\n"
        ),
        Valid(_APP + "@app.get('/')\nasync def r(db=Depends(get_db)):\n    ...\n"),
        Valid(_APP + "def get_user(db: int = Depends(get_db)):\n    ...\n"),
        Valid(_APP + "@app.get('/')\nasync def r(q: str = 'x'):\n    ...\n"),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/')\nasync def r(db: int = Depends(get_db)):\n    ...\n",
            4,
            13,
            message_contains="Annotated[int, Depends(...)]",
            fixed="from typing import Annotated\n\n"
            + _APP
            + "@app.get('/')\nasync def r(db: Annotated[int, Depends(get_db)]):\n    ...\n",
        ),
        Invalid(
            "from typing import Annotated\n"
            + _APP
            + "@app.get('/')\nasync def r(q: str | None = Query(None, max_length=5)):\n    ...\n",
            5,
            13,
            message_contains="instead of a default",
            fixed="from typing import Annotated\n"
            + _APP
            + "@app.get('/')\nasync def r(q: Annotated[str | None, Query(max_length=5)] = None):"
            "\n    ...\n",
        ),
        Invalid(
            _APP
            + "@app.get('/')\nasync def r(q: str = 'x', db: int = Depends(get_db)):\n    ...\n",
            4,
            27,
            message_contains="Annotated[int, Depends(...)]",
            fixed=None,  # `db` would follow a parameter with a default: no valid fix
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.ctx.fastapi.is_route(node):
            return
        has_defaulted = False  # a positional parameter before this one keeps a default
        for param in self.ctx.fastapi.parameters(node, self.ctx.scopes):
            if param.where == DEFAULT and param.annotation is not None and param.call is not None:
                self._report(param, can_fix=param.kind == KEYWORD_ONLY or not has_defaulted)
            if param.kind == POSITIONAL and param.default is not None:
                has_defaulted = True

    def _report(self, param: RouteParam, can_fix: bool) -> None:
        call = param.call
        assert call is not None and param.annotation is not None
        shown = f"Annotated[{self.ctx.module.code_for_node(param.annotation)}, {param.declaration}(...)]"
        message = f"Declare `{param.name}` as `{shown}` instead of a default"
        declaration, default = call, None
        if param.declaration not in _DEPENDENCIES:
            declaration, default = split_default(call)
        fix = None
        if can_fix or default is not None:
            fix = self._fix(param, declaration, default)
        self.report(param.node, message, fix=fix)

    def _fix(
        self, param: RouteParam, declaration: cst.Call, default: cst.BaseExpression | None
    ) -> Fix | None:
        local, edits = self._annotated()
        if local is None:
            return None
        assert param.annotation is not None
        annotated = cst.Subscript(
            cst.Name(local),
            [
                cst.SubscriptElement(cst.Index(param.annotation), comma=_COMMA),
                cst.SubscriptElement(cst.Index(declaration)),
            ],
        )
        node = param.node.with_changes(annotation=cst.Annotation(annotated))
        if default is None:
            node = node.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT)
        else:
            node = node.with_changes(default=default, equal=_EQUAL)
        # The parameter's place runs to the end of its comma and what follows it on the line (a
        # comment), less trailing whitespace: the new code does the same.
        replacement = self.ctx.module.code_for_node(node).rstrip(" \t\f\r\n")
        return Fix.replace(
            param.node, replacement, "Move the declaration into `Annotated`", UNSAFE
        ).with_edits(edits)

    def _annotated(self) -> tuple[str | None, tuple]:
        for local, qualified in self.ctx.imports.module_imports.items():
            if qualified in ANNOTATED and self.ctx.imports.resolve_name(local, self.ctx.scopes):
                return local, ()
        module = "typing" if self.ctx.target_version >= (3, 9) else "typing_extensions"
        found = add_import(self.ctx, module, "Annotated")
        return (found[0], found[1]) if found is not None else (None, ())
