"""Automatic fixes: edits of the concrete syntax tree, attached to a diagnostic.

A rule builds a ``Fix`` out of node edits (replace this node, insert a statement before that
one, add an import) and passes it to ``self.report(node, message, fix=...)``. When the
diagnostics are placed, the engine turns the node edits into text edits (``Edit``: a range of
the original text and the code that replaces it), with the positions of the same locator the
diagnostics use and libcst's ``code_for_node`` for the new code. A placed fix (``TextFix``) is
plain data: shown by the formats, cached, merged with the other fixes of the file and applied
to the original text without walking the tree again (``apply_fixes``).
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from fastlint.engine.edits import (
    APPLICABILITIES,
    SAFE,
    UNSAFE,
    Edit,
    Span,
    TextFix,
    apply_fixes,
)
from fastlint.engine.source import LineIndex

if TYPE_CHECKING:
    from fastlint.engine.context import Context

__all__ = [
    "APPLICABILITIES",
    "SAFE",
    "UNSAFE",
    "Edit",
    "Fix",
    "NodeEdit",
    "TextFix",
    "add_import",
    "apply_fixes",
    "awaited",
    "delete_line",
    "insert_after",
    "insert_at_top_of_body",
    "insert_before",
    "insert_statements_after",
    "insert_statements_before",
    "place_fix",
    "replace",
]

# -- what rules build -------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeEdit:
    """One edit of the tree, placed when the diagnostics are. ``kind`` says where ``content``
    goes relative to ``node``: ``replace`` it; ``before`` / ``after`` it on its line;
    ``line_before`` / ``line_after``: as whole lines above or below the statement ``node``,
    indented as it is; ``suite``: ``node`` is a one-line body (``def f(): pass``), which
    becomes an indented block starting with the ``content`` lines (``owner`` is the statement
    that holds the body, for its indentation)."""

    node: cst.CSTNode
    kind: str
    content: str | cst.CSTNode
    owner: cst.CSTNode | None = None

    def anchors(self) -> Iterable[cst.CSTNode]:
        yield self.node
        if self.owner is not None:
            yield self.owner


@dataclass(frozen=True)
class Fix:
    """A fix as a rule attaches it: a message ("Replace with `await asyncio.sleep(...)`"), its
    applicability (``SAFE`` or ``UNSAFE``, as the rule catalog says) and node edits."""

    message: str
    applicability: str
    edits: tuple[NodeEdit, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.applicability not in APPLICABILITIES:
            raise ValueError(f"a fix is safe or unsafe, not {self.applicability!r}")

    @classmethod
    def replace(
        cls,
        node: cst.CSTNode,
        new: cst.CSTNode | str,
        message: str,
        applicability: str = SAFE,
    ) -> Fix:
        """Replace ``node`` by ``new`` (a node, or code)."""
        return cls(message, applicability, (replace(node, new),))

    def with_edits(self, *edits: NodeEdit | Iterable[NodeEdit]) -> Fix:
        """This fix with more edits (``add_import``'s, say)."""
        more: list[NodeEdit] = []
        for edit in edits:
            more.extend([edit] if isinstance(edit, NodeEdit) else edit)
        return Fix(self.message, self.applicability, (*self.edits, *more))

    def anchors(self) -> Iterable[cst.CSTNode]:
        for edit in self.edits:
            yield from edit.anchors()


def replace(node: cst.CSTNode, new: cst.CSTNode | str) -> NodeEdit:
    """An edit replacing ``node`` by ``new`` (a node, or the code to write as text)."""
    return NodeEdit(node, "replace", new)


def insert_before(node: cst.CSTNode, code: str) -> NodeEdit:
    """An edit writing ``code`` right where ``node``'s text begins."""
    return NodeEdit(node, "before", code)


def insert_after(node: cst.CSTNode, code: str) -> NodeEdit:
    """An edit writing ``code`` right where ``node``'s text ends."""
    return NodeEdit(node, "after", code)


def insert_statements_before(statement: cst.CSTNode, code: str | cst.CSTNode) -> NodeEdit:
    """Whole lines above ``statement`` (a statement of a block), at its indentation."""
    return NodeEdit(statement, "line_before", code)


def insert_statements_after(statement: cst.CSTNode, code: str | cst.CSTNode) -> NodeEdit:
    """Whole lines below ``statement`` (and below its block, for a compound statement)."""
    return NodeEdit(statement, "line_after", code)


def delete_line(statement: cst.SimpleStatementLine) -> NodeEdit:
    """Remove ``statement`` with its whole line (a statement alone on its line: an import the
    fix leaves empty). Its leading comment lines stay."""
    return NodeEdit(statement, "delete_line", "")


def docstring_of(body: Sequence[cst.BaseStatement]) -> cst.SimpleStatementLine | None:
    """The docstring statement of a body, if its first statement is one."""
    if not body:
        return None
    first = body[0]
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    ):
        return first
    return None


