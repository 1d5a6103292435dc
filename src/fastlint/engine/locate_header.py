"""Positions of nodes in a ``def``'s signature without generating the signature.

Most reports (a parameter without annotation, ``Any``, ``Optional[...]``) point at a node of a
signature. Such a node is a parameter, its name or a node of an annotation; its code generated
alone is a line of its text, and the text of the signature lies between the ``def``'s name and
the end of the line of its colon (the line scan knows both). When that code occurs there once
only (counting every occurrence that could be a token of its own: in strings and comments
too), that occurrence is the node. Anything else is left to ``locate``'s exact methods.
"""

from __future__ import annotations

from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState

from fastlint.semantic.cst_fields import iter_children

# ASCII characters of identifiers: next to one of them, an occurrence of code that begins or
# ends with one is part of a longer token, never a token of its own (the tokenizer reads names
# and numbers whole). Other characters are not ruled out: at worst an occurrence too many.
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_TRIVIA = " \t\f\r\n\\#"  # what ``_skip_trivia`` moves past at the start of a span
_TRAILING = " \t\f\r\n"  # what a span's end is moved back over
_MAX_OCCURRENCES = 64  # occurrences looked at before giving up on finding one only


def locate_in_header_text(
    module: cst.Module,
    function: cst.FunctionDef,
    window: tuple[int, int],
    text: str,
    targets: set[int],
    spans: dict[int, tuple[int, int]],
    outside: set[int] | None = None,
) -> set[int]:
    """Place the ``targets`` that are nodes of ``function``'s signature (after the name, up to
    the end of the colon's line: ``window``), each by the code of its name, or else of its
    parameter or return annotation, where that occurs once only; the targets it did not place.
    ``outside`` collects those that are none of the parameters, annotations and defaults."""
    low, high = window
    if text.find("lambda", low, high) >= 0:
        return targets  # a lambda's colon could have been taken for the header's
    owners = _owners(function, deep=False)
    has_inner = False  # whether ``owners`` holds the nodes inside annotations too
    left: set[int] = set()
    by_owner: dict[int, tuple[cst.CSTNode, set[int]]] = {}
    for key in targets:
        found = owners.get(key)
        if found is None and not has_inner:
            owners, has_inner = _owners(function, deep=True), True
            found = owners.get(key)
        if found is None:
            left.add(key)
            if outside is not None:
                outside.add(key)
            continue
        node, owner = found
        span = _text_span(function, node, text, low, high)
        if span is not None:
            spans[key] = span
        elif node is function.whitespace_before_colon:
            left.add(key)
        else:
            by_owner.setdefault(id(owner), (owner, set()))[1].add(key)
    indent = _def_indent(text, low - len(function.name.value)) if by_owner else None
    for owner, keys in by_owner.values():
        left |= _locate_in_owner(module, function, owner, text, window, indent, keys, spans)
    return left


def _text_span(
    function: cst.FunctionDef, node: cst.CSTNode, text: str, low: int, high: int
) -> tuple[int, int] | None:
    """Where the blank before the colon, or a name, stands, read off the text alone."""
    if node is function.whitespace_before_colon:
        colon = _header_colon(text, low, high)
        return None if colon < 0 else (colon, colon)
    if type(node) is cst.Name and not node.lpar:
        start = _once(text, node.value, low, high)
        return None if start < 0 else (start, start + len(node.value))
    return None


def _def_indent(text: str, name_offset: int) -> str | None:
    """The blanks before the ``def`` whose name is at ``name_offset``: the lines of a
    parameter below its first are indented by them first (as its block is); None when the
    line before the name is not just blanks and ``def`` (or ``async def``)."""
    line_start = max(text.rfind("\n", 0, name_offset), text.rfind("\r", 0, name_offset)) + 1
    prefix = text[line_start:name_offset]
    rest = prefix.lstrip(" \t\f")
    if rest.split() not in (["def"], ["async", "def"]) or rest[-1:] not in (" ", "\t", "\f"):
        return None
    return prefix[: len(prefix) - len(rest)]


def _owners(
    function: cst.FunctionDef, *, deep: bool = True
) -> dict[int, tuple[cst.CSTNode, cst.CSTNode]]:
    """The signature's parameters, their names, annotations and defaults (``deep``: with the
    nodes inside), the return annotation (likewise) and the blank before the colon, by id:
    each with its owner, the parameter or return annotation it is generated with."""
    owners: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}
    params = function.params
    for param in _parameters(params):
        owners[id(param)] = (param, param)
        owners[id(param.name)] = (param.name, param)
        if param.annotation is not None:
            _add_tree(param.annotation.annotation, param, owners, deep)
        if param.default is not None:
            _add_tree(param.default, param, owners, deep)
    returns = function.returns
    if returns is not None:
        _add_tree(returns.annotation, returns, owners, deep)
    else:
        blank = function.whitespace_before_colon
        owners[id(blank)] = (blank, blank)
    return owners


def _add_tree(
    root: cst.CSTNode,
    owner: cst.CSTNode,
    owners: dict[int, tuple[cst.CSTNode, cst.CSTNode]],
    deep: bool,
) -> None:
    if not deep:
        owners[id(root)] = (root, owner)
        return
    pending = [root]
    while pending:
        node = pending.pop()
        owners[id(node)] = (node, owner)
        pending.extend(iter_children(node))


