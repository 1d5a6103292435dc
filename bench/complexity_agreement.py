"""FST503's complexity count against mccabe's, on every function of the real-world corpus.

    python bench/complexity_agreement.py [paths...]      # default: the corpus

Each function (nested ones and methods included) is measured alone by mccabe's
``PathGraphingAstVisitor`` (the function as the only statement of a module, so nested functions
get a graph of their own, as ruff's C901 measures them) and by ``fastlint.rules.quality.
complexity.complexity`` on the libcst tree. Prints every mismatch and the totals.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import mccabe

from fastlint.rules.quality.complexity import complexity

CORPUS = Path.home() / ".cache" / "fastlint-corpus" / "src"


def ast_functions(node: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function, in source (pre-)order."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield child
        yield from ast_functions(child)


class _Functions(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.found.append(node)


def mccabe_count(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    visitor = mccabe.PathGraphingAstVisitor()
    visitor.preorder(ast.Module(body=[function], type_ignores=[]), visitor)
    (graph,) = visitor.graphs.values()
    return graph.complexity()


def compare(path: Path) -> tuple[int, list[str]]:
    """How many functions were compared, and the mismatches."""
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        module = cst.parse_module(text)
    except (SyntaxError, UnicodeDecodeError, cst.ParserSyntaxError, ValueError):
        return 0, []
    theirs = list(ast_functions(tree))
    visitor = _Functions()
    module.visit(visitor)
    ours = visitor.found
    if [f.name for f in theirs] != [f.name.value for f in ours]:
        return 0, [f"{path}: the two trees list different functions"]
    mismatches = []
    for expected, function in zip(theirs, ours, strict=True):
        got, want = complexity(function), mccabe_count(expected)
        if got != want:
            mismatches.append(
                f"{path}:{expected.lineno}: {expected.name}: fastlint {got}, mccabe {want}"
            )
    return len(ours), mismatches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS])
    args = parser.parse_args(argv)
    files = sorted(
        file for path in args.paths for file in ([path] if path.is_file() else path.rglob("*.py"))
    )
    functions = 0
    mismatches: list[str] = []
    for file in files:
        compared, found = compare(file)
        functions += compared
        mismatches.extend(found)
    for line in mismatches:
        print(line)
    print(f"{len(files)} files, {functions} functions compared, {len(mismatches)} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
