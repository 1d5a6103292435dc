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


def summary(count: int, fixed: int = 0) -> str:
    if fixed:
        total = count + fixed
        return f"Found {total} error{'s' if total != 1 else ''} ({fixed} fixed, {count} remaining)."
    if count:
        return f"Found {count} error{'s' if count != 1 else ''}."
    return "All checks passed!"


def fixable_hint(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str:
    """ruff's closing hint: how many diagnostics ``--fix`` would fix, and how many more
    ``--unsafe-fixes`` would ("" when there are none)."""
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applies(unsafe))
    hidden = sum(1 for d in diagnostics if d.fix is not None and not d.fix.applies(unsafe))
    if not safe and not hidden:
        return ""
    parts = [f"[*] {safe} fixable with `--fix`"] if safe else ["No fixes available"]
    if hidden:
        parts.append(
            f"({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with "
            "`--unsafe-fixes`)"
        )
    return " ".join(parts) + "."


def format_concise(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    return "".join(_line(d) + "\n" for d in diagnostics)


def _summary(diagnostics: Sequence[Diagnostic], context: OutputContext | None) -> str:
    if context is not None and not context.summary:
        return ""
    fixed = context.fixed if context is not None else 0
    hint = fixable_hint(diagnostics, context is not None and context.unsafe_fixes)
    return summary(len(diagnostics), fixed) + "\n" + (hint + "\n" if hint else "")


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


def fix_hint(d: Diagnostic) -> str:
    """Whether this diagnostic (not only its rule) has an automatic fix, and how to apply it."""
    fix = d.fix
    if fix is None:
        rule = rule_of(d.code)
        if rule is not None and rule.fix != FIX_NONE:
            return "no automatic fix for this case (the rule fixes others)"
        return "no automatic fix"
    if fix.applicability == FIX_SAFE:
        return f"{fix.message} (safe: applied by `--fix`)"
    return f"{fix.message} (unsafe: applied by `--fix --unsafe-fixes`; review it)"


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
        block.append(f"{gutter} = fix: {fix_hint(d)}")
        block.append(f"{gutter} = docs: {rule.url()}")
    return block


def format_full(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """Each diagnostic with its source line, a caret under the span and the fix hint."""
    context = context or OutputContext()
    blocks = ["\n".join(_full_block(d, context)) + "\n" for d in diagnostics]
    closing = _summary(diagnostics, context)
    return "\n".join(blocks) + ("\n" if blocks and closing else "") + closing


def format_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    """One line per code: count, code, fixable mark and rule name, most frequent first. ``[*]``:
    some of these diagnostics have an automatic fix."""
    counts = Counter(d.code for d in diagnostics)
    fixable_codes = {d.code for d in diagnostics if d.fix is not None}
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rule_of(code)
        fixable = code in fixable_codes
        name = rule.name if rule is not None else ""
        lines.append(f"{count:>5}\t{code}\t{'[*]' if fixable else '[ ]'} {name}")
    return "".join(line + "\n" for line in lines)
