"""The front-end setup pages: present, and their copy-paste snippets are valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["pre-commit.md", "flake8.md", "github-actions.md", "gitlab-ci.md", "adoption.md"]


def blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("page", PAGES)
def test_page_exists(page: str) -> None:
    assert (DOCS / page).read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("page", ["pre-commit.md", "github-actions.md", "gitlab-ci.md"])
def test_yaml_snippets_parse(page: str) -> None:
    snippets = blocks(page, "yaml")
    assert snippets
    for snippet in snippets:
        if not snippet.startswith(" "):  # indented ones are fragments of a larger file
            assert isinstance(yaml.safe_load(snippet), dict)


def test_workflow_uploads_sarif() -> None:
    # The workflow of the manual steps (the page shows the action's first).
    manual = next(b for b in blocks("github-actions.md", "yaml") if "--output-format sarif" in b)
    workflow = yaml.safe_load(manual)
    steps = workflow["jobs"]["fastlint"]["steps"]
    assert any("--output-format sarif" in step.get("run", "") for step in steps)
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps
    )
    assert workflow["permissions"]["security-events"] == "write"


def test_gitlab_job_publishes_code_quality_and_junit() -> None:
    job = yaml.safe_load(blocks("gitlab-ci.md", "yaml")[0])["fastlint"]
    assert set(job["artifacts"]["reports"]) == {"codequality", "junit"}


def test_pre_commit_page_uses_the_hook_id() -> None:
    config = yaml.safe_load(blocks("pre-commit.md", "yaml")[0])
    assert config["repos"][0]["hooks"][0]["id"] == "fastlint"


def test_flake8_page_warns_about_prefix_matching() -> None:
    text = (DOCS / "flake8.md").read_text(encoding="utf-8")
    assert "flake8 matches codes by prefix" in text
    assert "`F`" in text and "`FS`" in text and "also covers `FST`" in text
