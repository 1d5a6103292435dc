"""FST002: ``# noqa: FSTnnn`` comments that suppress nothing, found after a file is linted.

Only called when FST002 is enabled: the linter then records which ``(comment row, code)`` pairs
suppressed a diagnostic, and this module reads the file's comments (with the tokenizer, so a
``# noqa`` inside a string is not one) and reports the FST codes that suppressed nothing. A code
is judged only when its rule ran on the file (enabled, not in ``per-file-ignores``, not
crashed); a rule skipped by its ``requires_text`` pre-filter ran, it just could not fire. Codes
of other linters (``E501``) and blanket ``# noqa`` are never judged; an FST code that names no
rule is reported as unknown.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection, Iterator

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.edits import SAFE, Edit, TextFix

UNUSED_NOQA = "FST002"
_DIRECTIVE = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
# A directive that names an FST code (only such a file is tokenized).
_FST_DIRECTIVE = re.compile(r"#\s*noqa:[\s,A-Z0-9]*?FST[0-9]", re.IGNORECASE)
_NEVER_JUDGED = frozenset({"FST000", "FST001", UNUSED_NOQA})  # not suppressible by a line noqa


def _comments(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(row, column, text, line) of each comment token; none when the file does not tokenize."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.start[1], token.string, token.line
    except (tokenize.TokenError, SyntaxError, ValueError):
        return


def unused_noqa(
    path: str,
    text: str,
    used: Collection[tuple[int, str]],
    judged: Collection[str],
    known: Collection[str],
) -> list[Diagnostic]:
    """The FST002 diagnostics of ``text``: ``used`` holds the (comment row, code) pairs that
    suppressed something, ``judged`` the codes of the rules that ran, ``known`` every code."""
    if "noqa" not in text.lower() or _FST_DIRECTIVE.search(text) is None:
        return []  # no directive names an FST code: nothing to judge, and no tokenizing
    found = []
    for row, column, comment, line in _comments(text):
        match = _DIRECTIVE.search(comment)
        if match is None or not match.group("codes"):
            continue  # not a directive, or a blanket one (it may be for another tool)
        codes = [code.upper() for code in _CODE.findall(match.group("codes"))]
        if UNUSED_NOQA in codes:
            continue
        unknown = [c for c in codes if c.startswith("FST") and c not in known]
        unused = [
            c
            for c in codes
            if c in judged and c not in _NEVER_JUDGED and (row, c) not in used and c in known
        ]
        if not unknown and not unused:
            continue
        found.append(_diagnostic(path, line, row, column, comment, match, codes, unused, unknown))
    return found


def _diagnostic(
    path: str,
    line: str,
    row: int,
    column: int,
    comment: str,
    match: re.Match[str],
    codes: list[str],
    unused: list[str],
    unknown: list[str],
) -> Diagnostic:
    parts = []
    if unused:
        parts.append("unused: " + ", ".join(f"`{c}`" for c in unused))
    if unknown:
        parts.append("unknown: " + ", ".join(f"`{c}`" for c in unknown))
    message = f"Unused `noqa` directive ({'; '.join(parts)}): remove it"
    start, end = column + match.start(), column + match.end()
    fix = _fix(
        line, row, column, comment, match, [c for c in codes if c not in (*unused, *unknown)]
    )
    return Diagnostic(path, row, start + 1, UNUSED_NOQA, message, row, end + 1, fix=fix)


def _fix(
    line: str, row: int, column: int, comment: str, match: re.Match[str], kept: list[str]
) -> TextFix:
    """Keep the other codes (`# noqa: E501`); with none left remove the directive, keeping the
    rest of the comment (`# type: ignore`), or the whole comment and the blanks before it."""
    if kept:
        prefix = match.group()[: match.start("codes") - match.start()]
        start, end = column + match.start(), column + match.end()
        return _text_fix(row, start, end, prefix + ", ".join(kept), "Remove the unused codes")
    before = comment[: match.start()].rstrip()
    after = comment[match.end() :].strip().lstrip(":;,-").strip()
    end = column + len(comment)
    if before:
        new = before + (f"  # {after}" if after else "")
        return _text_fix(row, column, end, new, "Remove the unused `noqa` directive")
    if after:
        return _text_fix(row, column, end, f"# {after}", "Remove the unused `noqa` directive")
    start = len(line[:column].rstrip())
    return _text_fix(row, start, end, "", "Remove the unused `noqa` directive")


def _text_fix(row: int, start: int, end: int, content: str, message: str) -> TextFix:
    return TextFix(SAFE, message, (Edit(row, start + 1, row, end + 1, content),))
