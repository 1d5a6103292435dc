"""FST701/FST702: the [tool.fastlint.layers] table, its validation, and project layouts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fastlint.config.settings import ConfigError, build_settings
from fastlint.engine.layers import layer_problem, parse_layers
from fastlint.engine.linter import Linter
from fastlint.rules import RULES_BY_CODE

LAYERS = {
    "routers": "app.api.**",
    "services": "app.services.**",
    "repositories": "app.repositories.**",
    "models": "app.models.**",
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def lint(path: Path, layers: dict, *codes: str) -> list:
    rules = [RULES_BY_CODE[c] for c in codes or ("FST701", "FST702")]
    return Linter(rules, {"layers": layers}).lint_text(path.read_text(), str(path))


def test_the_order_of_the_table_is_the_layer_order() -> None:
    parsed = parse_layers(LAYERS)
    assert parsed is not None
    assert [layer.name for layer in parsed.layers] == list(LAYERS)
    reversed_table = dict(reversed(list(LAYERS.items())))
    other = parse_layers(reversed_table)
    assert other is not None and other.index_of("app.models.user") == 0


def test_globs_match_the_module_and_what_is_below_it() -> None:
    parsed = parse_layers({"api": "app.api", "any": "*.services.**", "one": "pkg.*.repo"})
    assert parsed is not None
    assert parsed.index_of("app.api") == 0
    assert parsed.index_of("app.api.users.v2") == 0
    assert parsed.index_of("app.apis") is None
    assert parsed.index_of("x.services") == 1
    assert parsed.index_of("pkg.users.repo.sql") == 2
    assert parsed.index_of("pkg.repo") is None


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"routers": 3}, "layer `routers` must be a module glob"),
        ({"routers": []}, "layer `routers` must be a module glob"),
        ({"routers": "app/api"}, "not a valid module glob"),
        ({"routers": "app..api"}, "not a valid module glob"),
        ({"routers": "app.[api"}, "never closed"),
        ({"routers": "app.a**"}, "not a valid module glob"),
        ({"routers": "app.api", "strict": "yes"}, "`layers.strict` must be true or false"),
        ({"routers": "app.api", "domain": ["services"]}, "names `services`, which is not a layer"),
        ({"routers": "app.api", "domain": "routers"}, "must be a list of layer names"),
        ({"strict": True}, "declares no layer"),
    ],
)
def test_invalid_tables_are_named_in_one_line(table: dict, problem: str) -> None:
    found = layer_problem(table)
    assert found is not None and problem in found and "\n" not in found
    with pytest.raises(ConfigError, match="settings: "):
        build_settings({"layers": table}, origin="settings", root=Path("."))


def test_layers_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match="`layers` must be a table"):
        build_settings({"layers": ["app.api"]}, origin="settings", root=Path("."))


def test_a_config_error_exits_with_status_2(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.fastlint]\nextend-select = ["FST701"]\n\n'
            '[tool.fastlint.layers]\nrouters = "app.api.**"\ndomain = ["services"]\n',
            "app/__init__.py": "",
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "`layers.domain` names `services`, which is not a layer" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_fingerprint_notices_a_new_layer_order() -> None:
    one = build_settings({"layers": LAYERS}, origin="t", root=Path("."))
    same = build_settings({"layers": dict(LAYERS)}, origin="t", root=Path("."))
    other = build_settings(
        {"layers": dict(reversed(list(LAYERS.items())))}, origin="t", root=Path(".")
    )
    assert one.fingerprint() == same.fingerprint()
    assert one.fingerprint() != other.fingerprint()


def test_configuring_layers_does_not_select_the_rules() -> None:
    settings = build_settings({"layers": LAYERS}, origin="t", root=Path("."))
    assert "FST701" not in settings.enabled and "FST702" not in settings.enabled
    selected = build_settings(
        {"layers": LAYERS, "extend-select": ["FST701", "FST702"]}, origin="t", root=Path(".")
    )
    assert {"FST701", "FST702"} <= selected.enabled


def test_relative_imports_are_resolved_in_packages(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": "from ..services import users\nfrom . import user\n",
            "app/models/user.py": "from ..services.users import load\nfrom .base import Base\n",
            "app/services/__init__.py": "",
        },
    )
    package = lint(tmp_path / "app/models/__init__.py", LAYERS, "FST701")
    module = lint(tmp_path / "app/models/user.py", LAYERS, "FST701")
    assert [(d.row, d.code) for d in package] == [(1, "FST701")]
    assert "`app.models` (layer `models`) imports `app.services` (layer" in package[0].message
    assert [(d.row, d.code) for d in module] == [(1, "FST701")]


def test_src_layouts_and_namespace_packages(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/models/__init__.py": "",
            "src/app/models/user.py": "import app.api.users\n",
            "ns/app/models/order.py": "from app.services import billing\n",  # no __init__.py
        },
    )
    (found,) = lint(tmp_path / "src/app/models/user.py", LAYERS, "FST701")
    assert "imports `app.api.users` (layer `routers`)" in found.message
    (found,) = lint(tmp_path / "ns/app/models/order.py", LAYERS, "FST701")
    assert "`app.models.order` (layer `models`) imports `app.services`" in found.message


def test_domain_defaults_to_service_and_repository_layers(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/services/users.py": "from fastapi import HTTPException\n",
            "app/models/user.py": "from fastapi import HTTPException\n",
            "app/api/users.py": "from fastapi import HTTPException\n",
        },
    )
    assert parse_layers(LAYERS).domain == {"services", "repositories"}  # type: ignore[union-attr]
    assert [d.code for d in lint(tmp_path / "app/services/users.py", LAYERS)] == ["FST702"]
    assert lint(tmp_path / "app/models/user.py", LAYERS) == []
    assert lint(tmp_path / "app/api/users.py", LAYERS) == []
    only_models = {**LAYERS, "domain": ["models"]}
    assert lint(tmp_path / "app/services/users.py", only_models) == []
    assert [d.code for d in lint(tmp_path / "app/models/user.py", only_models)] == ["FST702"]


def test_without_layers_nothing_is_reported(tmp_path: Path) -> None:
    write(tmp_path, {"app/models/user.py": "from app.api import users\nimport fastapi\n"})
    assert lint(tmp_path / "app/models/user.py", {}) == []


def test_a_table_option_survives_the_saved_rule_catalog(tmp_path: Path) -> None:
    from fastlint.config import settings as module

    module.rule_catalog()
    data = module._catalog_json()
    assert data is not None  # a dict option would otherwise stop the catalog being saved
    option = next(o for o in data["rules"]["FST701"]["options"] if o["name"] == "layers")
    assert option["type"] == "dict"
