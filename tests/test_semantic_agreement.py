"""The two trees agree: for every call in every function, the libcst lint walk and the ``ast``
walk of the project index give the same callee, the same receiver kind and the same blocking
verdict. Both run the one semantic model (``fastlint.semantic``); this pins the adapters."""

from __future__ import annotations

import ast
import importlib.util
import os
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings

from fastlint.engine.context import Context
from fastlint.engine.linter import Linter
from fastlint.engine.rule import Rule
from fastlint.semantic.ast_tree import AstValues, AstWalk, ModuleImports
from fastlint.semantic.blocking import BlockingPolicy
from fastlint.semantic.values import Callee

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POLICY = BlockingPolicy()
Seen = Counter[tuple[str, Callee, str | None]]


def _scope_key(scopes: list[Any]) -> str:
    return ".".join(getattr(scope, "name", None) and _name(scope) or "<lambda>" for scope in scopes)


def _name(scope: Any) -> str:
    name = scope.name
    return name.value if isinstance(name, cst.Name) else name


def _entry(scopes: list[Any], callee: Callee) -> tuple[str, Callee, str | None]:
    verdict = POLICY.verdict(callee)
    return _scope_key(scopes), callee, verdict.what if verdict else None


class _Probe(Rule):
    """Records what the lint walk's model says of each call."""

    code = "FST999"
    name = "probe"
    summary = message = docs = ""
    seen: ClassVar[Seen] = Counter()

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        ctx.values.module = "example"

    def visit_Call(self, node: cst.Call) -> None:
        self.seen[_entry(list(self.ctx.scopes), self.ctx.callee(node))] += 1


class _AstProbe(AstWalk):
    def __init__(self, model: AstValues) -> None:
        super().__init__(model)
        self.seen: Seen = Counter()

    def on_call(self, node: ast.Call) -> None:
        self.seen[_entry(list(self.scopes), self.model.callee(node, self.scopes))] += 1


def _through_libcst(text: str, path: str) -> Seen:
    _Probe.seen = Counter()
    found = Linter([_Probe], {}).lint_text(text, path)
    assert not [d for d in found if d.code == "FST001"], found
    return _Probe.seen


def _through_ast(text: str, path: str) -> Seen:
    tree = ast.parse(text)
    model = AstValues(ModuleImports(tree), tree, "example", path.endswith("__init__.py"))
    probe = _AstProbe(model)
    probe.walk(tree)
    return probe.seen


def assert_agree(text: str, path: str = "example.py") -> int:
    """Both walks' answers for every call; returns how many calls were compared."""
    through_libcst = _through_libcst(text, path)
    through_ast = _through_ast(text, path)
    assert through_libcst == through_ast, (
        f"only libcst: {through_libcst - through_ast}\nonly ast: {through_ast - through_libcst}"
    )
    return sum(through_ast.values())


DRIFT = """\
import sqlite3, requests, asyncio, httpx
from pathlib import Path
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typing import Annotated, Optional
from fastapi import Depends

conn = sqlite3.connect("x")
http: requests.Session = requests.Session()
SessionLocal = sessionmaker(bind=None, class_=AsyncSession)
SessionDep = Annotated[AsyncSession, Depends(get_session)]

def query_helper(): conn.cursor().execute("q")
def http_helper(): return http.get("u")
def paths(base: Path, name):
    (base / "a.txt").write_text("x")
    base.joinpath("x").open("wb")
    base.parent.with_suffix(".bak").read_bytes()
    Path(name).read_text()
def get_db() -> Optional[Session]:
    return None

class Repo:
    session: AsyncSession
    def __init__(self, client: httpx.Client):
        self.client = client
    def load(self):
        self.client.get("u")
        self.session.execute(q)
        return self.other()

async def direct(db: SessionDep, s: "Session", loop: asyncio.AbstractEventLoop, d=Depends(get_db)):
    conn.cursor().execute("q")
    http.get("u")
    db.execute(q)
    s.query(User)
    d.commit()
    loop.create_task(work())
    asyncio.get_running_loop().run_in_executor(None, query_helper)
    with httpx.Client() as c, SessionLocal() as session:
        c.get("u")
        session.execute(q)
    conn = other()
    conn.cursor()
    for http in range(3):
        http.get("u")
    lambda: requests.get("u")
    def inner(conn):
        conn.cursor().execute("q")
    query_helper()
"""


def test_the_drift_snippet_agrees_and_is_understood() -> None:
    assert assert_agree(DRIFT) > 30
    seen = _through_ast(DRIFT, "example.py")
    verdicts = {(scope, callee.shown, verdict) for (scope, callee, verdict) in seen}
    assert ("query_helper", None, "sqlite3.Cursor.execute") in verdicts
    assert ("http_helper", "http.get", "requests.Session.get") in verdicts
    assert ("paths", None, "pathlib.Path.write_text") in verdicts
    assert ("paths", None, "pathlib.Path.open") in verdicts
    assert ("paths", None, "pathlib.Path.read_bytes") in verdicts
    assert ("Repo.load", "self.client.get", "httpx.Client.get") in verdicts
    receivers = {(scope, callee.shown): callee.receiver for (scope, callee, _) in seen}
    assert receivers[("Repo.load", "self.session.execute")] == "AsyncSession"
    assert receivers[("direct", "db.execute")] == "AsyncSession"
    assert receivers[("direct", "s.query")] == "Session"
    assert receivers[("direct", "d.commit")] == "Session"
    assert receivers[("direct", "loop.create_task")] == "asyncio.AbstractEventLoop"
    assert receivers[("direct", "session.execute")] == "AsyncSession"
    assert receivers[("direct", "http.get")] is None  # the loop variable shadows the client
    assert receivers[("direct.inner", None)] is None  # ``conn`` is inner's parameter


def _python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if path.is_file())


@pytest.mark.parametrize(
    "path",
    _python_files(FIXTURES),
    ids=lambda path: str(path.relative_to(FIXTURES)),
)
def test_the_fixture_apps_agree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        ast.parse(text)
    except SyntaxError:
        pytest.skip("a fixture that does not parse on purpose")
    assert_agree(text, str(path))


def _installed(package: str, limit: int) -> list[Path]:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, package
    root = Path(next(iter(spec.submodule_search_locations)))
    files = [path for path in _python_files(root) if path.stat().st_size < 60_000]
    return files[:limit]


INSTALLED = [*_installed("click", 12), *_installed("flake8", 20), *_installed("pre_commit", 25)]


@pytest.mark.parametrize("path", INSTALLED, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_installed_packages_agree(path: Path) -> None:
    assert_agree(path.read_text(encoding="utf-8"), str(path))


@settings(
    max_examples=int(os.environ.get("FASTLINT_AGREEMENT_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(hypothesmith.from_node())
def test_generated_programs_agree(text: str) -> None:
    try:
        ast.parse(text)
        cst.parse_module(text)
    except (SyntaxError, cst.ParserSyntaxError, ValueError, RecursionError):
        return
    assert_agree(text)