def insert_at_top_of_body(
    function: cst.FunctionDef | cst.ClassDef, code: str | cst.CSTNode
) -> NodeEdit:
    """``code`` (one or more statements) as the first statements of the body, after the
    docstring; a one-line body (``def f(x=[]): pass``) becomes an indented block."""
    body = function.body
    if isinstance(body, cst.SimpleStatementSuite):
        return NodeEdit(body, "suite", code, owner=function)
    docstring = docstring_of(body.body)
    if docstring is not None:
        return insert_statements_after(docstring, code)
    return insert_statements_before(body.body[0], code)


def awaited(expression: cst.BaseExpression, *, parenthesize: bool = False) -> cst.Await:
    """``await expression``, taking over the expression's own parentheses;
    ``parenthesize`` where ``await`` must be wrapped (before ``.attr``, ``[...]`` or ``(...)``)."""
    lpar, rpar = list(expression.lpar), list(expression.rpar)
    if parenthesize and not lpar:
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    return cst.Await(expression.with_changes(lpar=(), rpar=()), lpar=lpar, rpar=rpar)


# -- imports ----------------------------------------------------------------------------------

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__"}


def _section(module: str) -> int:
    """isort's sections, in order: future, standard library, everything else."""
    head = module.split(".", 1)[0]
    if head == "__future__":
        return 0
    return 1 if head in _STDLIB else 2


def _dotted(node: cst.CSTNode | None) -> str:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return ""


@dataclass
class _ImportLine:
    statement: cst.SimpleStatementLine
    node: cst.Import | cst.ImportFrom
    module: str  # the module of the first name (``import a, b``: a)
    is_from: bool
    section: int


def _import_lines(module: cst.Module) -> tuple[list[list[_ImportLine]], cst.CSTNode | None]:
    """The module's top import statements in blocks (a blank line starts a block), and the
    docstring statement; reading stops at the first statement that is not an import."""
    blocks: list[list[_ImportLine]] = []
    docstring = docstring_of(module.body)
    for statement in module.body[1 if docstring is not None else 0 :]:
        if not (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
        ):
            break
        node = statement.body[0]
        if isinstance(node, cst.Import):
            name, is_from = _dotted(node.names[0].name), False
        else:
            name = "." * len(node.relative) + _dotted(node.module)
            is_from = True
        section = 2 if name.startswith(".") else _section(name)
        line = _ImportLine(statement, node, name, is_from, section)
        blank_above = any(
            isinstance(empty, cst.EmptyLine) and empty.comment is None
            for empty in statement.leading_lines
        )
        if not blocks or blank_above:
            blocks.append([])
        blocks[-1].append(line)
    return blocks, docstring


def _free(ctx: Context, name: str) -> bool:
    """``name`` is bound to nothing where the rule stands (so a new import may bind it)."""
    imports = ctx.imports
    return (
        name not in imports.module_imports
        and imports.resolve_name(name, ctx.scopes) is None
        and not imports.is_module_definition(name)
        and not imports.is_local(name, ctx.scopes)
        and name not in imports.nested_imports
    )


