"""The line scan's fast path (whole simple lines in one match, a line of one string) must give
exactly what its token-by-token path gives: the same ``ok``, ``def`` sites and code lines."""

from __future__ import annotations

import re

import pytest

from fastlint.engine import source
from fastlint.engine.source import LineScan

_NEVER = re.compile(r"()()()(?!)()()")  # matches no line: every line goes token by token


def _facts(scan: LineScan) -> tuple[bool, list[source.DefSite], list[int]]:
    return scan.ok, scan.def_sites, scan._code_prefix


def _tokens_only(text: str, monkeypatch: pytest.MonkeyPatch) -> LineScan:
    with monkeypatch.context() as patch:
        patch.setattr(source, "_line_pattern", lambda text: _NEVER)
        patch.setattr(source, "_string_line", lambda text, pos: None)
        return LineScan(text)


SNIPPETS = {
    "plain": "import a\nx = 1\n\n\nif x:\n    y = 2\nelse:\n    y = 3\n",
    "def": "def f(a, b: int = 1) -> int:\n    return a\n\n\nasync def g():\n    pass\n",
    "docstrings": 'def f():\n    """Doc.\n\n    More.\n    """\n    return 1\n\n\nclass A:\n    "one"\n',
    "docstring-after-code": 'x = 1\n"""not a docstring"""\ndef f():\n    r"""raw"""  # c\n',
    "multiline-def": "def f(\n    a: int,\n    b: str = 'x',\n) -> None:\n    a = {1: 2}\n",
    "def-in-strings": 'x = "def f"\ny = f(default=1)\nz = "a" + \'def\'\n',
    "two-defs": "def f(): pass; f2 = 1\nclass A: pass\ndef g(x=lambda: 1): return x\n",
    "def-name-elsewhere": "def \\\n    f():\n    pass\n",
    "default-kw": "def f(x, default=None, undefined=1):\n    return default\n",
    "brackets": "x = [\n    1,\n    (2, 3),\n    {4: 5},\n]\ny = x[1:2]\nz = (a := 1)\n",
    "unbalanced": "x = 1)\ny = (2\n)\n]]\nw = 3\n",
    "colons": "d = {'a': 1, 'b': {'c': [1, 2][0:1]}}\nif d: pass\nlambda: 1\n",
    "strings": "x = 'it''s' \"a\" 'b'\ny = f'{x!r:>10}' + b'\\x00' + '\\\\'\nz = '#' + \"'\"\n",
    "triple-quotes": 'x = \'\'\'a\nb\'\'\' + """c"""\ny = \'\'""\ns = """"""\n',
    "strings-only": "def f():\n    'a' 'b'\n    f'c'\n    (\n        'd'\n    )\n",
    "prefixes": "def f():\n    rb'x'\n    Rb\"y\"\n    u'z' + x\n    bf'no'\n",
    "continuation": "x = 1 + \\\n    2\ny = 'a\\\nb'\nz = (1 +\n     2)\n",
    "comments": "# c\nx = 1  # c: 'q' \"r\"\n    # indented\ndef f():  # (\n    pass\n",
    "blank-lines": "\n\n   \nx = 1\n\n\n\n   \t\ny = 2\n\n",
    "no-final-newline": "def f():\n    return 1",
    "string-at-end": 'def f():\n    """doc"""',
    "crlf": "def f():\r\n    '''doc\r\n    '''\r\n    x = (1,\r\n         2)\r\n\r\n",
    "cr": "def f():\r    '''doc\r    '''\r    x = 1\r",
    "odd-space": "x = 1\nif\x0bx:\n    y = 2\n",
    "odd-space-in-string": "x = '\xa0'\ndef f():\n    return x\n",
    "nbsp-code": "x =\xa01\ndef f():\n    pass\n",
    "unicode": "def 𝔣(ä):\n    '''ünï'''\n    return ä  # é\n",
    "form-feed": "x = 1\n\x0c\ndef f():\n\x0c    pass\n",
    "unclosed-string": "def f():\n    x = 'abc\n",
    "unclosed-triple": 'def f():\n    x = """abc\n',
    "awaiting-colon-inside": "def f(a=[\n    1, 2\n]) -> dict[str, int]:\n    return {}\n",
    "nested-defs": "class A:\n    def f(self):\n        def g():\n            pass\n        return g\n",
    "semicolon-def": "x = 1; def_ = 2\n",
    "walrus-colon": "if (n := 1): pass\nx = y[::2]\n",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_fast_path_matches_tokens(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = SNIPPETS[name]
    assert _facts(LineScan(text)) == _facts(_tokens_only(text, monkeypatch))


def test_fast_path_is_taken() -> None:
    """Guards the comparison above: a patched-out fast path must change nothing but speed, and
    this checks that the patch does reach it (a simple text has no token-path work)."""
    scanner = source._Scanner("x = 1\ny = (2,\n     3)\n")
    scanner._tokens = None  # type: ignore[assignment,method-assign]  # would fail if called
    scanner.run()
    assert scanner.logical == [(1, 0), (2, 0)]


def test_mixed_corpus_like_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(SNIPPETS[name] for name in sorted(SNIPPETS) if "unclosed" not in name)
    assert _facts(LineScan(text)) == _facts(_tokens_only(text, monkeypatch))


def test_odd_space_list_is_re_whitespace() -> None:
    spaces = {chr(c) for c in range(0x110000) if re.match(r"\s", chr(c))}
    assert set(source._ODD_SPACE) == spaces - set(" \t\f\r\n")
    assert set(source._ODD_ASCII) == {c for c in source._ODD_SPACE if c.isascii()}
