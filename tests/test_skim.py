"""The project index parses modules without the function bodies its facts never read
(``project/skim.py``): the facts must be those of the whole text, whatever the text holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fastlint.project import facts as facts_module
from fastlint.project import skim
from fastlint.project.facts import read_module

ROOT = Path(__file__).resolve().parent.parent
# Skimming needs the regular expressions of Python 3.11 (possessive quantifiers).
needs_skim = pytest.mark.skipif(not skim.SKIMS, reason="Python 3.10 parses modules whole")

TRICKY = {
    "async body": "import time\nasync def f():\n    time.sleep(1)\n    return 1\nx = 1\n",
    "decorated sync": (
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/a')\ndef read():\n    return open('x').read()\n"
        "def helper():\n    return open('y')\n"
    ),
    "docstring holding a def": (
        'def doc():\n    """Example:\n\n    async def g():\n        pass\n"""\n'
        "    return open('z')\n"
    ),
    "string at column 0 in a cut body": (
        'async def f():\n    x = """\nline\n"""\n    return x\ndef g():\n    return open("a")\n'
    ),
    "brackets at column 0 in a cut body": (
        "async def f():\n    x = g(\n1)\n    return x\ndef g(a):\n    return open(a)\n"
    ),
    "backslash continuation": "async def f():\n    x = 1 + \\\n2\n    return x\ny = 2\n",
    "one-liners and overloads": (
        "from typing import overload\nclass A:\n    @overload\n    def m(self) -> int: ...\n"
        "    async def n(self): return 1\n    def o(self):\n        return open('p')\n"
    ),
    "multi-line signature": (
        "async def f(\n    a: int = 1,\n    b: str = ':',\n) -> None:\n    pass\n"
        "def g(): return open('q')\n"
    ),
    "nested in a read function": (
        "import time\ndef outer():\n    async def inner():\n        time.sleep(1)\n"
        "    time.sleep(2)\n    return inner\n"
    ),
    "comments and blank lines": (
        "async def f():\n    # a comment:\n\n# at column 0\n    return 1\n# trailing\nz = open\n"
    ),
    "crlf": "async def f():\r\n    return 1\r\ndef g():\r\n    return open('r')\r\n",
    "tabs": "async def f():\n\treturn 1\ndef g():\n\treturn open('s')\n",
    "no newline at the end": "async def f():\n    return 1",
    "syntax error outside": "async def f():\n    return 1\ndef g(:\n",
}


def _facts_of_whole_text(
    text: str, monkeypatch: pytest.MonkeyPatch, path: str = "pkg/mod.py"
) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(facts_module, "parse_skimmed", ast.parse)
        return read_module(text, "pkg.mod", path)


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_skimmed_facts_are_those_of_the_whole_text(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert repr(read_module(text, "pkg.mod", "pkg/mod.py")) == repr(
        _facts_of_whole_text(text, monkeypatch)
    )


@needs_skim
def test_an_async_body_is_cut_and_other_lines_keep_their_place() -> None:
    text = TRICKY["async body"]
    tree = skim.parse_skimmed(text)
    function, assignment = tree.body[1], tree.body[2]
    assert isinstance(function, ast.AsyncFunctionDef)
    assert ast.dump(function.body[0].value) == ast.dump(ast.Constant(Ellipsis))  # type: ignore[attr-defined]
    assert (assignment.lineno, assignment.col_offset) == (5, 0)


def test_a_body_cut_at_a_bracket_falls_back_to_the_whole_text() -> None:
    tree = skim.parse_skimmed(TRICKY["brackets at column 0 in a cut body"])
    assert ast.dump(tree) == ast.dump(ast.parse(TRICKY["brackets at column 0 in a cut body"]))


@needs_skim
def test_a_def_in_a_docstring_is_not_cut() -> None:
    text = TRICKY["docstring holding a def"]
    assert list(skim._cuts(text)) == []


@needs_skim
def test_a_read_function_is_never_cut() -> None:
    text = TRICKY["decorated sync"]
    tree = skim.parse_skimmed(text)
    read, helper = tree.body[2], tree.body[3]
    assert isinstance(read.body[0], ast.Expr)  # type: ignore[attr-defined]
    assert isinstance(helper.body[0], ast.Return)  # type: ignore[attr-defined]


def test_facts_of_this_repository_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "fixtures").rglob("*.py"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert repr(read_module(text, "pkg.mod", str(path))) == repr(
            _facts_of_whole_text(text, monkeypatch, str(path))
        ), path


def test_without_skimming_the_whole_text_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(skim, "SKIMS", False)
    text = TRICKY["async body"]
    assert ast.dump(skim.parse_skimmed(text)) == ast.dump(ast.parse(text))
