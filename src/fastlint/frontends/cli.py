"""The ``fastlint`` command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from fastlint import __version__
from fastlint.config.settings import ConfigError, Settings, load_settings
from fastlint.docs import default_label, fix_label, rule_page
from fastlint.engine.discovery import discover
from fastlint.engine.runner import lint_files
from fastlint.frontends.output import FORMATS, format_statistics
from fastlint.rules import ALL_RULES, RULES_BY_CODE


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
@click.option("--select", multiple=True, help="Rules to check (codes, prefixes or ALL), replacing the config.")
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
@click.option("--statistics", is_flag=True, help="Show a count per rule instead of each diagnostic.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Read settings from this file.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too.")
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
    diagnostics = sorted(_run(files, settings))
    if statistics:
        click.echo(format_statistics(diagnostics), nl=False)
    else:
        click.echo(FORMATS[output_format](diagnostics), nl=False)
    sys.exit(1 if diagnostics and not exit_zero else 0)


def _run(files: list[Path], settings: Settings) -> list:
    return lint_files(files, settings)


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
    cli(prog_name="fastlint")
