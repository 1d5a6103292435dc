"""``generates_char``: whether generated code holds a character, answered without generating it."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst._nodes.base import CSTCodegenError

from fastlint.semantic.cst_fields import generates_char

SOURCES = [
    "x: Optional[int] = None\n",
    "x: Optional[  # why\n    int\n] = None\n",
    'x: Literal["#"] = "#"\n',
    "x: Dict[str, f'{a}#{b}'] = {}\n",
    "x = f(a,  # one\n      b)\n",
    "class Config:\n    # a comment line\n    orm_mode = True\n",
    "class Config:  # on the header\n    orm_mode = True\n",
    "class Config:\n    orm_mode = True\n# after the block\n",
    "y = [\n    1,\n\n    # between\n    2,\n]\n",
    "z = a if b else c  # trailing\n",
    "w = lambda q: q ** 2\n",
]


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.append(node)
            return True

    module.visit(Collect())
    return found


@pytest.mark.parametrize("source", SOURCES)
def test_agrees_with_generated_code_on_every_node(source: str) -> None:
    module = cst.parse_module(source)
    nodes = _nodes(module)
    assert any(generates_char(node, "#") for node in nodes) == ("#" in source)
    for node in nodes:
        try:
            code = module.code_for_node(node)
        except CSTCodegenError:  # an ``Annotation`` alone: its indicator is its parent's
            continue
        assert generates_char(node, "#") == ("#" in code), node
