"""Resolved settings: which rules run on which file, with which options.

Read from ``[tool.fastlint]`` in the nearest ``pyproject.toml`` that has one (walking up from the
current directory), or from ``--config``; command-line flags override the file. Every mistake is
a ``ConfigError`` with a one-line message; the front ends turn it into exit status 2.

Validating a configuration needs the rules' codes, defaults and options (the rule catalog), not
the rules themselves: importing them imports libcst, a quarter second a run whose every result
comes from the cache must not pay. ``load_settings(catalog=True)`` reads the catalog from the
results cache directory, where a run of the same fastlint code wrote it (``save_rule_catalog``,
keyed by fastlint's code stamp); without it, the rules are imported. ``Settings.rules`` imports
them when a file is linted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from fastlint import __version__
from fastlint.config.stamp import code_stamp
from fastlint.engine.globs import glob_problem
from fastlint.engine.rule import Option

if TYPE_CHECKING:
    from fastlint.engine.rule import Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration or usage mistake, reported in one line with exit status 2."""


CACHE_DIR_NAME = ".fastlint_cache"
DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    "node_modules",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".fastlint_cache",
)
# Excluded only directly below the project root (where packaging tools write them): a source
# folder named ``build`` deeper down (``app/build/``) is linted.
ROOT_EXCLUDES = ("build", "dist")
TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(7, 15))
_GENERAL_KEYS = frozenset(
    {
        "select",
        "ignore",
        "extend-select",
        "extend-ignore",
        "per-file-ignores",
        "exclude",
        "extend-exclude",
        "target-version",
        "max-file-size",
        "respect-gitignore",
    }
)
# Files larger than this (bytes) are skipped with a note: libcst needs ~250 times a file's size.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
_CODE = re.compile(r"^[A-Z]+[0-9]*$")


@dataclass(frozen=True)
class RuleInfo:
    """What configuration needs to know of a rule, without importing it."""

    code: str
    default_enabled: bool  # noqa: FST514 mirrors Rule.default_enabled, the rule API's name
    needs_project: bool
    options: tuple[Option, ...]


# The rule catalog of this process: read from a cache directory, or taken from the rules.
_catalog: dict[str, RuleInfo] | None = None
_is_catalog_from_rules = False
# Option types a catalog file can hold (by name).
_TYPES: dict[str, type] = {
    "int": int,
    "bool": bool,
    "str": str,
    "list": list,
    "float": float,
    "dict": dict,  # a table option (`layers`)
}


def rule_catalog() -> dict[str, RuleInfo]:
    """Every rule's catalog entry by code, in ``ALL_RULES`` order (imports the rules unless a
    catalog was read with ``load_rule_catalog``)."""
    global _catalog, _is_catalog_from_rules  # noqa: FST509 (one rule catalog per process)
    if _catalog is None:
        from fastlint.rules import ALL_RULES

        _catalog = {
            rule.code: RuleInfo(
                rule.code, rule.default_enabled, rule.needs_project, tuple(rule.options)
            )
            for rule in ALL_RULES
        }
        _is_catalog_from_rules = True
    return _catalog


def _catalog_file(directory: Path) -> Path:
    return directory / f"rules-{code_stamp()}.json"


