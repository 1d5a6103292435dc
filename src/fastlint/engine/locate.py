"""Positions for the few nodes that are reported.

libcst's ``PositionProvider`` computes a range for every node of every file (about 1.2 x the
parse). Here code is generated only for the top-level statements that hold a reported node
(the walker tells which statement a report was made in), noting where the reported nodes begin
and end; the statement's text occurs in the file's text as it is, so ``str.find`` gives its
offset. A node outside its presumed statement, or a statement whose text occurs twice, falls
back to generating the module up to the last such node.
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst
from libcst._nodes.internal import CodegenState

Span = tuple[int, int]  # character offsets: start, end
# A node to locate, the index of the top-level statement it is presumed in, and the innermost
# ``def`` presumed to hold it with the offset of that function's name in the text.
Where = tuple[cst.CSTNode, int | None, tuple[cst.FunctionDef, int] | None]


class _Done(Exception):
    pass


class _LocatingState(CodegenState):
    def __init__(self, module: cst.Module, targets: set[int], stop: bool = True) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.targets = targets
        self.stop = stop  # stop generating after the last target
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
            if self.stop and len(self.closed) == len(self.targets):
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


def locate(module: cst.Module, text: str, nodes: Collection[Where]) -> dict[int, Span]:
    """Character spans of ``nodes`` in ``text`` (the module's own code), keyed by ``id(node)``.

    Code is generated for the smallest part known to hold each node: its innermost ``def``
    (placed by the offset of its name, which the line scan knows), else its top-level statement
    (placed by finding its text), else the module up to the last node."""
    by_function: dict[int, tuple[cst.FunctionDef, int, set[int], set[int | None]]] = {}
    by_statement: dict[int, set[int]] = {}
    rest: set[int] = set()
    for node, statement, function in nodes:
        if function is not None:
            entry = by_function.get(id(function[0]))
            if entry is None:
                entry = by_function[id(function[0])] = (*function, set(), set())
            entry[2].add(id(node))
            entry[3].add(statement)
        elif statement is None or statement >= len(module.body):
            rest.add(id(node))
        else:
            by_statement.setdefault(statement, set()).add(id(node))
    spans: dict[int, Span] = {}
    for function, name_offset, targets, statements in by_function.values():
        missing = _locate_in_function(module, function, name_offset, text, targets, spans)
        for node_id in missing:  # back to its statement, or the module
            statement = next(iter(statements)) if len(statements) == 1 else None
            if statement is None or statement >= len(module.body):
                rest.add(node_id)
            else:
                by_statement.setdefault(statement, set()).add(node_id)
    for statement, targets in by_statement.items():
        rest |= _locate_in(module, module.body[statement], text, targets, spans)
    rest -= spans.keys()
    if rest:
        _locate_in(module, module, text, rest, spans)
    return spans


def _locate_in_function(
    module: cst.Module,
    function: cst.FunctionDef,
    name_offset: int,
    text: str,
    targets: set[int],
    spans: dict[int, Span],
) -> set[int]:
    """Generate one ``def`` alone, indented as its ``def`` line is, and place it by its name."""
    line_start = text.rfind("\n", 0, name_offset) + 1
    indent_end = line_start
    while indent_end < name_offset and text[indent_end] in " \t\f":
        indent_end += 1
    indent = text[line_start:indent_end]
    targets = _locate_in_header(module, function, name_offset, indent, text, targets, spans)
    if not targets:
        return targets
    name_id = id(function.name)
    state = _LocatingState(module, targets | {name_id})
    state.indent_tokens.append(indent)
    try:
        function._codegen(state)
    except _Done:
        pass
    if name_id not in state.closed:
        return targets
    offsets = _offsets(state.tokens, {index for pair in state.closed.values() for index in pair})
    base = name_offset - offsets[state.closed[name_id][0]]
    code = "".join(state.tokens)
    if base < 0 or not text.startswith(code, base):
        return targets  # not the text it was taken for: locate it another way
    _place(state, offsets, base, text, spans, targets)
    return targets - state.closed.keys()


def _locate_in_header(
    module: cst.Module,
    function: cst.FunctionDef,
    name_offset: int,
    indent: str,
    text: str,
    targets: set[int],
    spans: dict[int, Span],
) -> set[int]:
    """Generate only the parameters and the return annotation, placed after ``name(``: what a
    signature finding needs (a missing annotation, ``Any``, ``Optional[...]``), without the
    decorators and the body. The targets it could not place."""
    after_name, before_params = function.whitespace_after_name, function.whitespace_before_params
    if (
        function.type_parameters is not None
        or type(after_name) is not cst.SimpleWhitespace
        or type(before_params) is not cst.SimpleWhitespace
    ):
        return targets
    start = name_offset + len(function.name.value) + len(after_name.value)
    if not text.startswith("(", start):
        return targets
    start += 1 + len(before_params.value)
    remaining = _place_part(module, function.params, {}, start, indent, text, targets, spans)
    if remaining and function.returns is not None:
        length = _length(module, function.params, indent)
        after = start + length
        if text.startswith(")", after):
            returns = {"default_indicator": "->"}
            remaining = _place_part(
                module, function.returns, returns, after + 1, indent, text, remaining, spans
            )
    return remaining


def _place_part(
    module: cst.Module,
    node: cst.CSTNode,
    options: dict[str, str],
    start: int,
    indent: str,
    text: str,
    targets: set[int],
    spans: dict[int, Span],
) -> set[int]:
    """Generate ``node`` alone (up to its last target) as if it began at ``start``; place its
    targets when its text is there indeed."""
    state = _LocatingState(module, targets)
    state.indent_tokens.append(indent)
    try:
        node._codegen(state, **options)
    except _Done:
        pass
    if not state.closed or not text.startswith("".join(state.tokens), start):
        return targets
    offsets = _offsets(state.tokens, {index for pair in state.closed.values() for index in pair})
    _place(state, offsets, start, text, spans, targets)
    return targets - state.closed.keys()


def _length(module: cst.Module, node: cst.CSTNode, indent: str) -> int:
    state = CodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    state.indent_tokens.append(indent)
    node._codegen(state)
    return sum(len(token) for token in state.tokens)


def _locate_in(
    module: cst.Module, node: cst.CSTNode, text: str, targets: set[int], spans: dict[int, Span]
) -> set[int]:
    """Locate ``targets`` inside ``node`` (the module or one of its statements) into ``spans``;
    the targets it could not place."""
    whole = node is module
    state = _LocatingState(module, targets)
    try:
        node._codegen(state)
    except _Done:
        pass
    base = 0
    if not whole:
        # The statement's text up to its last target stands in the file as it is: where, if
        # it stands there once only.
        code = "".join(state.tokens)
        base = text.find(code)
        if base < 0 or text.find(code, base + 1) >= 0:
            return targets  # not found, or found twice: the module's own pass decides
    offsets = _offsets(state.tokens, {index for pair in state.closed.values() for index in pair})
    _place(state, offsets, base, text, spans, targets)
    return targets - state.closed.keys()


def _place(
    state: _LocatingState,
    offsets: dict[int, int],
    base: int,
    text: str,
    spans: dict[int, Span],
    targets: set[int],
) -> None:
    for key, (first, last) in state.closed.items():
        if key not in targets:
            continue
        start, end = base + offsets[first], base + offsets[last]
        start = _skip_trivia(text, start, end)
        while end > start and text[end - 1] in " \t\f\r\n":
            end -= 1
        spans[key] = (start, end)
