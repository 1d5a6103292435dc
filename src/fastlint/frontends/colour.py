"""Whether the report is coloured, and the ANSI styles it uses.

``--color auto`` (the default) colours a terminal only, as ruff and pytest do: ``NO_COLOR``
(non-empty) turns colour off, else ``FORCE_COLOR`` (non-empty) turns it on even for a pipe
(NO_COLOR wins when both are set, as in pytest), else ``TERM=dumb`` turns it off, else it is on
when the output is a terminal. A report file (``--output-file``) is coloured by ``--color
always`` only. ``--color always`` and ``--color never`` win over the environment. Only the
formats for people (text, concise, full) are ever coloured.

This module imports nothing but the standard library: it is on the path of every run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

CHOICES = ("auto", "always", "never")
HUMAN_FORMATS = frozenset({"text", "concise", "full"})

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
CYAN = "\x1b[36m"
BLUE = "\x1b[34m"


def wanted(
    choice: str,
    stream: TextIO | None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether to colour output written to ``stream`` (None: a file, never a terminal)."""
    if choice == "always":
        return True
    if choice == "never" or stream is None:  # a report file: only `always` colours it
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed, or not a real stream
        return False


def paint(text: str, *styles: str) -> str:
    """``text`` in the given styles, reset after."""
    return "".join(styles) + text + RESET if styles and text else text
