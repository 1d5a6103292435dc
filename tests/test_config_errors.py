"""No setting is silently dropped: every mistake is exit status 2 with a one-line message, or a
warning that says what was ignored."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastlint.config.settings import ConfigError, glob_problem, load_settings
from fastlint.frontends.cli import cli

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(BLOCKING)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["check", *args], env=env)


def assert_usage_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("fastlint: error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def write_config(project: Path, body: str) -> Path:
    path = project / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\n\n[tool.fastlint]\n{body}\n", encoding="utf-8")
    return path


# -- pyproject.toml that is not UTF-8 ----------------------------------------------------------


def test_found_pyproject_with_a_non_utf8_byte_is_an_error(project: Path) -> None:
    path = write_config(project, 'ignore = ["FST101"]')
    path.write_bytes(path.read_bytes().replace(b"name = 'x'", b"name = 'caf\xe9'"))
    assert_usage_error(run(), "pyproject.toml is not valid UTF-8", "byte 0xe9 on line 2")


def test_explicit_config_with_a_non_utf8_byte_is_an_error(project: Path) -> None:
    other = project / "other.toml"
    other.write_bytes(b"# \xff\nselect = ['FST101']\n")
    assert_usage_error(run("--config", str(other)), "other.toml is not valid UTF-8", "0xff")


def test_non_utf8_pyproject_without_fastlint_is_not_ours(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b"[project]\nname = 'caf\xe9'\n")
    assert run().exit_code == 1  # linted with the defaults: the file has no [tool.fastlint]


def test_explicit_config_that_is_a_directory(project: Path) -> None:
    assert_usage_error(run("--config", "app"), "config file is a directory")


# -- globs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("tests/[unit/*.py", "never closed"),
        ("[!", "never closed"),
        ("a[!]", "never closed"),
        ("app/[z-a].py", "range `z-a` is reversed"),
        ("", "empty"),
        ("  ", "empty"),
    ],
)
def test_invalid_globs(pattern: str, problem: str) -> None:
    found = glob_problem(pattern)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    "pattern", ["tests/*", "*.pyi", "a[]]", "[[]x", "app/[a-c]*.py", "[!_]*.py", "**/x.py", "[a-]"]
)
def test_valid_globs(pattern: str) -> None:
    assert glob_problem(pattern) is None


def test_invalid_per_file_ignores_glob_is_an_error(project: Path) -> None:
    write_config(project, 'per-file-ignores = { "app/[views.py" = ["FST101"] }')
    assert_usage_error(
        run(), "`per-file-ignores` pattern `app/[views.py` is not a valid glob", "never closed"
    )


def test_invalid_exclude_glob_is_an_error(project: Path) -> None:
    write_config(project, 'extend-exclude = ["gen[z-a]"]')
    assert_usage_error(run(), "`extend-exclude` pattern `gen[z-a]`", "reversed")


def test_valid_per_file_ignores_class_still_applies(project: Path) -> None:
    write_config(project, 'per-file-ignores = { "app/[uv]iews.py" = ["FST101"] }')
    assert run().exit_code == 0


# -- command-line combinations ------------------------------------------------------------------


def test_config_with_isolated_is_an_error(project: Path) -> None:
    other = project / "other.toml"
    other.write_text("select = ['FST101']\n")
    assert_usage_error(run("--config", str(other), "--isolated"), "--config", "--isolated")
    with pytest.raises(ConfigError):
        load_settings(config=other, isolated=True)


def test_statistics_with_an_output_format_on_the_command_line_is_an_error(project: Path) -> None:
    assert_usage_error(run("--statistics", "--output-format", "json"), "--statistics", "json")


def test_statistics_with_the_format_from_the_environment_warns(project: Path) -> None:
    result = run("--statistics", env={"FASTLINT_OUTPUT_FORMAT": "json"})
    assert result.exit_code == 1
    assert "fastlint: warning: ignoring FASTLINT_OUTPUT_FORMAT=json" in result.output
    assert "FST101" in result.output


def test_statistics_with_the_default_format_is_fine(project: Path) -> None:
    result = run("--statistics", "--output-format", "text")
    assert result.exit_code == 1
    assert "warning" not in result.output


def test_missing_baseline_with_add_noqa_is_an_error(project: Path) -> None:
    before = (project / "app" / "views.py").read_text()
    assert_usage_error(run("--add-noqa", "--baseline", "missing.json"), "baseline not found")
    assert (project / "app" / "views.py").read_text() == before  # nothing was rewritten


def test_missing_baseline_fails_before_linting(project: Path) -> None:
    assert_usage_error(run("--baseline", "missing.json"), "baseline not found: missing.json")


def test_add_noqa_with_a_baseline_suppresses_only_new_findings(project: Path) -> None:
    assert run("--write-baseline", "base.json").exit_code == 0
    (project / "app" / "new.py").write_text(BLOCKING.replace("time.sleep(1)", "time.sleep(2)"))
    result = run("--add-noqa", "--baseline", "base.json")
    assert result.exit_code == 0
    assert "# noqa" not in (project / "app" / "views.py").read_text()  # in the baseline
    assert "time.sleep(2)  # noqa: FST101" in (project / "app" / "new.py").read_text()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--add-noqa", "--write-baseline", "b.json"], ["--add-noqa", "--write-baseline"]),
        (
            ["--baseline", "b.json", "--write-baseline", "c.json"],
            ["--baseline", "--write-baseline"],
        ),
        (["--add-noqa", "--statistics"], ["--add-noqa", "--statistics"]),
        (["--write-baseline", "b.json", "--output-format", "json"], ["--output-format"]),
        (["--add-noqa", "--output-file", "out.txt"], ["--add-noqa", "--output-file"]),
    ],
)
def test_options_that_would_be_ignored_are_errors(
    project: Path, args: list[str], fragments: list[str]
) -> None:
    (project / "b.json").write_text(json.dumps({"fastlint-baseline": 1, "files": {}}))
    assert_usage_error(run(*args), *fragments)
    assert "# noqa" not in (project / "app" / "views.py").read_text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_explicit_config_that_is_a_fifo_is_an_error_not_a_hang(project: Path) -> None:
    os.mkfifo(project / "config.toml")
    assert_usage_error(run("--config", "config.toml"), "not a regular file")
