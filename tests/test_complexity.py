"""FST503's complexity agrees with mccabe's ``PathGraphingAstVisitor`` (flake8's C901)."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import mccabe
import pytest

from fastlint.engine.linter import Linter
from fastlint.rules.quality.complexity import TooComplex, complexity

# Each source is one function (with what it nests), measured alone by both.
FUNCTIONS = [
    "def f():\n    pass\n",
    "def f():\n    '''Doc only.'''\n",
    "def f(x):\n    if x:\n        return 1\n",
    "def f(x):\n    if x: return 1\n",
    "def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n",
    "def f(x):\n    if x == 1:\n        pass\n    elif x == 2:\n        pass\n    elif x == 3:\n        pass\n    else:\n        pass\n",
    "def f(x):\n    if x:\n        if x > 1:\n            if x > 2:\n                pass\n",
    "def f(xs):\n    for x in xs:\n        pass\n",
    "def f(xs):\n    for x in xs:\n        pass\n    else:\n        pass\n",
    "async def f(xs):\n    async for x in xs:\n        if x:\n            break\n",
    "def f(x):\n    while x:\n        x -= 1\n    else:\n        return x\n",
    "def f():\n    try:\n        pass\n    except ValueError:\n        pass\n",
    "def f():\n    try:\n        pass\n    except ValueError:\n        pass\n    except (KeyError, TypeError):\n        pass\n    except Exception:\n        pass\n",
    "def f():\n    try:\n        pass\n    except ValueError:\n        pass\n    else:\n        pass\n    finally:\n        pass\n",
    "def f(x):\n    try:\n        pass\n    finally:\n        if x:\n            pass\n",
    "def f(x):\n    try:\n        if x:\n            pass\n    except ValueError:\n        for y in x:\n            pass\n    else:\n        while x:\n            pass\n",
    "def f(x):\n    with open(x) as fh:\n        if fh:\n            pass\n",
    "async def f(x):\n    async with x as y:\n        if y:\n            pass\n        for z in y:\n            pass\n",
    "def f(x):\n    def g(y):\n        return y\n    return g(x)\n",
    "def f(x):\n    def g(y):\n        if y:\n            return 1\n        return 2\n    return g(x)\n",
    "def f(x):\n    async def g(y):\n        def h():\n            if y:\n                pass\n        return h\n    return g\n",
    "def f(x):\n    class A:\n        def m(self):\n            if x:\n                pass\n        y = 1 if x else 2\n    return A\n",
    "def f(x):\n    return lambda y: y if y else x\n",
    "def f(xs):\n    return [x for x in xs if x if not x] + [y for y in xs]\n",
    "def f(x, y):\n    return x and y or not x\n",
    "def f(x):\n    if x and x.a or x.b:\n        return x\n",
    "def f(x):\n    match x:\n        case 1:\n            pass\n        case 2:\n            if x:\n                pass\n        case _:\n            pass\n",
    "def f(x):\n    try:\n        pass\n    except* ValueError:\n        if x:\n            pass\n",
    "def f(x):\n    for a in x:\n        for b in a:\n            if b:\n                continue\n            elif a:\n                break\n        else:\n            pass\n",
    "def f(x):\n    if x:\n        pass\n    if x:\n        pass\n    if x:\n        pass\n    if x:\n        pass\n",
    "def f(x):\n    assert x, 'no'\n    del x\n    global y\n    raise ValueError\n",
    "def f(x):\n    if x:\n        try:\n            with x:\n                while x:\n                    for y in x:\n                        pass\n        except OSError:\n            pass\n",
    "def f(x):\n    x = {k: v for k, v in x.items() if v}\n    y = (a for a in x if a)\n    return x, y\n",
    "def f(x):\n    if x:\n        def g():\n            pass\n    else:\n        def g():\n            if x:\n                pass\n    return g\n",
    "def f(x):\n    while True:\n        try:\n            return x()\n        except RuntimeError:\n            continue\n        finally:\n            x = None\n",
    "class A:\n    def f(self, x):\n        if x:\n            return x\n",
]


def mccabe_count(source: str) -> int:
    visitor = mccabe.PathGraphingAstVisitor()
    visitor.preorder(ast.parse(source), visitor)
    (graph,) = [g for g in visitor.graphs.values() if g.entity.split(".")[-1] == "f"]
    return graph.complexity()


def cst_function(source: str) -> cst.FunctionDef:
    module = cst.parse_module(source)
    statement = module.body[0]
    if isinstance(statement, cst.ClassDef):
        statement = statement.body.body[0]
    assert isinstance(statement, cst.FunctionDef)
    return statement


def test_at_least_thirty_functions() -> None:
    assert len(FUNCTIONS) >= 30


@pytest.mark.parametrize("source", FUNCTIONS, ids=range(len(FUNCTIONS)))
def test_complexity_is_mccabes(source: str) -> None:
    assert complexity(cst_function(source)) == mccabe_count(source)


def test_nested_functions_are_reported_on_their_own_and_count_toward_the_outer() -> None:
    inner = "".join(f"        if y == {i}:\n            pass\n" for i in range(3))
    source = "def outer(x):\n    def inner(y):\n" + inner + "    return inner\n"
    found = Linter([TooComplex], {"max-complexity": 3}).lint_text(source, "m.py")
    # inner: 1 + 3 = 4; outer: 1 + (1 + 3) = 5
    assert [(d.row, d.message.split(" has")[0]) for d in found] == [
        (1, "Function `outer`"),
        (2, "Function `inner`"),
    ]


def test_deeply_nested_code_is_counted() -> None:
    source = (
        "def f(x):\n"
        + "".join(textwrap.indent(f"if x > {i}:\n", "    " * (i + 1)) for i in range(40))
        + "    " * 41
        + "pass\n"
    )
    assert complexity(cst_function(source)) == mccabe_count(source) == 41
