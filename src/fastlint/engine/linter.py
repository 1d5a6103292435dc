"""Lint one file: decode, parse once, walk once, place what was reported, apply ``# noqa``."""

from __future__ import annotations

import ast
import sys
import traceback
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import libcst as cst

from fastlint.engine import parse_guard
from fastlint.engine.context import Context, Report
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.fix import place_fix
from fastlint.engine.locate import Where, locate
from fastlint.engine.noqa import NoqaLines, file_is_exempt
from fastlint.engine.parsing import parse_source
from fastlint.engine.rule import Rule, known_codes
from fastlint.engine.source import decode
from fastlint.engine.unused_noqa import UNUSED_NOQA, unused_noqa
from fastlint.engine.walker import Handler, Walker

if TYPE_CHECKING:
    from fastlint.project.index import ProjectIndex

SYNTAX_ERROR = "FST000"
INTERNAL_ERROR = "FST001"

Plan = dict[type, list[tuple[int, str]]]


def _node_type(name: str) -> type | None:
    found = getattr(cst, name, None)
    return found if isinstance(found, type) and issubclass(found, cst.CSTNode) else None


def _plan(rules: Sequence[type[Rule]], prefix: str) -> Plan:
    """Node type -> (rule index, method name), in rule order."""
    plan: Plan = {}
    for index, rule in enumerate(rules):
        for attribute in dir(rule):
            if attribute.startswith(prefix):
                node_type = _node_type(attribute[len(prefix) :])
                if node_type is None:
                    raise TypeError(f"{rule.__name__}.{attribute}: no libcst node of that name")
                plan.setdefault(node_type, []).append((index, attribute))
    return plan


