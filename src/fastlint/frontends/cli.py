"""The ``fastlint`` command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from fastlint import __version__
from fastlint.config.settings import ConfigError, Settings, load_settings
from fastlint.docs import default_label, fix_label, rule_page
from fastlint.frontends.formats import FORMATS
from fastlint.frontends.progress import Progress
from fastlint.frontends.reporting import ReportOptions, report
from fastlint.rules import ALL_RULES, RULES_BY_CODE
from fastlint.run.cache import Cache, default_cache_dir
from fastlint.run.discovery import discover
from fastlint.run.runner import cpu_count, lint_files, tune_gc_for_batch


def _split(values: Sequence[str]) -> list[str]:
    """``--select FST101,FST2 --select FST5`` -> three selectors."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fail(message: str) -> None:
    click.echo(f"fastlint: error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="fastlint")
def cli() -> None:
    """A linter for FastAPI and async Python services."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--select", multiple=True, help="Rules to check (codes, prefixes or ALL), replacing the config."
)
@click.option("--extend-select", multiple=True, help="Rules to check in addition.")
@click.option("--ignore", multiple=True, help="Rules not to check.")
@click.option(
    "--output-format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    envvar="FASTLINT_OUTPUT_FORMAT",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when something is reported.")
@click.option(
    "--statistics", is_flag=True, help="Show a count per rule instead of each diagnostic."
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Read settings from this file."
)
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option(
    "--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too."
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="Print diagnostics only: no summary, no progress, no notes."
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# noqa: CODE` to every line with a diagnostic, then exit 0.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only diagnostics not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record the current diagnostics in this baseline file, then exit 0.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes to lint with (default: the number of CPUs).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep the results cache here (default: .fastlint_cache in the project root).",
)
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    exit_zero: bool,
    statistics: bool,
    config_path: Path | None,
    isolated: bool,
    force_exclude: bool,
    output_file: Path | None,
    quiet: bool,
    add_noqa: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Lint PATHS (files or directories; default: the current directory)."""
    try:
        settings = load_settings(
            config=config_path,
            isolated=isolated,
            select=_split(select) if select else None,
            extend_select=_split(extend_select),
            ignore=_split(ignore),
        )
        files = discover(list(paths) or [Path(".")], settings, force_exclude=force_exclude)
    except ConfigError as error:
        _fail(str(error))
        return
    cache = None if no_cache else Cache(cache_dir or default_cache_dir(settings), settings)
    diagnostics = sorted(_run(files, settings, quiet=quiet, jobs=jobs or cpu_count(), cache=cache))
    options = ReportOptions(
        output_format, output_file, statistics, quiet, exit_zero, add_noqa, baseline, write_baseline
    )
    try:
        status = report(diagnostics, files, options)
    except ConfigError as error:
        _fail(str(error))
        return
    sys.exit(status)


def _run(
    files: list[Path],
    settings: Settings,
    *,
    quiet: bool = False,
    jobs: int = 1,
    cache: Cache | None = None,
) -> list:
    """Lint the files, with a progress line on an interactive stderr for long runs."""
    progress = Progress(len(files), enabled=not quiet)
    on_file = progress.file_done if progress.enabled else None
    try:
        return lint_files(files, settings, jobs=jobs, cache=cache, on_file=on_file)
    finally:
        progress.finish()


@cli.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default, fix."""
    for rule in ALL_RULES:
        click.echo(f"{rule.code}\t{rule.name}\t{default_label(rule)}\tfix: {fix_label(rule)}")


@cli.command(name="rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of one rule."""
    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        _fail(f"unknown rule `{code}` (see `fastlint rules`)")
        return
    click.echo(rule_page(rule), nl=False)


def main() -> None:
    tune_gc_for_batch()
    cli(prog_name="fastlint")
