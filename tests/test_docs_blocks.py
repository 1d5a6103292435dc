"""Every fenced block of README.md and docs/*.md is true: the docs test themselves.

- ``bash``/``sh``/``console`` blocks: each ``fastlint ...`` line is run, in order, in a sandbox
  (a copy of ``fixtures/clean_app``, plus the fixture apps a line names, plus empty-but-clean
  copies of the other files a line names), and must exit as documented. The convention: a line
  exits 0 unless its comment says otherwise (``# exit 1``, ``# exits 1``, ``# ... exit 1 ...``);
  ``fastlint lsp`` (a server) is not run. Other commands (pip, git, pre-commit) are not run; the
  extras ``pip install ".[x]"`` names must exist.
- Every ``--flag`` of a ``fastlint`` command, in a block or in inline code, is an option of that
  command, with a valid value where the option takes a choice. Every ``--flag`` in a page's
  text is an option of a fastlint command or one of the other tools' flags listed below.
- ``toml`` blocks parse; a ``[tool.fastlint]`` table (or a bare one in a page about it) loads
  through ``build_settings``, the real validation.
- ``yaml`` blocks parse; pre-commit hook ids exist in ``.pre-commit-hooks.yaml``; ``uses:
  fastlint/fastlint@REF`` names inputs of ``action.yml`` and a ref that exists in git.
- ``json`` and ``ini`` blocks parse.
- Every rule code (``FST101``) and family (``FST4xx``) mentioned anywhere exists, and every
  relative link points at a file that exists.

The generated rule pages (docs/rules/) are checked by tests/test_docs.py and
tests/test_rule_docs_examples.py.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import yaml

from fastlint.config.settings import ConfigError, build_settings
from fastlint.frontends.cli import cli
from fastlint.rules import RULES_BY_CODE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELLS = {"bash", "sh", "console", "shell"}
# Flags of other tools that the pages mention, by page (a fastlint flag needs no entry).
FOREIGN_FLAGS = {
    # ruff format --check (Development); --bogus: the example of a usage error
    "README.md": {"--check", "--bogus"},
    "flake8.md": {"--select", "--extend-select", "--disable-noqa", "--stdin-display-name",
                  "--jobs", "--fastlint-config", "--version"},
    "pre-commit.md": {"--all-files", "--files"},
    "editors.md": set(),
    "writing-a-rule.md": set(),
}  # fmt: skip
# The generated rule pages, for the cheap checks (codes, flags); their examples have their own tests.
RULE_PAGES = sorted((ROOT / "docs" / "rules").glob("*.md"))
# Codes a page names because they name no rule (FST002 reports noqa comments naming an unknown code).
UNKNOWN_ON_PURPOSE = {"FST002.md": frozenset({"FST199", "FST999"})}
# The flake8 plugin's own option (flake8_plugin.FastlintChecker.add_options).
PLUGIN_FLAGS = {"--fastlint-config"}

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<lang>[\w+-]*)\s*$")
_CODE = re.compile(r"\bFST(\d{3}|\dxx)\b")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_EXIT = re.compile(r"\bexits?:? (\d)\b")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    text: str

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line} ({self.lang or 'no language'})"


def fenced_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a markdown page (nested fences of more backticks included)."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not re.fullmatch(rf" *{fence}`*\s*", lines[end]):
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        found.append(Block(page, index + 1, opening["lang"].lower(), "\n".join(body) + "\n"))
        index = end + 1
    return found


def prose(page: Path) -> str:
    """A page without its fenced blocks."""
    text = page.read_text(encoding="utf-8")
    for block in fenced_blocks(page):
        text = text.replace(block.text, "")
    return text


def _blocks(*langs: str) -> list[Block]:
    return [block for page in PAGES for block in fenced_blocks(page) if block.lang in langs]


# -- fastlint commands ----------------------------------------------------------------------------


def _commands(text: str) -> Iterator[tuple[list[str], str]]:
    """(arguments after `fastlint`, the line's comment) of each fastlint command in ``text``."""
    for raw in text.splitlines():
        line, _, comment = raw.removeprefix("$ ").partition(" #")  # a console prompt
        for part in re.split(r"&&|\|\||;", line):
            words = _split(part.strip())
            if words and words[0] == "fastlint":
                yield words[1:], comment


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unclosed quote in a fragment: split on spaces
        return text.split()


def _options(command: click.Command) -> dict[str, click.Parameter]:
    """A command's options by name, ``--help`` and ``-h`` included."""
    params = [*command.params, command.get_help_option(click.Context(command))]
    return {
        name: param
        for param in params
        if param is not None
        for name in [*param.opts, *param.secondary_opts]
    }


def _group_options() -> dict[str, click.Parameter]:
    return _options(cli)


def command_problems(args: list[str]) -> list[str]:
    """What is wrong with ``fastlint ARGS``: an unknown command, flag or choice."""
    if not args or args[0].startswith("-"):
        known = _group_options()
        return [
            f"`fastlint {flag}` is not an option"
            for flag in args
            if flag.startswith("--") and flag.split("=")[0] not in known
        ]
    command = cli.commands.get(args[0])  # type: ignore[attr-defined]
    if command is None:
        return [f"`fastlint {args[0]}` is not a command"]
    options = _options(command)
    problems = []
    for position, word in enumerate(args[1:], start=1):
        if not word.startswith("--"):
            continue
        flag, _, value = word.partition("=")
        param = options.get(flag)
        if param is None:
            problems.append(f"`fastlint {args[0]} {flag}` is not an option")
            continue
        if isinstance(param.type, click.Choice):
            value = value or (args[position + 1] if position + 1 < len(args) else "")
            if value not in param.type.choices:
                problems.append(f"`{flag} {value}`: not one of {', '.join(param.type.choices)}")
    return problems


def _inline_commands(text: str) -> Iterator[list[str]]:
    for code in re.findall(r"`([^`\n]+)`", text):
        for args, _ in _commands(code):
            yield args


def _known_flags() -> set[str]:
    flags = set(_group_options())
    for command in cli.commands.values():  # type: ignore[attr-defined]
        flags |= set(_options(command))
    return flags


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_fastlint_commands_use_real_options(page: Path) -> None:
    problems = []
    for block in fenced_blocks(page):
        for args, _ in _commands(block.text):
            problems += [f"{block}: {problem}" for problem in command_problems(args)]
        for text in _yaml_strings(block):
            for args, _ in _commands(text):
                problems += [f"{block}: {problem}" for problem in command_problems(args)]
    for args in _inline_commands(prose(page)):
        problems += [f"{page.name}: {problem}" for problem in command_problems(args)]
    assert problems == []


def flag_problems(page: Path, text: str) -> list[str]:
    allowed = _known_flags() | FOREIGN_FLAGS.get(page.name, set())
    return sorted(
        {
            f"{page.name}: `{flag}` is no option of fastlint's"
            for flag in _FLAG.findall(text)
            if flag not in allowed
        }
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_flag_mentioned_exists(page: Path) -> None:
    assert flag_problems(page, page.read_text(encoding="utf-8")) == []


def test_the_flake8_plugin_flags_exist() -> None:
    from fastlint.frontends.flake8_plugin import FastlintChecker

    added: list[str] = []

    class Manager:
        def add_option(self, *names: str, **_: object) -> None:
            added.extend(names)

    FastlintChecker.add_options(Manager())
    assert PLUGIN_FLAGS <= set(added)


# -- running the shell blocks -----------------------------------------------------------------------


def _sandbox(tmp_path: Path, text: str) -> Path:
    """clean_app, the fixture apps ``text`` names, and clean files for the other paths it names."""
    sandbox = tmp_path / "project"
    shutil.copytree(FIXTURES / "clean_app", sandbox, ignore=shutil.ignore_patterns("expected.txt"))
    for name in sorted(set(re.findall(r"fixtures/(\w+)", text))):
        if (FIXTURES / name).is_dir():
            shutil.copytree(FIXTURES / name, sandbox / "fixtures" / name, dirs_exist_ok=True)
    for args, _ in _commands(text):
        for word in args:
            if word.endswith((".py", "/")) and not word.startswith("-") and "<" not in word:
                target = sandbox / word
                if word.endswith("/"):
                    target.mkdir(parents=True, exist_ok=True)
                elif not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text('"""A clean module."""\n')
    for redirected in re.findall(r"<\s*(\S+\.py)", text):
        target = sandbox / redirected
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text('"""A clean module."""\n')
    return sandbox


def _expected_exit(comment: str) -> int:
    found = _EXIT.search(comment)
    return int(found.group(1)) if found else 0


def _runnable(block: Block) -> bool:
    return block.lang in SHELLS and any(
        args and args[0] != "lsp" for args, _ in _commands(block.text)
    )


@pytest.mark.parametrize("block", [b for b in _blocks(*SHELLS) if _runnable(b)], ids=str)
def test_shell_blocks_run_as_documented(block: Block, tmp_path: Path) -> None:
    sandbox = _sandbox(tmp_path, block.text)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FASTLINT_", "NO_COLOR", "FORCE_COLOR"))
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    failures = []
    for raw in block.text.splitlines():
        line, _, comment = raw.removeprefix("$ ").partition(" #")
        runs = [args for args, _ in _commands(line) if args and args[0] != "lsp"]
        if not runs:
            continue
        command = " ".join(shlex.join(["fastlint", *args]) for args in runs)
        if "<" in line:  # a redirection: run the line's fastlint part as written
            command = line[line.index("fastlint") :]
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=sandbox,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        expected = _expected_exit(comment)
        if done.returncode != expected:
            failures.append(
                f"{block}: `{line.strip()}` exited {done.returncode}, documented {expected}: {done.stderr.strip()[:300]}"
            )
    assert failures == []


def test_pip_install_names_real_extras() -> None:
    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )
    for block in _blocks(*SHELLS):
        for named in re.findall(r'pip install "?\.\[([\w,-]+)\]', block.text):
            assert set(named.split(",")) <= extras, block


def test_readme_starts_with_the_two_commands_of_a_fresh_machine() -> None:
    first = fenced_blocks(ROOT / "README.md")[0]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```") < text.index("\n## "), "the commands come first"
    lines = [line.partition(" #")[0].strip() for line in first.text.splitlines() if line.strip()]
    assert len(lines) == 2
    assert re.fullmatch(r"pip install \. && fastlint check \S+", lines[0])
    assert (ROOT / lines[0].split()[-1]).exists()
    ci = (ROOT / ".ci" / "run").read_text()
    assert lines[1] in ci.splitlines(), ".ci/run runs the README's test command"


def test_readme_lists_the_test_extras() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    names = {re.split(r"[<>=!~; \[]", requirement)[0] for requirement in extras}
    intro = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    missing = sorted(name for name in names if name not in intro)
    assert missing == [], "README's first paragraph names every test extra"


# -- TOML, YAML, JSON, INI -------------------------------------------------------------------------


@pytest.mark.parametrize("block", _blocks("toml"), ids=str)
def test_toml_blocks_load(block: Block, tmp_path: Path) -> None:
    data = tomllib.loads(block.text)
    table = data.get("tool", {}).get("fastlint")
    if table is not None:
        try:
            build_settings(table, origin=str(block), root=tmp_path)
        except ConfigError as error:
            pytest.fail(f"{block}: {error}")


def _hook_ids() -> set[str]:
    return {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def _action_inputs() -> set[str]:
    return set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])


def _load_yaml(block: Block) -> object:
    return yaml.safe_load(textwrap.dedent(block.text))


def _walk(value: object) -> Iterator[dict]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _yaml_strings(block: Block) -> Iterator[str]:
    if block.lang not in ("yaml", "yml"):
        return
    stack = [_load_yaml(block)]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value


def _git_ref_exists(ref: str, path: str) -> bool | None:
    """Whether ``ref`` is a tag or commit of this repository holding ``path`` (None: no git)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "cat-file", "-e", f"{ref}:{path}"], cwd=ROOT, capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize("block", _blocks("yaml", "yml"), ids=str)
def test_yaml_blocks_parse_and_name_what_exists(block: Block) -> None:
    data = _load_yaml(block)
    assert isinstance(data, dict | list), block
    problems = []
    hooks = _hook_ids()
    for mapping in _walk(data):
        if block.page.name == "pre-commit.md" and "id" in mapping and mapping["id"] not in hooks:
            problems.append(f"hook `{mapping['id']}` is not in .pre-commit-hooks.yaml")
        if "fastlint/fastlint" in str(mapping.get("repo", "")):
            if _git_ref_exists(str(mapping["rev"]), ".pre-commit-hooks.yaml") is False:
                problems.append(f"rev `{mapping['rev']}` is no tag or commit with the hooks")
        uses = str(mapping.get("uses", ""))
        if uses.startswith("fastlint/fastlint@"):
            ref = uses.partition("@")[2]
            if _git_ref_exists(ref, "action.yml") is False:
                problems.append(f"`{uses}`: no tag or commit with action.yml")
            unknown = set(mapping.get("with", {})) - _action_inputs()
            problems += [f"`{uses}` has no input `{name}`" for name in sorted(unknown)]
    assert problems == [], block


@pytest.mark.parametrize("block", _blocks("json"), ids=str)
def test_json_blocks_parse(block: Block) -> None:
    json.loads(block.text)


@pytest.mark.parametrize("block", _blocks("ini"), ids=str)
def test_ini_blocks_parse(block: Block) -> None:
    configparser.ConfigParser(inline_comment_prefixes=("#",)).read_string(block.text)


# -- codes and links --------------------------------------------------------------------------------


def code_problems(text: str, on_purpose: frozenset[str] = frozenset()) -> list[str]:
    problems = []
    for code in sorted(set(_CODE.findall(text)) - {c[3:] for c in on_purpose}):
        if code.endswith("xx"):
            if not any(known.startswith(f"FST{code[0]}") for known in RULES_BY_CODE):
                problems.append(f"no rule of the family FST{code}")
        elif f"FST{code}" not in RULES_BY_CODE:
            problems.append(f"no rule FST{code}")
    return problems


@pytest.mark.parametrize(
    "page", [*PAGES, ROOT / "CHANGELOG.md", *RULE_PAGES], ids=lambda page: page.name
)
def test_every_rule_code_mentioned_exists(page: Path) -> None:
    on_purpose = UNKNOWN_ON_PURPOSE.get(page.name, frozenset())
    assert code_problems(page.read_text(encoding="utf-8"), on_purpose) == []


@pytest.mark.parametrize("page", RULE_PAGES, ids=lambda page: page.name)
def test_rule_pages_mention_real_flags(page: Path) -> None:
    """The generated rule pages (cheap to check): `--fix`, `--unsafe-fixes`... exist."""
    text = page.read_text(encoding="utf-8")
    problems = flag_problems(page, text)
    for args in _inline_commands(text):
        problems += command_problems(args)
    assert problems == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_relative_links_exist(page: Path) -> None:
    missing = []
    for target in _LINK.findall(prose(page)):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        if not (page.parent / target.partition("#")[0]).exists():
            missing.append(target)
    assert missing == []


# -- the checks catch what they are for -------------------------------------------------------------


def test_a_removed_flag_fails_the_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take `--statistics` out of `fastlint check`: the README's mentions of it now fail."""
    check = cli.commands["check"]  # type: ignore[attr-defined]
    params = [param for param in check.params if "--statistics" not in param.opts]
    monkeypatch.setattr(check, "params", params)
    readme = ROOT / "README.md"
    assert "`README.md: `--statistics` is no option of fastlint's" in " ".join(
        f"`{problem}" for problem in flag_problems(readme, readme.read_text())
    )
    usage = next(b for b in fenced_blocks(readme) if "--statistics" in b.text and b.lang in SHELLS)
    assert any(
        "--statistics` is not an option" in problem
        for args, _ in _commands(usage.text)
        for problem in command_problems(args)
    )


