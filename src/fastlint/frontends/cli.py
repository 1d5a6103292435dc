"""The ``fastlint`` command."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import click
from click.core import ParameterSource

from fastlint.config.settings import ConfigError, Settings, load_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.source import decode
from fastlint.frontends.baseline import load_baseline
from fastlint.frontends.colour import CHOICES, wanted
from fastlint.frontends.fixing import FixOptions, apply_to_stdin
from fastlint.frontends.fixing import apply as apply_fixes
from fastlint.frontends.formats import FORMATS, SourceLines
from fastlint.frontends.progress import Progress
from fastlint.frontends.reporting import ReportOptions, report
from fastlint.frontends.stdin import STDIN, lint_stdin, read_stdin
from fastlint.run.cache import Cache, default_cache_dir
from fastlint.run.discovery import discover
from fastlint.run.runner import UNREADABLE, cpu_count, display_path, lint_files, tune_gc_for_batch


def _split(values: Sequence[str]) -> list[str]:
    """``--select FST101,FST2 --select FST5`` -> three selectors."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fail(message: str) -> None:
    click.echo(f"fastlint: error: {message}", err=True)
    sys.exit(2)


def _warn(message: str) -> None:
    click.echo(f"fastlint: warning: {message}", err=True)


def _reads_stdin(paths: Sequence[Path], stdin_filename: Path | None) -> bool:
    """``-`` (or ``--stdin-filename``) reads the source from stdin, and nothing else."""
    if STDIN not in paths and stdin_filename is None:
        return False
    others = [path for path in paths if path != STDIN]
    if others:
        raise ConfigError(
            f"`-` or --stdin-filename lints stdin; it cannot be combined with {others[0]}"
        )
    return True


def _check_combinations(options: ReportOptions, *, stdin: bool) -> None:
    """Options that the run would ignore are errors; a format from the environment is a warning."""
    source = click.get_current_context().get_parameter_source("output_format")
    chosen = options.output_format != "text" and source is ParameterSource.COMMANDLINE
    fmt = f"--output-format {options.output_format}"

    def conflict(first: str, second: str, why: str) -> None:
        raise ConfigError(f"{first} cannot be used with {second}: {why}")

    writes = options.write_baseline is not None
    if options.add_noqa and writes:
        conflict("--add-noqa", "--write-baseline", "run one, then the other")
    if options.baseline is not None and writes:
        conflict("--baseline", "--write-baseline", "a new baseline records every diagnostic")
    action = "--add-noqa" if options.add_noqa else "--write-baseline" if writes else None
    if action is not None:
        if stdin:
            conflict(action, "stdin (`-`)", f"{action} works on files")
        ignored = (
            ("--statistics", options.statistics),
            ("--output-file", options.output_file is not None),
            (fmt, chosen),
        )
        for name, given in ignored:
            if given:
                conflict(name, action, f"{action} writes no report")
    if options.statistics and chosen:
        conflict(fmt, "--statistics", "the statistics are a text table")
    if options.statistics and options.output_format != "text":
        _warn(
            f"ignoring FASTLINT_OUTPUT_FORMAT={options.output_format}: "
            "--statistics prints a text table"
        )


def _settings(
    config: Path | None,
    isolated: bool,
    stdin_filename: Path | None,
    select: Sequence[str],
    extend_select: Sequence[str],
    ignore: Sequence[str],
    cache_dir: Path | None = None,
    catalog: bool = False,
    respect_gitignore: bool | None = None,
) -> Settings:
    """The run's settings; for stdin named by ``--stdin-filename``, found from its directory.
    ``catalog``: validate with the rule catalog kept in the results cache, when there is one
    (a run whose results all come from the cache then never imports the rules)."""
    return load_settings(
        catalog=catalog,
        cache_dir=cache_dir,
        respect_gitignore=respect_gitignore,
        config=config,
        isolated=isolated,
        start=stdin_filename.absolute().parent if stdin_filename else None,
        select=_split(select) if select else None,
        extend_select=_split(extend_select),
        ignore=_split(ignore),
    )


