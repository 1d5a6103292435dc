"""The fixes of FST504 (``-> None``) and FST506 (modern typing), target-version, and the
quality rules' behaviour that single examples cannot show."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner

from fastlint.config.settings import (
    ConfigError,
    build_settings,
    load_settings,
    target_from_requires_python,
)
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import Linter
from fastlint.frontends.cli import cli
from fastlint.rules.quality.annotations import MissingTypeAnnotation
from fastlint.rules.quality.legacy_typing import LegacyTypingGeneric
from fastlint.run.fixing import fix_text


def lint(text: str, target: str = "py310", rule: type = LegacyTypingGeneric) -> list[Diagnostic]:
    return Linter([rule], target_version=target).lint_text(text, "m.py")


def fixed(text: str, target: str = "py310", rule: type = LegacyTypingGeneric) -> str:
    """``--fix`` in rounds; checks the result parses, is clean and a second run is a no-op."""
    result = fix_text(text, lint(text, target, rule), lambda t: lint(t, target, rule), unsafe=False)
    assert not result.note, result.note
    cst.parse_module(result.text)
    again = fix_text(
        result.text,
        lint(result.text, target, rule),
        lambda t: lint(t, target, rule),
        unsafe=False,
    )
    assert again.text == result.text  # idempotent
    return result.text


# -- FST506 ---------------------------------------------------------------------------------


def test_every_use_is_rewritten_and_the_unused_imports_removed() -> None:
    source = (
        "from typing import Any, Dict, List, Optional, Union\n"
        "\n"
        "def f(a: List[int], b: Dict[str, List[int]]) -> Optional[Union[int, str]]:\n"
        "    c: Optional[List[Dict[str, Any]]] = None\n"
        "    return c\n"
    )
    assert fixed(source) == (
        "from typing import Any\n"
        "\n"
        "def f(a: list[int], b: dict[str, list[int]]) -> int | str | None:\n"
        "    c: list[dict[str, Any]] | None = None\n"
        "    return c\n"
    )


def test_nested_aliases_are_each_reported() -> None:
    found = lint("from typing import List, Optional\nx: Optional[List[int]] = None\n")
    assert [(d.row, d.column) for d in found] == [(2, 4), (2, 13)]


def test_an_import_still_needed_is_kept() -> None:
    source = (
        "from typing import List, Optional\n"
        "x: Optional[int] = None\n"
        "y: 'List[int]' = []  # a string annotation is not rewritten\n"
    )
    assert fixed(source) == (
        "from typing import List\nx: int | None = None\ny: 'List[int]' = []  # a string annotation is not rewritten\n"
    )


def test_a_name_mentioned_in_a_docstring_keeps_its_import() -> None:
    source = 'from typing import List\n"""Returns a List."""\nx: List[int] = []\n'
    assert fixed(source) == 'from typing import List\n"""Returns a List."""\nx: list[int] = []\n'


def test_type_checking_block_and_parenthesized_import() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from typing import Optional\n"
        "from typing import (\n"
        "    Any,\n"
        "    Dict,\n"
        ")\n"
        "x: Optional[Dict[str, Any]] = None\n"
    )
    assert fixed(source) == (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    pass\n"
        "from typing import (\n"
        "    Any,\n"
        ")\n"
        "x: dict[str, Any] | None = None\n"
    )


def test_aliases_and_attribute_forms() -> None:
    source = "import typing as t\nfrom typing import List as L\nx: t.Dict[str, L[int]] = {}\n"
    assert fixed(source) == "import typing as t\nx: dict[str, list[int]] = {}\n"


def test_runtime_positions_are_rewritten_when_the_target_runs_them() -> None:
    source = (
        "from typing import List, Optional, cast\n"
        "Items = List[int]\n"
        "y = cast(Optional[int], None)\n"
        "class A(List[int]): ...\n"
    )
    assert fixed(source, "py310") == (
        "from typing import cast\nItems = list[int]\ny = cast(int | None, None)\nclass A(list[int]): ...\n"
    )
    # 3.9 runs list[int] but not int | None, even with the future import
    future = "from __future__ import annotations\n" + source
    assert fixed(future, "py39") == (
        "from __future__ import annotations\nfrom typing import Optional, cast\n"
        "Items = list[int]\ny = cast(Optional[int], None)\nclass A(list[int]): ...\n"
    )


def test_older_targets_without_the_future_import_are_left_alone() -> None:
    source = "from typing import List, Optional\ndef f(x: Optional[int]) -> List[int]: ...\n"
    assert lint(source, "py38") == []
    assert [d.message for d in lint(source, "py39")] == ["Use `list[...]` instead of `List[...]`"]


def test_future_import_on_an_old_target_depends_on_who_evaluates_annotations() -> None:
    plain = (
        "from __future__ import annotations\nfrom typing import Optional\n"
        "def f(x: Optional[int]) -> None:\n    y: Optional[str] = None\n"
    )
    assert fixed(plain, "py39") == (
        "from __future__ import annotations\n"
        "def f(x: int | None) -> None:\n    y: str | None = None\n"
    )
    fastapi = (
        "from __future__ import annotations\nfrom typing import Optional\n"
        "from fastapi import Query\n"
        "class Item:\n    name: Optional[str] = None\n"
        "async def list_items(q: Optional[str] = Query(None)) -> None:\n"
        "    found: Optional[str] = q\n"
    )
    # FastAPI evaluates the signature and a model its fields: only the local is rewritten.
    assert [d.row for d in lint(fastapi, "py39")] == [7]
    assert [d.row for d in lint(fastapi, "py310")] == [5, 6, 7]


def test_no_fix_for_string_members_comments_and_shadowed_builtins() -> None:
    source = (
        "from typing import List, Optional, Union\n"
        "a: Optional['User'] = None\n"
        "b: Union[\n    int,  # the id\n    str,\n] = 1\n"
        "class M:\n    type: str = 'x'\n    kind: 'Type' = None\n    items: List[int] = []\n"
        "    list: int = 0\n"
    )
    found = lint(source)
    assert [(d.row, d.fix is None) for d in found] == [(2, True), (3, True), (10, True)]


def test_a_local_class_named_like_the_alias_is_not_reported() -> None:
    assert lint("import typing\nclass Optional: ...\nx: Optional[int] = None\n") == []


def test_collections_names_are_imported() -> None:
    source = "import typing\nx: typing.DefaultDict[str, typing.Deque[int]]\n"
    assert fixed(source) == (
        # each import is added by its own edit: two lines, for isort to merge
        "import typing\nfrom collections import defaultdict\nfrom collections import deque\n"
        "x: defaultdict[str, deque[int]]\n"
    )


def test_a_file_with_many_legacy_names_is_fixed_in_one_run() -> None:
    names = ("Dict", "FrozenSet", "List", "Optional", "Set", "Tuple", "Type", "Union")
    uses = "".join(f"v{i}: {name}[int] = None  # noqa: X\n" for i, name in enumerate(names))
    source = f"from typing import {', '.join(names)}\n" + uses.replace("  # noqa: X", "")
    result = fixed(source)
    assert "typing" not in result and "Optional" not in result
    assert "v3: int | None = None" in result and "v6: type[int] = None" in result


# -- FST504 -----------------------------------------------------------------------------------


def test_return_none_fix_is_idempotent_and_only_where_nothing_is_returned() -> None:
    source = (
        "import abc\n"
        "from typing import overload\n"
        "def a(x: int):\n    print(x)\n"
        "def b(x: int):\n    return x\n"
        "def c():\n    yield 1\n"
        "class K(abc.ABC):\n"
        "    @abc.abstractmethod\n    def d(self):\n        pass\n"
        "    @property\n    def e(self):\n        pass\n"
        "    def f(self):\n        raise NotImplementedError\n"
        "    def g(self):\n        def inner() -> int:\n            return 1\n        inner()\n"
        "@overload\ndef h(x: int): ...\n"
    )
    result = fixed(source, rule=MissingTypeAnnotation)
    assert "def a(x: int) -> None:" in result
    assert "def g(self) -> None:" in result
    for name in ("b()", "c()", "d(self)", "e(self)", "f(self)", "h(x: int)"):
        assert f"def {name}:" in result or f"def {name.replace('()', '(x: int)')}:" in result


def test_parameters_are_reported_at_the_parameter() -> None:
    found = lint("def f(a, *b, c, **d) -> None: ...\n", rule=MissingTypeAnnotation)
    assert [(d.column, d.message.split(" has")[0]) for d in found] == [
        (7, "Parameter `a`"),
        (11, "Parameter `b`"),
        (14, "Parameter `c`"),
        (19, "Parameter `d`"),
    ]


# -- target-version -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requires", "target"),
    [
        (">=3.9", "py39"),
        ("~=3.11", "py311"),
        (">=3.9,<4", "py39"),
        ("==3.12.*", "py312"),
        (">3.10", "py310"),
        (">=3.6", "py37"),
        (">=2.7", "py37"),
        (">=3.99", "py314"),
        ("<3.13", None),
        ("", None),
        ("python 3", None),
    ],
)
def test_target_from_requires_python(requires: str, target: str | None) -> None:
    assert target_from_requires_python(requires) == target


def _project(root: Path, pyproject: str) -> Path:
    (root / "pyproject.toml").write_text(pyproject)
    (root / "m.py").write_text("from typing import Optional\nx: Optional[int] = None\n")
    return root


def test_requires_python_sets_the_target_when_target_version_is_unset(tmp_path: Path) -> None:
    _project(tmp_path, '[project]\nrequires-python = ">=3.9"\n[tool.fastlint]\n')
    assert load_settings(cwd=tmp_path).target_version == "py39"
    _project(
        tmp_path,
        '[project]\nrequires-python = ">=3.9"\n[tool.fastlint]\ntarget-version = "py312"\n',
    )
    assert load_settings(cwd=tmp_path).target_version == "py312"
    _project(tmp_path, '[project]\nrequires-python = "weird"\n[tool.fastlint]\n')
    assert load_settings(cwd=tmp_path).target_version == "py310"


def test_the_cli_follows_requires_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_project(tmp_path, '[project]\nrequires-python = ">=3.9"\n[tool.fastlint]\n'))
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--select", "FST506", "m.py"])
    assert result.exit_code == 0, result.stdout
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nrequires-python = ">=3.10"\n[tool.fastlint]\n'
    )
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--select", "FST506", "m.py"])
    assert result.exit_code == 1 and "FST506" in result.stdout


def test_a_bad_target_version_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="target-version"):
        build_settings({"target-version": "py27"}, origin="test", root=tmp_path)
