"""The project index's memo of where names lead, and the semantic model's scans, against the
plain answers: a memoized lookup records what it read on every ask, and is forgotten with the
modules it read."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst

from fastlint.project import ProjectIndex
from fastlint.project.facts import read_module
from fastlint.semantic import ast_tree, cst_tree
from fastlint.semantic.ast_tree import ModuleImports, children
from fastlint.semantic.cst_tree import ImportTable, dotted_name


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


APP = {
    "pkg/__init__.py": "from .db import engine as engine\n",
    "pkg/db.py": "import sqlalchemy\nengine = sqlalchemy.create_engine('x')\n",
    "pkg/use.py": "from pkg import engine\n",
}


def recorded(index: ProjectIndex, qualified: str) -> dict:
    index.start_recording()
    index.value_kind(qualified)
    return index.stop_recording()


def test_a_memoized_lookup_records_the_same_reads_each_time(tmp_path: Path) -> None:
    write(tmp_path, APP)
    index = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    first = recorded(index, "pkg.engine")
    assert first == recorded(index, "pkg.engine")
    assert {"pkg", "pkg.db"} <= set(first)
    assert ["exports", "engine", first["pkg"][2][-1][2]] in first["pkg"][2]
    fresh = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    assert recorded(fresh, "pkg.engine") == first
    # Asked while another lookup records (the blocking analysis does): read into that one too.
    index.start_recording()
    index.value_kind("pkg.engine")
    assert index.stop_recording() == first


def test_a_lookup_is_forgotten_with_the_modules_it_read(tmp_path: Path) -> None:
    write(tmp_path, APP)
    index = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    assert index.value_kind("pkg.engine") == "Engine"
    index.provide(tmp_path / "pkg" / "db.py", "engine = None\n")
    assert index.value_kind("pkg.engine") is None
    index.provide(tmp_path / "pkg" / "__init__.py", "from .use import engine as engine\n")
    assert index.value_kind("pkg.engine") is None
    (tmp_path / "pkg" / "db.py").write_text("import sqlalchemy\nengine = None\n")
    assert index.value_kind("pkg.use.engine") is None


def test_a_missing_module_found_later_is_asked_again(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "from pkg.b import engine\n"})
    index = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    assert index.value_kind("pkg.b.engine") is None
    write(tmp_path, {"pkg/b.py": "import sqlalchemy\nengine = sqlalchemy.create_engine('x')\n"})
    assert index.refresh()
    assert index.value_kind("pkg.b.engine") == "Engine"


SCOPES = """
import os
def f(a, *b, c=1, **d):
    import json as j
    from x import (y, z as w)
    e = [q for q in a if (r := q)]
    for (s, *t) in a: pass
    with open(a) as u, open(b) as (v, vv): pass
    try: pass
    except E as err: pass
    def inner(): k = 1
    class K: m = 1
    lam = lambda n: n
    g.h = 1
    i: int = 2
    o += 1
    global os
    del a
    match a:
        case [p1, *p2]: pass
        case {"k": p3, **p4}: pass
        case C(x=p5) | p6: pass
    print(f"{a!r:>{b}}", {**a, 1: 2}, a[1:2, ...], not a, -a, a if b else c)
    async def co(): await x
    return os
