"""Whether libcst's native parser survives a file, decided before parsing it.

The parser is recursive descent in Rust and runs on the calling thread's stack: nesting it too
deep overflows that stack and the process dies (SIGSEGV, exit 139) with nothing reported.
Measured with libcst 1.9 on an 8 MiB main-thread stack (``python bench/parser_limits.py``), it
dies at 1,180-1,290 nested brackets (``f(f(f(a)))``, ``[[[]]]``, ``((((a))))``), 3,500 nested
``lambda``, 4,250 ternaries, 5,900 ``.attr``, 7,100 terms of ``a and a and ...`` or
``a + a + ...``, 8,000-16,000 ``not``/unary minus or ``elif``. Indentation cannot get that deep:
libcst's tokenizer stops at 100 levels itself. About 950 ``elif`` branches of one ``if`` already
exhaust the walk's recursion limit (an internal error, not a crash).

So a file is measured in *units* of parser stack, about 1.2 KiB each: one per operator, keyword,
dot or string of an expression, three per ``lambda``, six per bracket it opens. Units add up
along one expression, through nested brackets, and start again after a comma or at the end of a
statement (siblings do not nest). A file above ``MAX_UNITS`` (1,500: a fifth of what kills an
8 MiB stack; 250 nested brackets, more than CPython's own limit of 200; scaled down for a smaller
stack, ``ulimit -s`` or ``threading.stack_size``), or with more than ``MAX_ELIF`` branches in one ``if``, is not parsed: the engine
reports it as FST000. The most any file of the benchmark corpus reaches is 80 units.

The measure is cheap (about 2% of the parse on the corpus): a regular-expression pass in C
blanks strings and comments, statements are found from bracket depth, and only statements long
enough to reach the limit are measured token by token. It errs on the high side (``:`` or ``=``
counted as an operator, every f-string's fields counted as if nested), and a position is looked
up, with the tokenizer, only for a file that is refused.
"""

from __future__ import annotations

import io
import re
import threading
import tokenize
from dataclasses import dataclass
from itertools import accumulate

from fastlint.engine.source import STRINGS

MAX_UNITS = 1_500  # for an 8 MiB stack or more; ``max_units()`` scales it down for less
UNIT_BYTES = 1_200
_MARGIN = 4.5  # what kills the parser, divided by what is let through
MAX_ELIF = 600
BRACKET_UNITS = 6
LAMBDA_UNITS = 3

# Comments and strings (``source.STRINGS``), from their first character (a prefix letter stays,
# as a name that costs nothing): this pass is most of the guard's cost.
_BLANK = re.compile(r"(?=[#'\"])(?:#[^\r\n]*|(" + STRINGS + "))", re.DOTALL)
_FSTRING_PREFIX = re.compile(r"(?<![\w])(?:[fFtT][rR]?|[rR][fFtT])\Z")
_STRING = "\x01"  # what a blanked string becomes: one unit, as in ``"a" "b" "c"`` chains
_SPLIT = re.compile(r"([()\[\]{}])")
_PREFIX_END = frozenset("fFtTrR")
_OPENS = re.compile(r"[(\[{]")
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
# One token per unit-bearing thing of a blanked statement; names and numbers cost nothing.
_TOKENS = re.compile(
    r"[()\[\]{},;\x01]"
    r"|\*\*=?|//=?|<<=?|>>=?|->|:=|[-+*/%@&|^~<>!=]=?"
    r"|\.(?![0-9])"
    r"|\b(?:and|or|not|if|else|lambda|await|in|is|for|async|yield|from)\b"
)
_ELIF = re.compile(r"\belif\b")
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
_SEPARATORS = frozenset(",;")
_MIN_UNITS = BRACKET_UNITS * 10  # the limit however small the stack
_SHORT = _MIN_UNITS // BRACKET_UNITS  # a text this short is below any limit


@dataclass(frozen=True)
class TooDeep:
    """A file the parser would not survive: where its deepest expression is, and why."""

    row: int
    column: int
    message: str


def _main_stack() -> int | None:
    try:
        import resource
    except ImportError:  # Windows: 1 MiB main stacks, but nothing to read it from
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return None if soft == resource.RLIM_INFINITY or soft <= 0 else soft


_MAIN_STACK = _main_stack()


def max_units() -> int:
    """``MAX_UNITS``, or less where this thread's stack is smaller than 8 MiB (``ulimit -s``, or
    a thread started after ``threading.stack_size(n)``)."""
    stack = _MAIN_STACK
    if threading.current_thread() is not threading.main_thread():
        stack = threading.stack_size() or stack
    if stack is None:
        return MAX_UNITS
    return max(_MIN_UNITS, min(MAX_UNITS, int(stack / UNIT_BYTES / _MARGIN)))


