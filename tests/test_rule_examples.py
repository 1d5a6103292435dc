"""Every rule's inline VALID / INVALID examples, run as test cases."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fastlint.config.settings import all_options
from fastlint.engine.fix import apply_fixes
from fastlint.engine.linter import Linter
from fastlint.engine.rule import CATEGORIES, FIX_NONE, Invalid, Rule, Valid
from fastlint.project import ProjectIndex
from fastlint.rules import ALL_RULES

VALID = [
    pytest.param(rule, example, id=f"{rule.code}-valid-{index}")
    for rule in ALL_RULES
    for index, example in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{index}")
    for rule in ALL_RULES
    for index, example in enumerate(rule.invalid)
]


def _lint(rule: type[Rule], example: Valid | Invalid) -> list:
    options = {key: all_options()[key].validate(value) for key, value in example.options.items()}
    project = ProjectIndex([Path(example.filename)]) if rule.needs_project else None
    linter = Linter([rule], options, project, target_version=example.target_version)
    return linter.lint_text(example.code, example.filename)


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_not_reported(rule: type[Rule], example: Valid) -> None:
    assert _lint(rule, example) == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_once_where_expected(
    rule: type[Rule], example: Invalid
) -> None:
    assert example.message_contains.strip(), "an Invalid example must pin its message_contains"
    found = _lint(rule, example)
    assert [(d.code, d.row, d.column) for d in found] == [(rule.code, example.line, example.column)]
    assert example.message_contains in found[0].message, found[0].message


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_fixed_as_its_fixed_field_says(
    rule: type[Rule], example: Invalid
) -> None:
    (found,) = _lint(rule, example)
    if example.fixed is None:
        assert found.fix is None, f"a fix the example does not expect: {found.fix}"
        return
    assert found.fix is not None, "the example expects a fix"
    assert found.fix.applicability == rule.fix  # the rule's `fix` tells the truth
    assert found.fix.message
    fixed, applied = apply_fixes(example.code, [found.fix])
    assert applied == [0]
    assert fixed == example.fixed
    cst.parse_module(fixed)
    again = Invalid(
        fixed,
        1,
        1,
        example.options,
        filename=example.filename,
        target_version=example.target_version,
    )
    assert _lint(rule, again) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_a_rule_has_a_fix_exactly_when_its_examples_show_one(rule: type[Rule]) -> None:
    fixed = [example for example in rule.invalid if example.fixed is not None]
    assert bool(fixed) == (rule.fix != FIX_NONE), f"{rule.code}.fix is {rule.fix!r}"
    if rule.fix != FIX_NONE:
        assert "## Fix" in rule.docs or "--fix" in rule.docs, f"{rule.code} docs omit the fix"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_is_documented_and_has_examples(rule: type[Rule]) -> None:
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in rule.docs, f"{rule.code} docs lack {heading!r}"
    assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name
    if rule.code != "FST001":  # a crash has no example source; tests/test_engine.py covers it
        assert rule.valid and rule.invalid, f"{rule.code} needs VALID and INVALID examples"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_has_the_category_of_its_code_family(rule: type[Rule]) -> None:
    assert "category" in vars(rule), f"{rule.code} declares no category"
    assert rule.category in CATEGORIES
    assert rule.code.startswith(CATEGORIES[rule.category]), (rule.code, rule.category)


def test_an_unknown_category_or_fix_is_refused() -> None:
    with pytest.raises(TypeError, match="category"):
        type("Odd", (Rule,), {"code": "FST999", "category": "misc"})
    with pytest.raises(TypeError, match="fix"):
        type("Odd", (Rule,), {"code": "FST999", "category": "quality", "fix": "maybe"})


def test_codes_and_names_are_unique() -> None:
    assert len({rule.code for rule in ALL_RULES}) == len(ALL_RULES)
    assert len({rule.name for rule in ALL_RULES}) == len(ALL_RULES)
