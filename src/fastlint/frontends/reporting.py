"""What ``fastlint check`` does with a run's diagnostics: baselines, ``--add-noqa``, and writing
the chosen format to stdout or ``--output-file``. Returns the exit status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from fastlint.config.settings import ConfigError
from fastlint.engine.diagnostic import Diagnostic
from fastlint.frontends.baseline import filter_baseline, write_baseline
from fastlint.frontends.colour import HUMAN_FORMATS
from fastlint.frontends.formats import FORMATS, OutputContext, SourceLines, format_statistics
from fastlint.run.runner import display_path


@dataclass(frozen=True)
class ReportOptions:
    """How a ``check`` run reports, one field per CLI option of the same name."""

    output_format: str = "text"
    output_file: Path | None = None
    statistics: bool = False  # noqa: FST514 the value of --statistics, named as the option is
    quiet: bool = False  # noqa: FST514 the value of --quiet, named as the option is
    exit_zero: bool = False  # noqa: FST514 the value of --exit-zero, named as the option is
    add_noqa: bool = False  # noqa: FST514 the value of --add-noqa, named as the option is
    baseline: Path | None = None
    write_baseline: Path | None = None
    fixed: int = 0  # diagnostics fixed by ``--fix`` (the summary counts them)
    unsafe_fixes: bool = False  # noqa: FST514 the value of --unsafe-fixes, named as the option is
    use_colour: bool = False  # resolved from --color, NO_COLOR, FORCE_COLOR and the terminal


def _coloured(options: ReportOptions) -> bool:
    """Only the formats for people are coloured; machine formats and statistics never are."""
    return options.use_colour and options.output_format in HUMAN_FORMATS and not options.statistics


def _note(message: str, options: ReportOptions) -> None:
    if not options.quiet:
        click.echo(message, err=True)


def _emit(text: str, options: ReportOptions) -> None:
    if options.output_file is None:
        # color=: click would strip the styles from a pipe, which FORCE_COLOR colours too
        click.echo(text, nl=False, color=_coloured(options))
        return
    try:
        options.output_file.parent.mkdir(parents=True, exist_ok=True)
        options.output_file.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"cannot write {options.output_file}: {error.strerror or error}"
        ) from None


def _add_noqa(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> int:
    from fastlint.frontends.add_noqa import add_noqa  # libcst: only for --add-noqa

    result = add_noqa(diagnostics)
    for path, row, reason in result.skipped:
        where = f"{path}:{row}" if row else path
        click.echo(f"fastlint: warning: no noqa added at {where}: {reason}", err=True)
    plural = "s" if result.added != 1 else ""
    _note(f"Added {result.added} noqa directive{plural} in {result.files} file(s).", options)
    return 0


def _write_baseline(
    diagnostics: Sequence[Diagnostic], path: Path, sources: SourceLines, options: ReportOptions
) -> int:
    write_baseline(path, diagnostics, sources)
    plural = "s" if len(diagnostics) != 1 else ""
    _note(f"Wrote a baseline of {len(diagnostics)} diagnostic{plural} to {path}.", options)
    return 0


def _render(
    diagnostics: Sequence[Diagnostic], context: OutputContext, options: ReportOptions
) -> str:
    if options.statistics:
        return format_statistics(diagnostics)
    return FORMATS[options.output_format](diagnostics, context)


def report(
    diagnostics: Sequence[Diagnostic],
    files: Sequence[Path],
    options: ReportOptions,
    sources: SourceLines | None = None,
) -> int:
    """Write the report and return the exit status (0 clean, 1 diagnostics reported).
    ``sources`` holds texts not read from disk (stdin); ``--baseline`` applies before
    ``--add-noqa``, which then suppresses the new diagnostics only."""
    sources = sources if sources is not None else SourceLines()
    if options.write_baseline is not None:
        return _write_baseline(diagnostics, options.write_baseline, sources, options)
    if options.baseline is not None:
        diagnostics = filter_baseline(diagnostics, options.baseline, sources)
    if options.add_noqa:
        return _add_noqa(diagnostics, options)
    shown = [display_path(path) for path in files]
    context = OutputContext(
        files=shown,
        sources=sources,
        show_summary=not options.quiet,
        fixed=options.fixed,
        unsafe_fixes=options.unsafe_fixes,
        use_colour=_coloured(options),
    )
    _emit(_render(diagnostics, context, options), options)
    return 1 if diagnostics and not options.exit_zero else 0
