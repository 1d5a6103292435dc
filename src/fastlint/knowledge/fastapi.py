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


# Well-known libraries' subclasses of FastAPI's app and router (their code is never read).
THIRD_PARTY = {
    "cadwyn.Cadwyn": APP,
    "cadwyn.VersionedAPIRouter": ROUTER,
    "cadwyn.routing.VersionedAPIRouter": ROUTER,
    "fastapi_utils.inferring_router.InferringRouter": ROUTER,
    "fastapi_restful.inferring_router.InferringRouter": ROUTER,
}


# Response objects (Starlette's, re-exported by FastAPI). A route that returns one is answered
# with it as it is: no response model applies.
RESPONSE = "starlette.responses.Response"
RESPONSE_CLASSES = frozenset(
    {
        *("Response", "HTMLResponse", "PlainTextResponse", "RedirectResponse"),
        *("StreamingResponse", "FileResponse", "JSONResponse", "ORJSONResponse"),
        *("UJSONResponse", "EventSourceResponse"),  # the last one: sse-starlette
    }
)
_RESPONSE_LIBRARIES = ("fastapi.", "starlette.", "sse_starlette.")


def response_kind(qualified: str | None) -> str | None:
    """The kind of the response a response class makes (``fastapi.responses.FileResponse``)."""
    if not qualified or not qualified.startswith(_RESPONSE_LIBRARIES):
        return None
    return RESPONSE if qualified.rsplit(".", 1)[-1] in RESPONSE_CLASSES else None


def fastapi_kind(qualified: str | None) -> str | None:
    """The kind of the app, router or response a fastapi class makes
    (``fastapi.routing.APIRouter``, ``fastapi.responses.RedirectResponse``)."""
    if qualified in THIRD_PARTY:
        return THIRD_PARTY[qualified]
    response = response_kind(qualified)
    if response is not None:
        return response
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