def _discover(paths: Sequence[Path], settings: Settings, force_exclude: bool) -> list[Path]:
    """The files to lint; a warning for each path skipped, and when there are none."""
    files = discover(
        list(paths) or [Path(".")],
        settings,
        force_exclude=force_exclude,
        on_skip=lambda path, reason: _warn(f"skipping {path}: {reason}"),
    )
    if not files:
        _warn("No Python files found under the given path(s)")
    return files


# click >= 8.2 raises this usage error to print the help of a group called without a command.
_NO_ARGS_IS_HELP: tuple[type[Exception], ...] = tuple(
    getattr(click.exceptions, name)
    for name in ("NoArgsIsHelpError",)
    if hasattr(click.exceptions, name)
)


class _Group(click.Group):
    """click's group, with its usage errors in one line (``fastlint: error: ...``, exit 2) as
    every other error of fastlint's, instead of click's three (usage, hint, error)."""

    def main(self, *args: object, standalone_mode: bool = True, **kwargs: object) -> object:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            status = super().main(*args, standalone_mode=False, **kwargs)
        except _NO_ARGS_IS_HELP as error:  # click >= 8.2: `fastlint` alone prints the help
            error.show()
            sys.exit(error.exit_code)
        except click.UsageError as error:
            _fail(usage_error_line(error))
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)


def usage_error_line(error: click.UsageError) -> str:
    """The one line of a usage error: click's message and where to find help."""
    message = " ".join(error.format_message().split())
    command = error.ctx.command_path if error.ctx is not None else "fastlint"
    return f"{message} (see `{command} --help`)"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from fastlint.frontends.show import version_line  # importlib.metadata: only here

    click.echo(version_line())
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show fastlint's version, libcst's and Python's, and exit.",
)
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
    "--stdin-filename",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Lint the source read from stdin as this file (settings, excludes, noqa and output).",
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
    "--no-respect-gitignore",
    is_flag=True,
    help="Lint files that .gitignore files ignore, too (respect-gitignore = false).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep the results cache here (default: .fastlint_cache in the project root).",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option(
    "--unsafe-fixes", is_flag=True, help="Apply the unsafe fixes too (with --fix or --diff)."
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the fixes as a unified diff and change nothing; exit 1 if there are any.",
)
@click.option("--fix-only", is_flag=True, help="Apply the fixes and report nothing; exit 0.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied (or applicable).")
@click.option(
    "--color",
    "color",
    type=click.Choice(CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text, concise and full formats (auto: on a terminal; NO_COLOR, FORCE_COLOR).",
)
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print the settings used for PATH (config file, rules, options, ignores), then exit 0.",
)
@click.option(
    "--show-files",
    is_flag=True,
    help="List the files that would be linted, one per line, then exit 0.",
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
    stdin_filename: Path | None,
    output_file: Path | None,
    quiet: bool,
    add_noqa: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    jobs: int | None,
    no_cache: bool,
    no_respect_gitignore: bool,
    cache_dir: Path | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fix_only: bool,
    show_fixes: bool,
    color: str,
    show_settings: bool,
    show_files: bool,
) -> None:
    """Lint PATHS (files or directories; default: the current directory; `-`: stdin)."""
    options = ReportOptions(
        output_format, output_file, statistics, quiet, exit_zero, add_noqa, baseline, write_baseline
    )
    options = replace(options, use_colour=wanted(color, None if output_file else sys.stdout))
    fixes = FixOptions(fix, unsafe_fixes, diff, fix_only, show_fixes)
    try:
        stdin = _validate(options, fixes, paths, stdin_filename)
        settings = _settings(
            config_path,
            isolated,
            stdin_filename,
            select,
            extend_select,
            ignore,
            cache_dir,
            catalog=not no_cache and not stdin,
            respect_gitignore=False if no_respect_gitignore else None,
        )
        _inspect(paths, settings, force_exclude, (show_settings, show_files), stdin_filename)
        files = [] if stdin else _discover(paths, settings, force_exclude)
    except ConfigError as error:
        _fail(str(error))
        return
    sources = None
    if stdin:
        diagnostics, files, sources = _lint_stdin(settings, stdin_filename, force_exclude, fixes)
    else:
        cache = None if no_cache else Cache(cache_dir or default_cache_dir(settings), settings)
        diagnostics, options = _lint_files(files, settings, fixes, options, jobs, cache)
    _report(diagnostics, files, options, sources)