class Linter:
    """Lints files with a fixed set of rules and options; reusable across files."""

    def __init__(
        self,
        rules: Sequence[type[Rule]],
        options: Mapping[str, object] | None = None,
        project: ProjectIndex | None = None,
        *,
        target_version: str = "py310",
    ) -> None:
        self.rules = tuple(rules)
        # The oldest Python the linted code must run on (``py39``): which syntax a rule may
        # suggest (``list[int]`` from 3.9, ``X | None`` from 3.10).
        self.target_version = (3, int(target_version[3:]))
        self.project = project  # the run's project index, from the caller
        self._needs_project = any(rule.needs_project for rule in self.rules)
        if self._needs_project and project is None:
            codes = ", ".join(rule.code for rule in self.rules if rule.needs_project)
            raise ValueError(
                f"rules {codes} read other modules: pass project=ProjectIndex(files) "
                "(fastlint.project), or lint through fastlint.run.session.LintRun"
            )
        self.options = dict(options or {})
        self._visit_plan = _plan(self.rules, "visit_")
        self._leave_plan = _plan(self.rules, "leave_")
        self._codes = {rule.code for rule in self.rules}
        # Shorter strings first: they are the likelier to occur, and ``any`` stops at one.
        self._needles = [(rule, sorted(rule.requires_text, key=len)) for rule in self.rules]
        self._unused_noqa = UNUSED_NOQA in self._codes  # FST002: record what noqa suppressed

    # -- entry points -----------------------------------------------------------------------

    def lint_bytes(self, data: bytes, path: str) -> list[Diagnostic]:
        try:
            text, _ = decode(data)
        except (UnicodeDecodeError, LookupError) as error:
            return self._syntax_error(path, 1, 1, f"cannot decode the file: {error}")
        return self.lint_text(text, path)

    def lint_text(self, text: str, path: str) -> list[Diagnostic]:
        if file_is_exempt(text):
            return []
        too_deep = parse_guard.check(text)  # the native parser would crash the process
        if too_deep is not None:
            return self._syntax_error(path, too_deep.row, too_deep.column, too_deep.message, "")
        try:
            module = parse_source(text)
        except cst.ParserSyntaxError as error:
            row, column, message = _syntax_error_location(text, error)
            return self._syntax_error(path, row, column, message)
        except (RecursionError, MemoryError, ValueError, SyntaxError) as error:
            return self._syntax_error(path, 1, 1, f"cannot parse the file: {_one_line(str(error))}")
        active = self._active_rules(text)
        ctx = Context(path, text, module, self.options)
        ctx.target_version = self.target_version
        if self._needs_project:
            ctx.project = self.project
        used: set[tuple[int, str]] | None = set() if self._unused_noqa else None
        try:
            with _deep_recursion():
                crashes = self._walk(ctx, active)
                found = self._place(ctx, path, text, used)
        finally:
            ctx.release()
        if used is not None:
            found.extend(self._unused(path, text, used, crashes))
        if INTERNAL_ERROR in self._codes:
            found.extend(crashes)
        return sorted(found)

    # -- internals ----------------------------------------------------------------------------

    def _active_rules(self, text: str) -> list[type[Rule]]:
        """The rules whose ``requires_text`` occurs in ``text``; each string is searched for once
        per file, however many rules share it."""
        found: dict[str, bool] = {}
        active = []
        for rule, needles in self._needles:
            for needle in needles:
                hit = found.get(needle)
                if hit is None:
                    hit = found[needle] = needle in text
                if hit:
                    break
            else:
                if needles:
                    continue
            active.append(rule)
        return active

    def _walk(self, ctx: Context, active: list[type[Rule]]) -> list[Diagnostic]:
        instances: dict[int, Rule] = {}
        for index, rule in enumerate(self.rules):
            if rule in active:
                instances[index] = rule(ctx)
        crashes = _Crashes(ctx.path)
        visitors = self._bind(self._visit_plan, instances, crashes, ctx)
        leavers = self._bind(self._leave_plan, instances, crashes, ctx)
        _EngineHooks(ctx).install(visitors, leavers)
        crashes.tables += [visitors, leavers]
        try:
            Walker(visitors, leavers, ctx, crashes).walk_module(ctx.module, ctx.statement)
        finally:
            crashes.tables.clear()  # they refer to the dispatchers, which refer to ``crashes``
        return crashes.found

    @staticmethod
    def _bind(
        plan: Plan, instances: dict[int, Rule], crashes: _Crashes, ctx: Context
    ) -> dict[type, list[Handler]]:
        bound: dict[type, list[Handler]] = {}
        for node_type, entries in plan.items():
            handlers = []
            by_name: dict[str, list[Handler]] = {}
            for index, method in entries:
                if index not in instances:
                    continue
                rule = instances[index]
                handler = getattr(rule, method)
                if node_type is cst.Call and rule.call_names:
                    for name in _call_names(rule.call_names, ctx):
                        by_name.setdefault(name, []).append(handler)
                else:
                    handlers.append(handler)
            if by_name:
                crashes.tables.append(by_name)
                handlers.append(_by_call_name(by_name, crashes))
            if handlers:
                bound[node_type] = handlers
        return bound

    def _unused(
        self, path: str, text: str, used: set[tuple[int, str]], crashes: list[Diagnostic]
    ) -> list[Diagnostic]:
        """FST002: the codes of the rules that ran (and did not crash) that suppressed nothing."""
        crashed = {code for d in crashes for code in self._codes if f"rule {code} (" in d.message}
        return unused_noqa(path, text, used, self._codes - crashed, known_codes())

    def _place(
        self, ctx: Context, path: str, text: str, used: set[tuple[int, str]] | None = None
    ) -> list[Diagnostic]:
        """``used``: when given, collects the (noqa comment row, code) pairs that suppressed."""
        if not ctx.reports:
            return []
        spans = _spans(ctx, text)
        lines = ctx.line_index
        found = []
        noqa = NoqaLines(text, lines.starts)
        done: dict[object, tuple[int, int, str] | None] = {}  # node edits placed, for reuse
        for report in ctx.reports:
            start, end = spans.get(id(report.node), (0, 0))
            row, column = lines.position(start)
            end_row, end_column = lines.position(end)
            if noqa.is_suppressed(row, report.code):
                if used is not None:
                    used.add((noqa.span(row)[1], report.code))
                continue
            fix = place_fix(report.fix, ctx.module, text, spans, lines, done)
            found.append(
                Diagnostic(
                    path,
                    row,
                    column + 1,
                    report.code,
                    report.message,
                    end_row,
                    end_column + 1,
                    report.related,
                    fix=fix,
                )
            )
        return found

    def _syntax_error(
        self, path: str, row: int, column: int, message: str, kind: str = "SyntaxError: "
    ) -> list[Diagnostic]:
        """A file that could not be linted is always reported, whatever is selected or ignored
        (as ruff shows syntax errors): otherwise a run could pass without looking at it."""
        return [
            Diagnostic(path, row, max(column, 1), SYNTAX_ERROR, f"{kind}{message}", row, column)
        ]


