"""Every rule's inline VALID / INVALID examples, run as test cases."""

from __future__ import annotations

import pytest

from fastlint.config.settings import all_options
from fastlint.engine.linter import Linter
from fastlint.engine.rule import Invalid, Rule, Valid
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
    return Linter([rule], options).lint_text(example.code, example.filename)


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_not_reported(rule: type[Rule], example: Valid) -> None:
    assert _lint(rule, example) == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_once_where_expected(
    rule: type[Rule], example: Invalid
) -> None:
    found = _lint(rule, example)
    assert [(d.code, d.row, d.column) for d in found] == [(rule.code, example.line, example.column)]
    assert example.message_contains in found[0].message


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_is_documented_and_has_examples(rule: type[Rule]) -> None:
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in rule.docs, f"{rule.code} docs lack {heading!r}"
    assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name
    if rule.code != "FST001":  # a crash has no example source; tests/test_engine.py covers it
        assert rule.valid and rule.invalid, f"{rule.code} needs VALID and INVALID examples"


def test_codes_and_names_are_unique() -> None:
    assert len({rule.code for rule in ALL_RULES}) == len(ALL_RULES)
    assert len({rule.name for rule in ALL_RULES}) == len(ALL_RULES)