def _lint_files(
    files: list[Path],
    settings: Settings,
    fixes: FixOptions,
    options: ReportOptions,
    jobs: int | None,
    cache: Cache | None,
) -> tuple[list[Diagnostic], ReportOptions]:
    """Lint the files, then apply the fixes asked for."""
    jobs = jobs or cpu_count()
    found = sorted(_run(files, settings, quiet=options.quiet, jobs=jobs, cache=cache))
    return _fix(files, found, settings, fixes, options)


def _inspect(
    paths: Sequence[Path],
    settings: Settings,
    force_exclude: bool,
    shows: tuple[bool, bool],
    stdin_filename: Path | None,
) -> None:
    """``--show-files``: the files a run would lint; ``--show-settings``: the settings it would
    use for its one path. Either exits 0; without them, nothing happens."""
    show_settings, show_files = shows
    if show_settings and show_files:
        raise ConfigError(
            "--show-settings cannot be used with --show-files: run one, then the other"
        )
    if show_files:
        if stdin_filename is not None or STDIN in paths:
            raise ConfigError("--show-files lists files, not stdin (`-`)")
        for file in _discover(paths, settings, force_exclude):
            click.echo(display_path(file))
        sys.exit(0)
    if not show_settings:
        return
    from fastlint.frontends.show import settings_report  # the rules: only here

    named = [path for path in paths if path != STDIN] or [stdin_filename or Path(".")]
    if len(named) > 1:
        raise ConfigError("--show-settings takes one path (the settings differ per file)")
    click.echo(settings_report(named[0], settings), nl=False)
    sys.exit(0)


def _validate(
    options: ReportOptions, fixes: FixOptions, paths: Sequence[Path], stdin_filename: Path | None
) -> bool:
    """Option combinations that are usage errors, and a baseline that cannot be read (before
    anything is linted). Returns whether the run reads stdin."""
    stdin = _reads_stdin(paths, stdin_filename)
    _check_combinations(options, stdin=stdin)
    fixes.check(
        add_noqa=options.add_noqa,
        write_baseline=options.write_baseline is not None,
        statistics=options.statistics,
    )
    if options.baseline is not None:
        load_baseline(options.baseline)  # missing or malformed: fail before linting
    return stdin


def _report(
    diagnostics: list[Diagnostic],
    files: list[Path],
    options: ReportOptions,
    sources: SourceLines | None,
) -> None:
    """Print the report and exit with its status (a late configuration error exits 2)."""
    try:
        status = report(diagnostics, files, options, sources)
    except ConfigError as error:
        _fail(str(error))
        return
    sys.exit(status)


def _fix(
    files: list[Path],
    diagnostics: list[Diagnostic],
    settings: Settings,
    fixes: FixOptions,
    options: ReportOptions,
) -> tuple[list[Diagnostic], ReportOptions]:
    """Apply the fixes (``--fix``...): the diagnostics left, and the report options that say how
    many were fixed. ``--diff`` and ``--fix-only`` end the run here."""
    if not fixes.active and not fixes.show_fixes:
        return diagnostics, options
    done = apply_fixes(files, diagnostics, settings, fixes, quiet=options.quiet)
    if done.status is not None:
        sys.exit(done.status)
    options = replace(options, fixed=done.fixed, unsafe_fixes=fixes.unsafe_fixes)
    return sorted(done.diagnostics), options


