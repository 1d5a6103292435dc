"""What the index knows of a module's routers: their prefix, the routers they include (with
which prefix) and the paths of their routes, read from module-level code.

``api_router = APIRouter(prefix="/api")``, ``api_router.include_router(users.router,
prefix="/users")`` and ``@router.get("/{user_id}")`` at module level. A prefix or path that is
not a string literal is recorded as unknown (None); so is the prefix of a router made by
anything but ``APIRouter(...)`` itself. FST212 follows these from the app down.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fastlint.knowledge.fastapi import ROUTE_METHODS, ROUTER, fastapi_kind
from fastlint.semantic.ast_tree import ModuleImports, dotted_name
from fastlint.semantic.resolver import absolute


@dataclass(frozen=True)
class RouterFacts:
    """One module-level router: its literal prefix, the routers it includes and its routes'
    paths (None where not a literal)."""

    prefix: str | None  # None: not a literal
    includes: tuple[tuple[str, str | None], ...] = ()  # (qualified router, prefix or None)
    paths: tuple[str | None, ...] = ()  # of its HTTP routes


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str, default: str | None = "") -> str | None:
    """A literal string keyword: its value, ``default`` when absent, None when not literal."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return _string(keyword.value)
        if keyword.arg is None:
            return None  # ``**options`` may hold it
    return default


def _method_call(node: ast.AST, names: dict[str, str | None]) -> tuple[str, str] | None:
    """``(router, method)`` for a call ``router.method(...)`` on a router of the module."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    owner = node.func.value
    if isinstance(owner, ast.Name) and owner.id in names:
        return owner.id, node.func.attr
    return None


def read_routers(
    tree: ast.Module,
    imports: ModuleImports,
    values: dict[str, str],
    module: str,
    package: bool,
) -> dict[str, RouterFacts]:
    """The module-level routers of a module (names whose kind is ``APIRouter``)."""
    prefixes = _prefixes(tree, imports, values)
    if not prefixes:
        return {}
    includes: dict[str, list[tuple[str, str | None]]] = {name: [] for name in prefixes}
    paths: dict[str, list[str | None]] = {name: [] for name in prefixes}
    for statement in tree.body:
        if isinstance(statement, ast.Expr):
            _read_call(statement.value, prefixes, includes, paths, (imports, module, package))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in statement.decorator_list:
                owner = _method_call(decorator, prefixes)
                if owner is None or owner[1] not in ROUTE_METHODS or owner[1] == "websocket":
                    continue
                assert isinstance(decorator, ast.Call)
                path = _string(decorator.args[0]) if decorator.args else _keyword(decorator, "path")
                paths[owner[0]].append(path)
    return {
        name: RouterFacts(prefix, tuple(includes[name]), tuple(paths[name]))
        for name, prefix in prefixes.items()
    }


def _prefixes(
    tree: ast.Module, imports: ModuleImports, values: dict[str, str]
) -> dict[str, str | None]:
    """Router name -> its ``APIRouter(prefix=...)`` (None: unknown, or not made by it)."""
    found: dict[str, str | None] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        else:
            continue
        value = statement.value
        made = isinstance(value, ast.Call) and fastapi_kind(imports.resolve(value.func)) == ROUTER
        for target in targets:
            if isinstance(target, ast.Name) and values.get(target.id) == ROUTER:
                found[target.id] = _keyword(value, "prefix") if made else None  # type: ignore[arg-type]
    return found


def _read_call(
    call: ast.AST,
    routers: dict[str, str | None],
    includes: dict[str, list[tuple[str, str | None]]],
    paths: dict[str, list[str | None]],
    where: tuple[ModuleImports, str, bool],
) -> None:
    """``router.include_router(other, prefix=...)`` or ``router.add_api_route(path, ...)``."""
    owner = _method_call(call, routers)
    if owner is None:
        return
    assert isinstance(call, ast.Call)
    name, method = owner
    if method == "include_router" and call.args:
        target = _qualify(call.args[0], *where)
        if target is not None:
            includes[name].append((target, _keyword(call, "prefix")))
    elif method == "add_api_route":
        paths[name].append(_string(call.args[0]) if call.args else _keyword(call, "path"))


def _qualify(node: ast.AST, imports: ModuleImports, module: str, package: bool) -> str | None:
    """The qualified name of an included router: imported (``users.router``), or defined in
    this module."""
    dotted = dotted_name(node)
    if dotted is None:
        return None
    qualified = imports.resolve(node)
    if qualified is not None:
        return absolute(qualified, module, package)
    if imports.is_module_definition(dotted.partition(".")[0]):
        return f"{module}.{dotted}"
    return None
