"""FST205-FST209, FST212, FST215, FST217: what the inline examples cannot show (fixes applied
twice, the installed Starlette's names, FST212 across modules, option errors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastlint.config.settings import build_settings
from fastlint.engine.fix import apply_fixes
from fastlint.engine.linter import Linter
from fastlint.frontends.cli import cli
from fastlint.rules.api import status_names
from fastlint.rules.api.status_codes import MagicStatusCode
from fastlint.rules.api.versioning import version_pattern
from fastlint.run.discovery import discover
from fastlint.run.runner import lint_files

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "api_routes_app"


def _fix_all(text: str) -> str:
    """Fix rounds as ``--fix`` does: lint, apply what does not conflict, lint again."""
    linter = Linter([MagicStatusCode], {})
    for _ in range(10):
        fixes = [d.fix for d in linter.lint_text(text, "routes.py") if d.fix is not None]
        if not fixes:
            return text
        text, _ = apply_fixes(text, fixes)
    raise AssertionError("fixes did not converge")


# -- FST205's fix -------------------------------------------------------------------------------

WITHOUT_IMPORT = """from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.post("/items", status_code=201, responses={409: {"description": "Exists"}})
async def create_item(name: str) -> dict[str, str]:
    if not name:
        raise HTTPException(422, "empty name")
    raise HTTPException(status_code=409)
"""


def test_fix_adds_the_import_once_and_a_second_run_changes_nothing() -> None:
    fixed = _fix_all(WITHOUT_IMPORT)
    assert fixed.startswith("from fastapi import APIRouter, HTTPException, status\n")
    assert fixed.count("import") == 1
    assert "status_code=status.HTTP_201_CREATED" in fixed
    assert "responses={status.HTTP_409_CONFLICT:" in fixed
    assert "HTTPException(status_code=status.HTTP_409_CONFLICT)" in fixed
    assert _fix_all(fixed) == fixed


def test_fix_reuses_an_existing_status_import() -> None:
    text = WITHOUT_IMPORT.replace(
        "from fastapi import APIRouter, HTTPException\n",
        "from fastapi import APIRouter, HTTPException\nfrom starlette import status as codes\n",
    )
    fixed = _fix_all(text)
    assert "status_code=codes.HTTP_201_CREATED" in fixed
    assert "from fastapi import APIRouter, HTTPException\n" in fixed  # nothing added
    assert _fix_all(fixed) == fixed


def test_no_fix_when_status_is_a_local_name() -> None:
    text = (
        "from fastapi import HTTPException\n\n"
        "def check(status: str) -> None:\n    raise HTTPException(400, status)\n"
    )
    (found,) = Linter([MagicStatusCode], {}).lint_text(text, "x.py")
    assert found.fix is None
    assert "HTTP_400_BAD_REQUEST" in found.message


def test_the_422_name_follows_the_installed_starlette(monkeypatch: pytest.MonkeyPatch) -> None:
    new = (
        "HTTP_200_OK = 200\nHTTP_422_UNPROCESSABLE_CONTENT = 422\n"
        "__deprecated__ = {'HTTP_422_UNPROCESSABLE_ENTITY': 422}\n"
    )
    old = "HTTP_200_OK = 200\nHTTP_422_UNPROCESSABLE_ENTITY = 422\n"
    assert status_names.names_in_source(new)[422] == "HTTP_422_UNPROCESSABLE_CONTENT"
    assert status_names.names_in_source(old)[422] == "HTTP_422_UNPROCESSABLE_ENTITY"
    monkeypatch.setattr(status_names, "installed_names", lambda: status_names.names_in_source(old))
    fixed = _fix_all("from fastapi import HTTPException, status\nraise HTTPException(422)\n")
    assert "status.HTTP_422_UNPROCESSABLE_ENTITY" in fixed


def test_without_starlette_a_renamed_code_has_no_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status_names, "installed_names", lambda: {})
    text = "from fastapi import HTTPException, status\nraise HTTPException(422)\n"
    (found,) = Linter([MagicStatusCode], {}).lint_text(text, "x.py")
    assert found.fix is None
    assert "HTTP_422_UNPROCESSABLE_CONTENT" in found.message
    assert "HTTP_422_UNPROCESSABLE_ENTITY" in found.message


def test_starlette_is_located_without_being_imported() -> None:
    import sys

    status_names.installed_names.cache_clear()
    status_names.installed_names()
    assert "starlette.status" not in sys.modules


# -- FST212 across modules ----------------------------------------------------------------------


def _lint_app(root: Path, monkeypatch: pytest.MonkeyPatch, codes: list[str]) -> list[str]:
    monkeypatch.chdir(root)
    settings = build_settings({}, origin="test", root=root, select=codes)
    found = lint_files(discover([Path(".")], settings), settings)
    return [f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}" for d in sorted(found)]


def test_unversioned_routes_are_followed_across_modules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = _lint_app(FIXTURE, monkeypatch, ["FST212"])
    admin = str(Path("app") / "admin_app.py")
    # main.py's prefix comes from settings (unknown): nothing below it is reported; its
    # /health is operational. The admin app's own routes and its unversioned include are.
    assert all(line.startswith(admin) for line in found), found
    assert any("`reports.router` mounts `/reports/daily`" in line for line in found)
    assert not any("/users" in line or "/items" in line for line in found)


def test_a_chain_of_known_prefixes_is_reported_at_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "svc"
    shutil.copytree(FIXTURE, root)
    main = root / "app" / "main.py"
    main.write_text(
        main.read_text().replace("prefix=settings.API_V1_STR", 'prefix="/api"'), encoding="utf-8"
    )
    found = [line for line in _lint_app(root, monkeypatch, ["FST212"]) if "main.py" in line]
    assert len(found) == 1, found
    # api_router (app/api/main.py) includes login.router without a prefix: its first route.
    assert "`api_router` mounts `/api/login/access-token`" in found[0]
    main.write_text(main.read_text().replace('prefix="/api"', 'prefix="/api/v2"'), encoding="utf-8")
    assert [line for line in _lint_app(root, monkeypatch, ["FST212"]) if "main.py" in line] == []


def test_an_unknown_router_prefix_is_never_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "svc"
    shutil.copytree(FIXTURE, root)
    routes = root / "app" / "api" / "routes" / "reports.py"
    routes.write_text(
        routes.read_text().replace('APIRouter(prefix="/reports")', "APIRouter(prefix=PREFIX)")
        + "PREFIX = '/reports'\n",
        encoding="utf-8",
    )
    found = _lint_app(root, monkeypatch, ["FST212"])
    assert not any("reports" in line for line in found), found


def test_the_results_cache_follows_an_included_router(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app module's cached FST212 result depends on the routers it reads in other modules
    (the index records them): editing one re-lints the app module."""
    root = tmp_path / "svc"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)

    def check() -> str:
        return CliRunner().invoke(cli, ["check", "--select", "FST212", "."]).output

    assert "`reports.router` mounts `/reports/daily`" in check()
    assert "`reports.router` mounts `/reports/daily`" in check()  # from the cache
    routes = root / "app" / "api" / "routes" / "reports.py"
    routes.write_text(
        routes.read_text().replace('prefix="/reports"', 'prefix="/api/v1/reports"'),
        encoding="utf-8",
    )
    assert "reports.router" not in check()
    assert (root / ".fastlint_cache").exists()


