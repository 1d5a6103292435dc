"""Nodes of a signature placed by their text between the ``def``'s name and the end of its
colon's line (``engine/locate_header.py``) stand where generating the whole module puts them;
what is ambiguous there is left to the exact methods."""

from __future__ import annotations

import libcst as cst
import pytest

from fastlint.engine.locate import locate
from fastlint.engine.locate_header import _owners, locate_in_header_text
from fastlint.engine.source import LineIndex, LineScan

SOURCES = [
    # the same annotation several times; a string and a default spelled like one of them
    'def f(a, b: Any, c: "Any" = Any, *args: Any, **kw: Dict[str, Any]) -> Any:\n    pass\n',
    # a comment and a string holding a parameter's text
    'def g(x,  # x: Any\n      y: Optional[int] = "Optional[int]"):\n    return x\n',
    # the same parameter names in two defs, a decorator naming one
    "@dec(x=1)\ndef h(x):\n    pass\n\n\ndef k(x, y=x):\n    pass\n",
    # tabs, a multi-line signature in a class, a blank before the colon
    "class C:\n\tdef m(\n\t\tself,\n\t\tx: Any,\n\t\ty,\n\t) :\n\t\treturn 1\n",
    # CRLF line breaks, a backslash before the colon
    "def f(a,\r\n      b: List[int]) \\\r\n:\r\n    pass\r\n",
    # a body on the header's line, parentheses, dict and lambda colons in defaults
    "def f(x: (Any), y={(1): 2}) -> (int): return x\ndef g(x=lambda: 1, y=None): pass\n",
    # a parameter's name in its own default and in a longer name; comments after commas
    "def f(\n    index,  # the index\n    x=x,\n    xs: list[Any] = [],\n    *, flag: bool=False\n):\n    ...\n",
    # an annotation over two lines, a return annotation repeated in a string default
    'def f(x: Dict[\n    str, int], y: str = "-> int") -> int:\n    return 1\n',
    # parameters and a return annotation over several lines, indented as the ``def`` is
    "class C:\n    @dec\n    async def m(\n        self,\n        x: Union[\n            int, str\n"
    "        ] = 1,  # one\n    ) -> Dict[\n        str, Any\n    ]:\n        pass\n",
    "def f(\r\n    x: Dict[\r\n        str, int],\r\n):\r\n    pass\r\n",
    "if x:\n\tdef f(a: List[\n\t\tint], b=g(\n\t\t1)):\n\t\tpass\n",
    # posonly parameters and the ``*`` marker, a name continued past an ASCII letter
    "def f(ab, /, b: Any, *, Anyway: Any):\n    pass\n",
]


def _defs(module: cst.Module) -> list[cst.FunctionDef]:
    found: list[cst.FunctionDef] = []

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            found.append(node)

    module.visit(Collect())
    return found


def _window(text: str, index: int, function: cst.FunctionDef) -> tuple[int, int]:
    scan, lines = LineScan(text), LineIndex(text)
    assert scan.ok
    site = scan.def_sites[index]
    start = lines.starts[site.name_line - 1] + site.name_column
    assert text[start : start + len(function.name.value)] == function.name.value
    end = lines.starts[site.header_end] if site.header_end < len(lines.starts) else len(text)
    return start + len(function.name.value), end


@pytest.mark.parametrize("text", SOURCES)
def test_header_nodes_placed_by_text_as_by_the_module(text: str) -> None:
    module = cst.parse_module(text)
    placed = 0
    for index, function in enumerate(_defs(module)):
        window = _window(text, index, function)
        nodes = [node for node, _ in _owners(function).values()]
        reference = locate(module, text, [(node, None, None, None) for node in nodes])
        # Each alone, then all together (owners shared among targets).
        for node in nodes:
            spans: dict[int, tuple[int, int]] = {}
            left = locate_in_header_text(module, function, window, text, {id(node)}, spans)
            assert left | spans.keys() == {id(node)}
            for key, span in spans.items():
                assert span == reference[key], (text, node)
            placed += len(spans)
        spans = {}
        targets = {id(node) for node in nodes}
        locate_in_header_text(module, function, window, text, targets, spans)
        assert all(span == reference[key] for key, span in spans.items())
    assert placed  # the fast path did place something


def test_ambiguous_text_is_left_to_the_exact_methods() -> None:
    text = 'def f(x: Any, y: "x: Any," = 1):\n    pass\n'
    module = cst.parse_module(text)
    function = _defs(module)[0]
    param = function.params.params[0]
    spans: dict[int, tuple[int, int]] = {}
    targets = {id(param), id(param.annotation.annotation)}  # type: ignore[union-attr]
    left = locate_in_header_text(module, function, _window(text, 0, function), text, targets, spans)
    assert left == targets and not spans


def test_header_colon_found_once_only() -> None:
    text = "def f(a) :\n    pass\ndef g(b={(1): 2}):\n    pass\n"
    module = cst.parse_module(text)
    first, second = _defs(module)
    spans: dict[int, tuple[int, int]] = {}
    blank = first.whitespace_before_colon
    assert not locate_in_header_text(
        module, first, _window(text, 0, first), text, {id(blank)}, spans
    )
    assert (
        spans[id(blank)] == (9, 9) == locate(module, text, [(blank, None, None, None)])[id(blank)]
    )
    other = second.whitespace_before_colon
    window = _window(text, 1, second)
    assert locate_in_header_text(module, second, window, text, {id(other)}, {}) == {id(other)}


def test_a_lambda_in_the_header_is_left_alone() -> None:
    text = "def f(x, y=lambda: 1):\n    pass\n"
    module = cst.parse_module(text)
    function = _defs(module)[0]
    target = {id(function.params.params[0].name)}
    assert (
        locate_in_header_text(module, function, _window(text, 0, function), text, target, {})
        == target
    )


def test_a_parameter_over_several_lines_is_placed_at_the_def_indentation() -> None:
    text = "class C:\n    def m(\n        self, x: Union[\n            int, str\n        ],\n    ):\n        pass\n"
    module = cst.parse_module(text)
    function = _defs(module)[0]
    annotation = function.params.params[1].annotation.annotation  # type: ignore[union-attr]
    spans: dict[int, tuple[int, int]] = {}
    window = _window(text, 0, function)
    assert not locate_in_header_text(module, function, window, text, {id(annotation)}, spans)
    assert spans == locate(module, text, [(annotation, None, None, None)])
    assert text[slice(*spans[id(annotation)])] == "Union[\n            int, str\n        ]"
