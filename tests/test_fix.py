"""``--fix`` and friends: the CLI, safe writing, and fixing as a property of real and generated code."""

from __future__ import annotations

import codecs
import os
import shutil
import stat
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastlint.config.settings import load_settings
from fastlint.engine.edits import Edit, TextFix, apply_fixes
from fastlint.engine.linter import Linter
from fastlint.engine.rule import FIX_NONE
from fastlint.frontends.cli import cli
from fastlint.rules import ALL_RULES
from fastlint.run.fixing import fix_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = ("shop_app", "async_app", "routers_app")

SLEEPY = "import time\n\n\nasync def handler():\n    time.sleep(1)\n    time.sleep(2)\n"
SLEEPY_FIXED = (
    "import asyncio\nimport time\n\n\nasync def handler():\n"
    "    await asyncio.sleep(1)\n    await asyncio.sleep(2)\n"
)
MUTABLE = "def f(a=[], b={}):\n    return a, b\n"


# The rules the CLI cases are about (FST101/FST501 fixes, FST103/FST201 reports without one),
# whatever rules are on by default; the fixture apps are fixed with the default rules.
CASE_RULES = ("--select", "FST101,FST103,FST201,FST501")


def run(
    *args: str, input: str | bytes | None = None, rules: tuple[str, ...] = CASE_RULES
) -> Result:
    command = ["check", "--no-cache", "--isolated", *rules, *args]
    return CliRunner().invoke(cli, command, input=input)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(SLEEPY)
    (tmp_path / "app" / "defaults.py").write_text(MUTABLE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_applies_only_safe_fixes_and_unsafe_needs_the_flag(project: Path) -> None:
    result = run("--fix")  # every fix of today's rules is unsafe
    assert result.exit_code == 1
    assert (project / "app" / "views.py").read_text() == SLEEPY
    assert "4 hidden fixes can be enabled with `--unsafe-fixes`" in result.stdout


def test_unsafe_fixes_fix_everything_and_report_the_rest(project: Path) -> None:
    result = run("--fix", "--unsafe-fixes")
    assert (project / "app" / "views.py").read_text() == SLEEPY_FIXED
    assert (project / "app" / "defaults.py").read_text() == (
        "def f(a=None, b=None):\n    if b is None:\n        b = {}\n"
        "    if a is None:\n        a = []\n    return a, b\n"
    )  # two guards at one place: applied in two rounds
    assert result.exit_code == 0, result.output
    assert "Found 4 errors (4 fixed, 0 remaining)." in result.stdout
    again = run("--fix", "--unsafe-fixes")
    assert again.exit_code == 0 and "All checks passed!" in again.stdout


def test_diff_prints_and_changes_nothing(project: Path) -> None:
    result = run("--diff", "--unsafe-fixes")
    assert result.exit_code == 1
    assert (project / "app" / "views.py").read_text() == SLEEPY
    assert "--- app/views.py\n+++ app/views.py\n" in result.stdout
    assert "-    time.sleep(1)\n-    time.sleep(2)\n+    await asyncio.sleep(1)\n" in result.stdout
    assert "+import asyncio\n" in result.stdout
    assert "Would fix 4 errors." in result.stderr
    assert run("--diff").exit_code == 0  # nothing safe to apply: no diff


def test_fix_only_reports_nothing_and_exits_0(project: Path) -> None:
    (project / "app" / "routes.py").write_text(
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/')\ndef index():\n    return {}\n"
    )  # FST103 and FST201: no fix, yet --fix-only exits 0
    result = run("--fix-only", "--unsafe-fixes")
    assert result.exit_code == 0 and result.stdout == ""
    assert "Fixed 4 errors." in result.stderr
    assert (project / "app" / "views.py").read_text() == SLEEPY_FIXED


def test_show_fixes_lists_them(project: Path) -> None:
    result = run("--fix", "--unsafe-fixes", "--show-fixes")
    assert "Fixed 4 errors:\n" in result.stderr
    assert "- app/views.py:\n    2 × FST101 (blocking-call-in-async)\n" in result.stderr
    assert "    2 × FST501 (mutable-default-argument)\n" in result.stderr
    (project / "app" / "views.py").write_text(SLEEPY)
    preview = run("--show-fixes", "--unsafe-fixes")
    assert "Would fix (with `--fix`) 2 errors:" in preview.stderr
    assert (project / "app" / "views.py").read_text() == SLEEPY


def test_fix_conflicts_with_add_noqa_and_write_baseline(project: Path) -> None:
    assert run("--fix", "--add-noqa").exit_code == 2
    assert run("--diff", "--write-baseline", "b.json").exit_code == 2


def test_crlf_and_bom_and_mode_are_kept(project: Path) -> None:
    path = project / "app" / "views.py"
    path.write_bytes(codecs.BOM_UTF8 + SLEEPY.replace("\n", "\r\n").encode())
    os.chmod(path, 0o754)
    run("--fix", "--unsafe-fixes")
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode() == SLEEPY_FIXED.replace("\n", "\r\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o754
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".views.py")]


