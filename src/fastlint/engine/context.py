"""What a rule knows about where it is: the file, the enclosing scopes, names and FastAPI."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from fastlint.engine.assignments import Assignments
from fastlint.engine.diagnostic import Related
from fastlint.engine.fastapi_model import FastAPIModel
from fastlint.engine.fix import Fix
from fastlint.engine.source import LineIndex, LineScan
from fastlint.engine.walker import ScopeTracker, StatementState
from fastlint.semantic.cst_tree import CstValues, ImportTable
from fastlint.semantic.models import ModelRegistry
from fastlint.semantic.values import Callee

if TYPE_CHECKING:
    from fastlint.project.index import ProjectIndex


@dataclass
class Report:
    """A finding as a rule makes it (``ctx.report``): the node it points at, before the
    linter turns it into a ``Diagnostic`` with a position."""

    code: str
    node: cst.CSTNode
    message: str
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    statement: int | None = None  # the top-level statement walked when it was reported
    function: cst.FunctionDef | None = None  # the innermost ``def`` whose body held it
    # The innermost statement walked when it was reported, and the number of ``def``s before it.
    inner: tuple[cst.BaseStatement, int] | None = None


class Context(ScopeTracker):
    """Per-file state shared by all rules, kept up to date by the walker."""

    def __init__(
        self, path: str, text: str, module: cst.Module, options: Mapping[str, object]
    ) -> None:
        self.path = path
        self.text = text
        self.module = module
        self.options = options
        self.target_version: tuple[int, int] = (3, 10)  # set by the linter from the settings
        self.imports = ImportTable(module)
        self.values = CstValues(self.imports, module, package=path.endswith("__init__.py"))
        self.fastapi = FastAPIModel(self.imports, self.values)
        self.assignments = Assignments()  # plain names' assigned expressions, per scope
        self.scopes: list[cst.CSTNode] = []  # FunctionDef, Lambda and ClassDef, outermost first
        self.reports: list[Report] = []
        self.statement: list[int | None] = [None]  # set by the walker: top-level statement index
        self.statement_state = StatementState()  # set by the walker: the innermost statement
        self._project: ProjectIndex | None = None
        self._callees: dict[int, Callee] = {}
        self._def_index: dict[int, int] = {}
        self._defs: list[cst.FunctionDef] = []  # in walk order
        # ``here()``'s answers (kept alive, so that their ids stay theirs) -> innermost statement.
        self._inner_at: dict[int, tuple[object, tuple[cst.BaseStatement, int]]] = {}
        self._def_names: dict[int, cst.FunctionDef] = {}
        self._header: cst.FunctionDef | None = None  # a ``def`` whose header is being walked

    # -- scopes ---------------------------------------------------------------------------

    def enter_scope(self, node: cst.CSTNode) -> None:
        if node is self._header:
            self._header = None
        self.scopes.append(node)

    def leave_scope(self, node: cst.CSTNode) -> None:
        if type(node) is cst.FunctionDef:
            self.values.leave_function(node, self.scopes)
        self.scopes.pop()

    def assigned(self, name: str) -> tuple[cst.BaseExpression, ...]:
        """What the plain name ``name`` was last assigned in the current function (or module),
        ``q += x`` parts included, as of this point of the walk (``engine/assignments.py``)."""
        return self.assignments.assigned(name, self.scopes)

    def release(self) -> None:
        """Forget the file once it is linted. Models and rules refer back to the context, and
        such a cycle keeps the whole tree alive until the garbage collector finds it: with
        trees of a million nodes, collecting them cost a sixth of a run."""
        self.__dict__.clear()

    @cached_property
    def models(self) -> ModelRegistry:
        """The Pydantic/SQLModel/settings classes this file can name: ``models.model_of(expr,
        scopes)`` (``semantic/models.py``); read when first asked."""
        return ModelRegistry(self)

    @property
    def function(self) -> cst.FunctionDef | cst.Lambda | None:
        """The innermost function or lambda whose body is being walked."""
        for scope in reversed(self.scopes):
            if not isinstance(scope, cst.ClassDef):
                return scope  # type: ignore[return-value]
        return None

    @property
    def class_(self) -> cst.ClassDef | None:
        for scope in reversed(self.scopes):
            if isinstance(scope, cst.ClassDef):
                return scope
        return None

    @property
    def in_coroutine(self) -> bool:
        """True when the code being walked runs in an ``async def``'s own body (not in a sync
        ``def`` or lambda nested inside it)."""
        function = self.function
        return isinstance(function, cst.FunctionDef) and function.asynchronous is not None

    @property
    def project(self) -> ProjectIndex | None:
        """The run's project index, for rules that need one (``needs_project``)."""
        return self._project

    @project.setter
    def project(self, index: ProjectIndex | None) -> None:
        self._project = index
        if index is not None:  # the model now knows this module's name and the other modules
            self.values.module = index.module_name_of(self.path)
            self.values.external = index

    # -- names and values -------------------------------------------------------------------

    def resolve(self, node: cst.CSTNode) -> str | None:
        """Qualified name of a Name/Attribute chain as seen from here (None if local/unknown)."""
        return self.imports.resolve(node, self.scopes)

    def kind_of(self, node: cst.CSTNode) -> str | None:
        """The kind of object an expression holds here (``requests.Session``, ``AsyncSession``,
        the event loop...), from the semantic model."""
        return self.values.kind_of(node, self.scopes)

    def annotation_kind(self, node: cst.CSTNode) -> str | None:
        return self.values.annotation_kind(node, self.scopes)

    def callee(self, call: cst.Call) -> Callee:
        """What a call reaches: its qualified name, its receiver's kind, its project target.
        Asked by several rules at the same point of the walk, so answered once per call."""
        found = self._callees.get(id(call))
        if found is None:
            found = self._callees[id(call)] = self.values.callee(call, self.scopes)
        return found

    # -- lines ------------------------------------------------------------------------------

    @cached_property
    def lines(self) -> LineScan:
        return LineScan(self.text)

    @cached_property
    def line_index(self) -> LineIndex:
        return LineIndex(self.text)

    def def_site(self, node: cst.FunctionDef) -> int | None:
        """The index of ``node``'s ``def`` in the line scan, checked against its name."""
        index = self._def_index.get(id(node))
        scan = self.lines
        if index is None or not scan.ok or index >= len(scan.def_sites):
            return None
        site = scan.def_sites[index]
        name = node.name.value
        if site.name_line > len(self.line_index.starts):
            return None
        start = self.line_index.starts[site.name_line - 1] + site.name_column
        return index if self.text[start : start + len(name)] == name else None

    def note_function(self, node: cst.FunctionDef) -> None:
        self._header = node  # its decorators, parameters and annotations are walked next
        index = len(self._def_index)
        self._def_index[id(node)] = index
        self._defs.append(node)
        self._def_names[id(node.name)] = node

    def def_name_offset(self, index: int) -> int | None:
        """Where the name of the walk's ``index``-th ``def`` stands in the text, when the line
        scan knows (checked against the name)."""
        if index >= len(self._defs) or self.def_site(self._defs[index]) != index:
            return None
        site = self.lines.def_sites[index]
        return self.line_index.starts[site.name_line - 1] + site.name_column

    def function_named_by(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        """The function whose ``def`` name ``node`` is."""
        return self._def_names.get(id(node))

    def function_length(self, node: cst.FunctionDef) -> int:
        """Code lines in the body: no blank, comment-only or docstring lines."""
        index = self.def_site(node)
        if index is not None:
            return self.lines.function_length(index)
        # The scan could not read this file: measure the function's own generated code.
        alone = LineScan(self.module.code_for_node(node.with_changes(decorators=())))
        return alone.function_length(0) if alone.ok and alone.def_sites else 0

    # -- reporting --------------------------------------------------------------------------

    def add_report(
        self,
        code: str,
        node: cst.CSTNode,
        message: str,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        at: tuple[int | None, cst.FunctionDef | None] | None = None,
    ) -> None:
        if at is None:
            at = self._where()
            state = self.statement_state
            inner = None if state.node is None else (state.node, state.defs_before)
        else:
            kept = self._inner_at.get(id(at))
            inner = kept[1] if kept is not None and kept[0] is at else None
        statement, function = at
        self.reports.append(Report(code, node, message, related, fix, statement, function, inner))

    def here(self) -> tuple[int | None, cst.FunctionDef | None]:
        """Where the walk is: its top-level statement and innermost ``def``. A report made here
        is located by generating only that code (``engine/locate.py``); a rule that reports
        later (in ``leave_Module``) keeps ``here()`` of the node and passes it as ``at``, which
        also tells the innermost statement (kept with the very tuple returned)."""
        at = self._where()
        state = self.statement_state
        if state.node is not None:
            self._inner_at[id(at)] = (at, (state.node, state.defs_before))
        return at

    def _where(self) -> tuple[int | None, cst.FunctionDef | None]:
        function = self._header
        if function is None:
            for scope in reversed(self.scopes):
                if type(scope) is cst.FunctionDef:
                    function = scope
                    break
        return self.statement[0], function