def _locate_in_owner(
    module: cst.Module,
    function: cst.FunctionDef,
    owner: cst.CSTNode,
    text: str,
    window: tuple[int, int],
    indent: str | None,
    targets: set[int],
    spans: dict[int, tuple[int, int]],
) -> set[int]:
    """Generate a parameter (up to its annotation, else whole) or the return annotation alone,
    place it where its code occurs once in the window, and its targets in it."""
    if type(owner) is not cst.Param:  # the return annotation, as written after the ``)``
        assert isinstance(owner, cst.Annotation)
        state = MarkingState(module, targets, indent)
        state.add_token("->")
        owner.whitespace_after_indicator._codegen(state)
        owner.annotation._codegen(state)
        return _place_code(state, text, window, targets, spans)
    if not isinstance(owner.star, str):
        return targets
    state = MarkingState(module, targets, indent)
    state.add_token(owner.star)  # as ``Param._codegen_impl`` begins: no default, no comma
    owner.whitespace_after_star._codegen(state)
    owner.name._codegen(state)
    if owner.annotation is not None:
        owner.annotation._codegen(state, default_indicator=":")
    if len(state.closed) == len(targets):
        targets = _place_code(state, text, window, targets, spans)
        if not targets:
            return targets
    if not _generates_alone(function.params, owner):
        return targets
    state = MarkingState(module, targets, indent)
    owner._codegen(state)
    return _place_code(state, text, window, targets, spans)


def _place_code(
    state: MarkingState,
    text: str,
    window: tuple[int, int],
    targets: set[int],
    spans: dict[int, tuple[int, int]],
) -> set[int]:
    """Place the code ``state`` generated where it occurs once in the window, and its
    targets in it; the targets it did not place."""
    code = "".join(state.tokens).rstrip(_TRAILING)
    if not code or code[0] in _TRIVIA:
        return targets
    if state.indent is None and ("\n" in code or "\r" in code):
        return targets  # the lines below its first are indented as its block is: unknown
    base = _once(text, code, *window)
    if base < 0 or len(state.closed) != len(targets):
        return targets
    offsets = list(accumulate(map(len, state.tokens), initial=0))
    for key, (first, last) in state.closed.items():
        start, end = base + offsets[first], base + offsets[last]
        start = skip_trivia(text, start, end)
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        spans[key] = (start, end)
    return set()


class Done(Exception):
    """Raised by a ``MarkingState`` that may stop once its last target was generated."""


class MarkingState(CodegenState):
    """Notes the tokens where each target begins and ends; with ``stop``, ends the codegen
    (``Done``) after the last target. ``indent``: the block's, as a ``def`` generated alone
    starts with."""

    def __init__(
        self,
        module: cst.Module,
        targets: set[int],
        indent: str | None = None,
        *,
        stop: bool = False,
    ) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.indent = indent
        if indent is not None:
            self.indent_tokens.append(indent)
        self.targets = targets
        self.stop = stop
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
                raise Done


def skip_trivia(text: str, offset: int, stop: int) -> int:
    """Move past whitespace and comments that libcst attributes to a node's start."""
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


def _parameters(params: cst.Parameters) -> list[cst.Param]:
    """Every ``Param``, in order."""
    every = [*params.posonly_params, *params.params]
    if isinstance(params.star_arg, cst.Param):
        every.append(params.star_arg)
    every.extend(params.kwonly_params)
    if params.star_kwarg is not None:
        every.append(params.star_kwarg)
    return every


def _generates_alone(params: cst.Parameters, param: cst.Param) -> bool:
    """Whether ``param``'s code is the same without the arguments ``Parameters`` passes (a
    default star and a default comma): a parsed tree spells them out, the last comma aside."""
    if not isinstance(param.star, str):
        return False
    if param.equal is cst.MaybeSentinel.DEFAULT and param.default is not None:
        return False
    if isinstance(param.comma, cst.Comma):
        return True
    # No comma: the default one is written unless nothing follows it.
    every = _parameters(params)
    return (
        param.comma is cst.MaybeSentinel.DEFAULT
        and every[-1] is param
        and not any(each is param for each in params.posonly_params)
    )


def _once(text: str, code: str, low: int, high: int) -> int:
    """The offset of the one occurrence of ``code`` within ``text[low:high]`` that could be a
    token (or tokens) of its own; -1 when there is none or more than one."""
    check_start, check_end = code[0] in _WORD, code[-1] in _WORD
    length, size = len(code), len(text)
    found = -1
    offset = text.find(code, low, high)
    for _ in range(_MAX_OCCURRENCES):
        if offset < 0:
            return found
        after = offset + length
        if not (
            (check_start and offset > 0 and text[offset - 1] in _WORD)
            or (check_end and after < size and text[after] in _WORD)
        ):
            if found >= 0:
                return -1
            found = offset
        offset = text.find(code, offset + 1, high)
    return -1


def _header_colon(text: str, low: int, high: int) -> int:
    """Where the colon of a header without return annotation stands: the one colon in the
    window that only blanks separate from a ``)`` before it; -1 when there is not one only.
    (The header's is such a colon: ``)``, the blank before the colon, ``:``.)"""
    found = -1
    colon = text.find(":", low, high)
    for _ in range(_MAX_OCCURRENCES):
        if colon < 0:
            return found
        before = colon
        while before > low and text[before - 1] in " \t\f\\\r\n":
            before -= 1
        if before > low and text[before - 1] == ")":
            if found >= 0:
                return -1
            found = colon
        colon = text.find(":", colon + 1, high)
    return -1
