"""What the index knows of one module: its sync functions, the calls each one makes, and the
kinds of its module-level names.

Facts are small, picklable and independent of any option and of any other module: a call is
recorded as a ``Callee`` (its qualified name, its project target, the kind of its receiver), and
whether it blocks is decided later against the blocking policy of the run. They are read from an
``ast`` tree (parsed only, never compiled or run: a ninth of the cost of a libcst parse, and the
index parses every module a call leads into) by the semantic model's ``ast`` walk, the same model
the lint walk uses over libcst.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from fastlint.knowledge.fastapi import ANNOTATED, declaration_name
from fastlint.project.classes import ClassFacts, read_classes
from fastlint.project.route_facts import read_route_facts
from fastlint.project.routers import RouterFacts, read_routers
from fastlint.project.skim import TRANSPARENT, decorator_names, parse_skimmed
from fastlint.semantic.ast_tree import AstValues, AstWalk, ModuleImports, dotted_name
from fastlint.semantic.resolver import absolute
from fastlint.semantic.values import Callee

_TRANSPARENT = TRANSPARENT  # decorators that leave a call of the function a call of its body


@dataclass(frozen=True)
class CallSite:
    """One call in a function body, in source order."""

    callee: Callee
    line: int  # where the call starts, to report the blocking call's place


@dataclass(frozen=True)
class FunctionFacts:
    """The calls of one sync function, for the rules that follow calls across modules."""

    name: str  # ``fetch`` or ``Client.fetch``
    calls: tuple[CallSite, ...]


@dataclass
class ModuleFacts:
    """What the project index knows of one module without libcst: its functions' calls,
    exports, classes and the kinds of its module-level names (stored across runs)."""

    name: str
    path: str
    functions: dict[str, FunctionFacts] = field(default_factory=dict)  # sync, callable ones
    exports: dict[str, str] = field(default_factory=dict)  # imported name -> qualified name
    classes: set[str] = field(default_factory=set)
    # Kinds (``semantic/kinds.py``) of module-level names: type aliases (``SessionDep =
    # Annotated[AsyncSession, ...]``), what dependencies provide (``def get_db() ->
    # Iterator[Session]``), and values (``SessionLocal = async_sessionmaker(engine)``).
    aliases: dict[str, str] = field(default_factory=dict)
    provides: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    # Module-level classes with bases (their bases, config, fields), for the model registry
    # (``semantic/models.py``): is ``UserOut`` a Pydantic model, and with which fields.
    models: dict[str, ClassFacts] = field(default_factory=dict)
    # FastAPI declarations of module-level ``Annotated`` aliases: ``SessionDep = Annotated[
    # Session, Depends(get_db)]`` -> "Depends" (route rules: the parameter is not a body).
    declarations: dict[str, str] = field(default_factory=dict)
    # For following dependencies across modules (``project/route_facts.py``): module-level
    # functions' parameter names and own dependencies; ``Annotated`` aliases' dependency.
    signatures: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dependencies: dict[str, str] = field(default_factory=dict)
    # Module-level ``APIRouter``s: prefix, included routers, route paths (FST212).
    routers: dict[str, RouterFacts] = field(default_factory=dict)


def _is_first_use(test: ast.expr, imports: ModuleImports) -> bool:
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
    # A module-level name (assigned or imported there; ``global`` makes the function's own
    # assignments to it module-level too).
    return (
        bool(head)
        and not rest
        and (imports.is_module_definition(head) or head in imports.module_imports)
    )


@dataclass
class _Reading:
    """A function whose calls are being recorded."""

    name: str
    is_context_manager: bool
    calls: list[CallSite] = field(default_factory=list)
    is_generator: bool = False


class _FactsWalk(AstWalk):
    """Records the calls of module- and class-level sync functions whose decorators leave a
    call a call of the body; generators are left out (calling one runs nothing, and a sync
    iterator handed to ``StreamingResponse`` is iterated in a worker thread)."""

    def __init__(self, model: AstValues, facts: ModuleFacts) -> None:
        super().__init__(model)
        self.facts = facts
        self._readings: list[_Reading | None] = []  # one per scope on the stack
        self._prefixes: list[str | None] = [""]  # the qualified prefix inside each scope
        self.quiet = True  # calls outside the recorded functions are not facts
        self._quiet: list[bool] = []

    def quiet_block(self, node: ast.If) -> bool:
        """First-use initialization is a cost paid once, not per call: its calls are not
        recorded (the ``else`` branch is)."""
        return _is_first_use(node.test, self.model.resolver)  # type: ignore[arg-type]

    def enters(self, scope: ast.AST) -> bool:
        """Only the bodies whose calls are recorded, and the classes that hold them: nothing
        else a recorded call can depend on is bound in another body (but ``self.x`` assigned
        in a method that is not recorded, an approximation the index accepts)."""
        if self._prefixes[-1] is None:
            return False
        if type(scope) is ast.ClassDef:
            return True
        return type(scope) is ast.FunctionDef and all(
            name in _TRANSPARENT for name in decorator_names(scope)
        )

    def on_enter(self, scope: ast.AST) -> None:
        prefix = self._prefixes[-1]
        reading = None
        inner = None
        if type(scope) is ast.ClassDef and prefix is not None:
            inner = f"{prefix}{scope.name}."
            self.facts.classes.add(inner[:-1])
        elif type(scope) is ast.FunctionDef and prefix is not None:
            decorators = decorator_names(scope)
            if all(name in _TRANSPARENT for name in decorators):
                reading = _Reading(f"{prefix}{scope.name}", "contextmanager" in decorators)
        self._readings.append(reading)
        self._prefixes.append(inner)
        self._quiet.append(self.quiet)
        self.quiet = reading is None

    def on_leave(self, scope: ast.AST) -> None:
        self._prefixes.pop()
        reading = self._readings.pop()
        self.quiet = self._quiet.pop()
        if reading is not None and (reading.is_context_manager or not reading.is_generator):
            self.facts.functions[reading.name] = FunctionFacts(reading.name, tuple(reading.calls))

    def on_yield(self) -> None:
        reading = self._readings[-1] if self._readings else None
        if reading is not None:
            reading.is_generator = True

    def on_call(self, node: ast.Call) -> None:
        reading = self._readings[-1] if self._readings else None
        if reading is None:
            return
        callee = self.model.callee(node, self.scopes)
        if callee.target is not None or callee.qualified is not None or callee.receiver:
            reading.calls.append(CallSite(callee, node.lineno))


def parse(text: str) -> ast.Module | None:
    """The ``ast`` tree of a module, without the function bodies the facts never read
    (``project/skim.py``), or None when the running Python cannot parse it (a syntax error, or
    syntax of a newer Python, outside those bodies)."""
    with warnings.catch_warnings():
        # Invalid escapes and the like warn at parse time; the code is never compiled or run.
        warnings.simplefilter("ignore")
        try:
            return parse_skimmed(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def read_module(text: str, name: str, path: str) -> ModuleFacts | None:
    """The facts of one module's text, or None when it cannot be parsed."""
    tree = parse(text)
    if tree is None:
        return None
    package = path.endswith("__init__.py")
    facts = ModuleFacts(name, path)
    imports = ModuleImports(tree)
    for local, qualified in imports.module_imports.items():
        facts.exports[local] = absolute(qualified, name, package)
    model = AstValues(imports, tree, name, package)
    try:
        _FactsWalk(model, facts).walk(tree)
    except RecursionError:  # kinds of absurdly nested expressions
        return None
    facts.values = model.module_values()
    facts.aliases = dict(model.module_aliases())
    facts.provides = dict(model.module_provides())
    facts.models = read_classes(tree, text, imports, name, package)
    facts.declarations = _declarations(model)
    facts.signatures, facts.dependencies = read_route_facts(tree, imports, name, package)
    facts.routers = read_routers(tree, imports, facts.values, name, package)
    return facts


def _declarations(model: AstValues) -> dict[str, str]:
    """``Dep = Annotated[T, Depends(...)]`` -> "Depends", for the module's aliases."""
    found: dict[str, str] = {}
    for name, value in model.module_assignments():
        parts = model.subscript(value)
        if parts is None or model.resolver.resolve(parts[0]) not in ANNOTATED:
            continue
        for element in parts[1][1:]:
            func = model.call_func(element)
            declaration = declaration_name(model.resolver.resolve(func)) if func else None
            if declaration:
                found[name] = declaration
                break
    return found
