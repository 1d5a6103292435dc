"""The realistic fixture applications, compared exactly with their golden files.

Set FASTLINT_UPDATE_GOLDEN=1 to rewrite a golden file after an intended change, then review the
diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastlint.config.settings import build_settings, read_config_table
from fastlint.run.discovery import discover
from fastlint.run.runner import lint_files

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def lint_fixture(app: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(app)
    # A fixture's own pyproject.toml configures it (layers_app's [tool.fastlint.layers]).
    config = app / "pyproject.toml"
    table = read_config_table(config) if config.is_file() else {}
    settings = build_settings(table, origin="test", root=app)
    found = lint_files(discover([Path(".")], settings), settings)
    return [f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}" for d in sorted(found)]


# Every fixture app with a golden file (one per rule family, and the original apps).
GOLDEN_APPS = sorted(path.parent.name for path in FIXTURES.glob("*/expected.txt"))


@pytest.mark.parametrize("name", GOLDEN_APPS)
def test_violations_match_the_golden_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = FIXTURES / name
    golden = app / "expected.txt"
    found = lint_fixture(app, monkeypatch)
    if os.environ.get("FASTLINT_UPDATE_GOLDEN"):
        golden.write_text("".join(line + "\n" for line in found), encoding="utf-8")
    assert found == golden.read_text(encoding="utf-8").splitlines()


def test_clean_app_has_no_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    assert lint_fixture(FIXTURES / "clean_app", monkeypatch) == []


def test_syntax_error_does_not_stop_the_other_files(monkeypatch: pytest.MonkeyPatch) -> None:
    found = lint_fixture(FIXTURES / "shop_app", monkeypatch)
    codes_by_file = {line.split(":", 1)[0]: line for line in found}
    assert "FST000" in codes_by_file[os.path.join("app", "services", "broken.py")]
    assert any(line.startswith(os.path.join("app", "services", "pricing.py")) for line in found)
