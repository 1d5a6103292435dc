"""The import-linter contracts of pyproject.toml hold (the layers of README's Development part).

Runs import-linter's own check in a subprocess. Through its API rather than the ``lint-imports``
script: the script needs click >= 8.2, and ``bench/run.py`` installs fixit, which wants
click < 8.2; the check itself does not use click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter is a test dependency")

ROOT = Path(__file__).resolve().parent.parent
CHECK = (
    "import sys\n"
    "from importlinter import configuration\n"
    "configuration.configure()\n"
    "from importlinter.application.use_cases import lint_imports\n"
    "sys.exit(0 if lint_imports() else 1)\n"
)


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
