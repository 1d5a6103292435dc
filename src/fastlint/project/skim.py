"""Parse a module for the project index without the function bodies its facts never read.

The facts walk (``project/facts.py``) never enters the body of an ``async def`` nor of a ``def``
with a decorator other than the transparent ones, and nothing else reads function bodies. In
FastAPI code they are about 40% of the text, and parsing them is most of what reading a module
costs. So the text is skimmed first: such bodies are found by indentation (strings, comments
and backslash escapes consumed whole, by regular expressions that run in C) and replaced by
``...`` on their first line and empty lines after it, so that every other node keeps its line
and column; then the skimmed text is parsed.

Nothing the scan finds is trusted. The skimmed tree must hold, for every body cut, a function
of that kind at its line whose whole body is the ``...`` put there; a body cut short at a line
inside brackets leaves an unmatched closing bracket, a syntax error. Whenever the skimmed text
does not parse or the check fails, the whole text is parsed instead. (A syntax error inside a
body cut is not seen: the module's facts are read from the rest.)
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterator

from fastlint.semantic.ast_tree import dotted_name

# Decorators that leave a call of the function a call of its body (its body is read).
TRANSPARENT = frozenset(
    {"staticmethod", "classmethod", "contextmanager", "wraps", "override", "abstractmethod"}
)
_DEF = re.compile(r"( *)(async +)?def ")
_DECORATOR = re.compile(r" *@ *([\w.]+)")
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_LONE_CR = re.compile(r"\r(?!\n)")
# Strings (any prefix: its letters are plain code), comments and escapes, consumed whole.
_STRING = (
    r'(?>"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""'
    r"|'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+'''"
    r'|"(?:[^"\\\n]++|\\[\s\S])*+"'
    r"|'(?:[^'\\\n]++|\\[\s\S])*+')"
)
_TOKENS = rf"{_STRING}|#[^\n]*+|\\[\s\S]"
_BLANK = r"[ ]*+(?:#|\r?\n|\r?\Z)"  # a blank or comment-only line follows
_COLON_END = r":[ \t]*+(?:#[^\n]*+)?\r?(?:\n|\Z)"
# Code up to the line break before a line that starts a ``def``.
# Possessive quantifiers and atomic groups, which keep these scans linear, came with Python
# 3.11: on 3.10 every module is parsed whole.
SKIMS = sys.version_info >= (3, 11)
_SKIP = re.compile(rf"(?:[^\n\"'#\\]++|{_TOKENS}|\n(?! *+(?:async +)?def ))*+" if SKIMS else "")


def decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The last names of a function's decorators (``router.get(...)`` -> ``get``)."""
    names = []
    for expression in node.decorator_list:
        if type(expression) is ast.Call:
            expression = expression.func
        names.append((dotted_name(expression) or "").rpartition(".")[2])
    return names


def is_read(node: ast.AST) -> bool:
    """Whether the facts walk may read a function's body: a sync one with transparent
    decorators only (one nested in a function is not read either, but is never cut)."""
    return type(node) is ast.FunctionDef and all(
        name in TRANSPARENT for name in decorator_names(node)
    )