def test_a_latin1_file_keeps_its_encoding(project: Path) -> None:
    path = project / "app" / "views.py"
    path.write_bytes(("# -*- coding: latin-1 -*-\n# café\n" + SLEEPY).encode("latin-1"))
    run("--fix", "--unsafe-fixes")
    assert "# café" in path.read_bytes().decode("latin-1")
    assert "await asyncio.sleep(1)" in path.read_bytes().decode("latin-1")


def test_a_file_changed_on_disk_is_not_overwritten(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "app" / "views.py"
    original = Linter.lint_text
    edited = SLEEPY + "# edited meanwhile\n"

    def lint_and_edit(self: Linter, text: str, shown: str) -> list:
        if shown.endswith("views.py") and text != SLEEPY and path.read_text() == SLEEPY:
            path.write_text(edited)  # someone saves the file while it is being fixed
        return original(self, text, shown)

    monkeypatch.setattr(Linter, "lint_text", lint_and_edit)
    result = run("--fix", "--unsafe-fixes")
    assert path.read_text() == edited
    assert "app/views.py: not fixed: it changed on disk while it was being fixed" in result.stderr
    assert "views.py:5:5: FST101" in result.stdout  # still reported


def test_a_symlink_keeps_pointing_at_the_fixed_file(project: Path) -> None:
    target = project / "real.py"
    target.write_text(SLEEPY)
    (project / "app" / "views.py").unlink()
    (project / "app" / "views.py").symlink_to(target)
    run("--fix", "--unsafe-fixes", "app")
    assert (project / "app" / "views.py").is_symlink()
    assert target.read_text() == SLEEPY_FIXED


def test_stdin_prints_the_fixed_source() -> None:
    result = run("--fix", "--unsafe-fixes", "-", input=SLEEPY)
    assert result.stdout == SLEEPY_FIXED and result.exit_code == 0
    diff = run("--diff", "--unsafe-fixes", "-", input=SLEEPY)
    assert diff.exit_code == 1 and "+    await asyncio.sleep(1)" in diff.stdout


def test_a_fix_that_would_break_the_file_is_not_applied() -> None:
    broken = TextFix("unsafe", "break it", (Edit(1, 1, 1, 1, "def ("),))
    from fastlint.engine.diagnostic import Diagnostic

    found = [Diagnostic("x.py", 1, 1, "FST501", "m", 1, 2, fix=broken)]
    result = fix_text("x = 1\n", found, lambda text: [], unsafe=True)
    assert result.text == "x = 1\n" and "does not parse" in result.note


def test_overlapping_fixes_wait_for_the_next_round_and_identical_edits_merge() -> None:
    first = TextFix("safe", "a", (Edit(1, 1, 1, 1, "import os\n"), Edit(1, 1, 1, 2, "y")))
    second = TextFix("safe", "b", (Edit(1, 1, 1, 1, "import os\n"), Edit(2, 1, 2, 2, "z")))
    third = TextFix("safe", "c", (Edit(1, 1, 1, 2, "w"),))
    text, applied = apply_fixes("x\nx\n", [first, second, third])
    assert applied == [0, 1] and text == "import os\ny\nz\n"


@pytest.mark.parametrize("fresh_cache", [True, False])
def test_fixes_survive_the_results_cache(project: Path, fresh_cache: bool) -> None:
    args = ["check", "--isolated", "--output-format", "json"]
    first = CliRunner().invoke(cli, args).stdout
    second = CliRunner().invoke(cli, args).stdout  # from the cache
    assert first == second and '"applicability": "unsafe"' in second


# -- the fixture apps and generated programs ----------------------------------------------


def _fix_twice(root: Path, *args: str) -> tuple[Result, Result]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        first = run("--fix", "--unsafe-fixes", *args, rules=())
        second = run("--fix", "--unsafe-fixes", "--diff", *args, rules=())
    finally:
        os.chdir(cwd)
    return first, second


def test_fixture_apps_are_fixed_completely(tmp_path: Path) -> None:
    for app in APPS:
        shutil.copytree(FIXTURES / app, tmp_path / app)
    before = {p: p.read_text() for p in tmp_path.rglob("*.py")}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        diff = run("--diff", "--unsafe-fixes", rules=())
        assert {p: p.read_text() for p in tmp_path.rglob("*.py")} == before  # --diff writes nothing
        fixed = run("--fix", "--unsafe-fixes", "--output-format", "json", rules=())
        again = run("--diff", "--unsafe-fixes", rules=())
        json_after = run("--output-format", "json", rules=())
    finally:
        os.chdir(cwd)
    # 11 files: FST101/FST302/FST501 as before, and the default FST202 (redundant response_model),
    # FST203 (Annotated), FST205 (status constants) and FST504 (`-> None`) fixes (reviewed)
    assert diff.exit_code == 1 and diff.stdout.count("+++ ") == 11
    assert again.exit_code == 0 and again.stdout == ""
    assert '"fix": {' not in json_after.stdout  # every fixable diagnostic was fixed
    assert '"fix": {' not in fixed.stdout
    changed = [p for p, text in before.items() if p.read_text() != text]
    assert len(changed) == 11
    for path in changed:
        if "broken" not in path.name:
            cst.parse_module(path.read_text())
    # the diff showed the same change that was written
    for path in changed:
        shown = str(path.relative_to(tmp_path))
        assert f"+++ {shown}" in diff.stdout


_HEADER = (
    "import time\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
    "async def handler(session: AsyncSession, tags=[]):\n"
    "    time.sleep(1)\n    session.commit()\n    session.execute(q).scalars()\n"
)


def _lint(text: str) -> list:
    from fastlint.project import ProjectIndex

    rules = load_settings(isolated=True).rules
    return Linter(rules, {}, ProjectIndex([Path("gen.py")])).lint_text(text, "gen.py")


def _check_fix_properties(text: str) -> None:
    try:
        cst.parse_module(text)
    except Exception:  # noqa: BLE001 - a file that does not parse has nothing to fix
        return
    found = _lint(text)
    result = fix_text(text, found, _lint, unsafe=True)
    cst.parse_module(result.text)  # the fixed code parses
    if result.note:
        return
    assert not [d for d in result.diagnostics if d.fix is not None]  # the fixed ones are gone
    again = fix_text(result.text, _lint(result.text), _lint, unsafe=True)
    assert again.text == result.text and not again.fixed  # a second --fix changes nothing


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
def test_fixing_generated_programs(source: str) -> None:
    _check_fix_properties(source)
    # the same program after a header that every fixing rule reports
    _check_fix_properties(_HEADER + source)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(str(p) for app in APPS for p in (FIXTURES / app).rglob("*.py"))))
def test_fixing_the_fixture_modules(path: str) -> None:
    text = Path(path).read_text()
    _check_fix_properties(text)


def test_every_rule_fix_attribute_is_checked() -> None:
    """A rule claims a fix exactly when one of its Invalid examples shows the fixed code (which
    tests/test_rule_examples.py checks)."""
    claims = {rule.code for rule in ALL_RULES if rule.fix != FIX_NONE}
    shown = {rule.code for rule in ALL_RULES if any(e.fixed is not None for e in rule.invalid)}
    assert claims == shown, (sorted(claims - shown), sorted(shown - claims))
