"""FST002: a ``# noqa: FSTnnn`` that suppresses nothing (found by the engine after the walk)."""

from __future__ import annotations

from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid


class UnusedNoqa(Rule):
    """Reports a `# noqa: FSTnnn` comment that suppresses no diagnostic."""

    code = "FST002"
    name = "unused-noqa"
    category = "engine"
    default_enabled = False
    fix = FIX_SAFE
    summary = "A `# noqa: FSTnnn` that suppresses nothing"
    message = "Unused `noqa` directive: remove it"
    docs = """
## What it does
After a file is linted, reports each `# noqa: ...` comment whose fastlint codes suppressed no
diagnostic on its line, at the `# noqa` directive, naming the unused codes. It has no visitors of
its own: the engine records which `noqa` codes suppressed something while it places the
diagnostics, and only pays for that when FST002 is enabled.

What is judged, as ruff's RUF100 does for its own codes:
- a code is judged only when its rule **ran** on the file: selected, and not turned off for the
  file by `per-file-ignores`. `--select FST101,FST002` judges only `FST101` comments, so the
  `noqa` of the rules not running are left alone. (Unlike ruff, codes of rules that are not
  enabled are not reported as "non-enabled": a partial selection is a normal way to run
  fastlint, in editors and pre-commit hooks.) A rule skipped because the file lacks its
  `requires_text` words did run: it could not fire, so its `noqa` is unused indeed. A rule that
  crashed on the file (FST001) is not judged;
- an FST code that names no rule (`FST999`, a typo or a retired rule) is reported as unknown;
- codes of other tools (`E501`, `F401`, `RUF100`...) are never judged: fastlint cannot know
  whether they are used;
- a bare `# noqa` (no codes) is never reported, as it may be there for another tool; a comment
  that names `FST002` itself (`# noqa: FST101, FST002`) is left alone;
- `# noqa` inside a string is not a comment and is not read. `# fastlint: noqa` turns the whole
  file off, FST002 included.

FST002 is a rule of `fastlint check` (and of the language server). Under the flake8 plugin,
flake8 handles `# noqa` itself after the plugin has run, so there use flake8's own tooling
(`flake8-noqa`) instead.

## Why is this bad?
A `noqa` that suppresses nothing hides the next real finding on that line: the code changed,
the rule was fixed, and the comment stayed. Removing stale suppressions keeps every remaining
`noqa` an argued exception.

## Example
```python
import time


def wait() -> None:
    time.sleep(1)  # noqa: FST199
```
`FST199` names no rule. With `select = ["FST101", "FST002"]`, a `# noqa: FST101` on a line that
has no blocking call is reported as unused too.

## Use instead
```python
import time


def wait() -> None:
    time.sleep(1)
```

## Fix
Safe: the unused codes are removed from the comment, other codes kept
(`# noqa: E501, FST101` -> `# noqa: E501`). With no code left the `# noqa` directive is removed,
and the rest of the comment stays (`# type: ignore  # noqa: FST101` -> `# type: ignore`); a
comment that was only the directive is removed with the blanks before it. Nothing that runs
changes.
"""
    valid = (
        Valid("x = 1  # noqa: E501\n"),
        Valid("x = 1  # noqa\n"),
        Valid('s = "# noqa: FST999"\n'),
        Valid("x = 1  # noqa: FST101\n"),
        Valid("x = 1  # noqa: FST999, FST002\n"),
    )
    invalid = (
        Invalid(
            "x = 1  # noqa: FST999\n",
            1,
            8,
            message_contains="unknown: `FST999`",
            fixed="x = 1\n",
        ),
        Invalid(
            "x = 1  # noqa: E501, FST999\n",
            1,
            8,
            message_contains="Unused `noqa` directive",
            fixed="x = 1  # noqa: E501\n",
        ),
        Invalid(
            "x = 1  # type: ignore  # noqa: FST999\n",
            1,
            24,
            message_contains="`FST999`",
            fixed="x = 1  # type: ignore\n",
        ),
    )
