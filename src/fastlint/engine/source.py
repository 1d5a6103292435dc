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
_STRING_END = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL),
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL),
    '"': re.compile(r'(?:[^"\\\r\n]|\\.|\\\r\n)*"', re.DOTALL),
    "'": re.compile(r"(?:[^'\\\r\n]|\\.|\\\r\n)*'", re.DOTALL),
}
_NEWLINES = re.compile(r"\r\n|\r|\n")


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

    def run(self) -> None:
        text, match, end = self.text, _TOKEN.match, len(self.text)
        handlers: dict[str | None, Callable[[re.Match[str]], int]] = {
            "code": self._code_token,
            "nl": self._newline,
            "open": self._open,
            "close": self._close,
            "colon": self._colon,
            "s1": self._string,
            "s3": self._string,
            "cont": self._continuation,
        }
        pos = 0
        while pos < end:
            found = match(text, pos)
            if found is None:
                raise _ScanError
            handler = handlers.get(found.lastgroup)
            pos = handler(found) if handler is not None else found.end()  # a comment, the end
        if not self.at_logical_start:
            self._finish_logical()
        if self.awaiting_name is not None or self.awaiting_colon:
            raise _ScanError

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
        first = self.line
        body = self.text[start : closing.end()]
        breaks = len(_NEWLINES.findall(body))
        if breaks:
            self.line += breaks
            self.line_start = closing.end() - len(_NEWLINES.split(body)[-1])
        self.string_lines.append((first, self.line))
        for covered in range(first, self.line + 1):
            self.code[covered] = 1
        return closing.end()

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
            for first, last in self.string_lines:
                for covered in range(first, last + 1):
                    self.code[covered] = 0


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
