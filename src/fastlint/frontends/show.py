"""What ``fastlint check --show-settings PATH`` and ``fastlint --version`` print.

The settings are printed as TOML (``tomllib`` reads them back; a bug report can paste them):
the configuration file, the general settings, the excludes, the ``per-file-ignores`` patterns
that match PATH, and each rule that runs on PATH with the value of each of its options.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from fastlint import __version__
from fastlint.config.settings import Settings, rule_catalog
from fastlint.run.runner import display_path


def version_line() -> str:
    """``fastlint 0.1.0 (libcst 1.8.5, CPython 3.11.9)``: what a bug report needs."""
    try:
        libcst = metadata.version("libcst")
    except metadata.PackageNotFoundError:  # pragma: no cover - libcst is a dependency
        libcst = "not installed"
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"fastlint {__version__} (libcst {libcst}, {python})"


def toml_value(value: object) -> str:
    """A TOML literal for an option's value (bool, number, string, list, table)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return "[" + ", ".join(toml_value(item) for item in items) + "]"
    if isinstance(value, Mapping):
        return _table({str(key): item for key, item in value.items()})
    return json.dumps(str(value))  # None and anything else: shown as a string


def _key(name: str) -> str:
    bare = name.replace("-", "").replace("_", "").isalnum() and name.isascii()
    return name if bare else json.dumps(name, ensure_ascii=False)


def _table(entries: Mapping[str, object]) -> str:
    inner = ", ".join(f"{_key(key)} = {toml_value(value)}" for key, value in entries.items())
    return "{ " + inner + " }" if inner else "{}"


def _excluded_by(path: Path, pattern: str, settings: Settings) -> bool:
    return replace(settings, exclude=(pattern,)).is_excluded(path)


def _general(path: Path, settings: Settings) -> list[str]:
    config = settings.config_path
    where = "" if config is not None else "  # none: the defaults (--isolated, or none found)"
    excluded = settings.is_excluded(path)
    by = next(
        (f"`{pattern}`" for pattern in settings.exclude if _excluded_by(path, pattern, settings)),
        "`build`/`dist` in the project root",
    )
    note = f"  # by {by}; named on the command line it is linted anyway, unless --force-exclude"
    return [
        f"# fastlint {__version__}: the settings `fastlint check` uses for {display_path(path)}",
        f"path = {toml_value(display_path(path))}",
        f"config-file = {toml_value(str(config) if config else '')}{where}",
        f"root = {toml_value(str(settings.root))}",
        f"target-version = {toml_value(settings.target_version)}",
        f"max-file-size = {settings.max_file_size}",
        f"respect-gitignore = {toml_value(settings.respect_gitignore)}",
        f"exclude = {toml_value(list(settings.exclude))}  # the built-in excludes, then yours",
        f"excluded = {toml_value(excluded)}{note if excluded else ''}",
    ]


def _matches(path: Path, pattern: str, settings: Settings) -> bool:
    """Whether a ``per-file-ignores`` pattern matches ``path`` (as the run matches it)."""
    alone = replace(settings, per_file_ignores=((pattern, frozenset({"?"})),))
    return bool(alone.ignored_for(path))


def _ignores(path: Path, settings: Settings) -> list[str]:
    matching = {
        pattern: sorted(codes)
        for pattern, codes in settings.per_file_ignores
        if _matches(path, pattern, settings)
    }
    others = len(settings.per_file_ignores) - len(matching)
    note = f"  # {others} other pattern(s) do not match this path" if others else ""
    return [
        f"per-file-ignores = {_table(matching)}{note}",
        f"ignored = {toml_value(sorted(settings.ignored_for(path)))}  # by per-file-ignores",
    ]


def _rules(path: Path, settings: Settings) -> list[str]:
    from fastlint.rules import RULES_BY_CODE  # the rules' names: only for --show-settings

    catalog = rule_catalog()
    running = sorted(settings.enabled - settings.ignored_for(path))
    lines = ["", f"[rules]  # the {len(running)} rules that run on this path, with their options"]
    for code in running:
        rule, info = RULES_BY_CODE.get(code), catalog.get(code)
        entries: dict[str, object] = {"name": rule.name if rule is not None else ""}
        for option in info.options if info is not None else ():
            entries[option.name] = settings.options.get(option.name, option.default)
        lines.append(f"{code} = {_table(entries)}")
    return lines


def settings_report(path: Path, settings: Settings) -> str:
    """The resolved settings for ``path``, as TOML."""
    lines = [*_general(path, settings), *_ignores(path, settings), *_rules(path, settings)]
    return "\n".join(lines) + "\n"
