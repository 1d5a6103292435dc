"""Locating a node by generating its innermost statement alone gives the same span as
generating the whole module, including where that is ambiguous (it then looks further)."""

from __future__ import annotations

import libcst as cst
import pytest

from fastlint.engine.locate import Where, locate

SOURCES = [
    # a class body's fields, twice the same line in two classes: ambiguous, found anyway
    "class A:\n    x: int = 1\n\n    # note\n    y: str\n\n\nclass B:\n    x: int = 1\n",
    # an ``elif`` generated alone reads ``if``; the same test elsewhere as a plain ``if``
    "if a:\n    pass\nelif b == 1:\n    pass\nif b == 1:\n    pass\n",
    # nested blocks: the lines of a compound statement below its first one are indented
    "def f():\n    for x in y:\n        if x:\n            g(x)\n        else:\n            h(x)\n",
    # tabs, a comment line above, a decorator
    "class C:\n\t# c\n\t@dec\n\tdef m(self):\n\t\treturn 1\n",
    # a statement on its line after another's text, a multi-line bracket
    "z = 1; w = (\n    2,\n    3,\n)\nw = (\n    2,\n    3,\n)\n",
]


def _statements(module: cst.Module) -> list[cst.BaseStatement]:
    found: list[cst.BaseStatement] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, cst.BaseStatement):
                found.append(node)
            return True

    module.visit(Collect())
    return found


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, child: cst.CSTNode) -> bool:
            found.append(child)
            return True

    node.visit(Collect())
    return found


@pytest.mark.parametrize("text", SOURCES)
def test_statement_spans_match_the_module_spans(text: str) -> None:
    module = cst.parse_module(text)
    for statement in _statements(module):
        for node in _children(statement):
            if isinstance(node, (cst.EmptyLine, cst.Comment, cst.TrailingWhitespace, cst.Newline)):
                continue  # leading lines: never reported
            inner = (statement, -1, len(text) + 1)
            found = locate(module, text, [(node, None, None, inner)])
            reference = locate(module, text, [(node, None, None, None)])
            assert found == reference, (module.code_for_node(node), statement)


def test_bounds_narrow_an_ambiguous_statement() -> None:
    text = "def f():\n    x = 1\n\n\ndef g():\n    x = 1\n"
    module = cst.parse_module(text)
    second = module.body[1]
    assert isinstance(second, cst.FunctionDef)
    line = second.body.body[0]  # type: ignore[union-attr]
    target = line.body[0]
    low = text.index("g():")
    where: list[Where] = [(target, None, None, (line, low, len(text) + 1))]
    start, end = locate(module, text, where)[id(target)]
    assert text[start:end] == "x = 1" and start > low
