"""Every rule's docs examples, run: each ```python block under "## Example" triggers the rule, and
each one under "## Use instead" does not.

Each block is linted with its rule alone (plus FST000/FST001, so that a block that does not parse
or makes the rule crash cannot pass for a clean one). Two conventions, both visible to the reader:

- A ```toml block in the "## Example" section holds ``[tool.fastlint]`` settings that apply to the
  rule's example and use-instead blocks (FST502 uses a small ``max-function-lines`` to keep its
  example short).
- A block whose first line is ``# file: path`` holds several files, each starting at such a
  line; they are written to a temporary project and linted together with a project index (FST102
  follows calls into other modules). A multi-file "Use instead" block replaces those files of the
  rule's multi-file example and keeps the others, so the fixed code is checked against the same
  helpers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from fastlint.config.settings import all_options
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import Linter
from fastlint.engine.rule import Rule
from fastlint.project import ProjectIndex
from fastlint.rules import ALL_RULES, RULES_BY_CODE

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ENGINE_RULES = (RULES_BY_CODE["FST000"], RULES_BY_CODE["FST001"])

# Rules whose example is not Python source, with the reason; every other rule needs at least one
# ```python block under "## Example".
NO_PYTHON_EXAMPLE = {
    "FST001": "an internal error is a crash of fastlint; its example is the diagnostic text",
}

_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"^# file: (\S+)\n", re.MULTILINE)

Files = dict[str, str]


def sections(docs: str) -> dict[str, str]:
    """The text under each ``## Heading`` of a rule's docs."""
    parts = _HEADING.split(docs)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def blocks(section: str, language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(section) if lang == language]


def files_of(block: str) -> Files | None:
    """The files of a multi-file block, by path; None for a single-file block."""
    if not block.startswith("# file: "):
        return None
    found: Files = {}
    starts = list(_FILE.finditer(block))
    for start, end in zip(starts, [*starts[1:], None], strict=True):
        text = block[start.end() : end.start() if end is not None else len(block)]
        found[start.group(1)] = text.strip("\n") + "\n"
    return found


def options_of(rule: type[Rule]) -> dict:
    found: dict = {}
    for body in blocks(sections(rule.docs).get("Example", ""), "toml"):
        table = tomllib.loads(body).get("tool", {}).get("fastlint", {})
        found.update({key: all_options()[key].validate(value) for key, value in table.items()})
    return found


def lint_block(rule: type[Rule], block: str, base: Files, root: Path) -> list[Diagnostic]:
    rules = [rule, *(engine for engine in ENGINE_RULES if engine is not rule)]
    options = options_of(rule)
    files = files_of(block)
    if files is None:
        project = ProjectIndex([Path("example.py")]) if rule.needs_project else None
        return Linter(rules, options, project).lint_text(block, "example.py")
    files = {**base, **files}
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    linter = Linter(rules, options, ProjectIndex(paths))
    return [found for path in paths for found in linter.lint_text(path.read_text(), str(path))]


def example_files(rule: type[Rule]) -> Files:
    """The files of the rule's first multi-file example: the base of its use-instead blocks."""
    for block in blocks(sections(rule.docs).get("Example", ""), "python"):
        files = files_of(block)
        if files is not None:
            return files
    return {}


CASES = [
    pytest.param(rule, heading, index, id=f"{rule.code}-{heading.split()[0].lower()}-{index}")
    for rule in ALL_RULES
    for heading in ("Example", "Use instead")
    for index, _ in enumerate(blocks(sections(rule.docs).get(heading, ""), "python"))
]


@pytest.mark.parametrize(("rule", "heading", "index"), CASES)
def test_docs_block(rule: type[Rule], heading: str, index: int, tmp_path: Path) -> None:
    block = blocks(sections(rule.docs)[heading], "python")[index]
    base = example_files(rule) if heading == "Use instead" else {}
    found = lint_block(rule, block, base, tmp_path)
    engine = [d for d in found if d.code != rule.code]
    assert not engine, f"{rule.code} {heading} block {index}: {engine}"
    codes = [d.code for d in found]
    if heading == "Example":
        assert rule.code in codes, f"{rule.code}: its example block {index} is not reported"
    else:
        assert codes == [], f"{rule.code}: its use-instead block {index} is reported: {found}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_every_rule_has_a_python_example(rule: type[Rule]) -> None:
    examples = blocks(sections(rule.docs).get("Example", ""), "python")
    if rule.code in NO_PYTHON_EXAMPLE:
        assert not examples, f"{rule.code} has a Python example now: run it"
        assert blocks(sections(rule.docs)["Example"], "text")
    else:
        assert examples, f"{rule.code} has no ```python block under ## Example"


def test_multi_file_blocks_are_split_by_their_file_lines() -> None:
    block = "# file: a/b.py\nx = 1\n\n\n# file: c.py\ny = 2\n"
    assert files_of(block) == {"a/b.py": "x = 1\n", "c.py": "y = 2\n"}
    assert files_of("import a\n# file: not-first.py\n") is None


def test_a_use_instead_block_is_linted_with_the_example_files(tmp_path: Path) -> None:
    # FST102's use-instead block names only the route; the helpers come from its example, so
    # the unfixed route written as a use-instead block is still reported.
    rule = RULES_BY_CODE["FST102"]
    base = example_files(rule)
    unfixed = "# file: routers/users.py\n" + base["routers/users.py"]
    found = lint_block(rule, unfixed, base, tmp_path)
    assert [d.code for d in found] == ["FST102"]