def _spans(ctx: Context, text: str) -> dict[int, tuple[int, int]]:
    """Where each reported node, and each node a fix edits, stands in ``text``."""
    spans: dict[int, tuple[int, int]] = {}
    presumed = _Presumed(ctx, text)
    reported: dict[int, Where] = {}
    for report in ctx.reports:
        name = _def_name_span(ctx, report.node)
        if name is not None:
            spans[id(report.node)] = name
        elif id(report.node) not in reported:
            reported[id(report.node)] = presumed.where(report.node, report)
    # The nodes a fix edits are located in the same pass, presumed where the report is
    # (``locate`` checks, and looks further otherwise), or where their own report is: a fix
    # of the whole file edits nodes reported elsewhere.
    others = list(reported.values())
    for report in ctx.reports:
        if report.fix:
            others.extend(
                presumed.where(node, report)
                for node in report.fix.anchors()
                if id(node) not in reported
            )
    spans.update(locate(ctx.module, text, others))
    return spans


class _Presumed:
    """Where a report's node is presumed to be, for ``locate``."""

    def __init__(self, ctx: Context, text: str) -> None:
        self.ctx = ctx
        self.text = text
        self.sites: dict[int, tuple[cst.FunctionDef, int, int] | None] = {}

    def where(self, node: cst.CSTNode, report: Report) -> Where:
        ctx, function, inner = self.ctx, report.function, None
        if report.inner is not None:
            statement, defs_before = report.inner
            # It begins after the name of the last ``def`` walked before it, before the next's.
            low = ctx.def_name_offset(defs_before - 1) if defs_before else None
            high = ctx.def_name_offset(defs_before)
            end = len(self.text) + 1
            inner = statement, -1 if low is None else low, end if high is None else high
            if type(statement) is cst.FunctionDef:
                # Reported as its ``def`` was left (in the ``def`` around it, if any): placed by
                # its name, without generating the ``def`` around it.
                function = statement
        return node, report.statement, None if function is None else self.def_at(function), inner

    def def_at(self, function: cst.FunctionDef) -> tuple[cst.FunctionDef, int, int] | None:
        """The ``def``, the offset of its name and the end of its colon's line."""
        key = id(function)
        if key not in self.sites:
            index = self.ctx.def_site(function)
            if index is None:
                self.sites[key] = None
            else:
                site = self.ctx.lines.def_sites[index]
                starts = self.ctx.line_index.starts
                start = starts[site.name_line - 1] + site.name_column
                end = starts[site.header_end] if site.header_end < len(starts) else len(self.text)
                self.sites[key] = (
                    function,
                    start,
                    end if site.header_end >= site.name_line else -1,
                )
        return self.sites[key]


def _def_name_span(ctx: Context, node: cst.CSTNode) -> tuple[int, int] | None:
    """Where ``node`` stands when it is a ``def``'s name the line scan knows."""
    function = ctx.function_named_by(node)
    index = ctx.def_site(function) if function is not None else None
    if function is None or index is None:
        return None
    site = ctx.lines.def_sites[index]
    start = ctx.line_index.starts[site.name_line - 1] + site.name_column
    return start, start + len(function.name.value)


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Long ``a + b + ...`` chains nest thousands deep; libcst parses them, so walk them too.
    Since 3.11 Python-to-Python calls do not use the C stack, so a high limit is safe there."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 30_000 if sys.version_info >= (3, 11) else 8_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _syntax_error_location(text: str, error: cst.ParserSyntaxError) -> tuple[int, int, str]:
    """libcst's native parser places errors coarsely; CPython's compiler (parse only, nothing
    runs) usually knows the exact place. Fall back to libcst where CPython accepts the code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's SyntaxWarnings are not ours to print
            ast.parse(text)
    except SyntaxError as compiler_error:
        if compiler_error.lineno:
            return compiler_error.lineno, compiler_error.offset or 1, compiler_error.msg
    except (ValueError, RecursionError, MemoryError):
        pass
    return error.raw_line, error.raw_column + 1, _one_line(error.message)


def _call_names(names: frozenset[str], ctx: Context) -> set[str]:
    """``names`` and the module's local names imported as one of them."""
    found = set(names)
    for local, qualified in ctx.imports.module_imports.items():
        if qualified.rpartition(".")[2] in names:
            found.add(local)
    return found