def add_import(
    ctx: Context, module: str, name: str | None = None
) -> tuple[str, tuple[NodeEdit, ...]] | None:
    """Make ``module`` (``import module``), or ``name`` from it (``from module import name``),
    available where the rule stands: the local name to write and the edits that import it
    (none when it is imported already). The import goes once into the block of its section
    (future, standard library, the rest), sorted among its kind; ``from x import y`` is merged
    into an existing ``from x import ...``. None when the name is taken by something else."""
    imported = _imported_as(ctx, module, name)
    if imported is not None:
        return imported, ()
    local = name or module.split(".", 1)[0]
    if name is None and "." in module:
        return None  # ``import a.b`` binds ``a``; not needed by today's fixes
    if not _free(ctx, local):
        return None
    blocks, docstring = _import_lines(ctx.module)
    section = _section(module)
    code = f"from {module} import {name}" if name else f"import {module}"
    if name is not None:
        merged = _merged_import(blocks, module, name)
        if merged is not None:
            return local, (merged,)
    return local, (_place_import(blocks, docstring, ctx.module, section, code, module, name),)


def _imported_as(ctx: Context, module: str, name: str | None) -> str | None:
    """The local name under which ``module`` (or ``name`` from it) is imported already and
    still means it where the rule stands; None when it is not."""
    wanted = f"{module}.{name}" if name else module
    for local, qualified in ctx.imports.module_imports.items():
        if qualified == wanted and ctx.imports.resolve_name(local, ctx.scopes) == wanted:
            if name or "." not in module:
                return local
    return None


def _merged_import(blocks: list[list[_ImportLine]], module: str, name: str) -> NodeEdit | None:
    """The edit adding ``name`` to an existing ``from module import ...``, or None."""
    for block in blocks:
        for line in block:
            if line.is_from and line.module == module:
                merged = _merge_from(line.node, name)  # type: ignore[arg-type]
                if merged is not None:
                    return replace(line.node, merged)
    return None


def _merge_from(node: cst.ImportFrom, name: str) -> cst.ImportFrom | None:
    if isinstance(node.names, cst.ImportStar):
        return None
    names = list(node.names)
    keys = [_dotted(alias.name) for alias in names]
    commas = [alias.comma for alias in names[:-1] if isinstance(alias.comma, cst.Comma)]
    separator = commas[0] if commas else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    position = bisect.bisect(keys, name) if keys == sorted(keys) else len(names)
    new = cst.ImportAlias(name=cst.Name(name), comma=separator)
    if position == len(names):
        last = names[-1]
        names[-1] = last.with_changes(comma=separator)
        new = new.with_changes(comma=last.comma)
    names.insert(position, new)
    return node.with_changes(names=names)


def _place_import(
    blocks: list[list[_ImportLine]],
    docstring: cst.CSTNode | None,
    module_node: cst.Module,
    section: int,
    code: str,
    module: str,
    name: str | None,
) -> NodeEdit:
    newline = module_node.default_newline
    for block in blocks:
        if block[0].section != section:
            continue
        same_kind = [line for line in block if line.is_from == (name is not None)]
        for line in same_kind:
            if line.module.lower() > module.lower():
                return insert_statements_before(line.statement, code)
        if same_kind:
            return insert_statements_after(same_kind[-1].statement, code)
        if name is None:  # ``import x`` go before the ``from`` imports of the block
            return insert_statements_before(block[0].statement, code)
        return insert_statements_after(block[-1].statement, code)
    # No block of this section: a new block, between the sections before and after it.
    before = [block for block in blocks if block[0].section < section]
    if before:
        return insert_statements_after(before[-1][-1].statement, newline + code)
    if blocks:  # a trailing empty line is a blank line after the new block
        return insert_statements_before(blocks[0][0].statement, code + newline + newline)
    if docstring is not None:
        return insert_statements_after(docstring, newline + code)
    return insert_statements_before(module_node.body[0], code + newline + newline)


# -- placing: node edits to text edits ------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")


def _code(module: cst.Module, content: str | cst.CSTNode) -> str:
    return content if isinstance(content, str) else module.code_for_node(content)


def _lines(module: cst.Module, content: str | cst.CSTNode, indent: str) -> list[str]:
    """Statement code as lines (no line breaks), each indented by ``indent``; blank lines
    stay empty."""
    text = _code(module, content)
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return [indent + line if line.strip() else "" for line in lines]