def _fix_stdin(
    settings: Settings, stdin_filename: Path | None, force_exclude: bool, fixes: FixOptions
) -> int:
    """``--fix -``: the fixed source on stdout (``--diff``: the diff)."""
    data = read_stdin(settings.max_file_size)
    piped = lint_stdin(data, settings, stdin_filename, force_exclude=force_exclude)
    if piped.note or not piped.files:  # too big, or excluded: passed through unchanged
        if piped.note:
            _warn(f"{piped.files[0]}: {piped.note}")
        if not fixes.diff:
            click.get_binary_stream("stdout").write(data)
        return 0
    try:
        text, _ = decode(data)
    except (UnicodeDecodeError, LookupError, SyntaxError, ValueError):
        click.get_binary_stream("stdout").write(data)
        return 1
    path = stdin_filename if stdin_filename is not None else STDIN
    shown = str(piped.files[0])
    return apply_to_stdin(text, piped.diagnostics, settings, path, shown, fixes).status or 0


def _lint_stdin(
    settings: Settings, stdin_filename: Path | None, force_exclude: bool, fixes: FixOptions
) -> tuple[list[Diagnostic], list[Path], SourceLines]:
    if fixes.active:  # the fixed source (or the diff) is the output
        sys.exit(_fix_stdin(settings, stdin_filename, force_exclude, fixes))
    data = read_stdin(settings.max_file_size)
    piped = lint_stdin(data, settings, stdin_filename, force_exclude=force_exclude)
    if piped.note:
        _warn(f"{piped.files[0]}: {piped.note}")
    return piped.diagnostics, piped.files, piped.sources


def _run(
    files: list[Path],
    settings: Settings,
    *,
    quiet: bool = False,
    jobs: int = 1,
    cache: Cache | None = None,
) -> list:
    """Lint the files, with a progress line on an interactive stderr for long runs. A file that
    was not linted (unreadable, above ``max-file-size``) is a warning; exit 2 when no file could
    be linted because of files that cannot be read."""
    progress = Progress(len(files), enabled=not quiet)
    on_file = progress.file_done if progress.enabled else None
    notes: list[tuple[Path, str]] = []
    try:
        found = lint_files(
            files, settings, jobs=jobs, cache=cache, on_file=on_file, on_skip=_collect(notes)
        )
    finally:
        progress.finish()
    for path, note in notes:
        _warn(f"{display_path(path)}: {note}")
    if len(notes) == len(files) and any(note.startswith(UNREADABLE) for _, note in notes):
        _fail("no file could be linted (see the warnings above)")
    return found


def _collect(notes: list[tuple[Path, str]]) -> Callable[[Path, str], None]:
    return lambda path, note: notes.append((path, note))


@cli.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default, fix."""
    from fastlint.docs import default_label, fix_label  # the rules, and libcst: only here
    from fastlint.rules import ALL_RULES

    for rule in ALL_RULES:
        click.echo(f"{rule.code}\t{rule.name}\t{default_label(rule)}\tfix: {fix_label(rule)}")


@cli.command(name="rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of one rule."""
    from fastlint.docs import rule_page  # the rules, and libcst: only here
    from fastlint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        _fail(f"unknown rule `{code}` (see `fastlint rules`)")
        return
    click.echo(rule_page(rule), nl=False)


@cli.command(name="lsp")
@click.option(
    "--tcp",
    metavar="HOST:PORT",
    help="Listen on this address instead of stdio (to debug the server with an editor).",
)
def lsp(tcp: str | None) -> None:
    """Run the language server (stdio; see docs/editors.md)."""
    if tcp is not None and not tcp.rpartition(":")[2].isdigit():
        _fail(f"--tcp takes HOST:PORT, not {tcp!r}")
        return
    from fastlint.frontends.lsp import serve  # pygls: only for this command

    serve(tcp)


def main() -> None:
    """The ``fastlint`` console script: the CLI, tuned for a batch run; Ctrl-C exits 130."""
    tune_gc_for_batch()
    signal.signal(signal.SIGINT, _interrupted)
    cli(prog_name="fastlint")


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C: exit 130, as other tools do (click would say "Aborted!" and exit 1, the status
    for "violations found"); the worker pool is stopped on the way out."""
    raise SystemExit(128 + signum)