def check(text: str) -> TooDeep | None:
    """None when the parser survives ``text``; else what to report instead of parsing it."""
    if len(text) <= _SHORT:
        return None
    limit = max_units()
    elifs = text.count("elif")
    code, fstrings = _blank(text)
    if elifs > MAX_ELIF:
        elifs = _longest_elif_chain(code)
        if elifs > MAX_ELIF:
            return TooDeep(
                1,
                1,
                f"Too deeply nested to lint ({elifs} `elif` branches in one `if`, limit "
                f"{MAX_ELIF}: each nests the next): the file was not linted",
            )
    worst = max((units(statement) for statement in _long_statements(code, limit)), default=0)
    if fstrings:  # the fields of one f-string may nest, inside whichever expression holds it
        worst += BRACKET_UNITS * max(map(len, map(_OPENS.findall, fstrings)))
    if worst <= limit:
        return None
    row, column = _deepest(text, limit)
    return TooDeep(
        row,
        column,
        f"Too deeply nested for the parser (depth {worst}, limit {limit}: libcst's parser "
        "would overflow its stack): the file was not linted",
    )


def units(statement: str) -> int:
    """The largest number of units along one expression of a blanked statement."""
    best = current = 0
    bases: list[int] = []
    for token in _TOKENS.findall(statement):
        if token in _OPEN:
            current += BRACKET_UNITS
            bases.append(current)
        elif token in _CLOSE:
            current = bases.pop() if bases else 0
        elif token in _SEPARATORS:
            current = bases[-1] if bases else 0
        else:
            current += LAMBDA_UNITS if token == "lambda" else 1
        if current > best:
            best = current
    return best


def _longest_elif_chain(code: str) -> int:
    """The most ``elif`` branches of one ``if`` (each nests the next in libcst's tree)."""
    best = 0
    chains: list[tuple[int, int]] = []  # (indentation, elif count) of the open if statements
    for line in code.split("\n"):
        body = line.lstrip(" \t\f")
        if not body:
            continue
        indent = len(line) - len(body)
        while chains and chains[-1][0] > indent:
            chains.pop()
        if _ELIF.match(body):
            count = chains.pop()[1] + 1 if chains and chains[-1][0] == indent else 1
            chains.append((indent, count))
            best = max(best, count)
        elif not body.startswith("else") or not chains or chains[-1][0] != indent:
            if chains and chains[-1][0] == indent:
                chains.pop()
    return best


def _blank(text: str) -> tuple[str, list[str]]:
    """The text with comments and strings blanked, and its f-strings."""
    parts = _BLANK.split(text)
    codes, strings = parts[0::2], parts[1::2]
    fstrings = [
        string
        for before, string in zip(codes, strings, strict=False)
        if string and before[-1:] in _PREFIX_END and _FSTRING_PREFIX.search(before[-3:])
    ]
    code = _STRING.join(codes)
    if "\\" in code:
        code = code.replace("\\\r\n", " ").replace("\\\n", " ").replace("\\\r", " ")
    return (code.replace("\r", "\n") if "\r" in code else code), fstrings


def _long_statements(code: str, limit: int) -> list[str]:
    """The statements (newlines inside brackets do not end one) that may reach ``limit``."""
    short = limit // BRACKET_UNITS  # a statement of fewer characters cannot reach the limit
    if len(code) <= short:
        return []
    parts = _SPLIT.split(code)
    if len(parts) > 1:
        depths = accumulate(map(_DEPTH.__getitem__, parts[1::2]))
        gaps = [
            gap if depth <= 0 else gap.replace("\n", " ")
            for gap, depth in zip(parts[2::2], depths, strict=False)
        ]
        parts[2::2] = gaps
        code = "".join(parts)
    return [line for line in code.split("\n") if len(line) >= short and _may_reach(line, limit)]


def _may_reach(statement: str, limit: int) -> bool:
    """A cheap upper bound first: six units per bracket, one per other character."""
    opens = statement.count("(") + statement.count("[") + statement.count("{")
    return len(statement) + (BRACKET_UNITS - 1) * opens > limit


def _deepest(text: str, limit: int) -> tuple[int, int]:
    """Where an expression first passes ``limit``, from the tokenizer (only for a file that
    is refused); (1, 1) when the tokenizer does not get there."""
    current = 0
    bases: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, string = token.type, token.string
            if kind == tokenize.NEWLINE:
                current, bases = 0, []
            elif kind == tokenize.OP and string in _OPEN:
                current += BRACKET_UNITS
                bases.append(current)
            elif kind == tokenize.OP and string in _CLOSE:
                current = bases.pop() if bases else 0
            elif kind == tokenize.OP and string in _SEPARATORS:
                current = bases[-1] if bases else 0
            elif kind in (tokenize.OP, tokenize.STRING) or _TOKENS.fullmatch(string):
                current += LAMBDA_UNITS if string == "lambda" else 1
            if current > limit:
                return token.start[0], token.start[1] + 1
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return 1, 1
