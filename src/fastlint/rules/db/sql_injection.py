"""FST303: SQL text built by formatting values in, passed to ``text()`` or an ``execute()``."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.queries import (
    DBAPI_CONNECTIONS,
    DBAPI_CURSORS,
    SQL_RUNNERS,
    SQL_TEXT_METHODS,
    TEXT_FUNCTIONS,
)
from fastlint.rules.db.sql_strings import UNSAFE, SqlStrings, target_names

_SA = "from sqlalchemy import text\nfrom sqlalchemy.orm import Session\n"
_SQLITE = "import sqlite3\n"
_BIND = 'bind the values: `text("... WHERE name = :name").bindparams(name=name)`'
_DBAPI = 'pass the values as parameters: `cursor.execute("... WHERE name = %s", (name,))`'
_SQLITE_PARAMS = 'pass the values as parameters: `cursor.execute("... WHERE name = ?", (name,))`'
_ANY = "bind the values as parameters (`:name` in `text()`, `%s` or `?` in a DB-API `execute`)"
_MIGRATION = "from alembic import"


class SqlStringFormatting(Rule):
    """Reports SQL text built by string formatting and passed to an executor."""

    code = "FST303"
    name = "sql-string-formatting"
    category = "database"
    summary = "SQL built with an f-string, `%`, `+` or `.format()` passed to `text()`, `execute()` or a cursor"
    message = "SQL built by formatting values in can inject SQL; " + _BIND
    requires_text = ("execute", "text(", "exec_driver_sql", "fetch")
    call_names = frozenset({"text", *SQL_TEXT_METHODS})
    needs_project = True  # sessions and connections declared in other modules
    docs = """