class _Crashes:
    """Called with a handler that raised: a rule's error is reported once (FST001) and the
    rule's handlers are dropped from ``tables`` (a broken rule must not stop the others); an
    error of the engine's own hooks propagates."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Diagnostic] = []
        self.tables: list[dict[type, list[Handler]] | dict[str, list[Handler]]] = []

    def __call__(self, handler: Handler, error: Exception) -> None:
        rule = getattr(handler, "__self__", None)
        if not isinstance(rule, Rule):
            raise error
        self.found.append(_crash(self.path, rule, error))
        for table in self.tables:
            for key, handlers in table.items():
                table[key] = [h for h in handlers if getattr(h, "__self__", None) is not rule]


def _by_call_name(by_name: dict[str, list[Handler]], crashed: _Crashes) -> Handler:
    get = by_name.get

    def dispatch(node: cst.Call) -> None:
        func = node.func
        kind = type(func)
        if kind is cst.Attribute:
            handlers = get(func.attr.value)  # type: ignore[attr-defined]
        elif kind is cst.Name:
            handlers = get(func.value)  # type: ignore[attr-defined]
        else:
            return
        if handlers:
            for handler in handlers:
                try:
                    handler(node)
                except Exception as error:
                    crashed(handler, error)

    return dispatch


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _crash(path: str, rule: Rule, error: BaseException) -> Diagnostic:
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
    message = (
        f"Internal error: rule {rule.code} ({rule.name}) crashed on this file: "
        f"{type(error).__name__}: {_one_line(str(error))}{where}; please report it"
    )
    return Diagnostic(path, 1, 1, INTERNAL_ERROR, message, 1, 1)


class _EngineHooks:
    """The engine's own listeners. They go first, so rules see an up-to-date context. The
    semantic model learns a ``def`` or ``class`` when it is met, and a binding once its
    statement's expressions were walked (a rule asking about ``x = x.cursor()``'s call sees
    ``x`` as it was)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.values = ctx.values
        self.fastapi = ctx.fastapi

    def install(
        self,
        visitors: dict[type, list[Handler]],
        leavers: dict[type, list[Handler]],
    ) -> None:
        before: Iterable[tuple[type, Handler]] = (
            (cst.Import, self.on_import),
            (cst.ImportFrom, self.on_import),
            (cst.FunctionDef, self.on_function),
            (cst.ClassDef, self.on_class),
            (cst.Return, self.on_return),
            (cst.Assign, self.on_alias),
            (cst.AnnAssign, self.on_alias),
        )
        for node_type, hook in before:
            visitors[node_type] = [hook, *visitors.get(node_type, [])]
        after: Iterable[tuple[type, Handler]] = (
            (cst.Assign, self.bind_assign),
            (cst.AnnAssign, self.bind_ann_assign),
            (cst.WithItem, self.bind_with_item),
            (cst.AugAssign, self.bind_aug_assign),
        )
        for node_type, hook in after:
            leavers[node_type] = [hook, *leavers.get(node_type, [])]

    def on_function(self, node: cst.FunctionDef) -> None:
        self.ctx.note_function(node)
        self.values.on_function(node, self.ctx.scopes)
        if node.decorators:
            self.fastapi.on_function(node, self.ctx.scopes)

    def on_class(self, node: cst.ClassDef) -> None:
        self.values.on_class(node, self.ctx.scopes)

    def on_return(self, node: cst.Return) -> None:
        self.values.on_return(node.value, self.ctx.scopes)

    def on_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if self.ctx.scopes:
            self.ctx.imports.note_nested_import(node)

    def on_alias(self, node: cst.Assign | cst.AnnAssign) -> None:
        if self.ctx.scopes or not isinstance(node.value, cst.Subscript):
            return
        if isinstance(node, cst.Assign):
            self.fastapi.on_alias([target.target for target in node.targets], node.value)
        else:
            self.fastapi.on_alias([node.target], node.value)

    def bind_assign(self, node: cst.Assign) -> None:
        targets = [target.target for target in node.targets]
        self.values.on_assign(targets, node.value, self.ctx.scopes)
        self.ctx.assignments.on_assign(targets, node.value, self.ctx.scopes)
        if len(targets) == 1:
            self.fastapi.on_assign(targets[0], node.value, self.ctx.scopes)

    def bind_ann_assign(self, node: cst.AnnAssign) -> None:
        annotation = node.annotation.annotation
        self.values.on_ann_assign(node.target, annotation, node.value, self.ctx.scopes)
        if node.value is not None:
            self.ctx.assignments.on_assign([node.target], node.value, self.ctx.scopes)
            self.fastapi.on_assign(node.target, node.value, self.ctx.scopes)

    def bind_aug_assign(self, node: cst.AugAssign) -> None:
        self.ctx.assignments.on_aug_assign(node.target, node.value, self.ctx.scopes)

    def bind_with_item(self, node: cst.WithItem) -> None:
        target = node.asname.name if node.asname is not None else None
        self.values.on_with_item(node.item, target, self.ctx.scopes)
