"""What ``fastlint check`` does with ``--fix``, ``--unsafe-fixes``, ``--diff``, ``--fix-only`` and
``--show-fixes``: fix the linted files (``run/fixing.py``), print diffs or the fixes made, and
say what is left to report."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fastlint.config.settings import ConfigError, Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.run.runner import display_path

if TYPE_CHECKING:  # libcst and the rules: imported only when fixes are applied
    from fastlint.run.fixing import FileFix, FixRun


@dataclass(frozen=True)
class FixOptions:
    """The fix options of a ``check`` run, one field per CLI option of the same name."""

    fix: bool = False  # noqa: FST514 the value of --fix, named as the option is
    unsafe_fixes: bool = False  # noqa: FST514 the value of --unsafe-fixes, named as the option is
    diff: bool = False  # noqa: FST514 the value of --diff, named as the option is
    fix_only: bool = False  # noqa: FST514 the value of --fix-only, named as the option is
    show_fixes: bool = False

    @property
    def active(self) -> bool:
        """Fixes are computed and applied (``--diff``: to the text only)."""
        return self.fix or self.fix_only or self.diff

    @property
    def writes(self) -> bool:
        return (self.fix or self.fix_only) and not self.diff

    def check(self, *, add_noqa: bool, write_baseline: bool, statistics: bool) -> None:
        """Combinations that would do something else than asked are usage errors."""
        if not self.active:
            return
        name = "--diff" if self.diff else "--fix-only" if self.fix_only else "--fix"
        for other, given in (("--add-noqa", add_noqa), ("--write-baseline", write_baseline)):
            if given:
                raise ConfigError(f"{name} cannot be used with {other}: run one, then the other")
        if statistics and (self.diff or self.fix_only):
            raise ConfigError(f"{name} cannot be used with --statistics: it reports nothing")


@dataclass
class FixReport:
    """The diagnostics left to report, how many were fixed, and the exit status when the run
    ends here (``--diff``, ``--fix-only``; None: report the diagnostics as usual)."""

    diagnostics: list[Diagnostic]
    fixed: int
    status: int | None = None


def _plural(count: int) -> str:
    return f"{count} error{'s' if count != 1 else ''}"


def _diff(item: FileFix) -> str:
    lines = difflib.unified_diff(
        item.original.splitlines(keepends=True),
        item.result.text.splitlines(keepends=True),
        fromfile=item.shown,
        tofile=item.shown,
    )
    text = "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)
    return text


def _enumerate(counts: dict[str, Counter[str]], title: str) -> str:
    from fastlint.rules import RULES_BY_CODE

    total = sum(sum(codes.values()) for codes in counts.values())
    if not total:
        return ""
    lines = [f"{title} {_plural(total)}:"]
    for path, codes in counts.items():
        if not codes:
            continue
        lines.append(f"- {path}:")
        for code, count in sorted(codes.items()):
            rule = RULES_BY_CODE.get(code)
            lines.append(f"    {count} × {code} ({rule.name if rule else code})")
    return "\n".join(lines) + "\n"


def _show_applicable(diagnostics: Sequence[Diagnostic], unsafe: bool) -> None:
    """``--show-fixes`` without ``--fix``: what ``--fix`` would fix."""
    counts: dict[str, Counter[str]] = {}
    for d in diagnostics:
        if d.fix is not None and d.fix.applies(unsafe):
            counts.setdefault(d.path, Counter())[d.code] += 1
    click.echo(_enumerate(counts, "Would fix (with `--fix`)"), nl=False, err=True)


def apply(
    files: Sequence[Path],
    diagnostics: list[Diagnostic],
    settings: Settings,
    options: FixOptions,
    *,
    quiet: bool,
) -> FixReport:
    """Fix the files (or compute the diffs) and print what ``--diff`` / ``--show-fixes`` ask."""
    shown = [display_path(path) for path in files]
    if not options.active:
        if options.show_fixes:
            _show_applicable(diagnostics, options.unsafe_fixes)
        return FixReport(diagnostics, 0)
    from fastlint.run.fixing import fix_files

    run = fix_files(
        files,
        shown,
        diagnostics,
        settings,
        unsafe=options.unsafe_fixes,
        write=options.writes,
    )
    for warning in run.warnings:
        click.echo(f"fastlint: warning: {warning}", err=True)
    return _after(run, options, quiet)


def _after(run: FixRun, options: FixOptions, quiet: bool) -> FixReport:
    """What ``--diff``, ``--show-fixes`` and ``--fix-only`` print once the fixes are made."""
    changed = [item for item in run.files if item.changed]
    if options.diff:
        for item in changed:
            click.echo(_diff(item), nl=False)
        if not quiet:
            click.echo(f"Would fix {_plural(run.fixed)}.", err=True)
        return FixReport(run.diagnostics, run.fixed, 1 if changed else 0)
    if options.show_fixes:
        counts = {item.shown: item.result.fixed for item in run.files if item.is_written}
        click.echo(_enumerate(counts, "Fixed"), nl=False, err=True)
    if options.fix_only:
        if not quiet:
            click.echo(f"Fixed {_plural(run.fixed)}.", err=True)
        return FixReport(run.diagnostics, run.fixed, 0)
    return FixReport(run.diagnostics, run.fixed)


def apply_to_stdin(
    data_text: str,
    diagnostics: list[Diagnostic],
    settings: Settings,
    path: Path,
    shown: str,
    options: FixOptions,
) -> FixReport:
    """``--fix -``: the fixed source goes to stdout (``--diff``: the diff), as ruff does; the
    remaining diagnostics are not reported, the exit status says whether any are left."""
    from fastlint.run.fixing import FileFix, fix_text
    from fastlint.run.session import LintRun

    linter = LintRun(settings, [path]).linter.linter_for(path)
    result = fix_text(
        data_text,
        diagnostics,
        lambda text: linter.lint_text(text, shown),
        unsafe=options.unsafe_fixes,
    )
    if result.note:
        click.echo(f"fastlint: warning: {shown}: {result.note}", err=True)
    fixed = sum(result.fixed.values())
    if options.diff:
        item = FileFix(path, shown, data_text, result)
        click.echo(_diff(item), nl=False)
        return FixReport(result.diagnostics, fixed, 1 if item.changed else 0)
    click.echo(result.text, nl=False)
    status = 0 if options.fix_only or not result.diagnostics else 1
    return FixReport(result.diagnostics, fixed, status)
