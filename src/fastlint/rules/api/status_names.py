"""The status constant names of the installed Starlette, read from its source, never imported.

``fastapi.status`` is ``from starlette.status import *``. Its module-level ``HTTP_nnn_...``
assignments are the current names; deprecated names live in a ``__deprecated__`` dict served by a
module ``__getattr__`` (Starlette >= 0.48) and are not assignments, so they are never chosen.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from fastlint.knowledge.http_status import RENAMED, STATUS_NAMES

_CONSTANT = re.compile(r"HTTP_(\d{3})_[A-Z0-9_]+")


def names_in_source(text: str) -> dict[int, str]:
    """Code -> name of the ``HTTP_nnn_NAME = nnn`` assignments of a ``status.py`` text."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    found: dict[int, str] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Constant):
            continue
        match = _CONSTANT.fullmatch(target.id)
        if match and value.value == int(match.group(1)) and type(value.value) is int:
            found.setdefault(value.value, target.id)
    return found


def _installed_status() -> Path | None:
    """``starlette/status.py`` of the running Python's Starlette. ``find_spec`` of a top-level
    name locates the package without importing it."""
    try:
        spec = importlib.util.find_spec("starlette")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "status.py"
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=1)
def installed_names() -> dict[int, str]:
    """Code -> name in the installed Starlette; empty when it cannot be read."""
    path = _installed_status()
    if path is None:
        return {}
    try:
        return names_in_source(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def status_name(code: int) -> str | None:
    """The constant to write for ``code``: the installed Starlette's name, else the table's;
    None for a renamed code when the installed names are unknown (which name exists depends on
    the Starlette version) and for codes with no constant."""
    installed = installed_names()
    if installed:
        return installed.get(code)
    return STATUS_NAMES.get(code)


def suggested_names(code: int) -> str:
    """The name(s) to show in a message: both of a renamed code when the version is unknown."""
    name = status_name(code)
    if name is not None:
        return f"`status.{name}`"
    if code in RENAMED:
        new, old = RENAMED[code]
        return f"`status.{new}` (`status.{old}` before Starlette 0.48)"
    return "a `status.HTTP_...` constant"
