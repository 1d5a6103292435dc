"""Every ``--output-format``: its structure, and what the systems that read it require."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from sarif_pydantic import Sarif

from fastlint.config.settings import load_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.edits import Edit, TextFix
from fastlint.engine.rule import FIX_NONE, FIX_SAFE, FIX_UNSAFE, Rule
from fastlint.frontends.cli import cli
from fastlint.frontends.formats import FORMATS, OutputContext, SourceLines, format_statistics
from fastlint.frontends.formats.common import category_of
from fastlint.frontends.formats.machine import code_climate_category, severity
from fastlint.frontends.formats.sarif import level
from fastlint.rules import ALL_RULES, RULES_BY_CODE
from fastlint.run.runner import lint_files

SOURCE = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n    time.sleep(1)\n"
OTHER = "x = 1\n"
FIRST = Diagnostic("app/views.py", 5, 5, "FST101", "`time.sleep()` blocks % the loop", 5, 18)
SECOND = Diagnostic("app/views.py", 6, 5, "FST101", "`time.sleep()` blocks % the loop", 6, 18)
DIAGNOSTICS = [FIRST, SECOND]


def context() -> OutputContext:
    texts = {"app/views.py": SOURCE, "app/other.py": OTHER}
    return OutputContext(files=["app/other.py", "app/views.py"], sources=SourceLines(texts))


def render(name: str, diagnostics: list[Diagnostic] = DIAGNOSTICS) -> str:
    return FORMATS[name](diagnostics, context())


def test_every_format_is_registered() -> None:
    expected = {"text", "concise", "full", "json", "json-lines", "github", "gitlab", "sarif"}
    assert set(FORMATS) == expected | {"junit"}


def test_concise_and_text() -> None:
    concise = render("concise").splitlines()
    assert concise[0] == "app/views.py:5:5: FST101 `time.sleep()` blocks % the loop"
    assert len(concise) == 2
    assert render("text").splitlines() == [*concise, "Found 2 errors."]
    assert render("text", []) == "All checks passed!\n" and render("concise", []) == ""


def test_full_shows_the_line_a_caret_under_the_span_and_the_fix_hint() -> None:
    lines = render("full", [FIRST]).splitlines()
    assert lines[0] == "app/views.py:5:5: FST101 `time.sleep()` blocks % the loop"
    source_at = lines.index("5 |     time.sleep(1)")
    assert lines[source_at + 1] == "  |     ^^^^^^^^^^^^^ FST101"
    # this diagnostic carries no fix, though FST101 fixes other cases: the hint says so
    assert "  = fix: no automatic fix for this case (the rule fixes others)" in lines
    assert any(line.startswith("  = docs: https://") for line in lines)
    assert lines[-1] == "Found 1 error."


def test_full_caret_counts_wide_characters_and_keeps_tabs() -> None:
    text = "\tx = '日本' + f()\n"
    found = Diagnostic("w.py", 1, 13, "FST101", "m", 1, 16)
    output = FORMATS["full"]([found], OutputContext(sources=SourceLines({"w.py": text})))
    assert "  | \t" + " " * 13 + "^^^ FST101" in output.splitlines()  # 日本 is 4 columns wide


def test_json_and_json_lines_carry_the_same_records() -> None:
    records = json.loads(render("json"))
    lines = [json.loads(line) for line in render("json-lines").splitlines()]
    assert records == lines and len(lines) == 2
    assert lines[0]["code"] == "FST101" and lines[0]["location"] == {"row": 5, "column": 5}


def test_github_escapes_as_workflow_commands_require() -> None:
    odd = Diagnostic("a,b:c.py", 1, 1, "FST101", "50% off\nnext line", 1, 2)
    (line,) = FORMATS["github"]([odd]).splitlines()
    assert line.startswith("::error title=fastlint (FST101),file=a%2Cb%3Ac.py,line=1,col=1,")
    assert line.endswith("::a,b:c.py:1:1: FST101 50%25 off%0Anext line")


def test_gitlab_code_quality_fields_and_stable_fingerprints() -> None:
    issues = json.loads(render("gitlab"))
    assert len(issues) == 2
    for issue in issues:
        assert issue["check_name"] == "FST101"
        assert issue["description"].startswith("FST101: ")
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "app/views.py"
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
    # identical lines are told apart, and a moved line keeps its fingerprint
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]
    moved = Diagnostic("app/views.py", 7, 5, "FST101", FIRST.message, 7, 18)
    shifted = OutputContext(sources=SourceLines({"app/views.py": "\n\n" + SOURCE}))
    again = json.loads(FORMATS["gitlab"]([moved], shifted))
    assert again[0]["fingerprint"] == issues[0]["fingerprint"]


def test_sarif_loads_into_the_sarif_object_model() -> None:
    text = render("sarif")
    log = Sarif.model_validate_json(text)
    assert log.version == "2.1.0"
    (run,) = log.runs
    assert run.tool.driver.name == "fastlint"
    assert [rule.id for rule in run.tool.driver.rules or []] == [r.code for r in ALL_RULES]
    assert run.results is not None and len(run.results) == 2


def test_sarif_has_what_github_code_scanning_requires() -> None:
    data = json.loads(render("sarif"))
    assert data["$schema"].endswith("sarif-2.1.0.json") and data["version"] == "2.1.0"
    (run,) = data["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "FST101"
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "app/views.py"
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        assert set(result["partialFingerprints"]) == {"primaryLocationLineHash"}
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert hashes[0] != hashes[1]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_junit_has_one_test_case_per_file() -> None:
    root = ET.fromstring(render("junit"))
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"app/other.py", "app/views.py"}
    assert cases["app/other.py"].find("failure") is None
    failure = cases["app/views.py"].find("failure")
    assert failure is not None and "5:5: FST101" in (failure.text or "")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_from_the_command_line(project: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["check", "--isolated", "--output-format", name])
    assert result.exit_code == 1
    found = lint_files([Path("app/views.py")], load_settings(isolated=True))
    assert [(d.row, d.column, d.message) for d in found] == [
        (5, 5, _message(project)),
        (6, 5, _message(project)),
    ]
    assert all(d.fix is not None for d in found)  # `time.sleep` statements: fixable
    assert result.stdout == FORMATS[name](found, OutputContext(files=[str(Path("app/views.py"))]))


def _message(project: Path) -> str:
    result = CliRunner().invoke(cli, ["check", "--isolated", "--output-format", "json"])
    return json.loads(result.stdout)[0]["message"]


def test_env_var_and_output_file(project: Path) -> None:
    out = project / "reports" / "fastlint.sarif"
    result = CliRunner(env={"FASTLINT_OUTPUT_FORMAT": "sarif"}).invoke(
        cli, ["check", "--isolated", "--output-file", str(out)]
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_quiet_drops_the_summary_line(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--isolated", "--quiet"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        line for line in result.output.splitlines() if "FST101" in line
    ]
    assert "Found" not in result.output


def test_sarif_uri_of_a_file_outside_the_current_directory(tmp_path: Path) -> None:
    outside = Diagnostic(str(tmp_path / "a b.py"), 1, 1, "FST101", "m", 1, 2)
    data = json.loads(FORMATS["sarif"]([outside], OutputContext(sources=SourceLines({}))))
    artifact = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"]["uri"] == (tmp_path / "a b.py").as_uri()
    assert "uriBaseId" not in artifact["artifactLocation"]


def test_quiet_full_has_no_summary(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--isolated", "-q", "--output-format", "full"])
    assert result.exit_code == 1 and "Found" not in result.output
    assert "^^^^^^^^^^^^^ FST101" in result.output


def test_statistics_and_full_hint_tell_the_truth_about_fixes() -> None:
    # `[*]` and the full format's hint follow the diagnostics' own fixes, not the rule's claim.
    found = [
        Diagnostic("a.py", row, 1, rule.code, "m", row, 2) for row, rule in enumerate(ALL_RULES, 1)
    ]
    assert "[*]" not in format_statistics(found)
    full = FORMATS["full"](found, OutputContext(sources=SourceLines({})))
    assert "applied by `--fix" not in full
    fix = TextFix(FIX_UNSAFE, "Add `await`", (Edit(1, 1, 1, 1, "await "),))
    fixed = Diagnostic("a.py", 1, 1, "FST302", "m", 1, 2, fix=fix)
    assert format_statistics([fixed]).splitlines() == [
        "    1\tFST302\t[*] missing-await-on-async-session"
    ]
    full = FORMATS["full"]([fixed], OutputContext(sources=SourceLines({})))
    assert "= fix: Add `await` (unsafe: applied by `--fix --unsafe-fixes`; review it)" in full
    assert "[*] " not in full and "1 hidden fix can be enabled with `--unsafe-fixes`" in full
    record = json.loads(FORMATS["json"]([fixed], OutputContext()))[0]["fix"]
    assert record == {
        "applicability": "unsafe",
        "message": "Add `await`",
        "edits": [
            {
                "content": "await ",
                "location": {"row": 1, "column": 1},
                "end_location": {"row": 1, "column": 1},
            }
        ],
    }
    assert all(rule.fix in (FIX_NONE, FIX_SAFE, FIX_UNSAFE) for rule in ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_format_severities_follow_the_rule_category(rule: type[Rule]) -> None:
    assert category_of(rule.code) == rule.category
    engine, security = rule.category == "engine", rule.category == "security"
    assert severity(rule.code) == ("blocker" if engine else "critical" if security else "major")
    assert code_climate_category(rule.code) == ("Security" if security else "Bug Risk")
    assert level(rule.code) == ("error" if engine or security else "warning")


def test_formats_read_the_category_not_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    class LeakedSecret(Rule):  # a security rule whose code is outside FST4xx still counts
        code = "FST997"
        name = "leaked-secret"
        category = "security"

    monkeypatch.setitem(RULES_BY_CODE, "FST997", LeakedSecret)
    assert severity("FST997") == "critical" and level("FST997") == "error"
    assert code_climate_category("FST997") == "Security"


def test_an_unknown_code_gets_the_plain_defaults() -> None:
    # a code no rule reports (a stale baseline entry, a code of another tool)
    assert category_of("FST498") is None and category_of("E501") is None
    assert severity("FST498") == "major" and code_climate_category("FST498") == "Bug Risk"
    assert level("FST498") == "warning"
    unknown = Diagnostic("a.py", 1, 1, "FST498", "m", 1, 2)
    data = json.loads(FORMATS["sarif"]([unknown], OutputContext(sources=SourceLines({}))))
    (result,) = data["runs"][0]["results"]
    assert result["level"] == "warning" and "ruleIndex" not in result
    full = FORMATS["full"]([unknown], OutputContext(sources=SourceLines({})))
    assert full.startswith("a.py:1:1: FST498 m\n") and "fix" not in full


def test_sarif_rule_tags_carry_the_category() -> None:
    data = json.loads(render("sarif"))
    for descriptor in data["runs"][0]["tool"]["driver"]["rules"]:
        rule = RULES_BY_CODE[descriptor["id"]]
        assert descriptor["properties"]["tags"][:2] == ["fastapi", rule.category]
