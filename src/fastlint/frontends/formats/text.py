"""Formats for people: ``concise``, ``text`` (concise plus a summary line), ``full`` and the
``--statistics`` table. With ``OutputContext.use_colour`` (a terminal, see ``frontends.colour``)
paths, codes, the gutter, the carets and the summary are styled with ANSI codes."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.rule import FIX_NONE, FIX_SAFE
from fastlint.frontends.colour import BLUE, BOLD, CYAN, GREEN, RED, paint
from fastlint.frontends.formats.common import OutputContext, rule_of


def _line(d: Diagnostic, colour: bool = False) -> str:
    if not colour:
        return f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}"
    sep = paint(":", CYAN)
    where = f"{paint(d.path, BOLD)}{sep}{d.row}{sep}{d.column}{sep}"
    return f"{where} {paint(d.code, BOLD, RED)} {d.message}"


def summary(count: int, fixed: int = 0, colour: bool = False) -> str:
    """ruff's closing line: ``Found N errors.`` (with the fixed and remaining counts after
    ``--fix``) or ``All checks passed!``."""
    if fixed:
        total = count + fixed
        text = f"Found {total} error{'s' if total != 1 else ''} ({fixed} fixed, {count} remaining)."
    elif count:
        text = f"Found {count} error{'s' if count != 1 else ''}."
    else:
        return paint("All checks passed!", BOLD, GREEN) if colour else "All checks passed!"
    return paint(text, BOLD) if colour else text


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


def _colour(context: OutputContext | None) -> bool:
    return context is not None and context.use_colour


def format_concise(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """One ``path:row:column: CODE message`` line per diagnostic, and nothing else."""
    colour = _colour(context)
    return "".join(_line(d, colour) + "\n" for d in diagnostics)


def _summary(diagnostics: Sequence[Diagnostic], context: OutputContext | None) -> str:
    if context is not None and not context.show_summary:
        return ""
    fixed = context.fixed if context is not None else 0
    hint = fixable_hint(diagnostics, context is not None and context.unsafe_fixes)
    if hint and _colour(context):
        hint = hint.replace("[*]", paint("[*]", CYAN))
    closing = summary(len(diagnostics), fixed, _colour(context))
    return closing + "\n" + (hint + "\n" if hint else "")


def format_text(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """The concise lines, then the summary line and the ``--fix`` hint (unless ``--quiet``)."""
    return format_concise(diagnostics, context) + _summary(diagnostics, context)


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


def _styled(text: str, colour: bool, *styles: str) -> str:
    return paint(text, *styles) if colour else text


def _full_block(d: Diagnostic, context: OutputContext) -> list[str]:
    source = context.sources.line(d.path, d.row)
    colour = context.use_colour
    gutter = " " * len(str(d.row))
    bar = _styled("|", colour, BOLD, BLUE)
    block = [_line(d, colour)]
    if context.sources.lines(d.path):
        caret = _caret(source, d)
        indent = caret[: len(caret) - len(caret.lstrip("\t "))]
        marked = _styled(f"{caret[len(indent) :]} {d.code}", colour, BOLD, RED)
        block += [
            f"{gutter} {bar}",
            f"{_styled(str(d.row), colour, BOLD, BLUE)} {bar} {source}",
            f"{gutter} {bar} {indent}{marked}",
            f"{gutter} {bar}",
        ]
    rule = rule_of(d.code)
    if rule is not None:
        equals = _styled("=", colour, BOLD, BLUE)
        if rule.message != d.message:
            block.append(f"{gutter} {equals} {_styled('help', colour, BOLD)}: {rule.message}")
        block.append(f"{gutter} {equals} {_styled('fix', colour, BOLD)}: {fix_hint(d)}")
        block.append(f"{gutter} {equals} {_styled('docs', colour, BOLD)}: {rule.url()}")
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