def _indent_at(text: str, offset: int) -> str | None:
    """The blanks from the start of ``offset``'s line to it; None when code comes first."""
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    prefix = text[start:offset]
    return prefix if prefix.strip(" \t\f") == "" else None


def _next_line(text: str, offset: int) -> int | None:
    found = _LINE_END.search(text, offset)
    return found.end() if found is not None else None


def _node_edit_offsets(
    edit: NodeEdit, module: cst.Module, text: str, spans: Mapping[int, Span]
) -> tuple[int, int, str] | None:
    span = spans.get(id(edit.node))
    if span is None:
        return None
    start, end = span
    if edit.kind == "replace":
        return start, end, _code(module, edit.content)
    if edit.kind == "before":
        return start, start, _code(module, edit.content)
    if edit.kind == "after":
        return end, end, _code(module, edit.content)
    if edit.kind in ("line_before", "line_after"):
        return _line_edit(edit, module, text, span)
    if edit.kind == "delete_line":
        indent, after = _indent_at(text, start), _next_line(text, end)
        if indent is None:
            return None
        return start - len(indent), after if after is not None else end, ""
    if edit.kind == "suite" and edit.owner is not None:
        owner = spans.get(id(edit.owner))
        return _suite_edit(edit, module, text, start, owner)
    return None


def _line_edit(
    edit: NodeEdit, module: cst.Module, text: str, span: Span
) -> tuple[int, int, str] | None:
    """Whole lines above or below a statement, at its indentation."""
    start, end = span
    newline = module.default_newline
    indent = _indent_at(text, start)
    if indent is None:
        return None
    lines = _lines(module, edit.content, indent)
    if edit.kind == "line_before":
        line_start = start - len(indent)
        return line_start, line_start, "".join(line + newline for line in lines)
    after = _next_line(text, end)
    if after is None:  # the last line of a file without a final line break
        return end, end, "".join(newline + line for line in lines)
    return after, after, "".join(line + newline for line in lines)


def _suite_edit(
    edit: NodeEdit, module: cst.Module, text: str, start: int, owner: Span | None
) -> tuple[int, int, str] | None:
    """A one-line body becomes an indented block that starts with the new lines."""
    outer = _indent_at(text, owner[0]) if owner is not None else None
    if outer is None:
        return None
    newline = module.default_newline
    indent = outer + module.default_indent
    gap = start
    while gap > 0 and text[gap - 1] in " \t":
        gap -= 1
    lines = _lines(module, edit.content, indent)
    return gap, start, "".join(newline + line for line in lines) + newline + indent


# A node edit as ``NodeEdit``'s equality sees it (nodes by identity), without keeping it.
EditKey = tuple[int, str, object, int]


def _edit_key(edit: NodeEdit) -> EditKey:
    content = edit.content
    return (
        id(edit.node),
        edit.kind,
        content if isinstance(content, str) else id(content),
        id(edit.owner),
    )


def place_fix(
    fix: Fix | None,
    module: cst.Module,
    text: str,
    spans: Mapping[int, Span],
    lines: LineIndex,
    done: dict[object, tuple[int, int, str] | None] | None = None,
) -> TextFix | None:
    """The text edits of ``fix``; None when an edit cannot be placed (then the diagnostic is
    reported without a fix rather than with a wrong one), or there is no fix. ``done``: the
    node edits placed so far in the same file, by ``_edit_key`` (a fix of the whole file
    repeats the edits of the others: their new code is generated once)."""
    if fix is None:
        return None
    edits = []
    for edit in fix.edits:
        if done is None:
            placed = _node_edit_offsets(edit, module, text, spans)
        else:
            key = _edit_key(edit)
            if key in done:
                placed = done[key]
            else:
                placed = done[key] = _node_edit_offsets(edit, module, text, spans)
        if placed is None:
            return None
        start, end, content = placed
        row, column = lines.position(start)
        end_row, end_column = lines.position(end)
        edits.append(Edit(row, column + 1, end_row, end_column + 1, content))
    if not edits:
        return None
    return TextFix(fix.applicability, fix.message, tuple(sorted(set(edits))))
