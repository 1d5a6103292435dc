"""The Pydantic family (FST601-FST604): options, config errors, project-wide models, fixes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.config.settings import ConfigError, build_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.edits import apply_fixes
from fastlint.engine.linter import Linter
from fastlint.frontends.cli import cli
from fastlint.project import ProjectIndex
from fastlint.rules.pydantic.described import FieldWithoutDescription
from fastlint.rules.pydantic.environ import EnvironOutsideSettings
from fastlint.rules.pydantic.options import path_matches
from fastlint.rules.pydantic.strict import NonStrictModel
from fastlint.rules.pydantic.v1_api import PydanticV1Api
from fastlint.run.discovery import discover
from fastlint.run.runner import lint_files

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pydantic_app"
V1 = "from pydantic import BaseModel\nclass M(BaseModel):\n    class Config:\n        orm_mode = True\n"


def write(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def lint_project(root: Path, table: dict, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(root)
    settings = build_settings(table, origin="test", root=root)
    found = lint_files(discover([Path(".")], settings), settings)
    return [f"{d.path}:{d.row}: {d.code}" for d in sorted(found)]


# -- options and their errors ------------------------------------------------------------------


def test_pydantic_version_1_turns_fst601_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/schemas.py": V1})
    assert lint_project(tmp_path, {"select": ["FST601"]}, monkeypatch) == [
        "app/schemas.py:3: FST601"
    ]
    table = {"select": ["FST601"], "pydantic-version": 1}
    assert lint_project(tmp_path, table, monkeypatch) == []


@pytest.mark.parametrize("value", [3, 0, "2", True, 2.0])
def test_bad_pydantic_version_is_a_config_error(value: object, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pydantic-version"):
        build_settings({"pydantic-version": value}, origin="pyproject.toml", root=tmp_path)


def test_bad_pydantic_version_in_pyproject_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\npydantic-version = 3\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "a.py"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "`pydantic-version` must be 1 or 2, not 3" in lines[0]


@pytest.mark.parametrize("value", ["app/config.py", ["[abc"], [""], [1]])
def test_bad_settings_modules_is_a_config_error(value: object, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="settings-modules"):
        build_settings({"settings-modules": value}, origin="pyproject.toml", root=tmp_path)


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("/srv/p/app/core/config.py", ["app/core/config.py"], True),
        ("app/core/config.py", ["app/core/config.py"], True),
        ("/srv/p/myapp/core/config.py", ["app/core/config.py"], False),
        ("settings.py", ["**/settings.py"], True),
        ("/srv/p/a/b/settings.py", ["**/settings.py"], True),
        ("/srv/p/a/b/settings_test.py", ["**/settings.py"], False),
        ("/srv/p/app/conf/prod.py", ["app/conf/*.py"], True),
        ("./app/env.py", ["./app/env.py"], True),
    ],
)
def test_settings_modules_globs(path: str, patterns: list[str], expected: bool) -> None:
    assert path_matches(path, patterns) is expected


# -- project-wide models --------------------------------------------------------------------------


PROJECT = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/base.py": "from pydantic_settings import BaseSettings\n"
    "class AppSettings(BaseSettings):\n    debug: bool = False\n",
    "app/core/config.py": "import os\nfrom app.core.base import AppSettings\n"
    "class Settings(AppSettings):\n    url: str = os.getenv('URL', '')\n",
    "app/schemas.py": "from pydantic import BaseModel, ConfigDict\n"
    "class Strict(BaseModel):\n    model_config = ConfigDict(strict=True)\n"
    "class ItemIn(Strict):\n    name: str\nclass NoteIn(BaseModel):\n    text: str\n",
    "app/routes.py": "import os\nfrom fastapi import APIRouter\nfrom app import schemas\n"
    "from app.schemas import NoteIn\nrouter = APIRouter()\n"
    "@router.post('/items')\nasync def add(item: schemas.ItemIn) -> dict:\n"
    "    return {'name': item.dict()['name'], 'env': os.getenv('X')}\n"
    "@router.post('/notes')\nasync def note(note: NoteIn) -> dict:\n"
    "    return note.model_dump()\n",
}


def test_models_of_other_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, PROJECT)
    table = {"select": ["FST601", "FST602", "FST604"]}
    assert lint_project(tmp_path, table, monkeypatch) == [
        "app/routes.py:8: FST601",  # item.dict(): ItemIn is a model of app.schemas
        "app/routes.py:8: FST602",  # config.py is a settings module through its first-party base
        "app/routes.py:10: FST604",  # NoteIn is not strict; ItemIn inherits strict mode
    ]


def test_settings_modules_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app/__init__.py": "", "app/env.py": "import os\nA = os.environ['A']\n"})
    assert lint_project(tmp_path, {"select": ["FST602"]}, monkeypatch) == ["app/env.py:2: FST602"]
    table = {"select": ["FST602"], "settings-modules": ["app/env.py"]}
    assert lint_project(tmp_path, table, monkeypatch) == []


def test_opt_in_rules_are_off_by_default() -> None:
    assert not FieldWithoutDescription.default_enabled
    assert not NonStrictModel.default_enabled
    assert PydanticV1Api.default_enabled and EnvironOutsideSettings.default_enabled


# -- fixes -----------------------------------------------------------------------------------------


def _fix_all(path: Path, text: str) -> str:
    """FST601's unsafe fixes applied in rounds, as ``--fix --unsafe-fixes`` does."""
    index = ProjectIndex([path])
    for _ in range(5):
        found: list[Diagnostic] = Linter([PydanticV1Api], {}, index).lint_text(text, str(path))
        fixes = [d.fix for d in found if d.fix is not None]
        if not fixes:
            return text
        text, _ = apply_fixes(text, fixes)
        index.provide(path, text)
    raise AssertionError("fixes did not converge")


def test_fixture_fixes_are_idempotent() -> None:
    path = FIXTURE / "app" / "schemas" / "users.py"
    fixed = _fix_all(path, path.read_text(encoding="utf-8"))
    assert "model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True)" in fixed
    assert "class Config:\n        orm_mode = True\n        allow_mutation = False" in fixed
    assert 'return self.model_dump(exclude={"email"})' in fixed
    assert "from pydantic import BaseModel, ConfigDict, Field" in fixed
    assert _fix_all(path, fixed) == fixed
    compile(fixed, str(path), "exec")


def test_settings_import_fix() -> None:
    path = FIXTURE / "app" / "core" / "legacy_settings.py"
    fixed = _fix_all(path, path.read_text(encoding="utf-8"))
    assert "from pydantic_settings import BaseSettings, SettingsConfigDict\n" in fixed
    # Once the import is fixed, the v1 ``class Config`` becomes SettingsConfigDict.
    assert 'model_config = SettingsConfigDict(env_prefix="LEGACY_")' in fixed
