"""``fastlint check --show-settings PATH`` (the resolved settings, as TOML) and ``--show-files``
(what a run would lint), on the fixtures' configurations."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.frontends.cli import cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

CONFIG = """\
[tool.fastlint]
extend-select = ["FST104"]
ignore = ["FST103"]
per-file-ignores = { "tests/*" = ["FST501"], "scripts/*" = ["FST101"] }
extend-exclude = ["generated"]
target-version = "py312"
max-function-lines = 40
"""


def _runner() -> CliRunner:
    """stdout and stderr apart (click < 8.2 mixes them unless told not to)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2: always apart
        return CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = _runner().invoke(cli, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _settings(*args: str) -> dict:
    status, out, err = _run("--show-settings", *args)
    assert status == 0, err
    return tomllib.loads(out)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shop fixture app with a configuration of its own, as the current directory."""
    shutil.copytree(FIXTURES / "shop_app", tmp_path / "shop", ignore=_no_golden)
    root = tmp_path / "shop"
    (root / "pyproject.toml").write_text(CONFIG)
    (root / "tests").mkdir()
    (root / "tests" / "test_items.py").write_text("def test_items(): ...\n")
    (root / "generated").mkdir()
    (root / "generated" / "client.py").write_text("x = 1\n")
    (root / "ignored.py").write_text("x = 1\n")
    (root / ".gitignore").write_text("ignored.py\n")
    (root / ".git").mkdir()  # the repository root, whose .gitignore applies
    monkeypatch.chdir(root)
    return root


def _no_golden(directory: str, names: list[str]) -> list[str]:
    return [name for name in names if name == "expected.txt"]


def test_settings_name_the_config_file_and_general_settings(project: Path) -> None:
    shown = _settings("app/main.py")
    assert shown["path"] == "app/main.py"
    assert shown["config-file"] == str(project / "pyproject.toml")
    assert shown["root"] == str(project)
    assert shown["target-version"] == "py312"
    assert shown["respect-gitignore"] is True
    assert "generated" in shown["exclude"] and ".git" in shown["exclude"]
    assert shown["excluded"] is False


def test_rules_and_option_values_in_effect(project: Path) -> None:
    rules = _settings("app/main.py")["rules"]
    assert "FST104" in rules  # extend-select: an opt-in rule
    assert "FST103" not in rules  # ignore
    assert rules["FST502"] == {"name": "function-too-long", "max-function-lines": 40}
    assert rules["FST101"]["extend-blocking-calls"] == []  # a default, shown


def test_per_file_ignores_that_apply_to_the_path(project: Path) -> None:
    here = _settings("tests/test_items.py")
    assert here["per-file-ignores"] == {"tests/*": ["FST501"]}
    assert here["ignored"] == ["FST501"]
    assert "FST501" not in here["rules"]
    elsewhere = _settings("app/main.py")
    assert elsewhere["per-file-ignores"] == {} and elsewhere["ignored"] == []
    assert "FST501" in elsewhere["rules"]


def test_an_excluded_path_says_by_what(project: Path) -> None:
    status, out, _ = _run("--show-settings", "generated/client.py")
    assert status == 0
    assert tomllib.loads(out)["excluded"] is True
    assert "by `generated`" in out


def test_command_line_selection_is_shown(project: Path) -> None:
    rules = _settings("--select", "FST101", "--extend-select", "FST502", "app/main.py")["rules"]
    # --select replaces `select`; the file's `extend-select` (FST104) still adds
    assert set(rules) == {"FST101", "FST104", "FST502"}


def test_config_and_isolated(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('target-version = "py39"\n')
    assert _settings("--config", str(other), "app/main.py")["config-file"] == str(other)
    isolated = _settings("--isolated", "app/main.py")
    assert isolated["config-file"] == "" and isolated["target-version"] == "py310"
    assert "FST103" in isolated["rules"] and "FST104" not in isolated["rules"]


def test_the_repository_configuration_for_a_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """This repository's own pyproject excludes `fixtures`: linted when named anyway."""
    monkeypatch.chdir(ROOT)
    status, out, _ = _run("--show-settings", "fixtures/shop_app/app/main.py")
    assert status == 0
    shown = tomllib.loads(out)
    assert shown["config-file"] == str(ROOT / "pyproject.toml")
    assert shown["excluded"] is True and "by `fixtures`" in out


@pytest.mark.parametrize(
    "fixture",
    sorted(path.parent.name for path in FIXTURES.glob("*/pyproject.toml")) or ["none"],
)
def test_fixtures_with_a_configuration(fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixture app that has a pyproject.toml: its settings load and show, from its root."""
    if fixture == "none":
        pytest.skip("no fixture app has a pyproject.toml")
    monkeypatch.chdir(FIXTURES / fixture)
    status, out, err = _run("--show-settings", ".")
    assert status == 0, err
    assert tomllib.loads(out)["config-file"] == str(FIXTURES / fixture / "pyproject.toml")


def test_show_settings_takes_one_path(project: Path) -> None:
    status, _, err = _run("--show-settings", "app", "tests")
    assert status == 2
    assert err.startswith("fastlint: error: --show-settings takes one path")


def test_show_files_lists_what_would_be_linted(project: Path) -> None:
    status, out, _ = _run("--show-files")
    assert status == 0
    files = out.splitlines()
    assert "app/main.py" in files and "tests/test_items.py" in files
    assert "generated/client.py" not in files  # extend-exclude
    assert "ignored.py" not in files  # .gitignore
    assert files == sorted(files)
    assert all(line.endswith((".py", ".pyi")) for line in files)


def test_show_files_lists_a_named_file_and_honours_force_exclude(project: Path) -> None:
    assert _run("--show-files", "generated/client.py")[1] == "generated/client.py\n"
    status, out, err = _run("--show-files", "--force-exclude", "generated/client.py")
    assert status == 0 and out == ""
    assert "No Python files found" in err


def test_show_files_and_settings_are_exclusive(project: Path) -> None:
    status, _, err = _run("--show-files", "--show-settings")
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_show_files_of_stdin_is_an_error(project: Path) -> None:
    status, _, err = _run("--show-files", "-")
    assert status == 2 and "not stdin" in err
