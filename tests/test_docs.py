"""docs/rules and the README rule table are generated from the rule classes."""

from __future__ import annotations

from pathlib import Path

from fastlint.docs import expected_files

ROOT = Path(__file__).resolve().parent.parent


def test_generated_docs_are_up_to_date() -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, text in expected_files(ROOT).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m fastlint.docs .` to regenerate: {stale}"


def test_no_orphan_rule_pages() -> None:
    expected = {path.name for path in expected_files(ROOT) if path.parent.name == "rules"}
    assert {path.name for path in (ROOT / "docs" / "rules").glob("*.md")} == expected
