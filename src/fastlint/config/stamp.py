"""fastlint's own code stamp: what every cache keys on, so an edited module of fastlint (a
development install, or a patched release) never serves what the old code computed."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """Sizes and modification times of fastlint's own modules (a ``stat`` each, no read)."""
    package = Path(__file__).resolve().parent.parent
    stamps = []
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        stamps.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:16]