"""


def _plain_scan_cst(body: cst.CSTNode) -> cst_tree._LocalBindings:
    """The scan as a plain walk over every child (what the inlined scan must equal)."""
    found = cst_tree._LocalBindings()
    stack = [body]
    while stack:
        node = stack.pop()
        if type(node) in cst_tree._BINDING_TYPES:
            found.add_statement(node)
            if type(node) in cst_tree._SCOPE_TYPES or isinstance(
                node, (cst.Import, cst.ImportFrom)
            ):
                continue
        elif isinstance(node, cst.Lambda):
            continue
        stack.extend(cst_tree.iter_children(node))
    return found


def _plain_scan_ast(body: list[ast.stmt]) -> ast_tree._LocalBindings:
    found = ast_tree._LocalBindings()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        found.add(node)
        if type(node) in ast_tree._NOT_ENTERED:
            continue
        if isinstance(node, ast.withitem):
            stack.append(node.context_expr)
            continue
        stack.extend(children(node))
    return found


EXPECTED = {"a", "b", "c", "d", "e", "q", "r", "s", "t", "err", "inner", "K", "lam", "i", "o"}


def test_the_libcst_binding_scan_finds_what_a_plain_walk_finds() -> None:
    module = cst.parse_module(SCOPES)
    function = next(node for node in module.body if isinstance(node, cst.FunctionDef))
    bindings = ImportTable(module).bindings_of(function)
    assert bindings.imports == {"j": "json", "y": "x.y", "w": "x.z"}
    # ``with ... as`` names are not bindings (the engine's table skips them).
    assert bindings.names == EXPECTED | {"co"}
    plain = _plain_scan_cst(function.body)
    assert list(plain.imports.items()) == list(bindings.imports.items())
    assert plain.names == bindings.names - {"a", "b", "c", "d"}  # parameters are added apart


def test_the_ast_binding_scan_finds_what_a_plain_walk_finds() -> None:
    module = ast.parse(SCOPES)
    function = next(node for node in module.body if isinstance(node, ast.FunctionDef))
    table = ModuleImports(module)
    bindings = table.bindings_of(function)
    assert bindings.imports == {"j": "json", "y": "x.y", "w": "x.z"}
    assert bindings.names == EXPECTED | {"co"}
    plain = _plain_scan_ast(function.body)
    assert list(plain.imports.items()) == list(bindings.imports.items())
    assert plain.names == bindings.names - {"a", "b", "c", "d"}
    assert not table.is_function_scope(module) and table.is_function_scope(function)


def test_children_skips_what_is_not_a_node() -> None:
    call = ast.parse("f(*a, k=1, **{None: 2, **b})").body[0].value  # type: ignore[attr-defined]
    assert [type(child).__name__ for child in children(call)] == [
        "Name",
        "Starred",
        "keyword",
        "keyword",
    ]
    mapping = call.keywords[1].value
    assert mapping.keys[1] is None
    assert [type(child).__name__ for child in children(mapping)] == ["Constant", "Constant", "Name"]


def test_cst_dotted_names() -> None:
    assert dotted_name(cst.parse_expression("a.b.c")) == "a.b.c"
    assert dotted_name(cst.parse_expression("a")) == "a"
    assert dotted_name(cst.parse_expression("a().b")) is None
    assert dotted_name(cst.parse_expression("ｆｏｏ.ｂａｒ")) == "foo.bar"
    assert dotted_name(cst.parse_expression("ｆｏｏ")) == "foo"


MATCHING = """
import time
from x import g, h, i, j, m, n
def f(a):
    match a:
        case None: time.sleep(1)
        case C(x=1, y=b): g({None: 2, **a}, *h(), k=i())
        case {"k": 1, **rest}: j(f"{a!r:>{b}}")
    return [m() for _ in n()]
"""


def test_facts_walk_steps_over_what_is_not_a_node() -> None:
    facts = read_module(MATCHING, "m", "m.py")
    assert facts is not None
    shown = [site.callee.shown for site in facts.functions["f"].calls]
    assert shown == ["time.sleep", "g", "h", "i", "j", "m", "n"]
    assert facts.functions["f"].calls[0].callee.qualified == "time.sleep"


def test_what_was_read_is_digested_anew_when_a_module_changes(tmp_path: Path) -> None:
    write(tmp_path, APP)
    index = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    before = recorded(index, "pkg.db.engine")["pkg.db"][2]
    index.provide(tmp_path / "pkg" / "db.py", "engine = None\n")
    after = recorded(index, "pkg.db.engine")["pkg.db"][2]
    assert [entry[:2] for entry in before] == [entry[:2] for entry in after]
    assert before != after
    fresh = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    fresh.provide(tmp_path / "pkg" / "db.py", "engine = None\n")
    assert recorded(fresh, "pkg.db.engine")["pkg.db"][2] == after
