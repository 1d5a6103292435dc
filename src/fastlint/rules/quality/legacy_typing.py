"""FST506: ``List[int]``, ``Optional[X]``, ``Union[X, Y]``... where the target allows the new forms."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fix import SAFE, Fix, NodeEdit, add_import, delete_line, replace
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid
from fastlint.knowledge.legacy_typing import (
    BUILTIN_GENERICS,
    COLLECTIONS_GENERICS,
    LEGACY_NAMES,
    RUNTIME_ANNOTATION_LIBRARIES,
    TYPING_MODULES,
    UNIONS,
)
from fastlint.rules.quality.legacy_typing_docs import DOCS
from fastlint.semantic.cst_fields import generates_char

_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


_WORD_OR_DOT = re.compile(r"[\w.]")


class _NoFix(Exception):
    """The use cannot be rewritten safely (a string member, a comment, a shadowed builtin)."""


@dataclass
class _Use:
    node: cst.BaseExpression
    message: str
    parent: _Use | None
    new: cst.BaseExpression | None = None  # the rewritten expression; None: no fix
    replaced: Counter[str] = field(default_factory=Counter)  # typing names no longer written
    extra: tuple[NodeEdit, ...] = ()  # imports of ``collections`` names
    at: tuple[int | None, cst.FunctionDef | None] | None = None  # ``ctx.here()`` when met


class LegacyTypingGeneric(Rule):
    """Reports ``List``, ``Optional``... where the target version has ``list``, ``X | None`` (FST506)."""

    code = "FST506"
    name = "legacy-typing-generic"
    category = "quality"
    summary = (
        "`List`, `Dict`, `Optional`, `Union`... where `target-version` allows `list`, `X | None`"
    )
    message = "Use the builtin generic or `X | None` instead of the `typing` alias"
    fix = FIX_SAFE
    requires_text = ("typing",)  # every legacy alias is imported from typing(_extensions)
    docs = DOCS
    valid = (
        Valid("def f(x: list[int] | None) -> dict[str, int]: ...\n"),
        Valid("from typing import Optional\ndef f(x: Optional[int]): ...\n", target_version="py39"),
        Valid("from typing import List\nx: List[int] = []\n", target_version="py38"),
        Valid(
            "from __future__ import annotations\nfrom typing import Optional\n"
            "from pydantic import BaseModel\n"
            "class M(BaseModel):\n    x: Optional[int] = None\n",
            target_version="py39",
        ),
        Valid(
            "from __future__ import annotations\nfrom typing import Optional\nX = Optional[int]\n",
            target_version="py39",
        ),
        Valid("class List: ...\nx: List[int]\n"),
    )
    invalid = (
        Invalid(
            "from typing import Any, List\ndef f(x: List[int], y: Any) -> None: ...\n",
            2,
            10,
            message_contains="Use `list[...]` instead of `List[...]`",
            fixed="from typing import Any\ndef f(x: list[int], y: Any) -> None: ...\n",
        ),
        Invalid(
            "import typing\nx: typing.Optional[int] = None\n",
            2,
            4,
            message_contains="Use `X | None` instead of `Optional[X]`",
            fixed="import typing\nx: int | None = None\n",
            target_version="py311",
        ),
        Invalid(
            "from typing import Union, Any\nx: Union[int, str] = 1\n",
            2,
            4,
            message_contains="Use `X | Y` instead of `Union[X, Y]`",
            fixed="from typing import Any\nx: int | str = 1\n",
        ),
        Invalid(
            "from __future__ import annotations\n\nfrom typing import Optional\n\n\n"
            "def f(x: Optional[int]) -> None: ...\n",
            6,
            10,
            message_contains="instead of `Optional[X]`",
            fixed="from __future__ import annotations\n\n\n\ndef f(x: int | None) -> None: ...\n",
            target_version="py39",
        ),
        Invalid(
            "from typing import Optional\nx: Optional['Foo'] = None\n",
            2,
            4,
            message_contains="instead of `Optional[X]`",
        ),
        Invalid(
            "from typing import Any, DefaultDict\nfrom collections import deque\n"
            "x: DefaultDict[str, Any]\n",
            3,
            4,
            message_contains="Use `defaultdict[...]` instead of `DefaultDict[...]`",
            fixed="from typing import Any\nfrom collections import defaultdict, deque\n"
            "x: defaultdict[str, Any]\n",
        ),
        Invalid(
            "from typing import List\nclass A:\n    list: int = 1\n    y: List[int] = []\n",
            4,
            8,
            message_contains="Use `list[...]`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        imports = ctx.imports.module_imports
        self._legacy_locals = {
            local
            for local, qualified in imports.items()
            if qualified.rpartition(".")[0] in TYPING_MODULES
            and qualified.rpartition(".")[2] in LEGACY_NAMES
        }
        self._future = imports.get("annotations") == "__future__.annotations"
        self._runtime_module = any(
            qualified.split(".", 1)[0] in RUNTIME_ANNOTATION_LIBRARIES
            for qualified in imports.values()
        )
        self._contexts: list[str] = []  # the annotations being walked: signature, local...
        self._ann_assign = 0
        self._open: list[_Use] = []  # reported uses whose subscript is being walked
        self._uses: list[_Use] = []
        self._collections: dict[str, tuple[str, tuple[NodeEdit, ...]] | None] = {}
        self._class_bindings: dict[int, set[str]] = {}

    # -- where we are -----------------------------------------------------------------------

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._ann_assign += 1

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._ann_assign -= 1

    def visit_Annotation(self, node: cst.Annotation) -> None:
        if self._ann_assign:
            scope = self.ctx.scopes[-1] if self.ctx.scopes else None
            kind = (
                "field"
                if isinstance(scope, cst.ClassDef)
                else "local"
                if scope is not None
                else "variable"
            )
        else:
            kind = "signature"
        self._contexts.append(kind)
        annotation = node.annotation
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            name = self._legacy(annotation)
            if name is not None and name not in UNIONS:
                self._candidate(annotation, name)

    def leave_Annotation(self, node: cst.Annotation) -> None:
        self._contexts.pop()

    def visit_Subscript(self, node: cst.Subscript) -> None:
        name = self._legacy(node.value)
        if name is not None:
            use = self._candidate(node, name)
            if use is not None:
                self._open.append(use)

    def leave_Subscript(self, node: cst.Subscript) -> None:
        if self._open and self._open[-1].node is node:
            self._open.pop()

    def _allowed(self, version: tuple[int, int]) -> bool:
        """Whether the new form may be written here: the target runs it, or it is an
        annotation that nothing evaluates (``from __future__ import annotations``; not a model
        field, and not a signature where a library evaluates annotations)."""
        if self.ctx.target_version >= version:
            return True
        if not self._future or not self._contexts:
            return False
        context = self._contexts[-1]
        if context == "local":
            return True
        return context in ("signature", "variable") and not self._runtime_module

    def _legacy(self, expression: cst.BaseExpression) -> str | None:
        """The typing name (``List``, ``Optional``) ``expression`` stands for, if legacy."""
        if isinstance(expression, cst.Name):
            if expression.value not in LEGACY_NAMES and expression.value not in self._legacy_locals:
                return None
        elif not (isinstance(expression, cst.Attribute) and expression.attr.value in LEGACY_NAMES):
            return None
        qualified = self.ctx.resolve(expression)
        if qualified is None:
            return None
        module, _, name = qualified.rpartition(".")
        return name if module in TYPING_MODULES and name in LEGACY_NAMES else None

    # -- one use ----------------------------------------------------------------------------

    def _candidate(self, node: cst.BaseExpression, name: str) -> _Use | None:
        allow_builtins, allow_unions = self._allowed((3, 9)), self._allowed((3, 10))
        if not (allow_unions if name in UNIONS else allow_builtins):
            return None
        use = _Use(
            node, _message(name, self._new_name(name)), self._open[-1] if self._open else None
        )
        use.at = self.ctx.here()  # reported in leave_Module: where to locate it cheaply
        try:
            if generates_char(node, "#"):
                raise _NoFix  # rewriting would drop the comment
            use.new = self._rewrite(node, use, allow_builtins, allow_unions)
        except _NoFix:
            use.new, use.replaced, use.extra = None, Counter(), ()
        self._uses.append(use)
        return use

    def _new_name(self, name: str) -> str:
        return BUILTIN_GENERICS.get(name) or COLLECTIONS_GENERICS.get(name) or name

    def _rewrite(
        self, node: cst.BaseExpression, use: _Use, builtins: bool, unions: bool
    ) -> cst.BaseExpression:
        """``node`` with every legacy alias in it rewritten (those the target allows)."""
        if isinstance(node, cst.Subscript):
            return self._rewrite_subscript(node, use, builtins, unions)
        if isinstance(node, (cst.Name, cst.Attribute)):
            name = self._legacy(node)
            if name is not None and name not in UNIONS and builtins:
                return self._head(node, name, use)
            return node
        if isinstance(node, cst.BinaryOperation):
            return node.with_changes(
                left=self._rewrite(node.left, use, builtins, unions),
                right=self._rewrite(node.right, use, builtins, unions),
            )
        if isinstance(node, (cst.List, cst.Tuple)):
            return node.with_changes(
                elements=[
                    element.with_changes(value=self._rewrite(element.value, use, builtins, unions))
                    for element in node.elements
                ]
            )
        return node

    def _rewrite_subscript(
        self, node: cst.Subscript, use: _Use, builtins: bool, unions: bool
    ) -> cst.BaseExpression:
        name = self._legacy(node.value)
        elements = [
            element.with_changes(
                slice=element.slice.with_changes(
                    value=self._rewrite(element.slice.value, use, builtins, unions)
                )
            )
            if isinstance(element.slice, cst.Index)
            else element
            for element in node.slice
        ]
        if name in UNIONS and unions:
            return self._union(node, name, elements, use)
        if name is not None and name not in UNIONS and builtins:
            return node.with_changes(value=self._head(node.value, name, use), slice=elements)
        return node.with_changes(slice=elements)

    def _union(
        self, node: cst.Subscript, name: str, elements: list[cst.SubscriptElement], use: _Use
    ) -> cst.BaseExpression:
        members: list[cst.BaseExpression] = []
        for element in elements:
            if not isinstance(element.slice, cst.Index) or isinstance(
                element.slice.value, _STRINGS
            ):
                raise _NoFix  # ``"Foo" | None`` is a TypeError where it is evaluated
            members.append(element.slice.value)
        if not members or (name == "Optional" and len(members) != 1):
            raise _NoFix
        if name == "Optional":
            members.append(cst.Name("None"))
        self._count(node.value, use)
        result = members[0]
        for member in members[1:]:
            result = cst.BinaryOperation(
                left=result,
                operator=cst.BitOr(
                    whitespace_before=cst.SimpleWhitespace(" "),
                    whitespace_after=cst.SimpleWhitespace(" "),
                ),
                right=member,
            )
        if node.lpar:
            result = result.with_changes(lpar=node.lpar, rpar=node.rpar)
        return result

    def _head(self, head: cst.BaseExpression, name: str, use: _Use) -> cst.Name:
        """The builtin or ``collections`` name that replaces the typing alias ``head``."""
        if name in BUILTIN_GENERICS:
            new = BUILTIN_GENERICS[name]
            if self.ctx.resolve(cst.Name(new)) != f"builtins.{new}" or self._class_binds(new):
                raise _NoFix  # ``list`` means something else here
        else:
            new = COLLECTIONS_GENERICS[name]
            if new not in self._collections:
                self._collections[new] = add_import(self.ctx, "collections", new)
            found = self._collections[new]
            if found is None:
                raise _NoFix
            new, edits = found
            use.extra = (*use.extra, *edits)
        self._count(head, use)
        return cst.Name(new)

    def _count(self, head: cst.BaseExpression, use: _Use) -> None:
        if isinstance(head, cst.Name):
            use.replaced[head.value] += 1

    def _class_binds(self, name: str) -> bool:
        """The class whose body (or a method's signature) is walked binds ``name``: a field
        called ``list`` or ``type`` is what an annotation there means by it."""
        scope = self.ctx.scopes[-1] if self.ctx.scopes else None
        if not isinstance(scope, cst.ClassDef):
            return False
        bound = self._class_bindings.get(id(scope))
        if bound is None:
            bound = self._class_bindings[id(scope)] = _bindings(scope)
        return name in bound

    # -- reporting --------------------------------------------------------------------------

    def leave_Module(self, node: cst.Module) -> None:
        widest = [use for use in self._uses if use.new is not None and not _inside_fixed(use)]
        cleanup = self._import_cleanup(widest)
        last = widest[-1] if cleanup else None
        for use in self._uses:
            fix = None
            if use is last:
                edits: list[NodeEdit] = []
                for each in widest:
                    edits.extend((replace(each.node, each.new), *each.extra))  # type: ignore[arg-type]
                fix = Fix(
                    "Rewrite the file's legacy typing generics and remove the `typing` imports "
                    "they leave unused",
                    SAFE,
                    (*dict.fromkeys(edits), *cleanup),
                )
            elif use.new is not None:
                fix = Fix(
                    _fix_message(self.ctx.module.code_for_node(use.new)),
                    SAFE,
                    (replace(use.node, use.new), *use.extra),
                )
            self.report(use.node, use.message, fix=fix, at=use.at)

    def _import_cleanup(self, widest: list[_Use]) -> tuple[NodeEdit, ...]:
        """Edits removing the typing imports that no code uses once ``widest`` are rewritten;
        a name is unused when the file's text holds it nowhere else (a mention in a string or a
        comment keeps the import: safe, if not tidy)."""
        replaced: Counter[str] = Counter()
        for use in widest:
            replaced.update(use.replaced)
        if not replaced:
            return ()
        if len({edits for use in widest for edits in [use.extra] if edits}) > 1:
            return ()  # two `collections` imports to merge into one line: left for next time
        edits: list[NodeEdit] = []
        for statement, block in _typing_imports(self.ctx.module):
            found = _without_unused(statement, block, replaced, self.ctx.text)
            if found is not None:
                edits.append(found)
        return tuple(edits)


def _message(name: str, new: str) -> str:
    if name == "Optional":
        return "Use `X | None` instead of `Optional[X]`"
    if name == "Union":
        return "Use `X | Y` instead of `Union[X, Y]`"
    return f"Use `{new}[...]` instead of `{name}[...]`"


def _fix_message(code: str) -> str:
    return f"Replace with `{code}`" if len(code) <= 60 and "\n" not in code else "Rewrite it"


def _inside_fixed(use: _Use) -> bool:
    parent = use.parent
    while parent is not None:
        if parent.new is not None:
            return True
        parent = parent.parent
    return False


def _bindings(scope: cst.ClassDef) -> set[str]:
    found: set[str] = set()
    body = scope.body.body if isinstance(scope.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            found.add(statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = (
                    [target.target for target in small.targets]
                    if isinstance(small, cst.Assign)
                    else [small.target]
                    if isinstance(small, cst.AnnAssign)
                    else []
                )
                found.update(t.value for t in targets if isinstance(t, cst.Name))
    return found


def _typing_imports(
    module: cst.Module,
) -> list[tuple[cst.SimpleStatementLine, cst.BaseSuite | None]]:
    """``from typing import ...`` statements at module level and in its top ``if`` blocks
    (``if TYPE_CHECKING:``), with the block that holds them (None: the module)."""
    found: list[tuple[cst.SimpleStatementLine, cst.BaseSuite | None]] = []
    _scan_typing_imports(module.body, None, found)
    return found


def _scan_typing_imports(
    statements: Sequence[cst.BaseStatement],
    block: cst.BaseSuite | None,
    found: list[tuple[cst.SimpleStatementLine, cst.BaseSuite | None]],
) -> None:
    # Not a closure: a closure that calls itself is a reference cycle, which would keep the
    # statements it found (and their trees) alive until the garbage collector runs.
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if len(statement.body) == 1 and _is_typing_from(statement.body[0]):
                found.append((statement, block))
        elif isinstance(statement, cst.If) and isinstance(statement.body, cst.IndentedBlock):
            _scan_typing_imports(statement.body.body, statement.body, found)


def _is_typing_from(small: cst.BaseSmallStatement) -> bool:
    return (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and isinstance(small.module, cst.Name)
        and small.module.value in TYPING_MODULES
        and not isinstance(small.names, cst.ImportStar)
    )


def _without_unused(
    statement: cst.SimpleStatementLine,
    block: cst.BaseSuite | None,
    replaced: Counter[str],
    text: str,
) -> NodeEdit | None:
    node = statement.body[0]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    keep = []
    for alias in names:
        local = alias.asname.name if alias.asname is not None else alias.name
        written = local.value if isinstance(local, cst.Name) else None
        if written and replaced[written] and _mentions(text, written) == replaced[written] + 1:
            continue
        keep.append(alias)
    if len(keep) == len(names):
        return None
    if keep:
        keep[-1] = keep[-1].with_changes(comma=names[-1].comma)
        return replace(node, node.with_changes(names=keep))
    if block is not None and len(block.body) == 1:  # type: ignore[attr-defined]
        return replace(node, cst.Pass())  # the block must keep a statement
    return delete_line(statement)


def _mentions(text: str, name: str) -> int:
    """How often ``name`` occurs as a whole word not after a dot. The name leads the pattern
    and the character before is checked apart: a pattern that starts with a look-behind is
    tried at every offset of the text, thirty times slower."""
    count = 0
    for found in re.finditer(rf"{re.escape(name)}\b", text):
        start = found.start()
        if start == 0 or _WORD_OR_DOT.match(text, start - 1) is None:
            count += 1
    return count
