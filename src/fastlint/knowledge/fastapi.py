"""FastAPI's names: the route decorators, the parameter declarations, the app and router classes."""

from __future__ import annotations

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket"}
)

# Parameter declarations: defaults that describe where a value comes from, not values.
DECLARATIONS = frozenset(
    {"Depends", "Security", "Query", "Path", "Body", "Header", "Cookie", "Form", "File"}
)

# The kinds (``semantic/kinds.py``) of an app and a router.
APP = "fastapi.FastAPI"
ROUTER = "fastapi.APIRouter"

APP_CLASSES = frozenset({"FastAPI"})
ROUTER_CLASSES = frozenset({"APIRouter"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


def fastapi_class(qualified: str | None) -> str | None:
    """``FastAPI``/``APIRouter`` for names imported from fastapi (or a fastapi submodule)."""
    if not qualified or not qualified.startswith("fastapi."):
        return None
    last = qualified.rsplit(".", 1)[-1]
    return last if last in APP_CLASSES or last in ROUTER_CLASSES else None


def fastapi_kind(qualified: str | None) -> str | None:
    """The kind of the app or router a fastapi class makes (``fastapi.routing.APIRouter``)."""
    found = fastapi_class(qualified)
    if found is None:
        return None
    return APP if found in APP_CLASSES else ROUTER


def declaration_name(qualified: str | None) -> str | None:
    """``Depends`` for ``fastapi.Depends``, ``fastapi.params.Depends``, ... else None."""
    if not qualified or not qualified.startswith("fastapi."):
        return None
    last = qualified.rsplit(".", 1)[-1]
    return last if last in DECLARATIONS else None
