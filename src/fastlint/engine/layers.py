"""``[tool.fastlint.layers]``: the project's layers, in order, as module globs (FST701, FST702).

Read without libcst, and below both its readers in fastlint's layers: configuration validates
the table (``layer_problem``, which settings turns into a ``ConfigError``) and the rules parse it
again (``parse_layers``, cached). TOML tables keep
their key order (``tomllib`` returns a ``dict`` in file order), and that order is the layer order:
the first layer is the highest (it may import every layer below it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

STRICT = "strict"
DOMAIN = "domain"
RESERVED = frozenset({STRICT, DOMAIN})
# Layers FST702 treats as domain code when the table has no ``domain`` key.
DEFAULT_DOMAIN = frozenset({"services", "service", "repositories", "repository", "domain", "crud"})
# One part of a module glob: an identifier, possibly with ``*``/``?``/``[...]`` wildcards; or
# ``**``, any number of parts (none included).
_PART = re.compile(r"^(\*\*|[A-Za-z0-9_*?\[\]!-]+)$")


@dataclass(frozen=True)
class Layer:
    """One layer of the table: its name and the module globs that belong to it."""

    name: str
    globs: tuple[tuple[str, ...], ...]  # each glob split at its dots


@dataclass(frozen=True)
class Layers:
    """A parsed ``[tool.fastlint.layers]`` table: its layers, highest first, its ``strict`` flag
    (a layer may import only itself and the layer right below) and its domain layers (FST702)."""

    layers: tuple[Layer, ...]
    strict: bool  # noqa: FST514 the table's own `strict` key, read as such by the layer rules
    domain: frozenset[str]

    def index_of(self, module: str) -> int | None:
        """The position of the first layer one of whose globs matches ``module``."""
        parts = tuple(module.split("."))
        for index, layer in enumerate(self.layers):
            if any(_matches(glob, parts) for glob in layer.globs):
                return index
        return None


def _matches(glob: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """``glob`` matches ``parts`` or a package above them: ``app.models`` and ``app.models.**``
    both match ``app.models`` and ``app.models.user``; ``*`` is one part, ``**`` any number."""
    if not glob:
        return True  # what remains of the module is below the matched package
    head, rest = glob[0], glob[1:]
    if head == "**":
        return any(_matches(rest, parts[start:]) for start in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], head) and _matches(rest, parts[1:])


def _glob_problem(glob: str) -> str | None:
    if not glob.strip():
        return "it is empty"
    if glob != glob.strip() or "/" in glob or "\\" in glob:
        return "a module glob is a dotted name such as `app.services.**` (no spaces or slashes)"
    for part in glob.split("."):
        if not _PART.match(part) or ("**" in part and part != "**"):
            return f"`{part}` is not a module name part (an identifier, `*`, or `**` alone)"
        if part.count("[") != part.count("]"):
            return "a `[` is never closed"
    return None


def _layer_problem(name: str, value: object) -> str | None:
    globs = [value] if isinstance(value, str) else value
    if not isinstance(globs, list) or not globs or not all(isinstance(g, str) for g in globs):
        return f"layer `{name}` must be a module glob or a list of them, not {value!r}"
    for glob in globs:
        problem = _glob_problem(glob)
        if problem is not None:
            return f"layer `{name}`: `{glob}` is not a valid module glob: {problem}"
    return None


def _domain_problem(domain: object, names: list[str]) -> str | None:
    if not isinstance(domain, list) or not all(isinstance(item, str) for item in domain):
        return f"`layers.domain` must be a list of layer names, not {domain!r}"
    for item in domain:
        if item not in names:
            known = ", ".join(f"`{name}`" for name in names)
            return f"`layers.domain` names `{item}`, which is not a layer (layers: {known})"
    return None


def layer_problem(table: object) -> str | None:
    """Why ``table`` is not a valid ``[tool.fastlint.layers]`` table, in one line; or None."""
    if not isinstance(table, dict):
        return '`layers` must be a table: [tool.fastlint.layers] with `name = "module.glob"` keys'
    strict = table.get(STRICT, False)
    if not isinstance(strict, bool):
        return f"`layers.strict` must be true or false, not {strict!r}"
    names = [name for name in table if name not in RESERVED]
    for name in names:
        problem = _layer_problem(name, table[name])
        if problem is not None:
            return problem
    if table and not names:
        return "[tool.fastlint.layers] declares no layer (only `strict`/`domain`)"
    return _domain_problem(table.get(DOMAIN, []), names)


def parse_layers(table: dict[str, object]) -> Layers | None:
    """The layers of a valid table (None when it declares none, or is not valid)."""
    if not table or layer_problem(table) is not None:
        return None
    return _parse(json.dumps(table))  # the order of the keys is kept: it is the layer order


@lru_cache(maxsize=8)
def _parse(dumped: str) -> Layers:
    table = json.loads(dumped)
    layers = tuple(
        Layer(name, tuple(tuple(glob.split(".")) for glob in ([v] if isinstance(v, str) else v)))
        for name, v in table.items()
        if name not in RESERVED
    )
    if DOMAIN in table:
        domain = frozenset(table[DOMAIN])
    else:
        domain = frozenset(layer.name for layer in layers if layer.name in DEFAULT_DOMAIN)
    return Layers(layers, bool(table.get(STRICT, False)), domain)
