"""The flake8 plugin: entry point ``FST`` in ``flake8.extension``.

flake8 hands each file's lines to ``FastlintChecker``; their text is parsed once by the
fastlint engine (the file is never re-opened: under ``flake8 -`` its name is only a display
name). Rule options come from ``[tool.fastlint]`` in the nearest ``pyproject.toml`` (found from
the current directory, as the CLI finds it) or from ``--fastlint-config``. Selection, ignores,
per-file ignores, excludes and ``# noqa`` are flake8's: the plugin runs every rule that is on by
default, plus opt-in rules that flake8's ``--select`` / ``--extend-select`` name exactly. A file
above ``max-file-size`` is skipped with a warning on stderr.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ClassVar, Protocol

from fastlint import __version__
from fastlint.config.settings import ConfigError, load_settings
from fastlint.rules import ALL_RULES, RULES_BY_CODE
from fastlint.run.session import LintRun, too_big_note

Flake8Error = tuple[int, int, str, type]


class _OptionManager(Protocol):
    """What the plugin uses of flake8's ``OptionManager``."""

    def add_option(self, *args: str, **kwargs: object) -> None: ...


def opt_in_codes(selectors: Sequence[str]) -> frozenset[str]:
    """Opt-in rules named exactly in flake8's selection (a prefix such as ``FST`` selects only
    the rules that are on by default, as it does for ``fastlint check``)."""
    named = {selector.strip().upper() for selector in selectors}
    return frozenset(
        code for code in named if code in RULES_BY_CODE and not RULES_BY_CODE[code].default_enabled
    )


def build_run(config: str | None, opt_in: frozenset[str]) -> LintRun:
    """The run the plugin lints with: the rule options of ``[tool.fastlint]``, every rule that is
    on by default plus ``opt_in``, no per-file ignores (flake8 applies its own); a
    ``ConfigError`` if the configuration is invalid. Its project index, when a rule needs one,
    is reused across files."""
    settings = load_settings(config=Path(config) if config else None)
    enabled = frozenset(
        rule.code for rule in ALL_RULES if rule.default_enabled or rule.code in opt_in
    )
    return LintRun(replace(settings, enabled=enabled, per_file_ignores=()))


class FastlintChecker:
    """flake8 calls ``run`` once per file; ``tree`` is asked for (flake8 dispatches a plugin per
    file only then) and ignored."""

    name = "fastlint"
    version = __version__

    config: ClassVar[str | None] = None
    opt_in: ClassVar[frozenset[str]] = frozenset()
    # One run per configuration, for the life of the flake8 process (its workers inherit it).
    _runs: ClassVar[dict[tuple[str | None, frozenset[str]], LintRun]] = {}

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: _OptionManager) -> None:
        manager.add_option(
            "--fastlint-config",
            default=None,
            parse_from_config=True,
            help="fastlint: read rule options from this file instead of the nearest "
            "pyproject.toml with [tool.fastlint].",
        )

    @classmethod
    def parse_options(
        cls, manager: _OptionManager, options: argparse.Namespace, args: Sequence[str]
    ) -> None:
        cls.config = getattr(options, "fastlint_config", None)
        selectors = [*(options.select or ()), *(getattr(options, "extend_select", None) or ())]
        cls.opt_in = opt_in_codes(selectors)
        try:
            cls.lint_run()
        except ConfigError as error:
            print(f"fastlint: error: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    @classmethod
    def lint_run(cls) -> LintRun:
        key = (cls.config, cls.opt_in)
        found = cls._runs.get(key)
        if found is None:
            found = cls._runs[key] = build_run(cls.config, cls.opt_in)
        return found

    def run(self) -> Iterator[Flake8Error]:
        lint_run = self.lint_run()
        lint_run.prepare(self.filename)
        text = "".join(self.lines)
        limit = lint_run.settings.max_file_size
        if len(text) * 4 > limit and _skipped(text, limit, self.filename):
            return
        linter = lint_run.linter.linter_for(Path(self.filename))
        for d in linter.lint_text(text, self.filename):
            yield d.row, d.column - 1, f"{d.code} {d.message}", type(self)


def _skipped(text: str, limit: int, filename: str) -> bool:
    """Above ``max-file-size``: a warning on stderr, as ``fastlint check`` gives, and no lint."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return False
    print(f"fastlint: warning: {filename}: {too_big_note(size, limit)}", file=sys.stderr)
    return True
