"""FST002 unused-noqa: what is judged, where it points, and its fix."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fastlint.config.settings import build_settings
from fastlint.engine.fix import apply_fixes
from fastlint.engine.linter import Linter
from fastlint.rules import RULES_BY_CODE

BLOCKING = "import time\n\n\nasync def f():\n    time.sleep(1){comment}\n"


def lint(code: str, *codes: str) -> list:
    rules = [RULES_BY_CODE[c] for c in ("FST002", *codes)]
    return Linter(rules).lint_text(code, "example.py")


def fixed(code: str, *codes: str) -> str:
    found = [d for d in lint(code, *codes) if d.code == "FST002"]
    assert all(d.fix is not None for d in found)
    text, _ = apply_fixes(code, [d.fix for d in found])
    return text


def test_a_used_noqa_is_not_reported() -> None:
    assert lint(BLOCKING.format(comment="  # noqa: FST101"), "FST101") == []


def test_a_noqa_of_a_rule_that_ran_and_found_nothing_is_reported() -> None:
    code = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)  # noqa: FST101\n"
    (found,) = lint(code, "FST101")
    assert (found.code, found.row, found.column) == ("FST002", 5, 29)
    assert "unused: `FST101`" in found.message
    assert fixed(code, "FST101") == code.replace("  # noqa: FST101", "")


def test_a_rule_skipped_by_requires_text_ran_and_is_judged() -> None:
    # FST101 needs the word "async" in the file: without it the rule cannot fire.
    code = "import time\ntime.sleep(1)  # noqa: FST101\n"
    assert RULES_BY_CODE["FST101"].requires_text
    assert [d.code for d in lint(code, "FST101")] == ["FST002"]


def test_a_rule_that_is_not_enabled_is_not_judged() -> None:
    code = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)  # noqa: FST101\n"
    assert lint(code) == []
    assert lint(code, "FST502") == []


def test_per_file_ignores_take_the_rule_out_of_the_judged_ones(tmp_path: Path) -> None:
    table = {"select": ["FST101", "FST002"], "per-file-ignores": {"legacy.py": ["FST101"]}}
    settings = build_settings(table, origin="test", root=tmp_path)
    code = "import time\ntime.sleep(1)  # noqa: FST101\n"
    legacy = Linter(settings.rules_for(tmp_path / "legacy.py")).lint_text(code, "legacy.py")
    other = Linter(settings.rules_for(tmp_path / "new.py")).lint_text(code, "new.py")
    assert [d.code for d in legacy] == []
    assert [d.code for d in other] == ["FST002"]


def test_only_the_unused_code_is_removed_and_others_kept() -> None:
    code = BLOCKING.format(comment="  # noqa: E501, FST101, FST502")
    (found,) = lint(code, "FST502")
    assert "`FST502`" in found.message and "FST101" not in found.message  # not enabled
    assert fixed(code, "FST502") == BLOCKING.format(comment="  # noqa: E501, FST101")
    # FST101 used, FST502 not: the used code stays.
    both = fixed(code, "FST101", "FST502")
    assert both == BLOCKING.format(comment="  # noqa: E501, FST101")


@pytest.mark.parametrize(
    ("comment", "after"),
    [
        ("  # noqa: FST502", ""),
        ("  # noqa:FST502", ""),
        ("  # NOQA: fst502", ""),
        ("  # noqa: FST502 slow on purpose", "  # slow on purpose"),
        ("  # type: ignore  # noqa: FST502", "  # type: ignore"),
        ("  # noqa: E501,FST502", "  # noqa: E501"),
    ],
)
def test_the_fix_keeps_other_comment_text_and_is_idempotent(comment: str, after: str) -> None:
    code = BLOCKING.format(comment=comment)
    once = fixed(code, "FST502", "FST101")
    assert once == BLOCKING.format(comment=after)
    cst.parse_module(once)
    assert [d for d in lint(once, "FST502") if d.code == "FST002"] == []


def test_blanket_noqa_and_other_linters_codes_are_never_reported() -> None:
    assert lint("x = 1  # noqa\n", "FST502", "FST101") == []
    assert lint("x = 1  # noqa: E501, F401\n", "FST502", "FST101") == []


def test_unknown_fst_codes_are_reported() -> None:
    (found,) = lint("x = 1  # noqa: FST999\n")
    assert "unknown: `FST999`" in found.message


def test_noqa_in_a_string_is_not_a_comment() -> None:
    assert lint('x = "# noqa: FST999"\n') == []


def test_a_noqa_after_a_multiline_string_covers_the_whole_statement() -> None:
    code = 'import time\n\n\nasync def f():\n    time.sleep(1); x = """a\nb"""  # noqa: FST101\n'
    assert lint(code, "FST101") == []


def test_a_crashed_rule_is_not_judged() -> None:
    class Boom(RULES_BY_CODE["FST502"]):  # type: ignore[misc, valid-type]
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            raise RuntimeError("boom")

    code = "def f():  # noqa: FST502\n    pass\n"
    found = Linter([RULES_BY_CODE["FST002"], Boom]).lint_text(code, "example.py")
    assert found == []


def test_a_file_that_does_not_parse_gets_no_fst002() -> None:
    assert [d.code for d in lint("def f(:  # noqa: FST999\n")] == ["FST000"]


def test_hot_path_does_not_record_without_fst002() -> None:
    linter = Linter([RULES_BY_CODE["FST101"]])
    assert linter._unused_noqa is False
    assert linter.lint_text(BLOCKING.format(comment="  # noqa: FST101"), "x.py") == []
