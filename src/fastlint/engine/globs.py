"""Checking path globs, for configuration and for the rules whose options hold globs.

Below both in fastlint's layers: configuration (``exclude``, ``per-file-ignores``) and rule
options (``settings-modules``) reject the same mistakes with the same words.
"""

from __future__ import annotations


def glob_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a glob that means what it says, or None.

    Patterns are matched with ``fnmatch``, which never rejects one: a ``[`` without its ``]``
    silently becomes a literal ``[`` and a reversed range (``[z-a]``) silently matches nothing.
    Both are mistakes, as is an empty pattern. The character-class scan follows ``fnmatch``'s
    (``[!...]`` negates; a ``]`` first in the class is literal)."""
    if not pattern.strip():
        return "it is empty"
    index, end = 0, len(pattern)
    while index < end:
        char = pattern[index]
        index += 1
        if char != "[":
            continue
        close = _class_end(pattern, index)
        if close >= end:
            return f"the `[` at position {index} is never closed (`[[]` matches a literal `[`)"
        problem = _reversed_range(pattern[index:close].removeprefix("!"))
        if problem is not None:
            return problem
        index = close + 1
    return None


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opened just before ``start`` closes (the index of its ``]``);
    ``len(pattern)`` when it never does."""
    close, end = start, len(pattern)
    if close < end and pattern[close] == "!":
        close += 1
    if close < end and pattern[close] == "]":
        close += 1
    while close < end and pattern[close] != "]":
        close += 1
    return close


def _reversed_range(body: str) -> str | None:
    """Why a character class's ``body`` (its ``!`` removed) holds a reversed range, or None."""
    at = 0
    while at < len(body):
        if at + 2 < len(body) and body[at + 1] == "-":
            if body[at] > body[at + 2]:
                return f"the range `{body[at : at + 3]}` is reversed and matches nothing"
            at += 3
        else:
            at += 1
    return None
