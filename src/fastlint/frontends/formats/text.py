"""Formats for people: ``concise``, ``text`` (concise plus a summary line), ``full`` and the
``--statistics`` table."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.rule import FIX_NONE, FIX_SAFE
from fastlint.frontends.formats.common import OutputContext, rule_of


def _line(d: Diagnostic) -> str:
    return f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}"


def summary(count: int) -> str:
    if count:
        return f"Found {count} error{'s' if count != 1 else ''}."
    return "All checks passed!"


def format_concise(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    return "".join(_line(d) + "\n" for d in diagnostics)


def _summary(diagnostics: Sequence[Diagnostic], context: OutputContext | None) -> str:
    return summary(len(diagnostics)) + "\n" if context is None or context.summary else ""


def format_text(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    return format_concise(diagnostics) + _summary(diagnostics, context)


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _pad(prefix: str) -> str:
    """Blank space as wide as ``prefix`` on a terminal, keeping its tabs."""
    return "".join("\t" if char == "\t" else " " * _width(char) for char in prefix)


def _caret(source: str, d: Diagnostic) -> str:
    start = min(max(d.column - 1, 0), len(source))
    end = d.end_column - 1 if d.end_row == d.row else len(source)
    end = min(max(end, start + 1), max(len(source), start + 1))
    marked = source[start:end] or " "
    return _pad(source[:start]) + "^" * sum(_width(char) for char in marked)


def fix_hint(code: str) -> str:
    rule = rule_of(code)
    if rule is None or rule.fix == FIX_NONE:
        return "no automatic fix"
    if rule.fix == FIX_SAFE:
        return "a safe automatic fix exists for this rule"
    return "an unsafe automatic fix exists for this rule (review it before applying)"


def _full_block(d: Diagnostic, context: OutputContext) -> list[str]:
    source = context.sources.line(d.path, d.row)
    gutter = " " * len(str(d.row))
    block = [_line(d)]
    if context.sources.lines(d.path):
        block += [
            f"{gutter} |",
            f"{d.row} | {source}",
            f"{gutter} | {_caret(source, d)} {d.code}",
            f"{gutter} |",
        ]
    rule = rule_of(d.code)
    if rule is not None:
        if rule.message != d.message:
            block.append(f"{gutter} = help: {rule.message}")
        block.append(f"{gutter} = fix: {fix_hint(d.code)}")
        block.append(f"{gutter} = docs: {rule.url()}")
    return block


def format_full(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """Each diagnostic with its source line, a caret under the span and the fix hint."""
    context = context or OutputContext()
    blocks = ["\n".join(_full_block(d, context)) + "\n" for d in diagnostics]
    closing = _summary(diagnostics, context)
    return "\n".join(blocks) + ("\n" if blocks and closing else "") + closing


def format_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    """One line per code: count, code, fixable mark and rule name, most frequent first."""
    counts = Counter(d.code for d in diagnostics)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rule_of(code)
        fixable = rule is not None and rule.fix != FIX_NONE
        name = rule.name if rule is not None else ""
        lines.append(f"{count:>5}\t{code}\t{'[*]' if fixable else '[ ]'} {name}")
    return "".join(line + "\n" for line in lines)
