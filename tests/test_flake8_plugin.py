"""The flake8 plugin, run by the real flake8 in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fastlint.frontends.flake8_plugin import opt_in_codes
from fastlint.rules import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.py")))
BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"

Finding = tuple[str, int, int]


def flake8(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    output = "--format=%(path)s|%(row)d|%(col)d|%(code)s"
    command = [sys.executable, "-m", "flake8", "--isolated", output, *args]
    return subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, text=True, check=False, timeout=120
    )


def flake8_findings(cwd: Path, *args: str) -> set[tuple[str, Finding]]:
    done = flake8(cwd, *args)
    assert done.returncode in (0, 1), done.stderr
    found = set()
    for line in done.stdout.splitlines():
        path, row, column, code = line.split("|")
        found.add((Path(path).as_posix().removeprefix("./"), (code, int(row), int(column))))
    return found


def fastlint_findings(cwd: Path) -> set[tuple[str, Finding]]:
    command = [sys.executable, "-m", "fastlint", "check", "--isolated", "--output-format"]
    done = subprocess.run(
        [*command, "json-lines", "."], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 1), done.stderr
    found = set()
    for line in done.stdout.splitlines():
        record = json.loads(line)
        path = Path(record["filename"]).relative_to(cwd.resolve()).as_posix()
        where = record["location"]
        found.add((path, (record["code"], where["row"], where["column"])))
    return found


@pytest.fixture(params=APPS)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A copy of a fixture app outside this repository, so that neither tool reads our config."""
    return Path(shutil.copytree(FIXTURES / request.param, tmp_path / request.param))


def test_flake8_reports_what_fastlint_check_reports(app: Path) -> None:
    expected = fastlint_findings(app)
    found = flake8_findings(app, "--select", "FST,E999")
    # flake8 reports a file that does not parse itself (E999) and never runs plugins on it;
    # fastlint calls that FST000. Compare them by file and line.
    syntax = {(path, row) for path, (code, row, _) in expected if code == "FST000"}
    assert {(path, row) for path, (code, row, _) in found if code == "E999"} == syntax
    assert {f for f in found if f[1][0] != "E999"} == {f for f in expected if f[1][0] != "FST000"}


def test_flake8_jobs_give_the_same_result(app: Path) -> None:
    assert flake8_findings(app, "--select", "FST", "--jobs", "2") == flake8_findings(
        app, "--select", "FST", "--jobs", "1"
    )


def test_a_fixture_app_with_violations_is_compared() -> None:
    assert APPS, "no fixture apps found"


def _opt_in_example() -> tuple[str, str]:
    for rule in ALL_RULES:
        if not rule.default_enabled:
            for example in rule.invalid:
                if not example.options:
                    return rule.code, example.code
    pytest.fail("no opt-in rule with an example to test opt-in selection with")


def test_opt_in_rules_run_only_when_named_exactly(tmp_path: Path) -> None:
    code, source = _opt_in_example()
    (tmp_path / "mod.py").write_text(source)
    codes = lambda *args: {f[1][0] for f in flake8_findings(tmp_path, *args)}  # noqa: E731
    assert code not in codes("--select", "FST")
    assert code in codes("--select", f"FST,{code}")
    assert code in codes("--extend-select", code)
    assert opt_in_codes(["FST", code.lower()]) == {code}


def test_rule_options_come_from_pyproject(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(3))
    (tmp_path / "mod.py").write_text("def f():\n" + body + "    return x0\n")
    assert not any(f[1][0] == "FST502" for f in flake8_findings(tmp_path, "--select", "FST"))
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\nmax-function-lines = 2\n")
    found = flake8_findings(tmp_path, "--select", "FST")
    assert ("mod.py", ("FST502", 1, 5)) in found
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "other.toml").write_text("max-function-lines = 2\n")
    found = flake8_findings(tmp_path, "--select", "FST", "--fastlint-config", "other.toml")
    assert ("mod.py", ("FST502", 1, 5)) in found


def test_a_config_error_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.fastlint]\nmax-function-lines = 'x'\n")
    (tmp_path / "mod.py").write_text("x = 1\n")
    done = flake8(tmp_path, "--select", "FST", "mod.py")
    assert done.returncode == 2
    assert done.stderr.startswith("fastlint: error: ")
    assert "`max-function-lines` must be an integer" in done.stderr


def test_stdin_is_linted_from_the_lines_flake8_passes(tmp_path: Path) -> None:
    done = flake8(
        tmp_path, "--select", "FST", "--stdin-display-name", "nowhere/app.py", "-", stdin=BLOCKING
    )
    assert done.stdout.splitlines() == ["nowhere/app.py|5|5|FST101"]


def test_noqa_and_prefix_ignores_are_flake8s(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(BLOCKING.replace("(1)\n", "(1)  # noqa: FST101\n"))
    (tmp_path / "other.py").write_text(BLOCKING)
    found = flake8_findings(tmp_path, "--select", "FST")
    assert found == {("other.py", ("FST101", 5, 5))}
    # flake8 matches codes by prefix: ignoring F (pyflakes) or FS also ignores FST, unless a
    # longer prefix selects it again (other installed plugins' codes are left out here)
    ours = lambda *args: {f for f in flake8_findings(tmp_path, *args) if f[1][0].startswith("F")}  # noqa: E731
    assert ours() == found
    assert ours("--extend-ignore", "F") == set()
    assert ours("--extend-ignore", "FS") == set()
    assert ours("--extend-ignore", "F", "--extend-select", "FST") == found
