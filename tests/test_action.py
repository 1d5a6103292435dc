"""action.yml: a composite GitHub Action, checked against the documented metadata schema
(https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions),
and its lint step run here as the runner would run it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
# The keys a step of a composite action may have (metadata syntax, `runs.steps[*]`).
STEP_KEYS = {"id", "name", "if", "run", "shell", "uses", "with", "env", "working-directory",
             "continue-on-error"}  # fmt: skip
SHELLS = {"bash", "pwsh", "python", "sh", "cmd", "powershell"}
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def test_top_level_metadata() -> None:
    assert set(ACTION) <= {"name", "description", "author", "inputs", "outputs", "runs", "branding"}
    assert isinstance(ACTION["name"], str) and ACTION["name"]
    assert isinstance(ACTION["description"], str) and ACTION["description"]
    assert ACTION["branding"]["color"] in {
        "white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"
    }  # fmt: skip


def test_inputs_have_descriptions() -> None:
    for name, spec in ACTION["inputs"].items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name)
        assert set(spec) <= {"description", "required", "default", "deprecationMessage"}
        assert isinstance(spec["description"], str) and spec["description"], name
        assert isinstance(spec.get("default", ""), str), f"{name}: defaults are strings"
    assert {"version", "paths", "args"} <= set(ACTION["inputs"])


def test_outputs_of_a_composite_action_have_a_value() -> None:
    for name, spec in ACTION["outputs"].items():
        assert set(spec) == {"description", "value"}, name


def test_runs_is_composite_and_every_run_step_has_a_shell() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["runs"]) == {"using", "steps"}
    assert isinstance(STEPS, list) and STEPS
    ids = [step["id"] for step in STEPS if "id" in step]
    assert len(ids) == len(set(ids))
    for step in STEPS:
        assert set(step) <= STEP_KEYS, step
        assert ("run" in step) != ("uses" in step), step  # exactly one of them
        if "run" in step:
            assert step["shell"] in SHELLS, step
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), step["uses"]
            assert "shell" not in step


def _expressions() -> list[tuple[str, str]]:
    """(expression, where) for every ${{ }} in the steps and outputs."""
    found = []
    for index, step in enumerate(STEPS):
        text = json.dumps(step)
        found += [(match.strip(), f"step {index}") for match in EXPRESSION.findall(text)]
        if "if" in step:
            found.append((step["if"], f"step {index} if"))
    for name, spec in ACTION["outputs"].items():
        found += [(match.strip(), f"output {name}") for match in EXPRESSION.findall(spec["value"])]
    return found


def test_expressions_name_inputs_and_steps_that_exist() -> None:
    ids = {step["id"] for step in STEPS if "id" in step}
    for expression, where in _expressions():
        for name in re.findall(r"\binputs\.([\w-]+)", expression):
            assert name in ACTION["inputs"], f"{where}: unknown input {name}"
        for name in re.findall(r"\bsteps\.([\w-]+)", expression):
            assert name in ids, f"{where}: unknown step {name}"


def test_inputs_never_spliced_into_scripts() -> None:
    """Script injection: inputs reach `run` scripts through `env`, never as ${{ inputs.x }}."""
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]


def test_the_action_uploads_sarif_and_can_annotate() -> None:
    uses = [step.get("uses", "") for step in STEPS]
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses)
    lint = next(step for step in STEPS if step.get("id") == "lint")
    assert "--output-format github" in lint["run"] and "--output-format sarif" in lint["run"]
    assert ACTION["inputs"]["output"]["default"] in {"sarif", "github"}


def test_the_install_step_installs_from_the_action_path() -> None:
    install = next(step for step in STEPS if step.get("name") == "Install fastlint")
    assert install["env"]["FASTLINT_SOURCE"] == "${{ github.action_path }}"
    assert install["env"]["FASTLINT_VERSION"] == "${{ inputs.version }}"


@pytest.mark.parametrize("step", [s for s in STEPS if "run" in s], ids=lambda s: s["name"])
def test_scripts_are_valid_bash(step: dict) -> None:
    done = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _run_lint_step(tmp_path: Path, output: str, paths: str, args: str = "") -> tuple[int, str]:
    """The lint step's script, with the environment the runner gives it."""
    lint = next(step for step in STEPS if step.get("id") == "lint")
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = {
        "PATH": str(Path(shutil.which("fastlint") or "fastlint").parent) + ":/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(outputs),
        "FASTLINT_PATHS": paths,
        "FASTLINT_ARGS": args,
        "FASTLINT_OUTPUT": output,
        "FASTLINT_SARIF": str(tmp_path / "fastlint.sarif"),
    }
    # As the runner runs `shell: bash`: bash --noprofile --norc -eo pipefail {0}
    script = tmp_path / "step.sh"
    script.write_text(lint["run"])
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    return done.returncode, outputs.read_text() + done.stdout + done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(
        "import time\n\n\nasync def f():\n    time.sleep(1)\n"
    )
    (tmp_path / "app" / "ok.py").write_text("x = 1\n")
    return tmp_path


def test_lint_step_writes_sarif_and_sets_the_output(project: Path) -> None:
    status, said = _run_lint_step(project, "sarif", "app", "--isolated --no-cache --select FST101")
    assert status == 1  # findings fail the step; the upload step still runs (always())
    assert f"sarif-file={project / 'fastlint.sarif'}" in said
    sarif = json.loads((project / "fastlint.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "FST101"


def test_lint_step_annotates(project: Path) -> None:
    status, said = _run_lint_step(
        project, "github", "app/ok.py app/main.py", "--isolated --select FST101"
    )
    assert status == 1
    assert "::error" in said and "FST101" in said and "sarif-file" not in said


def test_lint_step_clean_and_with_args(project: Path) -> None:
    status, _ = _run_lint_step(
        project, "github", "app", "--isolated --select FST101,FST103 --ignore FST101"
    )
    assert status == 0


def test_lint_step_rejects_an_unknown_output(project: Path) -> None:
    status, said = _run_lint_step(project, "xml", "app")
    assert status == 2 and "the output input is sarif or github" in said


def test_the_docs_table_lists_every_input_with_its_default() -> None:
    page = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w-]+)` \| ([^|]*) \|", page, re.MULTILINE)
    documented = {name: default.strip().strip("`") for name, default in rows}
    expected = {name: spec.get("default", "") or "empty" for name, spec in ACTION["inputs"].items()}
    assert documented == expected


def test_the_docs_show_the_action_before_the_manual_steps() -> None:
    page = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
    assert page.index("uses: fastlint/fastlint@") < page.index("run: fastlint check")
