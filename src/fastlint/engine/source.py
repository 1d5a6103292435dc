"""A file's text and what can be read off its lines without positions from libcst.

``decode`` honours a BOM and a PEP 263 coding line, so columns count characters of the decoded
text. ``LineScan`` is one regular-expression pass over the text: which lines hold code (not blank,
comment or docstring), where logical lines start and how far they are indented, and where every
``def`` keyword and its name stand. The k-th ``def`` keyword is the k-th ``FunctionDef`` in the
walk's order, which gives function positions and lengths without generating code.
"""

from __future__ import annotations

import bisect
import codecs
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

# One token per match, with the whitespace before it. A ``code`` token is a run of ordinary code
# up to the next bracket, colon, string, comment or line break: most lines are a few tokens.
_TOKEN = re.compile(
    r"""
    [ \t\f]*
    (?:
     (?P<s3>(?:[rRbBuUfFtT]{1,2})?(?:\"\"\"|'''))
    |(?P<s1>(?:[rRbBuUfFtT]{1,2})?["'])
    |(?P<com>\#[^\r\n]*)
    |(?P<cont>\\(?:\r\n|\r|\n))
    |(?P<nl>\r\n|\r|\n)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<colon>:(?!=))
    |(?P<code>(?:[^\s\#"'()\[\]{}\\:]|:=|\\)(?:[^\s\#"'()\[\]{}\\:]+|[ \t\f]+|:=)*)
    |(?P<end>\Z)
    )
    """,
    re.VERBOSE,
)
# ``def`` starting a word of a code token, and the blanks up to the name when it follows.
_DEF = re.compile(r"(?<![^ \t\f])def\b[ \t\f]*")
# (Unrolled: runs of ordinary characters, then one escape or lone quote, and so on.)
_STRING_END = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""', re.DOTALL),
    "'''": re.compile(r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''", re.DOTALL),
    '"': re.compile(r'[^"\\\r\n]*(?:(?:\\\r\n|\\.)[^"\\\r\n]*)*"', re.DOTALL),
    "'": re.compile(r"[^'\\\r\n]*(?:(?:\\\r\n|\\.)[^'\\\r\n]*)*'", re.DOTALL),
}
_NEWLINES = re.compile(r"\r\n|\r|\n")
# A whole string literal from its first quote (a prefix letter before it is plain code), for a
# pattern compiled with ``re.DOTALL``; a backslash escapes the next character, or a CRLF line
# break. Loops unrolled: runs of ordinary characters, then one escape or lone quote, and so on.
STRINGS = (
    r"""(?:'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"""
    r'''|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'''
    r"""|'[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'"""
    r"""|"[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*")"""
)

