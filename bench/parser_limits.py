"""Where libcst's native parser dies: ``python bench/parser_limits.py [shape ...]``.

For each shape of deep code, bisects (each try in a child process, so a crash kills only the
child) the smallest size that crashes ``libcst.parse_module`` (SIGSEGV, or SIGABRT from Rust's
stack-overflow check) or takes longer than ``--timeout``, and prints it next to the largest size
that ``fastlint.engine.parse_guard`` lets through. Re-run after upgrading libcst; the guard's
limits are in its module docstring.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

SHAPES = {
    "and": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "plus": lambda n: "x = " + " + ".join(["a"] * n) + "\n",
    "paren": lambda n: "x = " + "(" * n + "a" + ")" * n + "\n",
    "list": lambda n: "x = " + "[" * n + "]" * n + "\n",
    "call": lambda n: "x = " + "f(" * n + "a" + ")" * n + "\n",
    "lambda": lambda n: "x = " + "lambda: " * n + "a\n",
    "attr": lambda n: "x = a" + ".b" * n + "\n",
    "ternary": lambda n: "x = " + "a if a else " * n + "a\n",
    "not": lambda n: "x = " + "not " * n + "a\n",
    "elif": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
}
_CHILD = "import sys, libcst; libcst.parse_module(sys.stdin.read())"


def dies(text: str, timeout: float) -> bool:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return True
    return done.returncode < 0


def bisect(good: int, bad: int, fails) -> int:  # noqa: ANN001
    while bad - good > max(good // 100, 1):
        middle = (good + bad) // 2
        if fails(middle):
            bad = middle
        else:
            good = middle
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapes", nargs="*", default=list(SHAPES))
    parser.add_argument("--max", type=int, default=20_000)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    from fastlint.engine import parse_guard

    for name in args.shapes:
        make = SHAPES[name]
        if not dies(make(args.max), args.timeout):
            crash = f"survives {args.max}"
        else:
            crash = (
                f"dies at {bisect(1, args.max, lambda n, make=make: dies(make(n), args.timeout))}"
            )
        allowed = (
            bisect(1, args.max, lambda n, make=make: parse_guard.check(make(n)) is not None) - 1
        )
        print(f"{name:8} {crash:>18}   guard lets through {allowed}", flush=True)


if __name__ == "__main__":
    main()