def test_an_unbuilt_flag_or_choice_fails() -> None:
    assert command_problems(["check", "--watch"]) == ["`fastlint check --watch` is not an option"]
    assert command_problems(["check", "--output-format", "html"])
    assert command_problems(["serve"]) == ["`fastlint serve` is not a command"]
    assert command_problems(["check", "--color", "always", "--output-format", "sarif"]) == []


def test_a_removed_rule_fails_the_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(RULES_BY_CODE, "FST101")
    assert "no rule FST101" in code_problems((ROOT / "README.md").read_text())
    for code in [code for code in RULES_BY_CODE if code.startswith("FST4")]:
        monkeypatch.delitem(RULES_BY_CODE, code)
    assert code_problems("the FST4xx security rules") == ["no rule of the family FST4xx"]


def test_an_invalid_documented_setting_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        build_settings({"max-function-length": 40}, origin="docs", root=tmp_path)


# -- the changelog ----------------------------------------------------------------------------------


def _changelog_families() -> dict[str, str]:
    """The text of each `### FSTnxx` section of CHANGELOG.md, by its digit."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return {m[1]: body for body in sections if (m := re.match(r"FST(\d)xx", body))}


def _listed(body: str, label: str) -> set[str]:
    found = re.search(rf"(?<![a-z]){label}:? ([^.;]*)", body)
    return set(re.findall(r"FST\d{3}", found.group(1))) if found else set()


@pytest.mark.parametrize("family", sorted({code[3] for code in RULES_BY_CODE}))
def test_the_changelog_lists_each_family_s_rules_fixes_and_opt_ins(family: str) -> None:
    body = _changelog_families().get(family)
    assert body is not None, f"CHANGELOG.md has no section FST{family}xx"
    rules = {code: rule for code, rule in RULES_BY_CODE.items() if code[3] == family}
    assert sorted(set(rules) - set(re.findall(r"FST\d{3}", body))) == [], "rules not mentioned"
    fixes = body[body.find("Fixes:") :] if "Fixes:" in body else ""
    assert _listed(fixes, "safe") == {c for c, r in rules.items() if r.fix == "safe"}
    assert _listed(fixes, "unsafe") == {c for c, r in rules.items() if r.fix == "unsafe"}
    opt_in = {c for c, r in rules.items() if not r.default_enabled}
    assert _listed(body[body.rfind("Opt-in:") :] if "Opt-in:" in body else "", "Opt-in") == opt_in


# -- what the README promises of errors -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--bogus"],
        ["bogus"],
        ["check", "--output-format", "html"],
        ["check", "--jobs", "0"],
        ["check", "--color"],
        ["rule"],
    ],
    ids=" ".join,
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fastlint", *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.startswith("fastlint: error: "), done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert "--help`)" in done.stderr and done.stdout == ""


def test_fastlint_alone_prints_the_help(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fastlint"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "Usage: " in done.stdout + done.stderr and "fastlint: error" not in done.stderr
