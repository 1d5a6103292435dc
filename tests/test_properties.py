"""Linting never raises, whatever the input."""

from __future__ import annotations

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastlint.engine.linter import Linter
from fastlint.project import ProjectIndex
from fastlint.rules import ALL_RULES

LINTER = Linter(ALL_RULES, project=ProjectIndex())
FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    for diagnostic in LINTER.lint_text(text, "fuzz.py"):
        assert diagnostic.code != "FST001", diagnostic.message


@FAST
@given(st.binary())
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for diagnostic in LINTER.lint_bytes(data, "fuzz.py"):
        assert diagnostic.code != "FST001", diagnostic.message


@FAST
@given(hypothesmith.from_grammar())
def test_generated_programs_never_raise(source: str) -> None:
    for diagnostic in LINTER.lint_text(source, "fuzz.py"):
        assert diagnostic.code != "FST001", diagnostic.message


@FAST
@given(hypothesmith.from_node())
def test_generated_syntax_trees_never_raise(source: str) -> None:
    for diagnostic in LINTER.lint_text(source, "fuzz.py"):
        assert diagnostic.code != "FST001", diagnostic.message