# The fast path reads a whole physical line in one match when it holds no backslash outside
# strings and its strings open and close on it with one quote (a triple quote starts another
# kind). Groups: the indentation; the line up to a comment (the body); the body from its first
# bracket or string on (the rest); the line break ('' at the end, None when the line is not
# simple). The line break is optional, so a match never fails and never backtracks.
_ONE_QUOTED = (
    r""""(?!"")[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"|'(?!'')[^'\\\r\n]*(?:\\[^\r\n][^'\\\r\n]*)*'"""
)
# After the line break, the blank or comment lines that follow, up to the last '\n' (these change
# nothing but the line number).
_LINE_TAIL = r"(?:#[^\r\n]*)?(\r\n|\r|\n|\Z)?(\n*)"
# Outside strings, a token takes no whitespace but blanks and line breaks: ``_LINE`` is for a
# text without other whitespace (``_ODD_SPACE``), ``_LINE_ANY`` for any text.
_LINE = re.compile(
    rf"""([ \t\f]*)([^\r\n#'"\\()\[\]{{}}]*((?:[^\r\n#'"\\]+|{_ONE_QUOTED})*)){_LINE_TAIL}"""
)
_LINE_ANY = re.compile(
    rf"""([ \t\f]*)((?:[^\s#'"\\()\[\]{{}}]+|[ \t\f]+)*"""
    rf"""((?:[^\s#'"\\]+|[ \t\f]+|{_ONE_QUOTED})*)){_LINE_TAIL}"""
)
# What ``\s`` matches but blanks and line breaks (a test pins it to ``re``'s own ``\s``).
_STRING_START = re.compile(r"""([ \t\f]*)(?:[rRbBuUfFtT]{1,2})?(\"\"\"|'''|"|')""")
_LINE_END = re.compile(r"[ \t\f]*(?:#[^\r\n]*)?(\r\n|\r|\n|\Z)")
_ODD_ASCII = "\v\x1c\x1d\x1e\x1f"
_ODD_SPACE = _ODD_ASCII + "\xa0\x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_ODD_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_QUOTED = re.compile(r""""[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'""")  # of a simple line
_BLANK_OR_PREFIX = " \t\frRbBuUfFtT"
# A ``def`` that leads a line and is followed by its name; any ``def`` that ``_DEF`` would see
# at the start of a token (tokens start after blanks, brackets and colons).
_DEF_ANY = re.compile(r"(?<![^ \t\f()\[\]{}:])def\b")
_DEF_HEAD = re.compile(
    rf"(?:async[ \t\f]+)?def\b[ \t\f]*(?=[^ \t\f()\[\]{{}}:])(?!.*{_DEF_ANY.pattern})"
)
_BRACKETS = re.compile(r"[()\[\]{}]")
_MARKS = re.compile(r"[()\[\]{}]|:(?!=)")
_DEPTH_CHANGE = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def decode(data: bytes) -> tuple[str, str]:
    """The text of a Python source file and the encoding it was read with."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    return data.decode(encoding), encoding


@dataclass(frozen=True)
class DefSite:
    """Where a ``def`` is in the text, found by the line scan without parsing."""

    name_line: int  # 1-based
    name_column: int  # 0-based, in characters
    indent: int
    header_end: int  # line of the header's closing colon
    body_end: int  # last line (inclusive) that may belong to the body


class LineScan:
    """Line facts for one text. ``ok`` is False when the scan lost its way (unusual string
    syntax); callers then fall back to libcst."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ok = True
        self.def_sites: list[DefSite] = []
        self._code_prefix: list[int] = [0]
        try:
            self._scan()
        except _ScanError:
            self.ok = False

    def code_lines_between(self, first: int, last: int) -> int:
        """How many of lines ``first..last`` (1-based, inclusive) hold code."""
        if last < first:
            return 0
        last = min(last, len(self._code_prefix) - 1)
        return self._code_prefix[last] - self._code_prefix[first - 1]

    def function_length(self, index: int) -> int:
        site = self.def_sites[index]
        return self.code_lines_between(site.header_end + 1, site.body_end)

    def _scan(self) -> None:
        scanner = _Scanner(self.text)
        scanner.run()
        self._code_prefix = list(accumulate(scanner.code[1:], initial=0))
        self._build_sites(scanner.pending, scanner.logical, scanner.line)

    def _build_sites(
        self, pending: list[list[int]], logical: list[tuple[int, int]], last_line: int
    ) -> None:
        starts = [start for start, _ in logical]
        # Sites were completed in colon order; the walk wants ``def`` keyword order.
        pending.sort(key=lambda site: (site[0], site[2]))
        for _, name_line, name_col, indent, header_end in pending:
            index = bisect.bisect_right(starts, header_end)
            body_end = last_line
            while index < len(logical):
                start, start_indent = logical[index]
                if start_indent <= indent:
                    body_end = start - 1
                    break
                index += 1
            self.def_sites.append(DefSite(name_line, name_col, indent, header_end, body_end))


class _ScanError(Exception):
    pass


