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
from dataclasses import dataclass
from itertools import accumulate

_TOKEN = re.compile(
    r"""
     (?P<s3>(?:[rRbBuUfFtT]{1,2})?(?:\"\"\"|'''))
    |(?P<s1>(?:[rRbBuUfFtT]{1,2})?["'])
    |(?P<com>\#[^\r\n]*)
    |(?P<cont>\\(?:\r\n|\r|\n))
    |(?P<nl>\r\n|\r|\n)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<defkw>\bdef\b)
    |(?P<colon>:(?!=))
    |(?P<ws>[ \t\f]+)
    |(?P<word>[^\s\#"'()\[\]{}\\:]+|:=|\\)
    """,
    re.VERBOSE,
)
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
        text = self.text
        code = bytearray(text.count("\n") + text.count("\r") + 2)
        line = 1
        depth = 0
        at_logical_start = True
        logical: list[tuple[int, int]] = []  # (line, indent) of each logical line
        line_start = 0
        # docstrings: a logical line made of strings only, right after a header ending in ':'
        prev_logical_ended_with_colon = False
        current_only_strings = True
        current_ended_with_colon = False
        string_lines: list[tuple[int, int]] = []
        pending_defs: list[list[int]] = []  # [def line, name line, name col, indent, header end]
        awaiting_name: list[int] | None = None
        awaiting_colon: list[list[int]] = []
        pos = 0
        end = len(text)
        match = _TOKEN.match
        while pos < end:
            m = match(text, pos)
            if m is None:
                raise _ScanError
            kind = m.lastgroup
            token_end = m.end()
            if kind == "ws" or kind == "cont" or kind == "com":
                if kind == "cont":
                    line += 1
                    line_start = token_end
                pos = token_end
                continue
            if kind == "nl":
                if depth == 0 and not at_logical_start:
                    at_logical_start = True
                    self._finish_logical(
                        current_only_strings,
                        prev_logical_ended_with_colon,
                        string_lines,
                        code,
                    )
                    prev_logical_ended_with_colon = current_ended_with_colon
                line += 1
                line_start = token_end
                pos = token_end
                continue
            # a code token
            if at_logical_start:
                at_logical_start = False
                logical.append((line, pos - line_start))
                current_only_strings = True
                string_lines = []
            current_ended_with_colon = False
            first_line = line
            if kind == "s1" or kind == "s3":
                quote = m.group(kind).lstrip("rRbBuUfFtT")
                closing = _STRING_END[quote].match(text, token_end)
                if closing is None:
                    raise _ScanError
                token_end = closing.end()
                body = text[m.start() : token_end]
                breaks = len(_NEWLINES.findall(body))
                if breaks:
                    line += breaks
                    line_start = token_end - len(re.split(r"\r\n|\r|\n", body)[-1])
                string_lines.append((first_line, line))
            else:
                current_only_strings = False
                if kind == "open":
                    depth += 1
                elif kind == "close":
                    depth = max(depth - 1, 0)
                elif kind == "defkw":
                    awaiting_name = [line, 0, 0, logical[-1][1], 0]
                elif kind == "colon" and depth == 0:
                    current_ended_with_colon = True
                    if awaiting_colon:
                        site = awaiting_colon.pop()
                        site[4] = line
                        pending_defs.append(site)
                elif kind == "word" and awaiting_name is not None:
                    awaiting_name[1] = line
                    awaiting_name[2] = m.start() - line_start
                    awaiting_colon.append(awaiting_name)
                    awaiting_name = None
            for covered in range(first_line, line + 1):
                code[covered] = 1
            pos = token_end
        if not at_logical_start:
            self._finish_logical(current_only_strings, prev_logical_ended_with_colon, string_lines, code)
        if awaiting_name is not None or awaiting_colon:
            raise _ScanError
        self._code_prefix = list(accumulate(code[1:], initial=0))
        self._build_sites(pending_defs, logical, line)

    @staticmethod
    def _finish_logical(
        only_strings: bool,
        after_header: bool,
        string_lines: list[tuple[int, int]],
        code: bytearray,
    ) -> None:
        if only_strings and after_header:
            for first, last in string_lines:
                for covered in range(first, last + 1):
                    code[covered] = 0

    def _build_sites(
        self, pending: list[list[int]], logical: list[tuple[int, int]], last_line: int
    ) -> None:
        starts = [start for start, _ in logical]
        # Sites were completed in colon order; the walk wants ``def`` keyword order.
        pending.sort(key=lambda site: (site[0], site[2]))
        for def_line, name_line, name_col, indent, header_end in pending:
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
