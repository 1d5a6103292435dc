"""FST509-FST514: what the inline examples cannot show (fix rounds, paths, options)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fastlint.config.settings import ConfigError, build_settings
from fastlint.engine.fix import apply_fixes
from fastlint.engine.linter import Linter
from fastlint.rules import RULES_BY_CODE


def lint(code: str, rule: str, path: str = "app/example.py", **options: object) -> list:
    return Linter([RULES_BY_CODE[rule]], dict(options)).lint_text(code, path)


def fix_all(code: str, rule: str) -> str:
    """Safe fixes applied in rounds with a re-lint between, as ``--fix`` does."""
    for _ in range(10):
        found = [d.fix for d in lint(code, rule) if d.fix is not None]
        if not found:
            return code
        code, _ = apply_fixes(code, found)
        cst.parse_module(code)
    raise AssertionError("the fixes did not converge")


ELSE_CASES = [
    "def f(x):\n    if x:\n        return 1\n    elif x > 1:\n        return 2\n    else:\n        return 3\n",
    "def f(x):\n    if x:\n        raise ValueError\n    else:\n        if x > 2:\n            return 1\n        else:\n            return 2\n",
    "def f(x):\n    if x:\n        return 1\n    else:\n        # why\n        y = x  # keep\n\n        return y\n    # after\n",
    "def f(x):\n\tif x:\n\t\treturn 1\n\telse:\n\t\treturn '''a\n\tb'''\n",
    "class A:\n    def f(self, x):\n        for i in x:\n            if i:\n                return i\n            else:\n                continue\n",
]


@pytest.mark.parametrize("code", ELSE_CASES)
def test_fst513_fixes_parse_converge_and_are_idempotent(code: str) -> None:
    fixed = fix_all(code, "FST513")
    assert lint(fixed, "FST513") == []
    assert fix_all(fixed, "FST513") == fixed
    compile(fixed, "<fixed>", "exec")


def test_fst513_keeps_multiline_strings_and_comments() -> None:
    fixed = fix_all(ELSE_CASES[3], "FST513")
    assert "'''a\n\tb'''" in fixed
    fixed = fix_all(ELSE_CASES[2], "FST513")
    assert "    # why\n    y = x  # keep\n\n    return y\n" in fixed


def test_fst513_behaviour_is_unchanged_by_the_fix() -> None:
    code = ELSE_CASES[0] + ELSE_CASES[1].replace("def f", "def g")
    fixed = fix_all(code, "FST513")
    before: dict = {}
    after: dict = {}
    exec(compile(code, "<before>", "exec"), before)
    exec(compile(fixed, "<after>", "exec"), after)
    for x in (0, 1, 3):
        assert before["f"](x) == after["f"](x)


def test_fst513_no_fix_when_the_else_line_has_a_comment() -> None:
    (found,) = lint(
        "def f(x):\n    if x:\n        return 1\n    else:  # why\n        return 2\n", "FST513"
    )
    assert found.fix is None


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_x.py",
        "app/cli.py",
        "scripts/seed.py",
        "app/migrations/versions/1_init.py",
        "pkg/_migrations/v1.py",
        "conftest.py",
        "app/__main__.py",
        "x_test.py",
    ],
)
def test_fst510_paths_that_are_not_application_code(path: str) -> None:
    assert lint("def f():\n    print('x')\n", "FST510", path) == []


def test_fst510_reports_application_code_and_stderr() -> None:
    assert len(lint("def f():\n    print('x')\n", "FST510", "app/api/routes.py")) == 1
    code = "import sys\ndef f():\n    print('x', file=sys.stderr)\n"
    assert len(lint(code, "FST510")) == 1
    code = "import sys\ndef f(out):\n    print('x', file=out)\n"
    assert lint(code, "FST510") == []


def test_fst510_per_file_ignores_turns_it_off_for_cli_modules(tmp_path: Path) -> None:
    settings = build_settings(
        {"per-file-ignores": {"app/commands.py": ["FST510"]}}, origin="t", root=tmp_path
    )
    assert RULES_BY_CODE["FST510"] not in settings.rules_for(tmp_path / "app/commands.py")
    assert RULES_BY_CODE["FST510"] in settings.rules_for(tmp_path / "app/routes.py")


def test_fst509_reports_once_per_function_and_name() -> None:
    code = (
        "ITEMS = []\nSEEN = set()\n"
        "def f(x):\n    ITEMS.append(x)\n    ITEMS.append(x)\n    SEEN.add(x)\n"
        "def g(x):\n    ITEMS.append(x)\n"
    )
    assert [(d.row, d.code) for d in lint(code, "FST509")] == [
        (4, "FST509"),
        (6, "FST509"),
        (8, "FST509"),
    ]


def test_fst509_is_cheap_to_skip() -> None:
    rule = RULES_BY_CODE["FST509"]
    assert rule.call_names and "global" in rule.requires_text
    assert RULES_BY_CODE["FST510"].requires_text == ("print",)
    assert RULES_BY_CODE["FST510"].call_names == frozenset({"print"})


def test_fst514_prefixes_option_is_validated() -> None:
    assert lint("enabled = True\n", "FST514", **{"boolean-prefixes": ["enabled"]}) == []
    with pytest.raises(ConfigError, match="boolean-prefixes"):
        build_settings({"boolean-prefixes": "is"}, origin="t", root=Path("."))


def test_fst512_module_constants_and_globals() -> None:
    assert [d.message for d in lint("limit = 10\n", "FST512")] == [
        "Name the module constant `limit` in UPPER_SNAKE_CASE"
    ]
    assert lint("limit = 10\ndef f():\n    global limit\n    limit = 3\n", "FST512") == []


def test_opt_in_rules_are_off_by_default() -> None:
    for code in ("FST511", "FST512", "FST513", "FST514", "FST002", "FST701", "FST702"):
        assert not RULES_BY_CODE[code].default_enabled
    for code in ("FST509", "FST510"):
        assert RULES_BY_CODE[code].default_enabled
