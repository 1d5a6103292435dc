"""``parse_source``: the tree libcst parses, built without per-node validation."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from fastlint.engine import parsing
from fastlint.engine.parsing import parse_source

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").rglob("*.py"))


@pytest.mark.parametrize("path", FIXTURES[::3], ids=lambda path: path.name)
def test_the_same_tree_as_libcst(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree = parse_source(text)
    assert tree.deep_equals(cst.parse_module(text))
    assert tree.code == text


def test_validation_is_skipped_only_during_the_parse() -> None:
    assert parsing._SKIPPABLE  # the libcst this project pins: its __post_init__ only validates
    parse_source("x = 1\n")
    assert CSTNode.__post_init__ is parsing._VALIDATING
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")  # nodes built afterwards (fixes) are validated again


def test_a_syntax_error_still_raises_and_restores_validation() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        parse_source("def f(:\n")
    assert CSTNode.__post_init__ is parsing._VALIDATING
