"""The engine: crash isolation, noqa, positions, name resolution and the FastAPI model."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst
import pytest

from fastlint.engine.linter import Linter
from fastlint.engine.rule import Rule
from fastlint.project import ProjectIndex
from fastlint.rules import ALL_RULES, RULES_BY_CODE
from fastlint.semantic.cst_tree import ImportTable

DEFAULT = [rule for rule in ALL_RULES if rule.default_enabled]


def lint(code: str, rules: list[type[Rule]] | None = None) -> list[tuple[str, int, int]]:
    found = Linter(rules or DEFAULT, project=ProjectIndex()).lint_text(code, "example.py")
    return [(d.code, d.row, d.column) for d in found]


class CrashingRule(Rule):
    code = "FST998"
    name = "crashing-rule"
    summary = "test only"
    message = "never"
    docs = ""
    calls: ClassVar[int] = 0

    def visit_Call(self, node: cst.Call) -> None:
        CrashingRule.calls += 1
        raise RuntimeError("boom")


def test_a_crashing_rule_is_reported_and_the_others_still_run() -> None:
    rules = [*DEFAULT, CrashingRule]
    code = "import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n"
    found = Linter(rules, project=ProjectIndex()).lint_text(code, "example.py")
    codes = [d.code for d in found]
    assert codes.count("FST101") == 2
    assert codes.count("FST001") == 1
    crash = next(d for d in found if d.code == "FST001")
    assert "FST998" in crash.message and "RuntimeError: boom" in crash.message
    assert CrashingRule.calls == 1  # disabled for the rest of the file after its first crash


class CrashingByName(Rule):
    """Reached through the engine's dispatch of calls by name, and crashing on leave too."""

    code = "FST997"
    name = "crashing-by-name"
    summary = "test only"
    message = "never"
    docs = ""
    call_names = frozenset({"sleep"})
    calls: ClassVar[int] = 0

    def visit_Call(self, node: cst.Call) -> None:
        CrashingByName.calls += 1
        raise ValueError("by name")

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        CrashingByName.calls += 1


def test_a_rule_crashing_in_dispatch_by_call_name_is_dropped_everywhere() -> None:
    code = "import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n"
    found = Linter([*DEFAULT, CrashingByName], project=ProjectIndex()).lint_text(code, "x.py")
    codes = [d.code for d in found]
    assert codes.count("FST101") == 2
    assert codes.count("FST001") == 1
    assert "FST997" in next(d.message for d in found if d.code == "FST001")
    assert CrashingByName.calls == 1  # neither its second call nor its leave_FunctionDef ran


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        ("", True),
        ("  # noqa", False),
        ("  # noqa: FST101", False),
        ("  # noqa:FST201,FST101", False),
        ("  # NOQA: FST101 FST201", False),
        ("  # noqa: FST201", True),
        ("  # noqa: E731", True),
        ("  # noqa: B006, E501", True),
    ],
)
def test_noqa(comment: str, reported: bool) -> None:
    code = f"import time\nasync def f():\n    time.sleep(1){comment}\n"
    assert (("FST101", 3, 5) in lint(code)) is reported


def test_file_level_noqa_turns_the_file_off() -> None:
    code = "# fastlint: noqa\nimport time\nasync def f():\n    time.sleep(1)\n"
    assert lint(code) == []


def test_syntax_error_points_at_the_parser_location() -> None:
    assert lint("x = 1\ndef f(:\n    pass\n") == [("FST000", 2, 7)]


def test_positions_count_characters_with_crlf_tabs_and_unicode() -> None:
    code = 'import time\r\nasync def f() -> None:\r\n\tname = "é€"; time.sleep(1)\r\n'
    assert lint(code) == [("FST101", 3, 15)]


def test_function_length_ignores_docstrings_comments_and_blank_lines_in_odd_strings() -> None:
    line = r"""    x = f'{a!r}' + r'\d' + b'''
''' + "#" # comment"""
    body = "".join(line + "\n" for _ in range(16))
    found = lint("def f() -> None:\n    '''doc\n\n    '''\n" + body)
    assert found == [("FST502", 1, 5)]


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("from time import sleep as nap\n", "nap", "time.sleep"),
        ("import requests as r\n", "r.get", "requests.get"),
        ("import os.path\n", "os.path.join", "os.path.join"),
        ("from . import services\n", "services.x", ".services.x"),
        ("from ..core import db\n", "db", "..core.db"),
        ("try:\n    import ujson as json\nexcept ImportError:\n    import json\n", "json", "json"),
        ("from time import sleep\ndef sleep(): ...\n", "sleep", None),
        ("x = 1\n", "open", "builtins.open"),
        ("def open(): ...\n", "open", None),
    ],
)
def test_module_level_resolution(source: str, name: str, expected: str | None) -> None:
    table = ImportTable(cst.parse_module(source))
    assert table.resolve(cst.parse_expression(name)) == expected


def test_function_locals_shadow_imports() -> None:
    module = cst.parse_module(
        "import time\ndef f(time):\n    pass\ndef g():\n    time = object()\ndef h():\n    pass\n"
    )
    table = ImportTable(module)
    f, g, h = module.body[1], module.body[2], module.body[3]
    expression = cst.parse_expression("time.sleep")
    assert table.resolve(expression, [f]) is None
    assert table.resolve(expression, [g]) is None
    assert table.resolve(expression, [h]) == "time.sleep"


@pytest.mark.parametrize(
    ("source", "routes"),
    [
        ("from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef f(): ...\n", 0),
        ("from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\ndef f(): ...\n", 1),
        (
            "import fastapi as fa\nr = fa.APIRouter()\n@r.api_route('/', methods=['GET'])\ndef f(): ...\n",
            1,
        ),
        (
            "from fastapi import APIRouter\nclass R(APIRouter): ...\nr = R()\n@r.post('/')\ndef f(): ...\n",
            1,
        ),
        (
            "from fastapi import APIRouter\nclass V:\n    def __init__(self):\n"
            "        self.router = APIRouter()\n"
            "        @self.router.get('/')\n        def f(): ...\n",
            1,
        ),
        ("from fastapi import FastAPI\napp = FastAPI()\n@other.get('/')\ndef f(): ...\n", 0),
    ],
)
def test_fastapi_model_finds_routes(source: str, routes: int) -> None:
    class CountRoutes(Rule):
        code = "FST998"
        name = "count-routes"
        summary = message = docs = "test only"
        seen: ClassVar[list[int]] = []

        def leave_Module(self, node: cst.Module) -> None:
            CountRoutes.seen.append(len(self.ctx.fastapi.routes))

    Linter([CountRoutes]).lint_text(source, "example.py")
    assert CountRoutes.seen == [routes]


def test_parameter_declarations_through_annotated_aliases() -> None:
    source = (
        "from typing import Annotated\nfrom fastapi import Depends, FastAPI\n"
        "app = FastAPI()\nDb = Annotated[dict, Depends(lambda: {})]\n"
        "def helper(db: Db = {}, other: dict = {}): ...\n"
    )
    found = Linter([RULES_BY_CODE["FST501"]], project=ProjectIndex()).lint_text(
        source, "example.py"
    )
    assert [(d.row, d.column) for d in found] == [(5, 39)]


def test_deeply_nested_code_does_not_crash_the_run() -> None:
    source = "x = " + "(" * 200 + "1" + ")" * 200 + "\n" + "y = " + " + ".join(["1"] * 3000) + "\n"
    assert all(code in ("FST000", "FST001") for code, _, _ in lint(source))
