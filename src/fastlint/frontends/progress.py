"""A progress line on stderr for long interactive runs.

Shown only when stderr is a terminal, the run has lasted longer than ``DELAY`` seconds and
``--quiet`` is off; redrawn in place at most ten times a second and erased at the end, so
nothing of it stays in the terminal or reaches a pipe or a file.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

DELAY = 1.0
INTERVAL = 0.1


def _count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


class Progress:
    """Counts files done (and their lines) and draws ``files done/total, lines/s``."""

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _is_terminal(self.stream)
        self.total = total
        self.done = 0
        self.lines = 0
        self.clock = clock
        self.started = clock()
        self._drawn_at: float | None = None

    def file_done(self, path: Path) -> None:
        if not self.enabled:
            return
        self.done += 1
        self.lines += _count_lines(path)
        now = self.clock()
        if now - self.started < DELAY:
            return
        if self._drawn_at is not None and now - self._drawn_at < INTERVAL:
            return
        self._drawn_at = now
        rate = self.lines / max(now - self.started, 1e-9)
        self.stream.write(f"\r\x1b[Kfastlint: {self.done}/{self.total} files, {rate:,.0f} lines/s")
        self.stream.flush()

    def finish(self) -> None:
        if self._drawn_at is not None:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn_at = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