class _Scanner:
    """The state of one pass over a text, with a method per kind of token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.code = bytearray(text.count("\n") + text.count("\r") + 2)  # 1: the line holds code
        self.line = 1
        self.line_start = 0  # offset where the current physical line starts
        self.depth = 0  # bracket nesting
        self.logical: list[tuple[int, int]] = []  # (line, indent) of each logical line
        self.at_logical_start = True
        # Docstrings: a logical line of strings only, right after one that ended with ':'.
        self.after_header = False
        self.only_strings = True
        self.ends_with_colon = False
        self.string_lines: list[tuple[int, int]] = []
        self.pending: list[list[int]] = []  # [def line, name line, name col, indent, header end]
        self.awaiting_name: list[int] | None = None
        self.awaiting_colon: list[list[int]] = []
        self.handlers: dict[str | None, Callable[[re.Match[str]], int]] = {
            "code": self._code_token,
            "nl": self._newline,
            "open": self._open,
            "close": self._close,
            "colon": self._colon,
            "s1": self._string,
            "s3": self._string,
            "cont": self._continuation,
        }

    def run(self) -> None:
        """Whole simple lines in one match each (``_simple_lines``); a line of one string at
        once; any other line token by token."""
        end, pos = len(self.text), 0
        self.lines = _line_pattern(self.text).finditer
        while pos < end:
            # Not while a ``def`` waits for its name or a logical line of strings goes on.
            if self.awaiting_name is None and (self.at_logical_start or not self.only_strings):
                pos = self._simple_lines(pos)
            if pos < end:
                stop = self._lone_string(pos)
                pos = stop if stop >= 0 else self._tokens(pos)
        if not self.at_logical_start:
            self._finish_logical()
        if self.awaiting_name is not None or self.awaiting_colon:
            raise _ScanError

    def _simple_lines(self, pos: int) -> int:
        """Simple lines from ``pos`` on, with the state in locals (consecutive matches: each
        starts at a line start, where the last ended); where the first other line starts."""
        line, depth, at_start, after_header, ends_colon = self._state()
        code, logical, awaiting = self.code, self.logical, self.awaiting_colon
        for found in self.lines(self.text, pos):
            lead, body, rest, newline, blanks = found.groups()
            after, head = _read(body, rest, depth) if rest or "def" in body else (depth, 0)
            if newline is None or after < 0:  # not a simple line
                pos = found.start()
                break
            if body:
                if at_start:
                    at_start = False
                    logical.append((line, len(lead)))
                code[line] = 1
                if head:
                    awaiting.append([line, line, len(lead) + head, logical[-1][1], 0])
                if awaiting:  # a colon outside brackets ends the header of the last one
                    _end_headers(body, depth, line, awaiting, self.pending)
                depth = after
                ends_colon = not depth and ":" in body and body.rstrip(" \t\f")[-1] == ":"
            if not newline:  # the end of the text
                pos = found.end()
                break
            if not depth and not at_start:
                at_start, after_header = True, ends_colon
            line += 1 + len(blanks)
        self._set_state(line, depth, at_start, after_header, ends_colon)
        return pos

    def _state(self) -> tuple[int, int, bool, bool, bool]:
        return self.line, self.depth, self.at_logical_start, self.after_header, self.ends_with_colon

    def _set_state(
        self, line: int, depth: int, at_start: bool, after_header: bool, ends_colon: bool
    ) -> None:
        self.line, self.depth, self.at_logical_start = line, depth, at_start
        # A simple line holds code: a logical line that goes on holds more than strings (and
        # one that ended leaves only_strings to the next to start).
        self.after_header, self.ends_with_colon, self.only_strings = after_header, ends_colon, False

    def _lone_string(self, pos: int) -> int:
        """A logical line of one string (a docstring?) at ``pos``, and its end, as the tokens
        read it: where the next line starts; -1 for any other line."""
        alone = None
        if self.at_logical_start and self.awaiting_name is None:
            alone = _string_line(self.text, pos)
        if alone is None:
            return -1
        indent, breaks, stop, more = alone
        first = self.line
        last = first + breaks
        self.logical.append((first, indent))
        lines = last + 1 - first
        self.code[first : last + 1] = bytes(lines) if self.after_header else b"\x01" * lines
        self.only_strings, self.string_lines, self.ends_with_colon = True, [(first, last)], False
        self.after_header = False
        self.line = last + 1 if more else last
        return stop

    def _tokens(self, pos: int) -> int:
        """One token per match from ``pos`` until the start of a physical line (after a line
        break or a backslash continuation) or the end of the text."""
        text, match, end, handlers = self.text, _TOKEN.match, len(self.text), self.handlers
        self.line_start = pos
        while pos < end:
            found = match(text, pos)
            if found is None:
                raise _ScanError
            handler = handlers.get(found.lastgroup)
            pos = handler(found) if handler is not None else found.end()  # a comment, the end
            if pos == self.line_start:
                break
        return pos

    def _start_logical(self, start: int) -> None:
        """The first token of a logical line that is code (not a comment or a line break)."""
        self.at_logical_start = False
        self.logical.append((self.line, start - self.line_start))
        self.only_strings = True
        self.string_lines = []

    def _code_token(self, found: re.Match[str]) -> int:
        start = found.start("code")
        if self.at_logical_start:
            self._start_logical(start)
        self.ends_with_colon = self.only_strings = False
        self.code[self.line] = 1
        if self.awaiting_name is not None:
            self._name_at(start)
        token = found.group("code")
        if "def" in token:
            keyword = _DEF.search(token)
            if keyword is not None:
                self.awaiting_name = [self.line, 0, 0, self.logical[-1][1], 0]
                if keyword.end() < len(token):
                    self._name_at(start + keyword.end())
        return found.end()

    def _name_at(self, start: int) -> None:
        site = self.awaiting_name
        if site is not None:
            site[1] = self.line
            site[2] = start - self.line_start
            self.awaiting_colon.append(site)
            self.awaiting_name = None

    def _punctuation(self, found: re.Match[str]) -> None:
        if self.at_logical_start:
            self._start_logical(found.start(found.lastgroup or 0))
        self.ends_with_colon = self.only_strings = False
        self.code[self.line] = 1

    def _open(self, found: re.Match[str]) -> int:
        self._punctuation(found)
        self.depth += 1
        return found.end()

    def _close(self, found: re.Match[str]) -> int:
        self._punctuation(found)
        self.depth = max(self.depth - 1, 0)
        return found.end()

    def _colon(self, found: re.Match[str]) -> int:
        self._punctuation(found)
        if self.depth == 0:
            self.ends_with_colon = True
            if self.awaiting_colon:
                site = self.awaiting_colon.pop()
                site[4] = self.line
                self.pending.append(site)
        return found.end()

    def _string(self, found: re.Match[str]) -> int:
        kind = found.lastgroup or 0
        start = found.start(kind)
        if self.at_logical_start:
            self._start_logical(start)
        self.ends_with_colon = False
        closing = _STRING_END[found.group(kind).lstrip("rRbBuUfFtT")].match(self.text, found.end())
        if closing is None:
            raise _ScanError
        first, text, stop = self.line, self.text, closing.end()
        breaks = text.count("\n", start, stop)
        if "\r" in text:
            breaks += text.count("\r", start, stop) - text.count("\r\n", start, stop)
        if breaks:
            self.line += breaks
            self.line_start = max(text.rfind("\n", start, stop), text.rfind("\r", start, stop)) + 1
        self.string_lines.append((first, self.line))
        self.code[first : self.line + 1] = b"\x01" * (self.line + 1 - first)
        return stop

    def _continuation(self, found: re.Match[str]) -> int:
        self.line += 1
        self.line_start = found.end()
        return found.end()

    def _newline(self, found: re.Match[str]) -> int:
        if self.depth == 0 and not self.at_logical_start:
            self.at_logical_start = True
            self._finish_logical()
            self.after_header = self.ends_with_colon
        self.line += 1
        self.line_start = found.end()
        return found.end()

    def _finish_logical(self) -> None:
        if self.only_strings and self.after_header:
            _blank_strings(self.code, self.string_lines)


def _blank_strings(code: bytearray, string_lines: list[tuple[int, int]]) -> None:
    """A docstring's lines hold no code."""
    for first, last in string_lines:
        code[first : last + 1] = bytes(last + 1 - first)


