"""FST211: a GET route that returns a whole list, with no way to ask for a page of it."""

from __future__ import annotations

import re

import libcst as cst

from fastlint.engine.fastapi_model import Route
from fastlint.engine.route_params import DOUBLE_STAR, STAR, RouteParam
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.rules.api._types import outer_type

_LISTS = frozenset({"builtins.list", "collections.abc.Sequence"})
# Parameter names that select a page: limit/offset, page/size, cursors.
_PAGING_NAMES = frozenset(
    {
        *("limit", "offset", "skip", "take", "page", "size", "page_size", "pagesize"),
        *("per_page", "page_number", "page_token", "next_token", "cursor", "after", "before"),
        *("first", "last", "start", "max_results", "top", "batch_size"),
    }
)
# In a dependency's name or a parameter's type: ``Depends(pagination_params)``, ``Params``.
_PAGING_WORDS = re.compile(r"pag(e|ing|inat)|limit|offset|cursor", re.IGNORECASE)
_PAGING_TYPES = frozenset({"Params", "CursorParams", "LimitOffsetParams", "AbstractParams"})
_APP = "from fastapi import FastAPI, Depends\nfrom app.schemas import Item\napp = FastAPI()\n"


def _paging_param(param: RouteParam) -> bool:
    name = param.name.lower()
    if name in _PAGING_NAMES or _PAGING_WORDS.search(name):
        return True
    for expression in (param.type, param.annotation, param.dependency):
        if isinstance(expression, (cst.Name, cst.Attribute)):
            shown = expression.value if isinstance(expression, cst.Name) else expression.attr.value
            if shown in _PAGING_TYPES or _PAGING_WORDS.search(shown):
                return True
    return False


class UnpaginatedListEndpoint(Rule):
    """Reports a GET route returning a list without a limit, page or cursor parameter."""

    code = "FST211"
    name = "unpaginated-list-endpoint"
    category = "api"
    summary = "A GET route that returns a list with no limit/offset, page or cursor parameter"
    message = "List endpoint without pagination: add `limit`/`offset` (or page/cursor) parameters"
    requires_text = ("@",)
    needs_project = True  # for routers and apps made by the project's own classes and factories
    docs = """
## What it does
Finds GET routes (`.get`, or `api_route` answering GET) whose response is a list, declared by
`response_model=` or else the return annotation: `list[X]`, `List[X]`, `Sequence[X]`, and
that take no parameter to select a part of it.

Pagination is recognised in any of these forms:
- a parameter named `limit`, `offset`, `skip`, `take`, `page`, `size`, `page_size`, `per_page`,
  `cursor`, `after`, `before`, `first`, `last`, `start`... or containing `page`, `paging`,
  `paginat`, `limit`, `offset` or `cursor` (`page_params`, `pagination`);
- a parameter typed with a paging class (`Params`, `CursorParams`, `LimitOffsetParams` of
  fastapi-pagination, or any type whose name contains those words: `PageParams`), or
  depending on a function with such a name (`Depends(pagination_params)`), or declared with an
  alias of such a name (`PaginationDep`).

A paginated response model is not a list: fastapi-pagination's `Page[Item]`, or your own
`ItemsPage` with `items` and `total`, are never reported.

## Why is this bad?
A list endpoint without a limit returns every row there is: fine with ten rows in development,
a timeout, a memory spike and a huge response once the table grows, and a change of the API
contract to fix later. Adding `limit`/`offset` from the start costs nothing.

## Example
```python
from fastapi import APIRouter

from app.schemas import Item

router = APIRouter()


@router.get("/items")
async def list_items() -> list[Item]:
    ...
```

## Use instead
```python
from fastapi import APIRouter, Query

from app.schemas import Item

router = APIRouter()


@router.get("/items")
async def list_items(offset: int = 0, limit: int = Query(100, le=100)) -> list[Item]:
    ...
```
"""
    valid = (
        Valid(
            _APP
            + "@app.get('/')\nasync def r(skip: int = 0, limit: int = 100) -> list[Item]:\n    ...\n"
        ),
        Valid(_APP + "@app.get('/')\nasync def r() -> Item:\n    ...\n"),
        Valid(_APP + "@app.post('/')\nasync def r() -> list[Item]:\n    ...\n"),
        Valid(
            "from fastapi_pagination import Page, Params\n"
            + _APP
            + "@app.get('/', response_model=Page[Item])\nasync def r(params: Params = Depends()):\n    ...\n"
        ),
        Valid(
            _APP
            + "@app.get('/', response_model=Page[Item])\nasync def r() -> list[Item]:\n    ...\n"
        ),
        Valid(
            _APP
            + "@app.get('/')\nasync def r(p=Depends(pagination_params)) -> list[Item]:\n    ...\n"
        ),
    )
    invalid = (
        Invalid(
            _APP + "@app.get('/')\nasync def r() -> list[Item]:\n    ...\n",
            5,
            11,
            message_contains="add `limit`/`offset`",
        ),
        Invalid(
            "from typing import List\n"
            + _APP
            + "@app.api_route('/', methods=['GET'], response_model=List[Item])\n"
            "async def r(q: str = ''):\n    ...\n",
            6,
            11,
            message_contains="List endpoint without pagination",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in self.ctx.fastapi.routes_of(node):
            if self._lists(route) and self._answers_get(route):
                params = self.ctx.fastapi.parameters(node, self.ctx.scopes)
                if not any(
                    _paging_param(param)
                    for param in params
                    if param.kind not in (STAR, DOUBLE_STAR)
                ):
                    self.report(node.name)
                return

    def _lists(self, route: Route) -> bool:
        declared = route.response_model if "response_model" in route.keywords else route.returns
        base, _ = outer_type(declared, self.ctx.resolve)
        return base in _LISTS

    @staticmethod
    def _answers_get(route: Route) -> bool:
        methods = getattr(route, "methods", None)  # ``api_route(methods=[...])``, when known
        if methods is not None:
            return "GET" in methods
        return route.method == "get" or (
            route.method == "api_route" and "methods" not in route.keywords
        )