## What it does
Finds SQL text built by formatting values into it (an f-string, `%` formatting, `+`
concatenation, `.format()`, `", ".join(values)`) that reaches a place where it runs:
`sqlalchemy.text(...)` (also `sa.text`, `sqlalchemy.sql.text`, SQLModel's `text`), or the
`execute()`/`executemany()`/`exec_driver_sql()` of a SQLAlchemy session, connection or engine,
a DB-API connection or cursor (`sqlite3`, `psycopg2`, `psycopg`, `pymysql`) or asyncpg's
`fetch`/`fetchrow`/`fetchval`. The diagnostic points at that call, the sink, even when the
string was built on earlier lines of the function: `q = f"..."`, `q += f" AND ..."` and then
`session.execute(text(q))` is followed through the local name.

An `.execute(...)` on an object of unknown kind is reported only when the formatted string
reads as a SQL statement (it starts with `SELECT ... FROM`, `INSERT INTO`, `UPDATE ... SET`,
`DELETE FROM` or `WITH ... SELECT`), as ruff's S608 does.

Not reported: constant strings; formatting whose values are all constants: literals,
`UPPER_CASE` names (module constants), names assigned constant strings, `Model.__tablename__`,
numbers (`int(...)`, `len(...)`, `{limit:d}`); bind-parameter *names* built in the text
(`f":p{i}"`, `", ".join(f":id{i}" for i in range(n))`, `", ".join("?" * len(ids))`); a string
that arrives as a parameter of the function (nothing shows how it was built: the caller's
site is where it is formatted). Only formatting seen in the same function (or in a module-level
assignment) is followed.

## Why is this bad?
A value formatted into SQL is SQL: `name = "x' OR '1'='1"` turns a lookup into a dump of the
table, and quoting by hand misses cases (backslashes, encodings, numbers). Bound parameters send
the values apart from the statement, so the database never parses them as SQL; they are also
cached as one statement. The seeds' rule: "Always use parameterized queries to prevent SQL
injection".

Table and column names cannot be bound: choose them from a fixed set in code
(`{"name": User.name}[sort]`) or use SQLAlchemy's constructs (`select(User).order_by(...)`).

## Example
```python
from sqlalchemy import text
from sqlalchemy.orm import Session


def find_users(session: Session, name: str) -> list:
    query = f"SELECT id, email FROM users WHERE name = '{name}'"
    return session.execute(text(query)).all()
```

## Use instead
```python
from sqlalchemy import text
from sqlalchemy.orm import Session


def find_users(session: Session, name: str) -> list:
    query = text("SELECT id, email FROM users WHERE name = :name")
    return session.execute(query, {"name": name}).all()
```

## Differences from ruff's S608
S608 reports any string that looks like SQL and is formatted, wherever it is. FST303 reports at
the call that runs it, follows the string through local names to that call, knows SQLAlchemy's
`text()` and the objects that run SQL whatever the string looks like, and does not report
formatting of constants and bind-parameter names.
"""
    valid = (
        Valid(
            _SA
            + "def f(s: Session, name):\n    return s.execute(text('SELECT * FROM u WHERE n = :n'), {'n': name})\n"
        ),
        Valid(
            _SA
            + "TABLE = 'users'\ndef f(s: Session):\n    return s.execute(text(f'SELECT * FROM {TABLE}'))\n"
        ),
        Valid(
            _SA
            + "def f(s: Session, ids):\n    marks = ', '.join(f':id{i}' for i in range(len(ids)))\n    return s.execute(text(f'SELECT * FROM u WHERE id IN ({marks})'))\n"
        ),
        Valid(_SA + "def f(s: Session, q):\n    return s.execute(text(q))\n"),
        Valid(
            _SQLITE
            + "def f(name):\n    cur = sqlite3.connect('db').cursor()\n    cur.execute('SELECT * FROM u WHERE n = ?', (name,))\n"
        ),
        Valid(
            _SQLITE
            + "def f(ids):\n    con = sqlite3.connect('db')\n    con.execute(f\"SELECT * FROM u WHERE id IN ({','.join('?' * len(ids))})\", ids)\n"
        ),
        Valid("def f(pipe, key):\n    pipe.execute(f'{key}')\n"),
        Valid("def f(client, name):\n    client.execute(f'hello {name}')\n"),
        Valid(
            _SA
            + "def f(s: Session, limit: int):\n    return s.execute(text(f'SELECT * FROM u LIMIT {limit:d}'))\n"
        ),
        Valid(
            _SA
            + "def f(s: Session, model):\n    return s.execute(text(f'DELETE FROM {model.__tablename__}'))\n"
        ),
        Valid(  # psycopg's composition API quotes identifiers
            "import psycopg2\nfrom psycopg2 import sql\ndef f(table):\n"
            "    cur = psycopg2.connect('').cursor()\n"
            "    cur.execute(sql.SQL('DROP TABLE {}').format(sql.Identifier(table)))\n"
        ),
        Valid(  # alembic migrations format names from code
            "import sqlalchemy as sa\nfrom alembic import op\ndef upgrade():\n"
            "    for t in tables():\n        op.execute(sa.text(f'ANALYZE {t}'))\n"
        ),
        Valid(
            _SA + "TABLES = ('a', 'b')\ndef f(s: Session):\n    for table in TABLES:\n"
            "        s.execute(text(f'DELETE FROM {table}'))\n"
        ),
    )
    invalid = (
        Invalid(
            _SA
            + "def f(s: Session, name):\n    q = f\"SELECT * FROM u WHERE n = '{name}'\"\n    return s.execute(text(q))\n",
            5,
            22,
            message_contains="`q` is built with an f-string and passed to `text()`: a formatted value can inject SQL; bind the values",
        ),
        Invalid(
            "import sqlalchemy as sa\ndef f(conn, name):\n    return conn.execute(sa.text('SELECT * FROM u WHERE n = ' + name))\n",
            3,
            25,
            message_contains=".bindparams(name=name)`",
        ),
        Invalid(
            _SA
            + "def f(s: Session, cond):\n    q = 'SELECT * FROM u WHERE 1 = 1'\n    q += ' AND ' + cond\n    return s.execute(text(q))\n",
            6,
            22,
            message_contains="`+` concatenation",
        ),
        Invalid(
            _SQLITE
            + "def f(name):\n    cur = sqlite3.connect('db').cursor()\n    cur.execute(\"SELECT * FROM u WHERE n = '%s'\" % name)\n",
            4,
            5,
            message_contains='passed to `cur.execute()`: a formatted value can inject SQL; pass the values as parameters: `cursor.execute("... WHERE name = ?"',
        ),
        Invalid(
            "def f(conn, user_id):\n    return conn.execute('DELETE FROM u WHERE id = {}'.format(user_id))\n",
            2,
            12,
            message_contains="`.format()`",
        ),
        Invalid(
            _SA + "def f(s: Session, col):\n    return s.execute(f'SELECT {col} FROM u')\n",
            4,
            12,
            message_contains="passed to `s.execute()`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._strings = SqlStrings(ctx)
        # Alembic migrations format table and column names from code, never request data.
        self._skip = _MIGRATION in ctx.text

    def visit_For(self, node: cst.For) -> None:
        if self._strings.constant_iterable(node.iter):
            function = id(self.ctx.function)
            for name in target_names(node.target):
                self._strings.constants.add((function, name))

    def visit_Call(self, node: cst.Call) -> None:
        if self._skip or not node.args or node.args[0].keyword is not None:
            return
        argument = node.args[0].value
        if type(argument) is cst.SimpleString or _is_text_call(argument):
            return  # a constant is fine; ``execute(text(...))``: the inner call is the sink
        callee = self.ctx.callee(node)
        if callee.qualified in TEXT_FUNCTIONS:
            self._check(node, argument, "`text()`", _BIND)
            return
        if callee.method not in SQL_TEXT_METHODS:
            return
        shown = f"`{callee.shown or callee.method}()`"
        kind = callee.receiver
        if kind is not None and kind.startswith("sqlite3"):
            self._check(node, argument, shown, _SQLITE_PARAMS)
        elif kind in DBAPI_CURSORS or kind in DBAPI_CONNECTIONS:
            self._check(node, argument, shown, _DBAPI)
        elif kind in SQL_RUNNERS:
            self._check(node, argument, shown, _BIND)
        elif kind is None and self._strings.looks_like_sql(argument):
            self._check(node, argument, shown, _ANY)

    def _check(self, node: cst.Call, argument: cst.BaseExpression, sink: str, instead: str) -> None:
        verdict = self._strings.judge(argument)
        if verdict.level != UNSAFE:
            return
        subject = f"`{argument.value}` is" if isinstance(argument, cst.Name) else "SQL"
        self.report(
            node,
            f"{subject} built with {verdict.how} and passed to {sink}: a formatted value can "
            f"inject SQL; {instead}",
        )


def _is_text_call(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    return name == "text"
