"""What rules cost on top of the parse, in one process: a quick check while writing a rule.

    python bench/rule_cost.py                    # default rules, every 6th corpus file
    python bench/rule_cost.py --select FST205,FST206 --fraction 3
    python bench/rule_cost.py --per-rule         # each default rule alone, sorted by cost

Prints the bare ``libcst.parse_module`` CPU time of the sample, the time of linting it (parse
included) and ``floor x`` = parse / lint, the figure ``bench/run.py`` holds to 0.65 for the
cold run. ``--per-rule`` lints with each rule alone and prints the time it adds to the parse
(noisy below a few milliseconds: it is a guide, not a measurement; use ``bench/run.py``).
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import libcst as cst

from fastlint.config.settings import build_settings
from fastlint.engine.linter import Linter
from fastlint.project.index import ProjectIndex
from fastlint.rules import ALL_RULES, RULES_BY_CODE
from fastlint.run.session import tune_gc_for_batch

CORPUS = Path.home() / ".cache" / "fastlint-corpus" / "src"


def sample(fraction: int) -> list[tuple[Path, str]]:
    files = sorted(CORPUS.rglob("*.py"))[::fraction]
    out = []
    for path in files:
        try:
            out.append((path, path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return out


def cpu(work: object) -> float:
    gc.collect()
    start = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - start


def lint_time(rules: list, texts: list[tuple[Path, str]]) -> float:
    def run() -> None:
        project = (
            ProjectIndex([path for path, _ in texts])
            if any(rule.needs_project for rule in rules)
            else None
        )
        linter = Linter(rules, {}, project)
        for path, text in texts:
            linter.lint_text(text, str(path))

    return cpu(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fraction", type=int, default=6)
    parser.add_argument("--select", default="")
    parser.add_argument("--per-rule", action="store_true")
    args = parser.parse_args()
    tune_gc_for_batch()  # as the CLI does (``run/session.py``), or the collector's cost swamps the rules
    texts = sample(args.fraction)
    lines = sum(text.count("\n") for _, text in texts)
    if args.select:
        rules = [RULES_BY_CODE[code.strip()] for code in args.select.split(",")]
    else:
        enabled = build_settings({}, origin="bench", root=CORPUS).enabled
        rules = [rule for rule in ALL_RULES if rule.code in enabled]

    def parse_all() -> None:
        for _, text in texts:
            cst.parse_module(text)  # not kept: holding every tree would slow the collector

    parse = cpu(parse_all)
    print(f"{len(texts)} files, {lines} lines; parse {parse:.2f} s CPU")
    if args.per_rule:
        costs = []
        for rule in rules:
            costs.append((lint_time([rule], texts) - parse, rule.code))
        for cost, code in sorted(costs, reverse=True):
            print(f"  {code}  +{cost:6.2f} s  ({cost / parse:+.1%} of the parse)")
    total = lint_time(rules, texts)
    print(f"lint {total:.2f} s CPU with {len(rules)} rules: floor x {parse / total:.3f}")


if __name__ == "__main__":
    main()
