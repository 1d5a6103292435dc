"""Rules that name their calls (``Rule.call_names``) see those calls only, aliases included."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastlint.engine.linter import Linter
from fastlint.engine.rule import Rule


class _SeesSleep(Rule):
    name = "sees-sleep"
    summary = message = docs = "test rule"
    category = "quality"
    call_names: ClassVar[frozenset[str]] = frozenset({"sleep"})

    def visit_Call(self, node: cst.Call) -> None:
        self.report(node, "saw a call")


_SeesSleep.code = "FST990"  # set here, not in the class body: a test rule is never registered


SOURCE = """\
import time
from time import sleep as nap
from asyncio import sleep

time.sleep(1)
nap(1)
sleep(1)
print(1)
time.time()
(lambda: 1)()
"""


def test_only_named_calls_and_their_aliases_are_dispatched() -> None:
    found = Linter([_SeesSleep]).lint_text(SOURCE, "example.py")
    assert [diagnostic.row for diagnostic in found] == [5, 6, 7]


def test_target_version_reaches_the_context() -> None:
    seen: list[tuple[int, int]] = []

    class _Version(_SeesSleep):
        def visit_Module(self, node: cst.Module) -> None:
            seen.append(self.ctx.target_version)

    Linter([_Version], target_version="py38").lint_text("x = 1\n", "example.py")
    assert seen == [(3, 8)]


def test_assigned_values_follow_plain_names_in_their_scope() -> None:
    seen: dict[str, list[str]] = {}

    class _Sink(_SeesSleep):
        call_names: ClassVar[frozenset[str]] = frozenset({"sink"})

        def visit_Call(self, node: cst.Call) -> None:
            name = node.args[0].value
            assert isinstance(name, cst.Name)
            key = f"{name.value}@{node.func.value if isinstance(node.func, cst.Name) else ''}"
            seen[key + str(len(seen))] = [
                cst.Module([]).code_for_node(value) for value in self.ctx.assigned(name.value)
            ]

    source = (
        "q = 'top'\n"
        "def f(x):\n"
        "    q = f'SELECT {x}'\n"
        "    q += ' LIMIT 1'\n"
        "    sink(q)\n"
        "    a, q = 1, 2\n"
        "    sink(q)\n"
        "sink(q)\n"
        "sink(x)\n"
    )
    Linter([_Sink]).lint_text(source, "example.py")
    assert list(seen.values()) == [["f'SELECT {x}'", "' LIMIT 1'"], [], ["'top'"], []]
