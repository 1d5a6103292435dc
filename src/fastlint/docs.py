"""Rule documentation, generated from the rule classes.

``python -m fastlint.docs`` rewrites ``docs/rules/*.md`` and the rule table in ``README.md``;
a test fails when the committed files drift from the classes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fastlint.engine.rule import FIX_NONE, Rule
from fastlint.rules import ALL_RULES

TABLE_START = "<!-- rules:start -->"
TABLE_END = "<!-- rules:end -->"


def default_label(rule: type[Rule]) -> str:
    """``on`` or ``opt-in``, as the rule pages and the README table say it."""
    return "on" if rule.default_enabled else "opt-in"


def fix_label(rule: type[Rule]) -> str:
    """What ``--fix`` can do for the rule: ``safe``, ``unsafe`` or ``none``."""
    return "none" if rule.fix == FIX_NONE else rule.fix


def rule_page(rule: type[Rule]) -> str:
    """The markdown of ``docs/rules/<code>.md``: the rule's summary, labels, docs and options."""
    parts = [
        f"# {rule.code}: {rule.name}",
        "",
        f"{rule.summary}.",
        "",
        f"- Category: **{rule.category}**",
        f"- Default: **{default_label(rule)}**",
        f"- Fix: **{fix_label(rule)}**",
        "",
        rule.docs.strip(),
        "",
        "## Options",
    ]
    if rule.options:
        for option in rule.options:
            type_name = "list of strings" if option.type is list else option.type.__name__
            type_name = "table" if option.type is dict else type_name
            parts.append(
                f"- `{option.name}` ({type_name}, default `{json.dumps(option.default)}`): "
                f"{option.help}"
            )
    else:
        parts.append("This rule has no options.")
    parts += [
        "",
        "Suppress one finding with `# noqa: " + rule.code + "` on the reported line.",
    ]
    return "\n".join(parts) + "\n"


def rule_table() -> str:
    """The README's markdown table of every rule, linking to the rule pages."""
    rows = ["| Code | Name | Default | Fix | What it finds |", "|---|---|---|---|---|"]
    for rule in ALL_RULES:
        rows.append(
            f"| [{rule.code}](docs/rules/{rule.code}.md) | {rule.name} | {default_label(rule)} "
            f"| {fix_label(rule)} | {rule.summary} |"
        )
    return "\n".join(rows)


def readme_with_table(readme: str) -> str:
    """``readme`` with the text between the table markers replaced by the current table."""
    head, _, rest = readme.partition(TABLE_START)
    _, _, tail = rest.partition(TABLE_END)
    return f"{head}{TABLE_START}\n{rule_table()}\n{TABLE_END}{tail}"


def expected_files(root: Path) -> dict[Path, str]:
    """Every generated file under ``root`` and the text it must hold (the docs test compares)."""
    files = {root / "docs" / "rules" / f"{rule.code}.md": rule_page(rule) for rule in ALL_RULES}
    readme = root / "README.md"
    files[readme] = readme_with_table(readme.read_text(encoding="utf-8"))
    return files


def main(argv: list[str] | None = None) -> int:
    """Write the rule pages and the README table under the root given (default ``.``)."""
    root = Path(argv[0] if argv else ".")
    for path, text in expected_files(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
