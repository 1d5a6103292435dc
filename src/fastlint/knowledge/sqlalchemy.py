"""SQLAlchemy's (and SQLModel's) objects: which names make them, what their methods return, which
methods talk to the database and which are coroutines."""

from __future__ import annotations

ASYNC_SESSION = "AsyncSession"
ASYNC_CONNECTION = "AsyncConnection"
ASYNC_ENGINE = "AsyncEngine"
ASYNC_FACTORY = "async_sessionmaker"
SYNC_SESSION = "Session"
SYNC_CONNECTION = "Connection"
SYNC_ENGINE = "Engine"
SYNC_FACTORY = "sessionmaker"

LIBRARIES = ("sqlalchemy.", "sqlmodel.")
# The last part of a qualified name below LIBRARIES: ``sqlalchemy.orm.Session`` is a Session.
TYPE_KINDS = {
    "AsyncSession": ASYNC_SESSION,
    "AsyncConnection": ASYNC_CONNECTION,
    "AsyncEngine": ASYNC_ENGINE,
    "async_sessionmaker": ASYNC_FACTORY,
    "Session": SYNC_SESSION,
    "Connection": SYNC_CONNECTION,
    "Engine": SYNC_ENGINE,
    "sessionmaker": SYNC_FACTORY,
}
CONSTRUCTOR_KINDS = {
    **TYPE_KINDS,
    "create_async_engine": ASYNC_ENGINE,
    "create_engine": SYNC_ENGINE,
}
# Calling a factory makes a session.
MADE_BY_FACTORY = {ASYNC_FACTORY: ASYNC_SESSION, SYNC_FACTORY: SYNC_SESSION}
# (kind, method) -> the kind of what the method returns.
DERIVED = {
    (ASYNC_ENGINE, "connect"): ASYNC_CONNECTION,
    (ASYNC_ENGINE, "begin"): ASYNC_CONNECTION,
    (SYNC_ENGINE, "connect"): SYNC_CONNECTION,
    (SYNC_ENGINE, "begin"): SYNC_CONNECTION,
    (ASYNC_FACTORY, "begin"): ASYNC_SESSION,
    (SYNC_FACTORY, "begin"): SYNC_SESSION,
}

# The coroutine methods of SQLAlchemy 2.0's asyncio API. ``add``, ``add_all``, ``expunge``,
# ``expire``, ``in_transaction``, ``is_modified``... are plain methods; ``begin()`` and
# ``begin_nested()`` return async context managers (``async with session.begin():``).
COROUTINE_METHODS = {
    ASYNC_SESSION: frozenset(
        {
            "close",
            "commit",
            "connection",
            "delete",
            "exec",  # SQLModel's AsyncSession
            "execute",
            "flush",
            "get",
            "get_one",
            "invalidate",
            "merge",
            "refresh",
            "reset",
            "rollback",
            "run_sync",
            "scalar",
            "scalars",
            "stream",
            "stream_scalars",
        }
    ),
    ASYNC_CONNECTION: frozenset(
        {
            "close",
            "commit",
            "exec_driver_sql",
            "execute",
            "invalidate",
            "rollback",
            "run_sync",
            "scalar",
            "scalars",
            "start",
            "stream",
            "stream_scalars",
            "get_raw_connection",
        }
    ),
    ASYNC_ENGINE: frozenset({"dispose"}),
}

# Methods of the sync objects that talk to the database (or take a pooled connection).
BLOCKING_METHODS = {
    SYNC_SESSION: frozenset(
        {
            "query",
            "execute",
            "scalars",
            "scalar",
            "get",
            "get_one",
            "commit",
            "flush",
            "refresh",
            "merge",
            "rollback",
            "exec",
            "connection",
            "bulk_save_objects",
            "bulk_insert_mappings",
            "bulk_update_mappings",
        }
    ),
    SYNC_CONNECTION: frozenset(
        {"execute", "exec_driver_sql", "scalars", "scalar", "commit", "rollback"}
    ),
    SYNC_ENGINE: frozenset({"connect", "begin", "raw_connection", "execute"}),
}


def library_kind(qualified: str | None, table: dict[str, str] = TYPE_KINDS) -> str | None:
    """The kind a SQLAlchemy/SQLModel name stands for (``sqlalchemy.orm.Session`` -> Session)."""
    if not qualified or not qualified.startswith(LIBRARIES):
        return None
    return table.get(qualified.rsplit(".", 1)[-1])