def load_rule_catalog(directory: Path) -> bool:
    """Use the rule catalog a run of this same fastlint code saved in ``directory`` (a results
    cache); False (and nothing changes) when there is none, or it cannot be read."""
    global _catalog  # noqa: FST509 (one rule catalog per process)
    if _catalog is not None:
        return True
    try:
        data = json.loads(_catalog_file(directory).read_bytes())
        found = {
            code: RuleInfo(
                code,
                bool(entry["default_enabled"]),
                bool(entry["needs_project"]),
                tuple(
                    Option(
                        option["name"],
                        _TYPES[option["type"]],
                        option["default"],
                        option["help"],
                        _TYPES[option["item_type"]] if option["item_type"] else None,
                    )
                    for option in entry["options"]
                ),
            )
            for code, entry in data["rules"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return False
    _catalog = found
    return True


def _type_name(kind: type | None) -> str | None:
    for name, value in _TYPES.items():
        if value is kind:
            return name
    return None


def _catalog_json() -> dict[str, object] | None:
    """The catalog as JSON, or None when an option cannot be written as it is."""
    assert _catalog is not None
    rules = {}
    for code, info in _catalog.items():
        options = []
        for option in info.options:
            kind, item = _type_name(option.type), _type_name(option.item_type)
            if kind is None or (option.item_type is not None and item is None):
                return None
            if json.loads(json.dumps(option.default)) != option.default:
                return None
            options.append(
                {
                    "name": option.name,
                    "type": kind,
                    "default": option.default,
                    "help": option.help,
                    "item_type": item,
                }
            )
        rules[code] = {
            "default_enabled": info.default_enabled,
            "needs_project": info.needs_project,
            "options": options,
        }
    return {"rules": rules}


def save_rule_catalog(directory: Path) -> None:
    """Save the rule catalog in ``directory`` for the next runs (when this process took it from
    the rules, and it can be written as JSON as it is: else every run imports the rules)."""
    if _catalog is None or not _is_catalog_from_rules:
        return
    path = _catalog_file(directory)
    data = None if path.exists() else _catalog_json()
    if data is None:
        return
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for stale in directory.glob("rules-*.json"):  # other code stamps
        if stale != path:
            stale.unlink(missing_ok=True)


def all_options() -> dict[str, Option]:
    """Every rule option by its key; rules that share a key share one definition."""
    found: dict[str, Option] = {}
    for rule in rule_catalog().values():
        for option in rule.options:
            found.setdefault(option.name, option)
    return found


def select_rules(selector: str, origin: str) -> set[str]:
    """Codes a selector names: ``ALL``; an exact code (opt-in rules too); or a prefix such as
    ``FST1`` (the rules of that prefix that are on by default)."""
    selector = selector.strip().upper()
    catalog = rule_catalog()
    if selector == "ALL":
        return set(catalog)
    if selector in catalog:
        return {selector}
    if _CODE.match(selector):
        matched = {
            code
            for code, rule in catalog.items()
            if code.startswith(selector) and rule.default_enabled
        }
        if matched:
            return matched
        if any(code.startswith(selector) for code in catalog):
            return set()
    raise ConfigError(f"unknown rule selector `{selector}` in {origin} (see `fastlint rules`)")


def _codes(selectors: Iterable[str], origin: str) -> set[str]:
    found: set[str] = set()
    for selector in selectors:
        found |= select_rules(selector, origin)
    return found


@dataclass(frozen=True)
class Settings:
    """One configuration, resolved: the enabled rules, their options, what to exclude and the
    target version; read by the linter, the cache key and the file discovery."""

    enabled: frozenset[str]
    options: Mapping[str, object]  # validated by each Option: rules read them with option()
    root: Path
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = ()
    target_version: str = "py310"
    config_path: Path | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # skip what .gitignore files ignore, walking directories
    respect_gitignore: bool = True  # noqa: FST514 the `respect-gitignore` setting's own name

    @property
    def rules(self) -> tuple[type[Rule], ...]:
        """The enabled rules (imports them, and libcst: only when a file is linted)."""
        from fastlint.rules import ALL_RULES

        return tuple(rule for rule in ALL_RULES if rule.code in self.enabled)

    @property
    def needs_project(self) -> bool:
        """Whether an enabled rule reads other modules (the project index), from the catalog."""
        catalog = rule_catalog()
        return any(catalog[code].needs_project for code in self.enabled if code in catalog)

    def ignored_for(self, path: Path) -> frozenset[str]:
        relative = self.relative(path)
        ignored: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if _glob_matches(relative, pattern):
                ignored |= codes
        return frozenset(ignored)

    def rules_for(self, path: Path) -> tuple[type[Rule], ...]:
        ignored = self.ignored_for(path)
        if not ignored:
            return self.rules
        return tuple(rule for rule in self.rules if rule.code not in ignored)

    def is_excluded(self, path: Path, below: Path | None = None) -> bool:
        """Whether ``path`` is excluded. Found inside a directory named on the command line
        (``below``), bare-name patterns only look at the parts under that directory: naming
        ``fixtures/app`` lints it even when ``fixtures`` is excluded."""
        relative = self.relative(path)
        if relative.parts and relative.parts[0] in ROOT_EXCLUDES and not relative.is_absolute():
            named = self.relative(below).parts if below is not None else ()
            if not named or named[0] != relative.parts[0]:  # naming ``build/`` lints it
                return True
        inner = relative
        if below is not None:
            try:
                inner = PurePosixPath(path.absolute().relative_to(below.absolute()).as_posix())
            except ValueError:
                inner = relative
        for pattern in self.exclude:
            if _glob_matches(
                inner if "/" not in pattern.strip().rstrip("/") else relative, pattern
            ):
                return True
        return False

    def relative(self, path: Path) -> PurePosixPath:
        absolute = path.absolute()
        try:
            return PurePosixPath(absolute.relative_to(self.root).as_posix())
        except ValueError:
            return PurePosixPath(absolute.as_posix())

    def fingerprint(self) -> str:
        """Changes whenever anything that can change a file's diagnostics changes."""
        data = {
            "version": __version__,
            "enabled": sorted(self.enabled),
            "options": {key: self.options[key] for key in sorted(self.options)},
            # Tables are dumped with sorted keys; the order of the layers is their meaning.
            "layer_order": list(self.options.get("layers", {})),
            "per_file_ignores": [[p, sorted(c)] for p, c in self.per_file_ignores],
            "target_version": self.target_version,
            "root": str(self.root),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _glob_matches(relative: PurePosixPath, pattern: str) -> bool:
    """A pattern matches the path, one of its parent directories, or any single component."""
    pattern = pattern.strip().rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    parts = relative.parts
    if "/" not in pattern:
        return any(fnmatchcase(part, pattern) for part in parts)
    for end in range(len(parts), 0, -1):
        if fnmatchcase("/".join(parts[:end]), pattern):
            return True
    return False


def _check_globs(patterns: Iterable[str], origin: str, key: str) -> None:
    for pattern in patterns:
        problem = glob_problem(pattern)
        if problem is not None:
            raise ConfigError(
                f"{origin}: `{key}` pattern `{pattern}` is not a valid glob: {problem}"
            )


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.fastlint]`` table, walking up."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                raw = candidate.read_bytes()
            except OSError as error:
                raise ConfigError(f"cannot read {candidate}: {error.strerror or error}") from None
            if b"fastlint" not in raw:
                continue
            text = _utf8(raw, candidate)
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                raise ConfigError(f"{candidate} is not valid TOML: {error}") from None
            if isinstance(data.get("tool"), dict) and "fastlint" in data["tool"]:
                return candidate
    return None


def _utf8(data: bytes, path: Path) -> str:
    """The text of a TOML file, which must be UTF-8: a ``ConfigError`` naming the first bad byte
    rather than settings silently dropped."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{path} is not valid UTF-8 (byte 0x{data[error.start]:02x} on line {line}); "
            "TOML files must be UTF-8"
        ) from None


def read_config_table(path: Path) -> dict[str, object]:
    """The ``[tool.fastlint]`` table of a pyproject.toml (empty without one), or the whole of any
    other config file (a fastlint.toml); raises ``ConfigError`` with a one-line reason when it cannot be read."""
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise ConfigError(f"config file is not a regular file (a FIFO or device?): {path}")
        data = tomllib.loads(_utf8(path.read_bytes(), path))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config file is a directory: {path}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and "fastlint" in tool:
        table = tool["fastlint"]
    elif path.name == "pyproject.toml":
        table = {}
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fastlint] must be a table")
    return table


def _string_list(table: Mapping[str, object], key: str, origin: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{origin}: `{key}` must be a list of strings")
    return value


def _enabled_codes(
    table: Mapping[str, object],
    origin: str,
    select: Sequence[str] | None,
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> set[str]:
    if select is not None:
        enabled = _codes(select, "--select")
    elif "select" in table:
        enabled = _codes(_string_list(table, "select", origin), f"{origin} `select`")
    else:
        enabled = {code for code, rule in rule_catalog().items() if rule.default_enabled}
    enabled |= _codes(_string_list(table, "extend-select", origin), f"{origin} `extend-select`")
    enabled |= _codes(extend_select, "--extend-select")
    for key in ("ignore", "extend-ignore"):
        enabled -= _codes(_string_list(table, key, origin), f"{origin} `{key}`")
    return enabled - _codes(ignore, "--ignore")


def _per_file_ignores(
    table: Mapping[str, object], origin: str
) -> tuple[tuple[str, frozenset[str]], ...]:
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{origin}: `per-file-ignores` must be a table of glob = [codes]")
    _check_globs(per_file, origin, "per-file-ignores")
    found = []
    for pattern, codes in per_file.items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(f"{origin}: `per-file-ignores` value for `{pattern}` must be a list")
        found.append((pattern, frozenset(_codes(codes, f"{origin} `per-file-ignores`"))))
    return tuple(found)


def _option_values(table: Mapping[str, object], origin: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, option in all_options().items():
        if key in table:
            try:
                values[key] = option.validate(table[key])
            except ValueError as error:
                raise ConfigError(f"{origin}: {error}") from None
    return values


def _checked_layers(options: dict[str, object], origin: str) -> dict[str, object]:
    """``[tool.fastlint.layers]`` (FST701, FST702) checked beyond being a table."""
    if "layers" in options:
        from fastlint.engine.layers import layer_problem

        problem = layer_problem(options["layers"])
        if problem is not None:
            raise ConfigError(f"{origin}: {problem}")
    return options


_REQUIRES_CLAUSE = re.compile(r"^(>=|~=|===|==|>)\s*([23])(?:\.(\d+))?")


def target_from_requires_python(requires: str) -> str | None:
    """The target version a ``requires-python`` specifier implies, as ruff derives it: the
    lowest Python 3 minor version it allows (``>=3.9`` and ``>=3.9,<4``: py39; ``~=3.11``:
    py311), clamped to the versions fastlint knows; None when no clause gives a lower bound
    (``<3.13``, ``*``, not a specifier)."""
    minors = []
    for clause in requires.split(","):
        found = _REQUIRES_CLAUSE.match(clause.strip())
        if found is not None:
            minors.append(int(found.group(3) or 0) if found.group(2) == "3" else 0)
    if not minors:
        return None
    first, last = int(TARGET_VERSIONS[0][3:]), int(TARGET_VERSIONS[-1][3:])
    return f"py3{min(max(max(minors), first), last)}"


def project_requires_python(path: Path) -> str | None:
    """``[project] requires-python`` of a pyproject.toml, or None (absent, not a string, or the
    file cannot be read: read_config_table has reported that already)."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    project = data.get("project")
    value = project.get("requires-python") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None


def _target_version(table: Mapping[str, object], origin: str, requires: str | None = None) -> str:
    # Unset: derived from ``requires-python`` as ruff does; unparseable, the default.
    derived = target_from_requires_python(requires) if requires else None
    target = table.get("target-version", derived or "py310")
    if target not in TARGET_VERSIONS:
        raise ConfigError(
            f"{origin}: `target-version` must be one of {', '.join(TARGET_VERSIONS)}, "
            f"not {target!r}"
        )
    return str(target)


def _max_file_size(table: Mapping[str, object], origin: str) -> int:
    size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if type(size) is not int or size < 1:
        raise ConfigError(f"{origin}: `max-file-size` must be a positive number of bytes")
    return size


def _respect_gitignore(table: Mapping[str, object], origin: str, override: bool | None) -> bool:
    value = table.get("respect-gitignore", True)
    if type(value) is not bool:
        raise ConfigError(f"{origin}: `respect-gitignore` must be true or false")
    return value if override is None else override


def build_settings(
    table: Mapping[str, object],
    *,
    origin: str,
    root: Path,
    config_path: Path | None = None,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    respect_gitignore: bool | None = None,
    requires_python: str | None = None,
) -> Settings:
    """Settings from a ``[tool.fastlint]`` table plus command-line selection;
    ``requires_python`` (``[project]`` of the same file) gives the target version when the
    table sets none."""
    options = all_options()
    for key in table:
        if key not in _GENERAL_KEYS and key not in options:
            raise ConfigError(f"{origin}: unknown key `{key}` in [tool.fastlint]")
    for key in ("exclude", "extend-exclude"):
        _check_globs(_string_list(table, key, origin), origin, key)
    exclude = (
        *DEFAULT_EXCLUDES,
        *_string_list(table, "exclude", origin),
        *_string_list(table, "extend-exclude", origin),
    )
    return Settings(
        enabled=frozenset(_enabled_codes(table, origin, select, extend_select, ignore)),
        options=_checked_layers(_option_values(table, origin), origin),
        root=root,
        per_file_ignores=_per_file_ignores(table, origin),
        exclude=exclude,
        target_version=_target_version(table, origin, requires_python),
        config_path=config_path,
        max_file_size=_max_file_size(table, origin),
        respect_gitignore=_respect_gitignore(table, origin, respect_gitignore),
    )


def load_settings(
    *,
    config: Path | None = None,
    isolated: bool = False,
    cwd: Path | None = None,
    start: Path | None = None,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    catalog: bool = False,
    cache_dir: Path | None = None,
    respect_gitignore: bool | None = None,
) -> Settings:
    """Find and read the configuration (from ``start``, default ``cwd``, walking up), then apply
    command-line selection. Without a configuration file, paths are relative to ``cwd``.
    ``catalog``: validate with the rule catalog saved in the results cache directory
    (``cache_dir``, default ``.fastlint_cache`` in the project root) when there is one."""
    if config is not None and isolated:
        raise ConfigError("--config and --isolated cannot be used together")
    cwd = (cwd or Path.cwd()).absolute()
    path: Path | None = None
    if config is not None and not isolated:
        path = config.absolute()
    elif not isolated:
        path = find_config((start or cwd).absolute())
    table = read_config_table(path) if path is not None else {}
    origin = str(path) if path is not None else "settings"
    root = path.parent if path is not None else cwd
    if catalog:
        load_rule_catalog(cache_dir.absolute() if cache_dir else root / CACHE_DIR_NAME)
    return build_settings(
        table,
        origin=origin,
        root=root,
        config_path=path,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        respect_gitignore=respect_gitignore,
        requires_python=project_requires_python(path) if path is not None else None,
    )
