"""Database objects as the database rules see them (FST303-FST306): which kinds of the semantic
model run SQL, which of their methods send a query, and what makes them.

The kinds are the labels of ``knowledge/sqlalchemy.py`` and ``knowledge/blocking.py``; this
module only groups them.
"""

from __future__ import annotations

from fastlint.knowledge import sqlalchemy as sa

# SQLAlchemy (and SQLModel) objects a route handler or a loop talks to the database through.
SESSIONS = frozenset({sa.SYNC_SESSION, sa.ASYNC_SESSION})
SA_CONNECTIONS = frozenset({sa.SYNC_CONNECTION, sa.ASYNC_CONNECTION})
SA_ENGINES = frozenset({sa.SYNC_ENGINE, sa.ASYNC_ENGINE})
# DB-API drivers (and asyncpg), labels of ``knowledge/blocking.py``.
DBAPI_CONNECTIONS = frozenset(
    {
        "sqlite3.Connection",
        "psycopg2 connection",
        "psycopg.Connection",
        "pymysql connection",
        "asyncpg connection",
    }
)
DBAPI_CURSORS = frozenset({"sqlite3.Cursor", "psycopg2 cursor", "psycopg.Cursor", "pymysql cursor"})
SQL_RUNNERS = SESSIONS | SA_CONNECTIONS | SA_ENGINES | DBAPI_CONNECTIONS | DBAPI_CURSORS

# Methods that send SQL text given as their first argument (FST303's sinks).
SQL_TEXT_METHODS = frozenset(
    {"execute", "executemany", "executescript", "exec_driver_sql", "fetch", "fetchrow", "fetchval"}
)
# ``sqlalchemy.text`` and its other homes (SQLModel re-exports it).
TEXT_FUNCTIONS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text"}
)

# Methods whose call sends a query and waits for its rows (FST306): per iteration of a loop, one
# round trip each. ``add``/``add_all``/``delete``/``expunge`` only change the unit of work;
# ``commit``/``flush``/``rollback`` end or push it (a commit per item is slow, but another
# problem than N+1).
QUERY_METHODS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        SESSIONS,
        frozenset(
            {"execute", "exec", "scalars", "scalar", "get", "get_one", "query", "refresh"}
            | {"merge", "stream", "stream_scalars"}
        ),
    ),
    **dict.fromkeys(
        SA_CONNECTIONS,
        frozenset({"execute", "exec_driver_sql", "scalars", "scalar", "stream", "stream_scalars"}),
    ),
    **dict.fromkeys(SA_ENGINES, frozenset({"execute"})),  # SQLAlchemy 1.x's ``engine.execute``
    **dict.fromkeys(
        DBAPI_CONNECTIONS - {"asyncpg connection"}, frozenset({"execute", "executemany"})
    ),
    "asyncpg connection": frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval"}),
    **dict.fromkeys(DBAPI_CURSORS, frozenset({"execute", "executemany", "callproc"})),
}
QUERY_METHOD_NAMES = frozenset(name for names in QUERY_METHODS.values() for name in names)

# What a route handler should not call on a session itself (FST304): every method that reads
# or writes through it.
SESSION_METHODS = frozenset(
    QUERY_METHODS[sa.SYNC_SESSION]
    | {"add", "add_all", "delete", "commit", "flush", "rollback", "begin", "begin_nested"}
    | {"bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings", "connection"}
    | {"exec_driver_sql", "executemany", "fetch", "fetchrow", "fetchval", "cursor"}
)

# Objects that hold a connection until they are closed (FST305).
CLOSABLE = SESSIONS | SA_CONNECTIONS | DBAPI_CONNECTIONS
HTTP_CLIENTS = frozenset({"httpx.AsyncClient", "httpx.Client"})
CLOSE_METHODS = frozenset({"close", "aclose"})
# Calls that take over closing what they are given.
CLOSERS = frozenset(
    {"enter_context", "enter_async_context", "closing", "aclosing", "push_async_callback"}
    | {"callback", "push", "register", "finalize", "add_done_callback"}
)
