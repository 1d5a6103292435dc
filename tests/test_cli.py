"""The command line: exit statuses, selection, config errors, formats, discovery."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastlint import __version__
from fastlint.frontends.cli import cli

# annotated, so that the default rules report only the FST101 these tests are about
BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(BLOCKING)
    (tmp_path / "app" / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.fastlint]\n{body}\n")


def test_reports_and_exits_1(project: Path) -> None:
    result = run("check")
    assert result.exit_code == 1
    assert f"app{os.sep}views.py:5:5: FST101 `time.sleep()` blocks" in result.output
    assert "Found 1 error." in result.output


def test_clean_exits_0(project: Path) -> None:
    result = run("check", "app/clean.py")
    assert result.exit_code == 0
    assert "All checks passed!" in result.output


def test_exit_zero(project: Path) -> None:
    assert run("check", "--exit-zero").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "FST999"], "unknown rule selector `FST999` in --select"),
        (["--ignore", "XYZ1"], "unknown rule selector `XYZ1` in --ignore"),
        (["missing_dir"], "no such file or directory: missing_dir"),
    ],
)
def test_usage_errors_exit_2_with_one_line(project: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"fastlint: error: {message}")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("colour = 'red'", "unknown key `colour`"),
        ("max-function-lines = 'forty'", "`max-function-lines` must be an integer"),
        ("select = 'FST101'", "`select` must be a list of strings"),
        ("select = ['FST77']", "unknown rule selector `FST77`"),
        ("target-version = 'py27'", "`target-version` must be one of"),
        ("per-file-ignores = { 'tests/*' = ['NOPE1'] }", "unknown rule selector `NOPE1`"),
        ("select = [", "is not valid TOML"),
    ],
)
def test_config_errors_exit_2_with_one_line(project: Path, body: str, fragment: str) -> None:
    config(project, body)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fastlint: error: ") and fragment in lines[0]


def test_config_selection_options_and_per_file_ignores(project: Path) -> None:
    long_body = "".join(f"    x{i} = {i}\n" for i in range(5))
    (project / "app" / "long.py").write_text("def f():\n" + long_body)
    config(project, 'max-function-lines = 4\nper-file-ignores = { "app/views.py" = ["FST101"] }')
    result = run("check")
    assert "FST101" not in result.output
    assert "long.py:1:5: FST502 Function `f` has 5 code lines (more than 4)" in result.output


def test_select_ignore_and_extend_select_on_the_command_line(project: Path) -> None:
    assert run("check", "--select", "FST2").exit_code == 0
    assert run("check", "--ignore", "FST101").exit_code == 0
    assert run("check", "--select", "FST2", "--extend-select", "FST1").exit_code == 1
    # ALL includes the opt-in rules: documented functions are clean under every rule but FST1
    for name in ("views.py", "clean.py"):
        module = project / "app" / name
        module.write_text(module.read_text().replace(":\n", ':\n    """Wait."""\n', 1))
    assert run("check", "--select", "ALL", "--ignore", "FST1").exit_code == 0


def test_isolated_and_explicit_config(project: Path) -> None:
    config(project, 'ignore = ["FST101"]')
    assert run("check").exit_code == 0
    assert run("check", "--isolated").exit_code == 1
    other = project / "other.toml"
    other.write_text("select = ['FST101']\n")
    assert run("check", "--config", str(other)).exit_code == 1


def test_config_is_found_walking_up(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config(project, 'ignore = ["FST101"]')
    monkeypatch.chdir(project / "app")
    assert run("check", ".").exit_code == 0


def test_discovery_skips_virtualenvs_and_config_excludes(project: Path) -> None:
    for folder in (".venv/lib", "node_modules/x", "build", "generated"):
        (project / folder).mkdir(parents=True)
        (project / folder / "mod.py").write_text(BLOCKING)
    config(project, 'extend-exclude = ["generated"]')
    result = run("check", "--output-format", "json")
    files = {Path(d["filename"]).relative_to(project).as_posix() for d in json.loads(result.output)}
    assert files == {"app/views.py"}
    # a file named on the command line is always linted, unless --force-exclude
    assert run("check", "generated/mod.py").exit_code == 1
    assert run("check", "--force-exclude", "generated/mod.py").exit_code == 0


def test_json_format_uses_ruff_field_names(project: Path) -> None:
    result = run("check", "--output-format", "json")
    (record,) = json.loads(result.output)
    assert set(record) == {
        "code",
        "message",
        "filename",
        "location",
        "end_location",
        "fix",
        "noqa_row",
        "url",
    }
    assert record["location"] == {"row": 5, "column": 5}
    assert record["end_location"] == {"row": 5, "column": 18}
    assert record["noqa_row"] == 5
    assert record["fix"] == {
        "applicability": "unsafe",
        "message": "Replace with `await asyncio.sleep(...)`",
        "edits": [
            {
                "content": "import asyncio\n",
                "location": {"row": 1, "column": 1},
                "end_location": {"row": 1, "column": 1},
            },
            {
                "content": "await asyncio.sleep(1)",
                "location": {"row": 5, "column": 5},
                "end_location": {"row": 5, "column": 18},
            },
        ],
    }
    assert record["url"].endswith("/docs/rules/FST101.md")
    assert Path(record["filename"]).is_absolute()


def test_github_format(project: Path) -> None:
    result = run("check", "--output-format", "github")
    line = result.output.strip()
    assert line.startswith("::error title=fastlint (FST101),file=app")
    assert ",line=5,col=5,endLine=5,endColumn=18::" in line


def test_statistics(project: Path) -> None:
    result = run("check", "--statistics")
    # `[*]`: these diagnostics have an automatic fix (`time.sleep` has one)
    assert result.output.splitlines() == ["    1\tFST101\t[*] blocking-call-in-async"]


def test_syntax_error_file_is_reported_and_others_linted(project: Path) -> None:
    (project / "app" / "broken.py").write_text("def f(:\n")
    result = run("check")
    assert "broken.py:1:7: FST000 SyntaxError" in result.output
    assert "views.py:5:5: FST101" in result.output


def test_rules_and_rule_docs() -> None:
    listing = run("rules").output.splitlines()
    assert "FST101\tblocking-call-in-async\ton\tfix: unsafe" in listing
    assert "FST103\tsync-route-handler\ton\tfix: none" in listing
    page = run("rule", "fst101").output
    assert page.startswith("# FST101: blocking-call-in-async")
    assert "## Why is this bad?" in page
    assert CliRunner().invoke(cli, ["rule", "FST999"]).exit_code == 2


def test_version() -> None:
    # fastlint's version, then libcst's and Python's (what a bug report needs)
    assert run("--version").output.startswith(f"fastlint {__version__} (libcst ")


def test_installed_console_script(project: Path) -> None:
    script = shutil.which("fastlint") or str(Path(sys.executable).parent / "fastlint")
    done = subprocess.run([script, "check", "app"], capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert "FST101" in done.stdout
