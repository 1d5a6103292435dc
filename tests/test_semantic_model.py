"""The semantic model through the real run: what names hold, across functions and modules, and
one answer for FST101 and FST102 (they once disagreed: issue 8's drift)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastlint.config.settings import build_settings
from fastlint.run.runner import lint_files

DRIFT = """\
import sqlite3, requests
conn = sqlite3.connect("x")
http: requests.Session = requests.Session()
def query_helper(): conn.cursor().execute("q")
def http_helper(): return http.get("u")
async def direct():
    conn.cursor().execute("q")
    http.get("u")
async def through_helpers():
    query_helper()
    http_helper()
"""


def lint(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    **config: object,
) -> list[tuple[str, int, str, str]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config.setdefault("select", ["FST10", "FST301", "FST302"])  # the rules the model serves here
    settings = build_settings(dict(config), origin="test", root=tmp_path)
    paths = sorted(Path(name) for name in files)
    return [(d.path, d.row, d.code, d.message) for d in sorted(lint_files(paths, settings))]


def test_derived_and_annotated_clients_block_directly_and_through_helpers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = lint(tmp_path, monkeypatch, {"drift.py": DRIFT})
    assert [(row, code) for _, row, code, _ in found] == [
        (7, "FST101"),
        (8, "FST101"),
        (10, "FST102"),
        (11, "FST102"),
    ]
    messages = [message for *_, message in found]
    assert "on a `sqlite3.Cursor`" in messages[0]
    assert "`http.get()` on a `requests.Session`" in messages[1]
    assert "query_helper -> execute (sqlite3.Cursor.execute) (drift.py:4)" in messages[2]
    assert "http_helper -> http.get (requests.Session.get) (drift.py:5)" in messages[3]


@pytest.mark.parametrize(
    ("config", "reported"),
    [
        ({}, []),
        ({"extend-blocking-calls": ["mylib.slow"]}, ["FST101", "FST102"]),
        (
            {"extend-blocking-calls": ["mylib.slow"], "allowed-blocking-calls": ["mylib.slow"]},
            [],
        ),
    ],
)
def test_fst101_and_fst102_read_the_table_options_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: dict[str, list[str]], reported: list
) -> None:
    source = (
        "import mylib\ndef helper():\n    mylib.slow()\n"
        "async def f():\n    mylib.slow()\n    helper()\n"
    )
    found = lint(tmp_path, monkeypatch, {"m.py": source}, **config)
    assert [code for _, _, code, _ in found] == reported


def test_kinds_made_in_another_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "app/__init__.py": "",
        "app/db.py": (
            "import sqlite3\n"
            "from typing import Annotated\n"
            "from fastapi import Depends\n"
            "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"
            "conn = sqlite3.connect('app.db')\n"
            "SessionLocal = async_sessionmaker(engine)\n"
            "async def get_session():\n    yield SessionLocal()\n"
            "SessionDep = Annotated[AsyncSession, Depends(get_session)]\n"
        ),
        "app/routes.py": (
            "from app.db import SessionDep, SessionLocal, conn\n"
            "async def a(db: SessionDep):\n    db.commit()\n"
            "async def b():\n    async with SessionLocal() as s:\n        s.execute(q)\n"
            "async def c():\n    conn.execute('q')\n"
        ),
    }
    found = lint(tmp_path, monkeypatch, files)
    assert [(path, row, code) for path, row, code, _ in found] == [
        ("app/routes.py", 3, "FST302"),
        ("app/routes.py", 6, "FST302"),
        ("app/routes.py", 8, "FST101"),
    ]


def test_paths_built_from_paths_are_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        "from pathlib import Path\n"
        "async def save(base: Path, name: str, data: bytes):\n"
        "    (base / name).write_bytes(data)\n"
        "    base.joinpath('x').open('wb')\n"
        "    base.parent.with_suffix('.bak').read_text()\n"
        "    Path(name).read_text()\n"
        "    name.split('/')\n"
    )
    found = lint(tmp_path, monkeypatch, {"m.py": source})
    assert [(row, code) for _, row, code, _ in found] == [
        (3, "FST101"),
        (4, "FST101"),
        (5, "FST101"),
        (6, "FST101"),
    ]


def test_a_local_binding_shadows_a_module_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (
        "import requests\nclient = requests.Session()\n"
        "async def a(items):\n    for client in items:\n        await client.get('u')\n"
        "async def b():\n    client = make()\n    await client.get('u')\n"
        "async def c(client):\n    await client.get('u')\n"
    )
    assert lint(tmp_path, monkeypatch, {"m.py": source}) == []


def test_routers_from_the_project_and_from_libraries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "app/__init__.py": "",
        "app/utils.py": "from fastapi import APIRouter\n",
        "app/routes.py": (
            "from cadwyn import VersionedAPIRouter\n"
            "from app.utils import APIRouter\n"
            "router: APIRouter = APIRouter(prefix='/a')\n"
            "versioned = VersionedAPIRouter()\n"
            "@router.get('/')\ndef a() -> dict:\n    return {}\n"
            "@versioned.get('/')\ndef b() -> dict:\n    return {}\n"
        ),
    }
    found = lint(tmp_path, monkeypatch, {**files})
    assert [(path, row, code) for path, row, code, _ in found] == [
        ("app/routes.py", 6, "FST103"),
        ("app/routes.py", 9, "FST103"),
    ]