def _string_line(text: str, pos: int) -> tuple[int, int, int, bool] | None:
    """For a line at ``pos`` that is one string and maybe a comment, as the tokens read it: its
    indentation, the line breaks in the string, where the line ends, and whether a line break
    ends it (not the end of the text); None for any other line."""
    opening = _STRING_START.match(text, pos)
    if opening is None:
        return None
    closing = _STRING_END[opening.group(2)].match(text, opening.end())
    if closing is None:
        return None
    after = _LINE_END.match(text, closing.end())
    if after is None:
        return None
    start, stop = opening.end(), closing.end()
    breaks = text.count("\n", start, stop)
    if "\r" in text:
        breaks += text.count("\r", start, stop) - text.count("\r\n", start, stop)
    return len(opening.group(1)), breaks, after.end(), bool(after.group(1))


def _line_pattern(text: str) -> re.Pattern[str]:
    """The fast path's pattern for ``text`` (a substring search per character is much cheaper
    than a pattern that excludes them all along the way)."""
    odd = _ODD_ASCII if text.isascii() else _ODD_SPACE
    return _LINE_ANY if any(space in text for space in odd) else _LINE


def _head(body: str) -> int:
    """For a simple line's body that holds ``def``: the column of the name of the ``def`` that
    leads it (from the body's start, so never 0); 0 when no token starts with the keyword
    (``default=``, ``"def"``); -1 when the tokens must read it (another ``def``, a ``def``
    among strings, or one whose name is not on the line)."""
    bare = _QUOTED.sub(" ", body) if '"' in body or "'" in body else body
    head = _DEF_HEAD.match(bare) if bare is body else None
    if head is None:
        return 0 if _DEF_ANY.search(bare) is None else -1
    return head.end()


