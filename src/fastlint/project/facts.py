"""What the index knows of one module: its sync functions and the calls each one makes.

Facts are small, picklable and independent of any option: a call is recorded by the qualified
name of what it calls (``requests.get``, ``services.profile.fetch``, ``repo.Repo.load``), and
whether it blocks is decided later against the blocking table of the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from fastlint.engine.imports import ImportTable, dotted_name
from fastlint.engine.walker import iter_children
from fastlint.project.modules import absolute, is_package
from fastlint.rules.async_.blocking_table import CLIENTS_BY_CONSTRUCTOR

_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_YIELDING = frozenset(
    {"Generator", "Iterator", "Iterable", "AsyncGenerator", "AsyncIterator", "AsyncIterable"}
)
# Decorators that leave a call of the function a call of its body.
_TRANSPARENT = frozenset(
    {"staticmethod", "classmethod", "contextmanager", "wraps", "override", "abstractmethod"}
)


@dataclass(frozen=True)
class CallSite:
    """One call in a function body, in source order. ``target`` is the qualified name of what
    is called, or for a method of a blocking client ``client:<label>:<method>``."""

    target: str
    shown: str  # the callee as written (``r.get``), to find the line when it is reported


@dataclass(frozen=True)
class FunctionFacts:
    name: str  # ``fetch`` or ``Client.fetch``
    ordinal: int  # index of its ``def`` among the file's defs, in source order
    calls: tuple[CallSite, ...]


@dataclass
class ModuleFacts:
    name: str
    path: str
    functions: dict[str, FunctionFacts] = field(default_factory=dict)  # sync, callable ones
    exports: dict[str, str] = field(default_factory=dict)  # imported name -> qualified name
    classes: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)  # ``Dep = Annotated[T, ...]`` -> T
    provides: dict[str, str] = field(default_factory=dict)  # ``def get_db() -> Iterator[T]`` -> T
    # ``SessionLocal = sessionmaker(engine, class_=AsyncSession)`` -> (callee, ``class_``)
    made_by: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Place:
    """Where a call is: its module, enclosing class and scopes, for resolving its target."""

    module: str
    package: bool
    imports: ImportTable
    scopes: Sequence[cst.CSTNode]
    class_name: str | None = None


def call_target(func: cst.CSTNode, place: Place) -> str | None:
    """The qualified name a call's function expression refers to, or None (a local, an
    attribute of an object, a lambda...)."""
    dotted = dotted_name(func)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head in ("self", "cls"):
        if place.class_name and rest and "." not in rest:
            return f"{place.module}.{place.class_name}.{rest}"
        return None
    qualified = place.imports.resolve(func, place.scopes)
    if qualified is not None:
        return absolute(qualified, place.module, place.package)
    if place.imports.is_module_definition(head) and not _is_local(head, place):
        return f"{place.module}.{dotted}"
    return None


def _is_local(name: str, place: Place) -> bool:
    for scope in place.scopes:
        if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
            if name in place.imports._bindings_of(scope).names:
                return True
    return False


def _decorators_transparent(node: cst.FunctionDef) -> bool:
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        name = dotted_name(expression) or ""
        if name.rsplit(".", 1)[-1] not in _TRANSPARENT:
            return False
    return True


def _is_context_manager(node: cst.FunctionDef) -> bool:
    for decorator in node.decorators:
        expression = decorator.decorator
        if (dotted_name(expression) or "").rsplit(".", 1)[-1] == "contextmanager":
            return True
    return False


def _body_nodes(node: cst.FunctionDef, place: Place) -> Iterator[cst.CSTNode]:
    """Calls, assignments and ``with`` items of a body in source order, not entering nested
    scopes nor the body of a first-use initialization (``if _registry is None: ...``)."""
    stack = list(reversed(list(iter_children(node.body))))
    while stack:
        current = stack.pop()
        if isinstance(current, _NESTED):
            continue
        if isinstance(current, (cst.Call, cst.Assign, cst.WithItem, cst.Yield)):
            yield current
        if isinstance(current, cst.If) and _is_first_use(current.test, place):
            if current.orelse is not None:
                stack.append(current.orelse)
            continue
        stack.extend(reversed(list(iter_children(current))))


def _is_first_use(test: cst.BaseExpression, place: Place) -> bool:
    """``if _cache is None:`` / ``if not self._loaded:`` on a module global or an attribute of
    ``self``: the body runs once per process or object, a cost paid once, not per request."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        subject: cst.BaseExpression = test.expression
    elif (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        subject = test.left
    else:
        return False
    dotted = dotted_name(subject) or ""
    head, _, rest = dotted.partition(".")
    if head in ("self", "cls"):
        return bool(rest) and "." not in rest
    return bool(head) and not rest and _is_global(head, place)


def _is_global(name: str, place: Place) -> bool:
    """A module-level name (assigned or imported there; ``global`` makes the function's own
    assignments to it module-level too)."""
    return place.imports.is_module_definition(name) or name in place.imports.module_imports


class _Clients:
    """Names bound to blocking clients in a module and in the function being read."""

    def __init__(self, place: Place) -> None:
        self.place = place
        self.names: dict[str, str] = {}

    def kind_of(self, node: cst.CSTNode) -> str | None:
        if isinstance(node, cst.Call):
            qualified = self.place.imports.resolve(node.func, self.place.scopes)
            kind = CLIENTS_BY_CONSTRUCTOR.get(qualified or "")
            return kind.label if kind is not None else None
        dotted = dotted_name(node)
        return self.names.get(dotted) if dotted else None

    def bind(self, target: cst.CSTNode, value: cst.CSTNode) -> None:
        dotted = dotted_name(target)
        if dotted is not None:
            label = self.kind_of(value)
            if label is None:
                self.names.pop(dotted, None)
            else:
                self.names[dotted] = label

    def bind_params(self, node: cst.FunctionDef) -> None:
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.names.pop(param.name.value, None)
            if param.annotation is not None:
                qualified = self.place.imports.resolve(
                    param.annotation.annotation, self.place.scopes
                )
                kind = CLIENTS_BY_CONSTRUCTOR.get(qualified or "")
                if kind is not None:
                    self.names[param.name.value] = kind.label


def _function_calls(
    node: cst.FunctionDef, place: Place, module_clients: _Clients
) -> list[CallSite] | None:
    """The calls a function makes, or None for a generator: calling one runs nothing (and a
    sync iterator handed to ``StreamingResponse`` is iterated in a worker thread)."""
    clients = _Clients(place)
    clients.names = dict(module_clients.names)
    clients.bind_params(node)
    calls: list[CallSite] = []
    for current in _body_nodes(node, place):
        if isinstance(current, cst.Assign):
            for target in current.targets:
                clients.bind(target.target, current.value)
        elif isinstance(current, cst.WithItem):
            if current.asname is not None:
                clients.bind(current.asname.name, current.item)
        elif isinstance(current, cst.Yield):
            if not _is_context_manager(node):
                return None
        else:
            site = _call_site(current, place, clients)  # type: ignore[arg-type]
            if site is not None:
                calls.append(site)
    return calls


def _call_site(node: cst.Call, place: Place, clients: _Clients) -> CallSite | None:
    shown = dotted_name(node.func)
    if isinstance(node.func, cst.Attribute):
        label = clients.kind_of(node.func.value)
        if label is not None:
            method = node.func.attr.value
            written = shown or method
            return CallSite(f"client:{label}:{method}", written)
    target = call_target(node.func, place)
    if target is None or shown is None:
        return None
    return CallSite(target, shown)


class _Reader:
    """Reads one module's functions, numbering every ``def`` in source order."""

    def __init__(self, facts: ModuleFacts, imports: ImportTable) -> None:
        self.facts = facts
        self.imports = imports
        self.ordinal = 0
        self.place = Place(facts.name, is_package(facts.path), imports, ())
        self.clients = _Clients(self.place)

    def read(
        self, nodes: Iterable[cst.CSTNode], prefix: str, scopes: tuple[cst.CSTNode, ...]
    ) -> None:
        for node in nodes:
            if isinstance(node, cst.FunctionDef):
                self._function(node, prefix, scopes)
            elif isinstance(node, cst.ClassDef):
                name = f"{prefix}{node.name.value}"
                if not scopes:
                    self.facts.classes.add(name)
                self.read(iter_children(node), f"{name}.", scopes)
            elif isinstance(node, cst.SimpleStatementLine):
                if not scopes and not prefix:
                    self._module_statement(node)
            elif not isinstance(node, cst.BaseExpression):  # defs live in statement bodies
                self.read(iter_children(node), prefix, scopes)

    def _module_statement(self, node: cst.SimpleStatementLine) -> None:
        for small in node.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    self.clients.bind(target.target, small.value)
                    self._alias(target.target, small.value)
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                self._alias(small.target, small.value)

    def _provides(self, name: str, annotation: cst.BaseExpression) -> None:
        if isinstance(annotation, cst.Subscript) and annotation.slice:
            first = annotation.slice[0].slice
            base = dotted_name(annotation.value) or ""
            if base.rsplit(".", 1)[-1] in _YIELDING and isinstance(first, cst.Index):
                annotation = first.value
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            qualified = self.imports.resolve(annotation)
            if qualified is not None:
                self.facts.provides[name] = absolute(qualified, self.facts.name, self.place.package)

    def _made_by(self, name: str, call: cst.Call) -> None:
        callee = self.imports.resolve(call.func)
        if callee is None:
            return
        class_ = ""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "class_":
                class_ = self.imports.resolve(arg.value) or ""
        package = self.place.package
        self.facts.made_by[name] = (
            absolute(callee, self.facts.name, package),
            absolute(class_, self.facts.name, package) if class_ else "",
        )

    def _alias(self, target: cst.CSTNode, value: cst.CSTNode) -> None:
        if not isinstance(target, cst.Name):
            return
        if isinstance(value, cst.Call):
            self._made_by(target.value, value)
            return
        if isinstance(value, cst.Subscript) and value.slice:
            base = self.imports.resolve(value.value) or ""
            first = value.slice[0].slice
            if base.endswith(".Annotated") and isinstance(first, cst.Index):
                value = first.value
        qualified = (
            self.imports.resolve(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
        )
        if qualified is not None:
            self.facts.aliases[target.value] = absolute(
                qualified, self.facts.name, self.place.package
            )

    def _function(
        self, node: cst.FunctionDef, prefix: str, scopes: tuple[cst.CSTNode, ...]
    ) -> None:
        ordinal = self.ordinal
        self.ordinal += 1
        if not scopes and not prefix and node.returns is not None:
            self._provides(node.name.value, node.returns.annotation)
        inner = (*scopes, node)
        if not scopes and node.asynchronous is None and _decorators_transparent(node):
            class_name = prefix[:-1] or None
            place = Place(self.facts.name, self.place.package, self.imports, inner, class_name)
            calls = _function_calls(node, place, self.clients)
            name = f"{prefix}{node.name.value}"
            if calls is not None:
                self.facts.functions[name] = FunctionFacts(name, ordinal, tuple(calls))
        self.read(iter_children(node.body), "", inner)


def read_module(module: cst.Module, name: str, path: str) -> ModuleFacts:
    """The facts of one parsed module."""
    facts = ModuleFacts(name, path)
    imports = ImportTable(module)
    for local, qualified in imports.module_imports.items():
        facts.exports[local] = absolute(qualified, name, is_package(path))
    _Reader(facts, imports).read(list(module.body), "", ())
    return facts
