"""A linted file's tree is freed as soon as the file is done, by reference counting alone.

A reference cycle through the tree (a walker holding its own bound methods, a model holding the
context that holds it, a closure that calls itself) leaves every node for the garbage collector,
which then walks millions of them again and again: that once cost a sixth of a cold run."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from fastlint.engine.linter import Linter
from fastlint.project.index import ProjectIndex
from fastlint.rules import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


@pytest.fixture
def collector_saving_all() -> Iterator[list[object]]:
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
        gc.collect()


def test_every_rule_leaves_no_tree_for_the_collector(
    collector_saving_all: list[object],
) -> None:
    linter = Linter(list(ALL_RULES), {}, ProjectIndex(FILES))
    reported = 0
    for path in FILES:
        reported += len(linter.lint_text(path.read_text(encoding="utf-8"), str(path)))
    assert reported > 100  # the fixtures' findings were made, and placed
    gc.collect()
    left = sorted({type(item).__qualname__ for item in collector_saving_all})
    nodes = [name for name in left if type_is_libcst(name, collector_saving_all)]
    assert nodes == [], f"cyclic garbage holding libcst nodes: {left}"


def type_is_libcst(name: str, garbage: list[object]) -> bool:
    return any(
        type(item).__qualname__ == name and type(item).__module__.startswith("libcst")
        for item in garbage
    )
