"""Positions for the few nodes that are reported.

libcst's ``PositionProvider`` computes a range for every node of every file (about 1.2 x the
parse). Here code is generated only for the innermost statement that holds a reported node (the
walker tells which statement, at any depth, a report was made in), noting where the reported
nodes begin and end; that statement's text occurs in the file's text as it is, below its line's
indentation, between the names of the ``def``s walked before and after it (the line scan knows
where those stand), so ``str.find`` gives its offset when it occurs there once. Otherwise the
innermost ``def`` is generated (placed by its name), else the top-level statement, else the
module up to the last such node.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from itertools import accumulate

import libcst as cst

from fastlint.engine.locate_header import Done, MarkingState, locate_in_header_text, skip_trivia

Span = tuple[int, int]  # character offsets: start, end
# The innermost statement presumed to hold a node, and bounds of its offset in the text: it
# begins after the first and before the second.
Inner = tuple[cst.BaseStatement, int, int]
# The innermost ``def`` presumed to hold a node, the offset of its name in the text and, when
# the line scan knows, where the line of its header's colon ends (else -1).
Def = tuple[cst.FunctionDef, int] | tuple[cst.FunctionDef, int, int]
# A node to locate, the index of the top-level statement it is presumed in, its innermost
# ``def`` and its innermost statement.
Where = tuple[cst.CSTNode, int | None, Def | None, Inner | None]
_STATEMENTS = (cst.BaseStatement, cst.BaseSmallStatement)
# Occurrences of a statement's first line looked at before giving up on finding it once only.
_MAX_CANDIDATES = 32


class _LinesState(MarkingState):
    """Generates a statement without the indentation of its block (which its text in the file
    has), noting where each line's indentation goes."""

    def __init__(self, module: cst.Module, targets: set[int]) -> None:
        super().__init__(module, targets, stop=True)
        self.line_starts: list[int] = []  # token indices

    def add_indent_tokens(self) -> None:
        self.line_starts.append(len(self.tokens))
        self.tokens.extend(self.indent_tokens)


def _offsets(tokens: list[str], indices: set[int]) -> dict[int, int]:
    """Character offsets of the given token indices (running sums of lengths, at C speed)."""
    sums = list(accumulate(map(len, tokens), initial=0))
    return {index: sums[index] for index in indices}


def locate(module: cst.Module, text: str, nodes: Collection[Where]) -> dict[int, Span]:
    """Character spans of ``nodes`` in ``text`` (the module's own code), keyed by ``id(node)``.

    Code is generated for the smallest part known to hold each node: its innermost ``def``
    (placed by the offset of its name, which the line scan knows), else its top-level statement
    (placed by finding its text), else the module up to the last node."""
    spans: dict[int, Span] = {}
    nodes = _locate_in_statements(module, text, _top_level(module, text, nodes), spans)
    by_function, by_statement, rest = _grouped(module, nodes)
    for function, name_offset, header_end, targets, statements in by_function.values():
        missing = _locate_in_def(module, function, name_offset, header_end, text, targets, spans)
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


_ByFunction = dict[int, tuple[cst.FunctionDef, int, int, set[int], set[int | None]]]


def _grouped(
    module: cst.Module, nodes: Collection[Where]
) -> tuple[_ByFunction, dict[int, set[int]], set[int]]:
    """The nodes by innermost ``def`` (with its name's offset, its header's end and the
    top-level statements they are presumed in), the others by top-level statement, the rest."""
    by_function: _ByFunction = {}
    by_statement: dict[int, set[int]] = {}
    rest: set[int] = set()
    for node, statement, function, _ in nodes:
        if function is not None:
            entry = by_function.get(id(function[0]))
            if entry is None:
                header_end = function[2] if len(function) > 2 else -1  # type: ignore[misc]
                entry = (function[0], function[1], header_end, set(), set())
                by_function[id(function[0])] = entry
            entry[3].add(id(node))
            entry[4].add(statement)
        elif statement is None or statement >= len(module.body):
            rest.add(id(node))
        else:
            by_statement.setdefault(statement, set()).add(id(node))
    return by_function, by_statement, rest


