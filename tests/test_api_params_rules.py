"""The route parameter and handler rules (FST202-204, 210, 211, 213, 214, 216) on the
api_params_app fixture and on what examples cannot show: fixes applied twice, dependencies
followed across modules, imported ``Annotated`` aliases, the opt-in rule."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastlint.frontends.cli import cli
from fastlint.project.facts import read_module

APP = Path(__file__).resolve().parent.parent / "fixtures" / "api_params_app"
CODES = "FST202,FST203,FST204,FST210,FST211,FST213,FST214,FST216"


def run(*args: str) -> Result:
    return CliRunner().invoke(
        cli, ["check", "--no-cache", "--isolated", "--output-format", "concise", *args]
    )


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(APP / "app", tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def found(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": FST2" in line]


def sources(root: Path) -> dict[str, str]:
    return {str(path): path.read_text() for path in sorted(root.rglob("*.py"))}


def test_fixes_applied_twice_change_nothing_and_parse(app: Path) -> None:
    before = sources(app)
    run("--select", CODES, "--fix", "--unsafe-fixes", ".")
    once = sources(app)
    assert once != before
    for text in once.values():
        ast.parse(text)
    run("--select", CODES, "--fix", "--unsafe-fixes", ".")
    assert sources(app) == once
    left = found(run("--select", "FST202,FST203,FST210", "."))
    assert left == []  # every one of these had a fix


def test_fix_moves_defaults_out_of_the_declaration(app: Path) -> None:
    run("--select", "FST203", "--fix", "--unsafe-fixes", ".")
    items = (app / "app" / "api" / "routes" / "items.py").read_text()
    assert "q: Annotated[str, Query(min_length=2)]" in items
    assert "from typing import Annotated, Any, List" in items
    owners = (app / "app" / "api" / "routes" / "owners.py").read_text()
    assert "item_id: Annotated[int, Path(ge=1)],\n" in owners
    assert "session: Annotated[AsyncSession, Depends(get_session)],\n" in owners


def test_path_parameters_through_dependencies(app: Path) -> None:
    lines = found(run("--select", "FST204", "."))
    where = [line.split(": ")[0] for line in lines]
    items = os.path.join("app", "api", "routes", "items.py")
    owners = os.path.join("app", "api", "routes", "owners.py")
    # read_item takes `item_id` through the imported ItemDep alias (deps.get_item);
    # list_owner_items through owner_items -> valid_owner; count_owner_items through
    # dependencies=[Depends(valid_owner)]; download through `{file_path:path}`.
    assert where == [f"{items}:43:13", f"{owners}:64:13", f"{owners}:82:19"]


def test_a_dependency_of_another_module_that_takes_the_parameter(app: Path) -> None:
    deps = app / "app" / "api" / "deps.py"
    text = deps.read_text()
    deps.write_text(
        text.replace("async def get_current_user(", "async def get_current_user(item_id: int, ")
    )
    where = [line.split(": ")[0] for line in found(run("--select", "FST204", "."))]
    assert os.path.join("app", "api", "routes", "items.py") + ":43:13" not in where


def test_unknown_dependency_is_not_reported(app: Path) -> None:
    (app / "app" / "api" / "routes" / "extra.py").write_text(
        "from fastapi import APIRouter, Depends\n\nfrom somelib import load_item\n\n"
        "router = APIRouter()\n\n\n@router.get('/extra/{item_id}')\n"
        "async def extra(item=Depends(load_item)) -> int:\n    return 1\n"
    )
    assert "extra.py" not in run("--select", "FST204", ".").stdout


def test_undocumented_route_is_opt_in(app: Path) -> None:
    assert "FST214" not in run(".").stdout
    lines = found(run("--select", "FST214", "."))
    # legacy_owner is include_in_schema=False; every other route has a docstring.
    assert lines == []
    routes = app / "app" / "api" / "routes" / "files.py"
    routes.write_text(
        routes.read_text().replace('    """Send a file of the media folder."""\n', "")
    )
    lines = found(run("--select", "FST214", "."))
    assert [line.split(": ")[0] for line in lines] == [
        os.path.join("app", "api", "routes", "files.py") + ":10:11"
    ]


def test_facts_record_signatures_and_alias_dependencies() -> None:
    facts = read_module((APP / "app" / "api" / "deps.py").read_text(), "app.api.deps", "deps.py")
    assert facts is not None
    assert facts.declarations["ItemDep"] == "Depends"
    assert facts.dependencies["ItemDep"] == ">app.api.deps.get_item"
    assert facts.dependencies["SessionDep"] == ">app.db.get_session"
    assert facts.signatures["get_item"] == ("item_id", "session", ">app.db.get_session")
    assert facts.signatures["Pagination"] == ("offset", "limit")
