"""The pre-commit hook, run for real with ``pre-commit try-repo``.

try-repo clones the repository's HEAD commit, so the test first copies the current working tree
into a temporary git repository and commits it there; pre-commit then builds its own virtualenv
and pip-installs fastlint into it (this needs the package index, and takes a while: one run for
a violating file, one for a clean file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(
    ".git",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".fastlint_cache",
    ".benchmarks",
    "build",
    "dist",
    "bench",
    "fixtures",
)
BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "config", "user.email", "tests@example.com")
    git(path, "config", "user.name", "fastlint tests")
    git(path, "config", "commit.gpgsign", "false")
    return path


def test_the_hook_definition() -> None:
    hook, fix_hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert fix_hook["id"] == "fastlint-fix"
    assert fix_hook["entry"] == "fastlint check --force-exclude --fix"  # as ruff-pre-commit
    assert {
        key: value
        for key, value in fix_hook.items()
        if key not in ("id", "name", "entry", "description")
    } == {
        key: value
        for key, value in hook.items()
        if key not in ("id", "name", "entry", "description")
    }
    assert hook["id"] == "fastlint"
    assert hook["entry"] == "fastlint check --force-exclude"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "pyi"]
    assert hook["require_serial"] is True


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree, committed in a repository of its own."""
    repo = tmp_path_factory.mktemp("hook") / "fastlint"
    shutil.copytree(ROOT, repo, ignore=SKIP)
    new_repo(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "working tree")
    return repo


def try_repo(hook_repo: Path, project: Path, file: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "fastlint"]
    return subprocess.run(
        [*command, "--files", file, "--color", "never", "--verbose"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**_env(), "PRE_COMMIT_HOME": str(project.parent / "pre-commit-home")},
    )


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("PRE_COMMIT")}


def test_pre_commit_try_repo_fails_on_a_violation_and_passes_clean_code(
    hook_repo: Path, tmp_path: Path
) -> None:
    project = new_repo(tmp_path / "project")
    (project / "views.py").write_text(BLOCKING)
    (project / "clean.py").write_text(CLEAN)
    git(project, "add", "-A")

    failed = try_repo(hook_repo, project, "views.py")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "views.py:5:5: FST101" in failed.stdout
    assert "Failed" in failed.stdout

    passed = try_repo(hook_repo, project, "clean.py")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