def _locate_in_def(
    module: cst.Module,
    function: cst.FunctionDef,
    name_offset: int,
    header_end: int,
    text: str,
    targets: set[int],
    spans: dict[int, Span],
) -> set[int]:
    """Place the targets of one ``def``: the nodes of its signature by their text when that
    is unambiguous (``locate_header``), the others by generating it; those it did not place."""
    outside: set[int] = set()  # not in the parameters: generating the signature is no use
    if header_end > name_offset:
        window = (name_offset + len(function.name.value), header_end)
        targets = locate_in_header_text(module, function, window, text, targets, spans, outside)
        if not targets:
            return targets
    return _locate_in_function(
        module, function, name_offset, text, targets, spans, header=not targets <= outside
    )


def _top_level(module: cst.Module, text: str, nodes: Collection[Where]) -> Collection[Where]:
    """``nodes``, those that are top-level statements (or one of their small statements, as an
    import a fix edits) presumed there, whatever the report they come with was made in."""
    if not any(isinstance(node, _STATEMENTS) for node, *_ in nodes):
        return nodes
    index: dict[int, int] = {}
    for position, statement in enumerate(module.body):
        index[id(statement)] = position
        if type(statement) is cst.SimpleStatementLine:
            for small in statement.body:
                index[id(small)] = position
    found = []
    for where in nodes:
        position = index.get(id(where[0]))
        if position is not None:
            where = (where[0], position, None, (module.body[position], -1, len(text) + 1))
        found.append(where)
    return found


def _locate_in_statements(
    module: cst.Module, text: str, nodes: Collection[Where], spans: dict[int, Span]
) -> list[Where]:
    """Place the nodes whose innermost statement can be found once only; the others."""
    by_inner: dict[int, tuple[Inner, set[int]]] = {}
    for node, _, _, inner in nodes:
        # A ``def`` is better placed by its name (``_locate_in_function``).
        if inner is not None and type(inner[0]) is not cst.FunctionDef:
            by_inner.setdefault(id(inner[0]), (inner, set()))[1].add(id(node))
    for (statement, low, high), targets in by_inner.values():
        _locate_in_statement(module, statement, low, high, text, targets, spans)
    return [where for where in nodes if id(where[0]) not in spans]


def _locate_in_statement(
    module: cst.Module,
    statement: cst.BaseStatement,
    low: int,
    high: int,
    text: str,
    targets: set[int],
    spans: dict[int, Span],
) -> None:
    """Generate ``statement`` alone (up to its last target) and place it where its text occurs
    once only, at the start of a line after ``low`` and before ``high``."""
    state = _LinesState(module, targets)
    try:
        statement._codegen(state)
    except Done:
        pass
    tokens, starts = state.tokens, state.line_starts
    # From its first line of code on: blank and comment lines above it are anywhere.
    while starts and _is_trivia(tokens, starts):
        del starts[0]
    if not state.closed or not starts:
        return
    found = _occurrences(tokens, starts, low, high, text)
    if type(statement) is cst.If and found is not None and "if" in tokens[starts[0] :]:
        found, tokens = _as_elif(tokens, starts, low, high, text, found)
    if found is None or len(found) != 1:
        return
    offset, indent = found[0]
    first = starts[0]
    for key, (begin, end) in list(state.closed.items()):
        if begin < first and end <= first:
            del state.closed[key]  # in the blank and comment lines above: placed another way
    indices = {index for pair in state.closed.values() for index in pair}
    offsets = _offsets(tokens[first:], {max(index - first, 0) for index in indices})
    # Each token index stands past the indentation of the lines above it (the first excepted).
    placed = {
        index: offset
        + offsets[max(index - first, 0)]
        + len(indent) * (bisect.bisect_left(starts, index, 1) - 1)
        for index in indices
    }
    _place(state, placed, 0, text, spans, targets)


def _as_elif(
    tokens: list[str],
    starts: list[int],
    low: int,
    high: int,
    text: str,
    found: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]] | None, list[str]]:
    """Generated alone, an ``elif`` reads ``if``: look for both, expect one of them once."""
    keyword = tokens.index("if", starts[0])
    as_elif = [*tokens[:keyword], "elif", *tokens[keyword + 1 :]]
    found_elif = _occurrences(as_elif, starts, low, high, text)
    if found_elif is None or (found and found_elif):
        return None, tokens
    return (found_elif, as_elif) if found_elif else (found, tokens)


