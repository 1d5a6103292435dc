"""What the index knows of one module: its sync functions and the calls each one makes.

Facts are small, picklable and independent of any option: a call is recorded by the qualified
name of what it calls (``requests.get``, ``services.profile.fetch``, ``repo.Repo.load``), and
whether it blocks is decided later against the blocking table of the run. They are read from an
``ast`` tree (parsed only, never compiled or run): a ninth of the cost of a libcst parse, and
the index parses every module a call leads into.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from fastlint.knowledge.blocking import CLIENTS_BY_CONSTRUCTOR
from fastlint.project.imports import ModuleImports, children, dotted_name
from fastlint.project.modules import absolute, is_package
from fastlint.project.targets import Place, call_target

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NESTED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda})
_BODY_NODES = frozenset({ast.Call, ast.Assign, ast.withitem, ast.Yield, ast.YieldFrom})
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
    shown: str  # the callee as written (``r.get``), for messages
    line: int  # where the call starts, to report the blocking call's place


@dataclass(frozen=True)
class FunctionFacts:
    name: str  # ``fetch`` or ``Client.fetch``
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


def _decorators_transparent(node: ast.FunctionDef) -> bool:
    for expression in node.decorator_list:
        if type(expression) is ast.Call:
            expression = expression.func
        name = dotted_name(expression) or ""
        if name.rsplit(".", 1)[-1] not in _TRANSPARENT:
            return False
    return True


def _is_context_manager(node: ast.FunctionDef) -> bool:
    return any(
        (dotted_name(expression) or "").rsplit(".", 1)[-1] == "contextmanager"
        for expression in node.decorator_list
    )


def _body_nodes(node: ast.FunctionDef, place: Place) -> Iterator[ast.AST]:
    """Calls, assignments, ``with`` items and yields of a body in source order, not entering
    nested scopes nor the body of a first-use initialization (``if _registry is None: ...``)."""
    stack: list[ast.AST] = list(reversed(node.body))
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind in _NESTED:
            continue
        if kind in _BODY_NODES:
            yield current
        if isinstance(current, ast.If) and _is_first_use(current.test, place):
            stack.extend(reversed(current.orelse))
            continue
        stack.extend(reversed(children(current)))


def _is_first_use(test: ast.expr, place: Place) -> bool:
    """``if _cache is None:`` / ``if not self._loaded:`` on a module global or an attribute of
    ``self``: the body runs once per process or object, a cost paid once, not per request."""
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        subject = test.operand
    elif (
        type(test) is ast.Compare
        and len(test.ops) == 1
        and type(test.ops[0]) is ast.Is
        and type(test.comparators[0]) is ast.Constant
        and test.comparators[0].value is None
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

    def __init__(self, place: Place, names: dict[str, str] | None = None) -> None:
        self.place = place
        self.names: dict[str, str] = dict(names or {})

    def kind_of(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            qualified = self.place.imports.resolve(node.func, self.place.scopes)
            kind = CLIENTS_BY_CONSTRUCTOR.get(qualified or "")
            return kind.label if kind is not None else None
        dotted = dotted_name(node)
        return self.names.get(dotted) if dotted else None

    def bind(self, target: ast.AST, value: ast.AST) -> None:
        dotted = dotted_name(target)
        if dotted is not None:
            label = self.kind_of(value)
            if label is None:
                self.names.pop(dotted, None)
            else:
                self.names[dotted] = label

    def bind_params(self, node: ast.FunctionDef) -> None:
        args = node.args
        for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            self.names.pop(param.arg, None)
            if param.annotation is not None:
                qualified = self.place.imports.resolve(param.annotation, self.place.scopes)
                kind = CLIENTS_BY_CONSTRUCTOR.get(qualified or "")
                if kind is not None:
                    self.names[param.arg] = kind.label


def _function_calls(
    node: ast.FunctionDef, place: Place, module_clients: _Clients
) -> list[CallSite] | None:
    """The calls a function makes, or None for a generator: calling one runs nothing (and a
    sync iterator handed to ``StreamingResponse`` is iterated in a worker thread)."""
    clients = _Clients(place, module_clients.names)
    clients.bind_params(node)
    calls: list[CallSite] = []
    for current in _body_nodes(node, place):
        if isinstance(current, ast.Call):
            site = _call_site(current, place, clients)
            if site is not None:
                calls.append(site)
        elif isinstance(current, ast.Assign):
            for target in current.targets:
                clients.bind(target, current.value)
        elif isinstance(current, ast.withitem):
            if current.optional_vars is not None:
                clients.bind(current.optional_vars, current.context_expr)
        elif not _is_context_manager(node):  # a yield
            return None
    return calls


def _call_site(node: ast.Call, place: Place, clients: _Clients) -> CallSite | None:
    func = node.func
    shown = dotted_name(func)
    if type(func) is ast.Attribute:
        label = clients.kind_of(func.value)
        if label is not None:
            return CallSite(f"client:{label}:{func.attr}", shown or func.attr, node.lineno)
    target = call_target(func, place)
    if target is None or shown is None:
        return None
    return CallSite(target, shown, node.lineno)


def _first_index(slice_: ast.expr) -> ast.expr | None:
    """The first element of a subscript (``T`` of ``Iterator[T]``), None for a slice."""
    if type(slice_) is ast.Tuple:
        if not slice_.elts:
            return None
        slice_ = slice_.elts[0]
    return None if type(slice_) is ast.Slice else slice_


def _compound_bodies(node: ast.AST) -> Iterator[ast.stmt]:
    """The statements inside a compound statement (``if``, ``try``, ``with``, ``match``...)."""
    yield from getattr(node, "body", ())
    for handler in getattr(node, "handlers", ()):
        yield from handler.body
    for case in getattr(node, "cases", ()):
        yield from case.body
    yield from getattr(node, "orelse", ())
    yield from getattr(node, "finalbody", ())


class _Reader:
    """Reads one module's functions and module-level names, in source order."""

    def __init__(self, facts: ModuleFacts, imports: ModuleImports) -> None:
        self.facts = facts
        self.imports = imports
        self.place = Place(facts.name, is_package(facts.path), imports, ())
        self.clients = _Clients(self.place)

    def read(self, statements: Iterable[ast.stmt], prefix: str) -> None:
        """Defs at module and class level, including inside ``if``/``try`` blocks."""
        for node in statements:
            if isinstance(node, _FUNCTIONS):
                self._function(node, prefix)
            elif type(node) is ast.ClassDef:
                name = f"{prefix}{node.name}"
                self.facts.classes.add(name)
                self.read(node.body, f"{name}.")
            elif type(node) is ast.Assign:
                if not prefix:
                    for target in node.targets:
                        self.clients.bind(target, node.value)
                        self._alias(target, node.value)
            elif type(node) is ast.AnnAssign:
                if not prefix and node.value is not None:
                    self._alias(node.target, node.value)
            elif isinstance(node, ast.stmt):
                self.read(_compound_bodies(node), prefix)

    def _provides(self, name: str, annotation: ast.expr) -> None:
        if type(annotation) is ast.Subscript:
            base = dotted_name(annotation.value) or ""
            first = _first_index(annotation.slice)
            if base.rsplit(".", 1)[-1] in _YIELDING and first is not None:
                annotation = first
        qualified = self.imports.resolve(annotation)
        if qualified is not None:
            self.facts.provides[name] = absolute(qualified, self.facts.name, self.place.package)

    def _made_by(self, name: str, call: ast.Call) -> None:
        callee = self.imports.resolve(call.func)
        if callee is None:
            return
        class_ = ""
        for keyword in call.keywords:
            if keyword.arg == "class_":
                class_ = self.imports.resolve(keyword.value) or ""
        package = self.place.package
        self.facts.made_by[name] = (
            absolute(callee, self.facts.name, package),
            absolute(class_, self.facts.name, package) if class_ else "",
        )

    def _alias(self, target: ast.expr, value: ast.expr) -> None:
        if type(target) is not ast.Name:
            return
        if type(value) is ast.Call:
            self._made_by(target.id, value)
            return
        if type(value) is ast.Subscript:
            base = self.imports.resolve(value.value) or ""
            first = _first_index(value.slice)
            if base.endswith(".Annotated") and first is not None:
                value = first
        qualified = self.imports.resolve(value)
        if qualified is not None:
            self.facts.aliases[target.id] = absolute(qualified, self.facts.name, self.place.package)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str) -> None:
        if not prefix and node.returns is not None:
            self._provides(node.name, node.returns)
        if type(node) is not ast.FunctionDef or not _decorators_transparent(node):
            return
        class_name = prefix[:-1] or None
        place = Place(self.facts.name, self.place.package, self.imports, (node,), class_name)
        calls = _function_calls(node, place, self.clients)
        name = f"{prefix}{node.name}"
        if calls is not None:
            self.facts.functions[name] = FunctionFacts(name, tuple(calls))


def parse(text: str) -> ast.Module | None:
    """The ``ast`` tree of a module, or None when the running Python cannot parse it (a syntax
    error, or syntax of a newer Python)."""
    with warnings.catch_warnings():
        # Invalid escapes and the like warn at parse time; the code is never compiled or run.
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def read_module(text: str, name: str, path: str) -> ModuleFacts | None:
    """The facts of one module's text, or None when it cannot be parsed."""
    tree = parse(text)
    if tree is None:
        return None
    facts = ModuleFacts(name, path)
    imports = ModuleImports(tree)
    for local, qualified in imports.module_imports.items():
        facts.exports[local] = absolute(qualified, name, is_package(path))
    _Reader(facts, imports).read(tree.body, "")
    return facts