@functools.cache
def _patterns(indent: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For a ``def`` indented ``indent``: its header after ``def`` up to the line break after
    its colon (continued on deeper lines, or a closing bracket at its own indentation), and
    its body: deeper lines, blank and comment lines, and what strings or escapes continue."""
    deeper = f"[ ]{{{indent + 1}}}"
    header = re.compile(
        rf"(?:[^\n\"'#\\:]++|{_TOKENS}|:(?!{_COLON_END[1:]})"
        rf"|\n(?={deeper}|[ ]{{{indent}}}[)\]}}]|{_BLANK}))*+{_COLON_END}"
    )
    body = re.compile(
        rf"(?={deeper}|{_BLANK})(?:[^\n\"'#\\]++|{_TOKENS}|\n(?={deeper}|{_BLANK}))*+"
    )
    return header, body


def _decorated_away(lines: list[str], row: int) -> bool:
    """A sync ``def`` on line ``row``: whether a one-line decorator above it is not
    transparent (a multi-line one is not looked at: the body is kept)."""
    row -= 1
    while row >= 0:
        match = _DECORATOR.match(lines[row])
        if match is None:
            return False
        if match.group(1).rpartition(".")[2] not in TRANSPARENT:
            return True
        row -= 1
    return False


def _cuts(text: str) -> Iterator[tuple[int, int, int, int, int]]:
    """``(start, end, def row, body row, indent)`` of each body to cut: the offsets of its
    whole lines in ``text``, the 0-based rows of its ``def`` and of its first line, and the
    def's indentation. Strings are skipped whole: a ``def`` in a docstring is not one."""
    lines: list[str] | None = None
    row = 0
    at = 0  # the offset of the last ``def`` seen, on line ``row``
    position = 0
    while True:
        skipped = _SKIP.match(text, position).end()  # type: ignore[union-attr]  # `*+` matches
        if skipped >= len(text) or text[skipped] != "\n":
            return  # the end, or a quote the scan does not understand
        match = _DEF.match(text, skipped + 1)
        assert match is not None  # what stopped the scan
        row += text.count("\n", at, match.start())
        at = match.start()
        position = match.end()
        if match.group(2) is None:
            if lines is None:
                lines = text.split("\n")
            if not _decorated_away(lines, row):
                continue
        indent = len(match.group(1))
        body = _body(text, match.end(), indent)
        if body is not None:
            start, end = body
            yield start, end, row, row + text.count("\n", at, start), indent
            position = end - 1  # the line break before the next line, where a ``def`` may start


def _body(text: str, after: int, indent: int) -> tuple[int, int] | None:
    """The offsets of the whole lines of the body of the ``def`` whose name starts at
    ``after``, when found (and not empty)."""
    header, body = _patterns(indent)
    found = header.match(text, after)
    if found is None or found.end() >= len(text):
        return None
    start = found.end()
    # Most bodies hold no multi-line string nor escaped line break: their end is the first
    # code line indented no deeper than the ``def`` (a fast search); else they are scanned.
    low = _low_line(indent).search(text, start - 1)
    end = low.start() + 1 if low is not None else len(text)
    lines = text[start:end]
    if '"""' in lines or "'''" in lines or "\\\n" in lines or "\\\r" in lines:
        end = body.match(text, start).end()  # type: ignore[union-attr]  # `*+` always matches
        if end < len(text):
            if text[end] != "\n":
                return None  # stopped inside a line (an unterminated string): keep the body
            end += 1
        lines = text[start:end]
    return (start, end) if lines.strip() else None


@functools.cache
def _low_line(indent: int) -> re.Pattern[str]:
    """The line break before a code line indented at most ``indent``."""
    return re.compile(rf"\n {{0,{indent}}}[^ \r\n#]")


def parse_skimmed(text: str) -> ast.Module:
    """The ``ast`` tree of ``text`` with the bodies nothing reads cut (the whole tree when
    skimming is not safe); raises what ``ast.parse`` raises."""
    if not SKIMS or _unsafe(text):
        return ast.parse(text)
    pieces: list[str] = []
    expected: dict[int, tuple[int, int]] = {}  # line of a cut def -> where its ``...`` is
    last = 0
    for start, end, row, first, indent in _cuts(text):
        pieces.append(text[last:start])
        pieces.append(" " * (indent + 1) + "..." + "\n" * text.count("\n", start, end))
        expected[row + 1] = (first + 1, indent + 1)
        last = end
    if not expected:
        return ast.parse(text)
    pieces.append(text[last:])
    try:
        tree = ast.parse("".join(pieces))
    except (SyntaxError, ValueError):
        return ast.parse(text)
    return tree if _all_cut(tree, expected) else ast.parse(text)


def _unsafe(text: str) -> bool:
    """Indentation the scan does not measure (tabs, form feeds) or line breaks it does not
    see (a lone carriage return); the cheap ``in`` tests first."""
    return (
        "\f" in text
        or ("\t" in text and _TAB_INDENT.search(text) is not None)
        or ("\r" in text and _LONE_CR.search(text) is not None)
    )


def _all_cut(tree: ast.Module, expected: dict[int, tuple[int, int]]) -> bool:
    """Every cut body is the whole body of a function whose body is not read, at its line."""
    seen = 0
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            where = expected.get(node.lineno)  # type: ignore[attr-defined]
            if where is not None:
                body = node.body  # type: ignore[attr-defined]
                placeholder = body[0]
                if (
                    len(body) != 1
                    or is_read(node)
                    or type(placeholder) is not ast.Expr
                    or type(placeholder.value) is not ast.Constant
                    or placeholder.value.value is not Ellipsis
                    or (placeholder.lineno, placeholder.col_offset) != where
                ):
                    return False
                seen += 1
                continue
        for field in _blocks(kind):
            stack.extend(getattr(node, field))
    return seen == len(expected)


@functools.cache
def _blocks(kind: type) -> tuple[str, ...]:
    """The fields of a statement (or handler, or case) that hold statements."""
    if not issubclass(kind, (ast.stmt, ast.excepthandler, ast.match_case)):
        return ()
    return tuple(
        f for f in kind._fields if f in ("body", "orelse", "finalbody", "handlers", "cases")
    )
