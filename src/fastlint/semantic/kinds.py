"""Kinds: what an object is, as far as rules care (a ``requests.Session``, an ``AsyncSession``, an
event loop...). One vocabulary of labels for every table in ``knowledge``, and the four ways a
value gets a kind: made by a call, declared by an annotation, returned by a method of an object
of a known kind, or made by calling such an object (a session factory)."""

from __future__ import annotations

from functools import lru_cache

from fastlint.knowledge import sqlalchemy
from fastlint.knowledge.blocking import CLIENTS_BY_CONSTRUCTOR, CLIENTS_BY_LABEL
from fastlint.knowledge.event_loop import EVENT_LOOP, LOOP_FUNCTIONS, LOOP_TYPES
from fastlint.knowledge.fastapi import fastapi_kind

# Classes and functions have kinds too: what calling them makes. ``type:K`` is a class whose
# instances are of kind K (``class AppRouter(APIRouter)``), ``returns:K`` a sync function that
# returns one (``def make_router() -> APIRouter``).
_CLASS = "type:"
_RETURNS = "returns:"

# Subscripts whose first element is the type of the value (``Annotated[T, ...]``, ``Optional[T]``)
WRAPPERS = frozenset({"Annotated", "Optional"})
# Return annotations of generators: a dependency that yields ``T`` provides ``T``.
YIELDING = frozenset(
    {"Generator", "Iterator", "Iterable", "AsyncGenerator", "AsyncIterator", "AsyncIterable"}
)


# The tables are constants and the same names are asked about in every file: answers are kept.
@lru_cache(maxsize=16384)
def constructor_kind(qualified: str | None) -> str | None:
    """The kind of what calling ``qualified`` returns (``requests.Session`` -> requests.Session,
    ``asyncio.get_running_loop`` -> the event loop, ``sqlalchemy.create_engine`` -> Engine)."""
    if qualified is None:
        return None
    client = CLIENTS_BY_CONSTRUCTOR.get(qualified)
    if client is not None:
        return client.label
    if qualified in LOOP_FUNCTIONS:
        return EVENT_LOOP
    return fastapi_kind(qualified) or sqlalchemy.library_kind(
        qualified, sqlalchemy.CONSTRUCTOR_KINDS
    )


@lru_cache(maxsize=16384)
def type_kind(qualified: str | None) -> str | None:
    """The kind a type annotation names (``sqlalchemy.orm.Session``, ``httpx.Client``)."""
    if qualified is None:
        return None
    client = CLIENTS_BY_CONSTRUCTOR.get(qualified)
    if client is not None:
        return client.label
    if qualified in LOOP_TYPES:
        return EVENT_LOOP
    return fastapi_kind(qualified) or sqlalchemy.library_kind(qualified)


def method_kind(kind: str, method: str) -> str | None:
    """The kind of what ``obj.method(...)`` returns for ``obj`` of ``kind``."""
    client = CLIENTS_BY_LABEL.get(kind)
    if client is not None:
        return client.derived.get(method)
    return sqlalchemy.DERIVED.get((kind, method))


def attribute_kind(kind: str, attribute: str) -> str | None:
    """The kind of ``obj.attribute`` (``path.parent`` is a path)."""
    client = CLIENTS_BY_LABEL.get(kind)
    return client.attributes.get(attribute) if client is not None else None


def divided_kind(kind: str) -> str | None:
    """The kind of ``obj / x`` (``base / "name"`` is a path)."""
    client = CLIENTS_BY_LABEL.get(kind)
    return kind if client is not None and client.can_divide else None


def called_kind(kind: str) -> str | None:
    """The kind of what calling an object of ``kind`` makes: a class's instances, what a
    function returns, a session factory's sessions."""
    if kind.startswith(_CLASS):
        return kind[len(_CLASS) :]
    if kind.startswith(_RETURNS):
        return kind[len(_RETURNS) :]
    return sqlalchemy.MADE_BY_FACTORY.get(kind)


def class_of(kind: str) -> str:
    """The kind of a class whose instances are of ``kind``."""
    return _CLASS + kind


def function_returning(kind: str) -> str:
    """The kind of a function that returns objects of ``kind``."""
    return _RETURNS + kind


def instance_kind(kind: str | None) -> str | None:
    """The instances' kind of a class of ``kind`` (a base class), if it is one."""
    return kind[len(_CLASS) :] if kind is not None and kind.startswith(_CLASS) else None


def factory_kind(kind: str, class_kind: str | None) -> str:
    """``sessionmaker(..., class_=AsyncSession)`` makes async sessions."""
    if kind == sqlalchemy.SYNC_FACTORY and class_kind == sqlalchemy.ASYNC_SESSION:
        return sqlalchemy.ASYNC_FACTORY
    return kind
