"""The database rules FST303-FST306 on what single examples cannot show: SQL built on earlier
lines and followed to its sink, sessions declared in other modules (``Depends(get_db)``, an
imported ``SessionDep``), yield dependencies with and without ``finally``, module-level clients,
one FST304 per handler with its count."""

from __future__ import annotations

import contextlib
import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.frontends.cli import cli

CODES = "FST303,FST304,FST305,FST306"

DATABASE = """
    from collections.abc import AsyncIterator, Iterator
    from typing import Annotated

    from fastapi import Depends
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("sqlite://")
    SessionLocal = sessionmaker(bind=engine)
    AsyncSessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


    def get_db() -> Iterator[Session]:
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()


    async def get_session() -> AsyncIterator[AsyncSession]:
        async with AsyncSessionLocal() as session:
            yield session


    SessionDep = Annotated[AsyncSession, Depends(get_session)]
"""


def lint(tmp_path: Path, files: dict[str, str], codes: str = CODES) -> list[str]:
    """``path:row:col: CODE`` of each diagnostic, over a small project written to tmp_path."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(
            cli,
            ["check", "--no-cache", "--isolated", "--output-format", "concise", "--select", codes]
            + ["."],
        )
    return [line.replace(os.sep, "/") for line in result.stdout.splitlines() if ": FST3" in line]


def codes_at(found: list[str]) -> list[str]:
    return [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in found]


# -- FST303 -------------------------------------------------------------------------------


def test_sql_built_on_earlier_lines_is_reported_at_the_sink(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/repo.py": """
                from sqlalchemy import text
                from sqlalchemy.orm import Session


                def search(session: Session, name: str, order: str):
                    query = "SELECT * FROM users"
                    query += f" WHERE name = '{name}'"
                    query += " ORDER BY id"
                    statement = text(query)
                    return session.execute(statement).all()
            """
        },
    )
    assert codes_at(found) == ["app/repo.py:9:17: FST303"]
    assert "`query` is built with an f-string and passed to `text()`" in found[0]


def test_constant_parts_and_bound_parameters_are_not_injection(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/repo.py": """
                import sqlalchemy as sa
                from sqlalchemy.orm import Session

                SCHEMA = "public"
                columns = "id, email"


                def by_ids(session: Session, ids: list[int], limit: int):
                    marks = ", ".join(f":id{i}" for i in range(len(ids)))
                    query = f"SELECT {columns} FROM {SCHEMA}.users WHERE id IN ({marks})"
                    query += f" LIMIT {int(limit)}"
                    params = {f"id{i}": v for i, v in enumerate(ids)}
                    return session.execute(sa.sql.text(query), params).all()


                def counts(session: Session):
                    for table in ("users", "orders"):
                        session.execute(sa.text(f"SELECT count(*) FROM {table}"))
            """
        },
    )
    assert found == []


def test_sinks_resolve_through_imports_and_receivers(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/repo.py": """
                import sqlite3

                from sqlalchemy import text as sql_text
                from sqlalchemy.orm import Session


                def one(session: Session, name: str):
                    return session.execute(sql_text("SELECT * FROM u WHERE n = '" + name + "'"))


                def two(session: Session, name: str):
                    return session.connection().exec_driver_sql(f"DELETE FROM u WHERE n = '{name}'")


                def three(name: str):
                    cursor = sqlite3.connect("app.db").cursor()
                    cursor.execute("SELECT * FROM u WHERE n = '{}'".format(name))


                def text(value: str) -> str:  # not sqlalchemy's: never a sink
                    return value


                def four(name: str):
                    return text(f"hello {name}")
            """
        },
        "FST303",
    )
    assert codes_at(found) == [
        "app/repo.py:8:28: FST303",
        "app/repo.py:12:12: FST303",
        "app/repo.py:17:5: FST303",
    ]


def test_unknown_receivers_are_reported_only_for_sql_looking_strings(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/jobs.py": """
                def purge(conn, table: str, days: int):
                    conn.execute(f"DELETE FROM {table} WHERE age > {days}")
                    conn.execute(f"purge {table}")
            """
        },
        "FST303",
    )
    assert codes_at(found) == ["app/jobs.py:2:5: FST303"]


def test_psycopg_composition_and_alembic_migrations_are_not_reported(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/pg.py": """
                import psycopg2
                from psycopg2 import sql


                def drop(table: str):
                    conn = psycopg2.connect("")
                    try:
                        conn.cursor().execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))
                    finally:
                        conn.close()
            """,
            "migrations/versions/0001_init.py": """
                import sqlalchemy as sa
                from alembic import op


                def upgrade():
                    for table in op.get_bind().dialect.get_table_names():
                        op.execute(sa.text(f"ANALYZE {table}"))
            """,
        },
        "FST303",
    )
    assert found == []


# -- FST304 -------------------------------------------------------------------------------


def test_route_queries_follow_dependencies_declared_in_other_modules(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": DATABASE,
            "app/routes.py": """
                from fastapi import APIRouter, Depends
                from sqlalchemy import select

                from app import repo
                from app.database import SessionDep, get_db

                router = APIRouter()


                @router.get("/a")
                async def a(session: SessionDep):
                    rows = await session.scalars(select(1))
                    await session.commit()
                    return list(rows)


                @router.get("/b")
                def b(db=Depends(get_db)):
                    return db.query(object).all()


                @router.get("/c")
                async def c(session: SessionDep):
                    return await repo.list_rows(session)
            """,
            "app/repo.py": """
                async def list_rows(session):
                    return await session.scalars(q)
            """,
        },
        "FST304",
    )
    assert codes_at(found) == ["app/routes.py:12:18: FST304", "app/routes.py:19:12: FST304"]
    assert "calls `session.scalars()` and 1 more session methods itself" in found[0]
    assert "calls `db.query()` itself" in found[1]


# -- FST305 -------------------------------------------------------------------------------


def test_yield_dependencies_must_close_in_finally(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": DATABASE,
            "app/deps.py": """
                from app.database import AsyncSessionLocal, SessionLocal


                def closed():
                    db = SessionLocal()
                    try:
                        yield db
                    finally:
                        db.close()


                def leaky():
                    db = SessionLocal()
                    yield db


                def closed_after():
                    db = SessionLocal()
                    yield db
                    db.close()


                async def async_leaky():
                    session = AsyncSessionLocal()
                    yield session
            """,
        },
        "FST305",
    )
    assert codes_at(found) == [
        "app/deps.py:13:10: FST305",
        "app/deps.py:18:10: FST305",
        "app/deps.py:24:15: FST305",
    ]
    assert "`leaky` yields `db` but never closes it in a `finally`" in found[0]
    assert "`finally: await session.close()`" in found[2]
    assert "`async with AsyncSessionLocal() as session:`" in found[2]


def test_module_level_clients_and_closers(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/clients.py": """
                import contextlib
                import sqlite3

                import httpx

                client = httpx.AsyncClient()  # one for the process: not reported
                from sqlalchemy.orm import Session

                conn = sqlite3.connect("cache.db")  # one for the process: not reported
                shared = Session()  # one session for every caller: reported
                closed = Session()  # closed below: not reported


                def shutdown() -> None:
                    closed.close()


                async def with_stack() -> None:
                    async with contextlib.AsyncExitStack() as stack:
                        scoped = httpx.AsyncClient()
                        stack.push_async_callback(scoped.aclose)
                        await scoped.get("https://example.com")


                def factory() -> httpx.Client:
                    made = httpx.Client()
                    return made


                class Api:
                    def __init__(self) -> None:
                        self.client = httpx.Client()
            """
        },
        "FST305",
    )
    assert codes_at(found) == ["app/clients.py:10:10: FST305"]
    assert "`shared = Session()` at module level is one session for every caller" in found[0]


def test_session_opened_in_a_route_handler(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": DATABASE,
            "app/routes.py": """
                from fastapi import APIRouter

                from app.database import AsyncSessionLocal

                router = APIRouter()


                @router.get("/a")
                async def a() -> int:
                    async with AsyncSessionLocal() as session:
                        return 1
            """,
        },
        "FST305",
    )
    assert codes_at(found) == ["app/routes.py:10:16: FST305"]
    assert "opens a session inside route handler `a`: inject it" in found[0]


# -- FST306 -------------------------------------------------------------------------------


def test_queries_in_loops(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/database.py": DATABASE,
            "app/jobs.py": """
                from sqlalchemy.orm import Session

                from app.database import SessionDep


                async def n_plus_one(session: SessionDep, orders):
                    for order in orders:
                        for line in order.lines:
                            await session.get(Item, line.item_id)


                def retried(session: Session, stmt):
                    for attempt in range(5):
                        session.execute(stmt)
                    for _ in retries():
                        session.execute(stmt)


                def batched(session: Session, ids):
                    for chunk in chunks(ids, 500):
                        session.execute(update(Item).where(Item.id.in_(chunk)))
                    for start in range(0, len(ids), 500):
                        session.execute(q(ids[start : start + 500]))


                def polled(session: Session):
                    while True:
                        if session.scalar(q):
                            break


                def worklist(session: Session, stack):
                    while stack:
                        stack.extend(session.scalars(children(stack.pop())))


                def small(session: Session, user):
                    for kind in ("a", "b"):
                        for item in user.items:
                            session.execute(q(kind, item))
            """,
        },
        "FST306",
    )
    assert codes_at(found) == [
        "app/jobs.py:9:19: FST306",
        "app/jobs.py:34:22: FST306",
        "app/jobs.py:40:13: FST306",
    ]
    assert "of the `for` loop" in found[0]
    assert "of the `while` loop" in found[1]


@pytest.mark.parametrize("code", CODES.split(","))
def test_rules_are_on_by_default(code: str) -> None:
    from fastlint.rules import RULES_BY_CODE

    assert RULES_BY_CODE[code].default_enabled