def test_version_pattern() -> None:
    pattern = version_pattern("/api/v{N}")
    assert (
        pattern.match("/api/v1/users")
        and pattern.match("/api/v12")
        and pattern.match("/api/v1.1/x")
    )
    assert not pattern.match("/api/users") and not pattern.match("/api/v1beta/x")
    assert version_pattern("v{N}").match("/v2/items")


# -- options ------------------------------------------------------------------------------------


def _check(project: Path, body: str) -> Result:
    (project / "pyproject.toml").write_text(
        f"[project]\nname = 'x'\n\n[tool.fastlint]\n{body}\n", encoding="utf-8"
    )
    return CliRunner().invoke(cli, ["check", "--no-cache", "."])


@pytest.mark.parametrize("value", ["0", "-1", '"3"', "true", "2.5"])
def test_bad_max_app_routes_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    monkeypatch.chdir(tmp_path)
    result = _check(tmp_path, f"max-app-routes = {value}")
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "max-app-routes" in lines[0], result.output


def test_max_app_routes_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    routes = "".join(f"@app.get('/r{i}')\nasync def r{i}() -> None: ...\n" for i in range(3))
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n" + routes)
    monkeypatch.chdir(tmp_path)
    assert "FST209" not in _check(tmp_path, 'select = ["FST209"]').output
    result = _check(tmp_path, 'select = ["FST209"]\nmax-app-routes = 2')
    assert "App `app` declares 3 routes (more than 2)" in result.output