def _occurrences(
    tokens: list[str], starts: list[int], low: int, high: int, text: str
) -> list[tuple[int, str]] | None:
    """Where the code of ``tokens`` from their first line start on (each next line indented as
    the first) stands in ``text`` at a line start after ``low`` and before ``high``, with that
    indentation: one, two (ambiguous: stop looking), none; or None when too many places begin
    as its first line does."""
    bounds = [*starts, len(tokens)]
    lines = ["".join(tokens[start:stop]) for start, stop in zip(bounds, bounds[1:], strict=False)]
    head = lines[0]
    stop = high + len(head) - 1  # an occurrence begins before ``high``
    found: list[tuple[int, str]] = []
    offset = text.find(head, low + 1, stop) if head else -1
    for _ in range(_MAX_CANDIDATES):
        if offset < 0:
            return found if head else None
        line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
        indent = text[line_start:offset]
        if not indent.strip(" \t\f") and _lines_follow(text, offset + len(head), indent, lines):
            found.append((offset, indent))
            if len(found) > 1:
                return found
        offset = text.find(head, offset + 1, stop)
    return None


def _is_trivia(tokens: list[str], starts: list[int]) -> bool:
    """Whether the first line of ``tokens`` (from ``starts[0]``) is blank or a comment."""
    stop = starts[1] if len(starts) > 1 else len(tokens)
    line = "".join(tokens[starts[0] : stop]).lstrip(" \t\f")
    return not line.strip() or line.startswith("#")


def _lines_follow(text: str, offset: int, indent: str, lines: list[str]) -> bool:
    for line in lines[1:]:
        if not text.startswith(indent, offset) or not text.startswith(line, offset + len(indent)):
            return False
        offset += len(indent) + len(line)
    return True


def _locate_in_function(
    module: cst.Module,
    function: cst.FunctionDef,
    name_offset: int,
    text: str,
    targets: set[int],
    spans: dict[int, Span],
    header: bool = True,
) -> set[int]:
    """Generate one ``def`` alone, indented as its ``def`` line is, and place it by its name
    (``header``: first its signature alone, which is enough for a node of it)."""
    line_start = text.rfind("\n", 0, name_offset) + 1
    indent_end = line_start
    while indent_end < name_offset and text[indent_end] in " \t\f":
        indent_end += 1
    indent = text[line_start:indent_end]
    if header:
        targets = _locate_in_header(module, function, name_offset, indent, text, targets, spans)
    if not targets:
        return targets
    name_id = id(function.name)
    state = MarkingState(module, targets | {name_id}, stop=True)
    state.indent_tokens.append(indent)
    try:
        function._codegen(state)
    except Done:
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
    """Generate only the signature, from the name to the colon, placed at the name: what a
    signature finding needs (a missing annotation, ``Any``, ``Optional[...]``, where ``-> None``
    goes), without the decorators and the body. The targets it could not place."""
    state = MarkingState(module, targets, stop=True)
    state.indent_tokens.append(indent)
    try:  # as ``FunctionDef._codegen_impl`` does after ``def``
        function.name._codegen(state)
        function.whitespace_after_name._codegen(state)
        if function.type_parameters is not None:
            function.type_parameters._codegen(state)
        function.whitespace_after_type_parameters._codegen(state)
        state.add_token("(")
        function.whitespace_before_params._codegen(state)
        function.params._codegen(state)
        state.add_token(")")
        if function.returns is not None:
            function.returns._codegen(state, default_indicator="->")
        function.whitespace_before_colon._codegen(state)
        state.add_token(":")
    except Done:
        pass
    if not state.closed or not text.startswith("".join(state.tokens), name_offset):
        return targets
    offsets = _offsets(state.tokens, {index for pair in state.closed.values() for index in pair})
    _place(state, offsets, name_offset, text, spans, targets)
    return targets - state.closed.keys()


def _locate_in(
    module: cst.Module, node: cst.CSTNode, text: str, targets: set[int], spans: dict[int, Span]
) -> set[int]:
    """Locate ``targets`` inside ``node`` (the module or one of its statements) into ``spans``;
    the targets it could not place."""
    whole = node is module
    state = MarkingState(module, targets, stop=True)
    try:
        node._codegen(state)
    except Done:
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
    state: MarkingState,
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
        start = skip_trivia(text, start, end)
        while end > start and text[end - 1] in " \t\f\r\n":
            end -= 1
        spans[key] = (start, end)
