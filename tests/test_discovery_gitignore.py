"""Discovery: ``build`` and ``dist`` are skipped only at the project root, and ``.gitignore``
files are respected (``respect-gitignore``, ``--no-respect-gitignore``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.config.settings import ConfigError, build_settings
from fastlint.frontends.cli import cli
from fastlint.run.discovery import discover


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def found(root: Path, *paths: str, **table: object) -> list[str]:
    settings = build_settings(table, origin="test", root=root)
    old = os.getcwd()
    os.chdir(root)
    try:
        files = discover([Path(path) for path in paths or ["."]], settings)
    finally:
        os.chdir(old)
    return [path.as_posix() for path in files]


def test_build_and_dist_are_skipped_only_at_the_project_root(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "build/lib/app/x.py": "",
            "dist/y.py": "",
            "app/build/steps.py": "",
            "app/dist/z.py": "",
            "app/main.py": "",
            "app/venv/lib/v.py": "",
        },
    )
    assert found(tmp_path) == ["app/build/steps.py", "app/dist/z.py", "app/main.py"]
    assert found(tmp_path, "build") == ["build/lib/app/x.py"]  # named: linted


def test_gitignore_is_respected_below_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            ".gitignore": "generated/\n*_pb2.py\n/top_only.py\n",
            "app/.gitignore": "!keep_pb2.py\nlocal.py\n",
            "app/main.py": "",
            "app/api_pb2.py": "",
            "app/keep_pb2.py": "",
            "app/local.py": "",
            "app/top_only.py": "",
            "generated/models.py": "",
            "top_only.py": "",
            "other/local.py": "",
        },
    )
    expected = ["app/keep_pb2.py", "app/main.py", "app/top_only.py", "other/local.py"]
    assert found(tmp_path) == expected
    assert found(tmp_path, "app") == [f for f in expected if f.startswith("app/")]
    assert found(tmp_path, "app/api_pb2.py") == ["app/api_pb2.py"]  # named: always linted
    assert len(found(tmp_path, **{"respect-gitignore": False})) == 8


def test_gitignore_above_the_repository_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*.py\n", "repo/.git/HEAD": "", "repo/app.py": ""})
    assert found(tmp_path / "repo") == ["app.py"]


def test_gitignore_without_a_repository_applies_up_to_the_project_root(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*.py\n", "project/.gitignore": "skip.py\n"})
    write(tmp_path, {"project/app.py": "", "project/skip.py": ""})
    assert found(tmp_path / "project") == ["app.py"]


def test_respect_gitignore_must_be_a_boolean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="respect-gitignore"):
        build_settings({"respect-gitignore": "yes"}, origin="test", root=tmp_path)


def test_no_respect_gitignore_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, {".gitignore": "ignored.py\n", "ignored.py": "def f(x=[]):\n    return x\n"})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    quiet = runner.invoke(cli, ["check", "--isolated", "--no-cache", "."])
    assert "No Python files found" in quiet.output
    loud = runner.invoke(cli, ["check", "--isolated", "--no-cache", "--no-respect-gitignore", "."])
    assert loud.exit_code == 1 and "ignored.py:1:" in loud.output
