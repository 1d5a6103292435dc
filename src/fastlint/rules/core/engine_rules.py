"""FST000 and FST001: reported by the engine itself, declared here for selection and docs."""

from __future__ import annotations

from fastlint.engine.rule import Invalid, Rule, Valid


class SyntaxErrorRule(Rule):
    """Reports a file that does not parse (the engine emits it; no visitor runs)."""

    code = "FST000"
    name = "syntax-error"
    category = "engine"
    summary = "The file does not parse; the other files are still linted"
    message = "SyntaxError: the file does not parse"
    docs = """
## What it does
Reports a file that libcst cannot parse (or decode), at the place the parser stopped, with the
parser's message. The file is not linted further; every other file still is.

## Why is this bad?
Code that does not parse cannot run, and nothing else can be checked in it: a silent skip would
hide every other finding in the file.

## Example
```python
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
async def list_items(:
    ...
```

## Use instead
Fix the syntax at the reported position. If the file is written for a Python version that
libcst cannot parse, exclude it with `extend-exclude`.
"""
    valid = (Valid("x = 1\n"),)
    invalid = (Invalid("def f(:\n    pass\n", 1, 7, message_contains="SyntaxError"),)


class InternalErrorRule(Rule):
    """Reports a rule that crashed on a file (the engine emits it; no visitor runs)."""

    code = "FST001"
    name = "internal-error"
    category = "engine"
    summary = "A rule crashed on this file; the other rules and files still ran"
    message = "Internal error: a rule crashed on this file"
    docs = """
## What it does
Reports that one of fastlint's rules raised an exception on this file, naming the rule and the
error. That rule's other findings for the file are lost; every other rule and file still ran.

## Why is this bad?
It is a bug in fastlint, not in your code. It is reported rather than hidden so that a silent
gap in checking never passes for a clean result.

## Example
```text
app/routes.py:1:1: FST001 Internal error: rule FST201 (missing-response-model) crashed on this
file: AttributeError: ...
```

## Use instead
Report the message and the smallest file that triggers it. Meanwhile `per-file-ignores` can turn
the crashing rule off for that file.
"""
