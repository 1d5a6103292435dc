"""Incremental runs: a cached result is reused unless the file or something its lint read of the
project changed, and a cached run always prints what a ``--no-cache`` run prints."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastlint.engine.diagnostic import Diagnostic
from fastlint.frontends.cli import cli
from fastlint.run.runner import FileLinter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths (relative, as shown) of the files actually linted, not taken from the cache."""
    seen: list[str] = []
    original = FileLinter.lint_bytes

    def spy(self: FileLinter, data: bytes, path: Path, shown: str) -> list[Diagnostic]:
        seen.append(Path(shown).as_posix())
        return original(self, data, path, shown)

    monkeypatch.setattr(FileLinter, "lint_bytes", spy)
    return seen


def check(root: Path, *options: str) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(
            cli, ["check", "--isolated", "--jobs", "1", "--cache-dir", ".cache", *options, "."]
        )
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


SERVICE = {
    "svc/__init__.py": "",
    "svc/helpers.py": """\
        import time


        def other():
            return 2


        def slow():
            return 1
        """,
    "svc/mid.py": """\
        from svc.helpers import slow


        def via():
            return slow()
        """,
    "svc/a.py": """\
        from svc.helpers import slow


        async def handler():
            return slow()
        """,
    "svc/b.py": """\
        from svc.helpers import other


        async def handler():
            return other()
        """,
    "svc/d.py": """\
        from svc.mid import via


        async def handler():
            return via()
        """,
    "svc/c.py": """\
        async def handler():
            return 3
        """,
}


def test_a_helper_that_starts_blocking_relints_exactly_its_callers(
    tmp_path: Path, linted: list[str]
) -> None:
    write(tmp_path, SERVICE)
    rules = ("--select", "FST101,FST102")  # SERVICE is clean of these (not of FST504)
    assert check(tmp_path, *rules)[0] == 0
    assert len(linted) == 7
    linted.clear()
    helpers = tmp_path / "svc" / "helpers.py"
    helpers.write_text(helpers.read_text().replace("return 1", "time.sleep(1)"))
    status, output = check(tmp_path, *rules)
    assert status == 1
    # The helper itself, and the two files whose async def reaches it (directly, and through
    # svc.mid.via); not mid.py (no async def), b.py (calls another helper) or c.py.
    assert sorted(linted) == ["svc/a.py", "svc/d.py", "svc/helpers.py"]
    assert output == check(tmp_path, *rules, "--no-cache")[1]
    assert output.count("FST102") == 2


def test_a_comment_or_an_unrelated_edit_relints_only_the_edited_file(
    tmp_path: Path, linted: list[str]
) -> None:
    write(tmp_path, SERVICE)
    check(tmp_path)
    linted.clear()
    helpers = tmp_path / "svc" / "helpers.py"
    helpers.write_text(helpers.read_text() + "# a comment\n")
    check(tmp_path)
    assert linted == ["svc/helpers.py"]
    linted.clear()
    check(tmp_path)  # the dependencies were brought up to date: nothing to do
    assert linted == []


def test_a_module_that_appears_or_disappears_relints_its_importers(
    tmp_path: Path, linted: list[str]
) -> None:
    write(tmp_path, SERVICE)
    write(tmp_path, {"svc/e.py": "from svc.extra import work\nasync def h():\n    work()\n"})
    first = check(tmp_path)[1]
    linted.clear()
    write(tmp_path, {"svc/extra.py": "import time\ndef work():\n    time.sleep(1)\n"})
    second = check(tmp_path)[1]
    assert sorted(linted) == ["svc/e.py", "svc/extra.py"]
    assert "svc/e.py:3:5: FST102" in second and "FST102" not in first
    linted.clear()
    (tmp_path / "svc" / "extra.py").unlink()
    assert check(tmp_path)[1] == first
    assert linted == ["svc/e.py"]


def test_unchanged_modules_are_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastlint.project import index as index_module

    write(tmp_path, SERVICE)
    check(tmp_path)
    parsed: list[str] = []
    read = index_module.read_module

    def counting(text: str, name: str, path: str):  # type: ignore[no-untyped-def]
        parsed.append(name)
        return read(text, name, path)

    monkeypatch.setattr(index_module, "read_module", counting)
    helpers = tmp_path / "svc" / "helpers.py"
    helpers.write_text(helpers.read_text().replace("return 1", "time.sleep(1)"))
    check(tmp_path)
    assert parsed == ["svc.helpers"]  # the others' facts come from the cache


