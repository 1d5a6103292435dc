"""Positions for the few nodes that are reported.

libcst's ``PositionProvider`` computes a range for every node of every file (about 1.2 x the
parse). Here code is generated once for a file that has something to report, noting only where
the reported nodes begin and end, and stopping after the last of them.
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst
from libcst._nodes.internal import CodegenState

Span = tuple[int, int]  # character offsets: start, end


class _Done(Exception):
    pass


class _LocatingState(CodegenState):
    def __init__(self, module: cst.Module, targets: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.targets = targets
        self.open: dict[int, int] = {}
        self.closed: dict[int, tuple[int, int]] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.targets and key not in self.open:
            self.open[key] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.targets and key not in self.closed:
            self.closed[key] = (self.open[key], len(self.tokens))
            if len(self.closed) == len(self.targets):
                raise _Done


def _skip_trivia(text: str, offset: int, stop: int) -> int:
    """Move past whitespace and comments that libcst attributes to a statement's start."""
    while offset < stop:
        char = text[offset]
        if char in " \t\f\r\n\\":
            offset += 1
        elif char == "#":
            newline = text.find("\n", offset)
            offset = stop if newline == -1 else newline + 1
        else:
            break
    return offset


def _offsets(tokens: list[str], indices: set[int]) -> dict[int, int]:
    """Character offsets of the given token indices, in one pass over the tokens."""
    wanted = sorted(indices)
    offsets: dict[int, int] = {}
    total = 0
    position = 0
    for index, token in enumerate(tokens):
        while position < len(wanted) and wanted[position] == index:
            offsets[index] = total
            position += 1
        if position == len(wanted):
            return offsets
        total += len(token)
    for index in wanted[position:]:
        offsets[index] = total
    return offsets


def locate(module: cst.Module, text: str, nodes: Collection[cst.CSTNode]) -> dict[int, Span]:
    """Character spans of ``nodes`` in ``text`` (the module's own code), keyed by ``id(node)``."""
    targets = {id(node) for node in nodes}
    if not targets:
        return {}
    state = _LocatingState(module, targets)
    try:
        module._codegen(state)
    except _Done:
        pass
    offsets = _offsets(state.tokens, {index for pair in state.closed.values() for index in pair})
    spans: dict[int, Span] = {}
    for key, (first, last) in state.closed.items():
        start, end = offsets[first], offsets[last]
        start = _skip_trivia(text, start, end)
        while end > start and text[end - 1] in " \t\f\r\n":
            end -= 1
        spans[key] = (start, end)
    return spans
