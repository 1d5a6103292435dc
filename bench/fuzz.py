"""The long fuzz run: ``python bench/fuzz.py --examples 5000 [--seconds 300]``.

Generated programs (hypothesmith), mutated programs and arbitrary bytes go through
``Linter.lint_bytes``, the flake8 plugin class and the CLI in-process, with the checks of
``tests/test_fuzz.py``. Failures are collected, not raised (no shrinking); prints how many inputs
ran, the time, how many inputs got FST001 (a rule crashed: a bug to report) and each failure.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_fuzz  # noqa: E402  (the checks and strategies of the test suite)


class _TimeUp(Exception):
    """Raised inside the test once ``--seconds`` have passed, to stop hypothesis at once."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long")
    parser.add_argument("--cli-every", type=int, default=5, help="run the CLI on every Nth input")
    args = parser.parse_args()

    counts: collections.Counter[str] = collections.Counter()
    failures: list[tuple[str, bytes, str]] = []
    internal: list[tuple[bytes, str]] = []
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="fastlint-fuzz-"))
    linter = test_fuzz._linter(workdir)
    previous = os.getcwd()
    os.chdir(workdir)

    def one(target: str, call, data: bytes) -> None:  # noqa: ANN001
        try:
            call()
        except Exception:
            failures.append((target, data, traceback.format_exc(limit=4)))

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=test_fuzz.sources)
    def run(data: bytes) -> None:
        if args.seconds is not None and time.monotonic() - started > args.seconds:
            raise _TimeUp
        counts["inputs"] += 1
        found: list = []
        one("lint_bytes", lambda: found.extend(test_fuzz.check_lint_bytes(linter, data)), data)
        one("flake8_plugin", lambda: test_fuzz.check_flake8_plugin(data), data)
        if counts["inputs"] % args.cli_every == 0:
            counts["cli"] += 1
            one("cli", lambda: test_fuzz.check_cli(workdir, data), data)
        codes = {d.code for d in found}
        counts["parsed"] += "FST000" not in codes
        counts["diagnostics"] += len(found)
        if "FST001" in codes:
            internal.append((data, next(d.message for d in found if d.code == "FST001")))

    try:
        run()
    except _TimeUp:
        pass
    finally:
        os.chdir(previous)
    elapsed = time.monotonic() - started
    print(
        f"inputs: {counts['inputs']} (through the CLI: {counts['cli']}), "
        f"parsed: {counts['parsed']}, diagnostics: {counts['diagnostics']}"
    )
    print(f"time: {elapsed:.1f} s ({counts['inputs'] / max(elapsed, 1e-9):.1f} inputs/s)")
    print(f"failures: {len(failures)}, inputs with FST001: {len(internal)}")
    for target, data, trace in failures[:10]:
        print(f"\n--- {target} failed on {data[:200]!r}\n{trace}")
    for data, message in internal[:10]:
        print(f"\n--- FST001 on {data[:200]!r}\n{message}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