def test_a_run_with_nothing_to_do_does_not_import_libcst(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "shop_app", tmp_path / "shop_app")
    probe = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: print('libcst' in sys.modules, 'fastlint.rules' in sys.modules,"
        " file=sys.stderr))\n"
        "sys.argv = ['fastlint', 'check', '--jobs', '1', '--select', 'FST101,FST102', 'shop_app']\n"
        "runpy.run_module('fastlint', run_name='__main__')\n"
    )
    for expected in ("True True", "False False"):  # cold, then everything from the cache
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip().splitlines()[-1] == expected
        assert "Found 8 errors." in done.stdout  # FST000 of broken.py, FST101, FST102


# -- random edits -------------------------------------------------------------------------------

_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)
_NEXT_STATEMENT = re.compile(r"\n(?=[^\s#])")
_BLOCKING = ("time.sleep(1)", "requests.get('http://x')", "open('f').read()")


def _modules(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if ".cache" not in path.parts)


def _function_blocks(text: str) -> list[tuple[int, int, str]]:
    """Module-level ``def`` blocks: start, end, name."""
    starts = [(match.start(), match.group(1)) for match in _DEF.finditer(text)]
    blocks = []
    for start, name in starts:
        end = _NEXT_STATEMENT.search(text, start + 1)
        blocks.append((start, end.start() + 1 if end else len(text), name))
    return blocks


def _edit(root: Path, rng: random.Random) -> str:
    modules = _modules(root)
    kind = rng.choice(["block", "block", "unblock", "rename", "move", "delete", "comment", "new"])
    with_functions = [path for path in modules if _function_blocks(path.read_text())]
    if kind in ("block", "rename", "move") and with_functions:
        module = rng.choice(with_functions)
    elif kind == "unblock":
        blocking = [path for path in modules if any(c in path.read_text() for c in _BLOCKING)]
        module = rng.choice(blocking or modules)
    else:
        module = rng.choice(modules)
    text = module.read_text()
    blocks = _function_blocks(text)
    if kind == "block" and blocks:
        start, end, name = rng.choice(blocks)
        line_end = text.index("\n", start) + 1
        call = rng.choice(_BLOCKING)
        text = f"import time\nimport requests\n{text[:line_end]}    {call}\n{text[line_end:]}"
    elif kind == "unblock" and any(call in text for call in _BLOCKING):
        text = "\n".join(
            "    pass" if any(call in line for call in _BLOCKING) else line
            for line in text.split("\n")
        )
    elif kind == "rename" and blocks:
        _, _, name = rng.choice(blocks)
        text = re.sub(rf"\b{name}\b", f"{name}_renamed", text)
    elif kind == "move" and blocks and len(modules) > 1:
        start, end, name = rng.choice(blocks)
        target = rng.choice([path for path in modules if path != module])
        target.write_text(target.read_text() + "\n\n" + text[start:end])
        text = text[:start] + text[end:]
    elif kind == "delete" and len(modules) > 3:
        module.unlink()
        return f"delete {module.relative_to(root)}"
    elif kind == "new":
        package = module.parent
        name = f"extra{rng.randrange(1000)}"
        (package / f"{name}.py").write_text(
            "import time\n\n\ndef helper():\n    time.sleep(1)\n"
            if rng.random() < 0.5
            else "def helper():\n    return 1\n"
        )
        importer = rng.choice([path for path in modules if path.parent == package])
        dotted = ".".join(
            [*importer.relative_to(root).parent.parts[1:], name]
        )  # below the fixture folder
        importer.write_text(
            f"from {dotted} import helper\n\n\nasync def uses_{name}():\n    helper()\n\n\n"
            + importer.read_text()
        )
        return f"new {name} imported by {importer.relative_to(root)}"
    else:
        text += "\n# a comment\n"
        kind = "comment"
    module.write_text(text)
    return f"{kind} {module.relative_to(root)}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_cached_runs_print_what_uncached_runs_print(tmp_path: Path, seed: int) -> None:
    for app in ("shop_app", "async_app", "routers_app"):
        shutil.copytree(FIXTURES / app, tmp_path / app, ignore=shutil.ignore_patterns("*.txt"))
    rng = random.Random(seed)
    check(tmp_path)  # fill the cache
    for step in range(20):
        what = _edit(tmp_path, rng)
        cached = check(tmp_path)
        fresh = check(tmp_path, "--no-cache")
        assert cached == fresh, f"step {step}: {what}"