_NOT_SIMPLE = (-1, 0)


def _read(body: str, rest: str, depth: int) -> tuple[int, int]:
    """For a simple line's body that has a bracket, a string or ``def``: the bracket depth after
    it, and the column of its ``def``'s name (``_head``); ``_NOT_SIMPLE`` when the tokens must
    read it: a bracket closes that is not open, or the line holds strings only (a docstring?)."""
    after = depth
    if rest:
        if '"' in rest or "'" in rest:
            shape = _quoted_shape(rest)
        else:  # it starts with a bracket (code): its brackets alone tell
            shape = _brackets_shape("".join(_BRACKETS.findall(rest)))
        change, low, has_code = shape
        if depth + low < 0:
            return _NOT_SIMPLE
        if not has_code and not body[: len(body) - len(rest)].strip(_BLANK_OR_PREFIX):
            return _NOT_SIMPLE
        after += change
    head = _head(body) if "def" in body else 0
    return (after, head) if head >= 0 else _NOT_SIMPLE


# A simple line's body from its first bracket or string on (the rest) has a shape: how it changes
# the bracket depth; the lowest depth it reaches (0 or less, relative); whether it holds code
# outside strings (any character but a blank or a string prefix's letter belongs to a code token).
Shape = tuple[int, int, bool]


@lru_cache(maxsize=4_096)
def _brackets_shape(brackets: str) -> Shape:
    """The shape of a rest without strings, from its brackets alone."""
    change = low = 0
    for bracket in brackets:
        change += _DEPTH_CHANGE[bracket]
        low = min(low, change)
    return change, low, True


@lru_cache(maxsize=8_192)  # the same rests come again and again (``("a")``, ``"a": 1,``)
def _quoted_shape(rest: str) -> Shape:
    """The shape of a rest with strings."""
    bare = _QUOTED.sub(" ", rest)
    change, low, _ = _brackets_shape("".join(_BRACKETS.findall(bare)))
    return change, low, bool(bare.strip(_BLANK_OR_PREFIX))


def _end_headers(
    body: str, depth: int, line: int, awaiting_colon: list[list[int]], pending: list[list[int]]
) -> None:
    """Bracket by bracket along a simple line that starts at ``depth`` (and never closes more
    than are open): each colon outside brackets completes the header of the last ``def`` that
    waits for one, as ``_Scanner._colon`` does."""
    if '"' in body or "'" in body:
        body = _QUOTED.sub(" ", body)
    for mark in _MARKS.findall(body):
        if mark == ":":
            if depth == 0 and awaiting_colon:
                site = awaiting_colon.pop()
                site[4] = line
                pending.append(site)
        elif mark in "([{":
            depth += 1
        else:
            depth -= 1


class LineIndex:
    """Offsets of line starts, to turn a character offset into (row, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for found in _NEWLINES.finditer(text):
            self.starts.append(found.end())

    def position(self, offset: int) -> tuple[int, int]:
        """1-based row, 0-based column."""
        row = bisect.bisect_right(self.starts, offset) - 1
        return row + 1, offset - self.starts[row]

    def line_text(self, text: str, row: int) -> str:
        start = self.starts[row - 1]
        stop = self.starts[row] if row < len(self.starts) else len(text)
        return text[start:stop].rstrip("\r\n")
