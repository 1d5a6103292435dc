"""FST512: names against PEP 8's conventions (snake_case, PascalCase, UPPER_SNAKE)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

SNAKE = re.compile(r"^_*[a-z][a-z0-9_]*$|^_+$|^__[a-z][a-z0-9_]*__$")
PASCAL = re.compile(r"^_*[A-Z][A-Za-z0-9]*$")
UPPER = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
# Methods whose names a library chooses: a subclass must keep them.
LIBRARY_METHODS = frozenset(
    {
        "setUp",
        "tearDown",
        "setUpClass",
        "tearDownClass",
        "setUpModule",
        "tearDownModule",
        "asyncSetUp",
        "asyncTearDown",
        "setUpTestData",
        "addCleanup",
        "runTest",
        "maxDiff",
        "longMessage",
        "failureException",
    }
)
# ``visit_Call`` (ast/libcst visitors), ``do_GET`` (http.server), ``test_...`` stays snake.
_HOOK = re.compile(r"^(visit|leave|depart|do|generic_visit)_[A-Za-z0-9_]+$")
# Module-level names a tool reads (alembic's migration scripts), whatever the convention.
TOOL_NAMES = frozenset({"revision", "down_revision", "branch_labels", "depends_on"})
_MIGRATION_DIRECTORIES = frozenset({"migrations", "_migrations", "alembic", "versions"})
_TYPE_FACTORIES = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions")
    for name in ("TypeVar", "ParamSpec", "TypeVarTuple", "NewType")
)
_TYPE_ALIAS = frozenset({"typing.TypeAlias", "typing_extensions.TypeAlias"})
_OVERRIDES = frozenset({"typing.override", "typing_extensions.override"})
_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)


def _is_literal(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, _LITERALS):
        return True
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    if isinstance(node, cst.Name):
        return node.value in ("True", "False")
    if isinstance(node, cst.Tuple):
        return bool(node.elements) and all(_is_literal(e.value) for e in node.elements)
    return False


def _names(target: cst.BaseExpression) -> Iterator[cst.Name]:
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _names(target.value)


def _pairs(
    target: cst.BaseExpression, value: cst.BaseExpression | None
) -> Iterator[tuple[cst.Name, cst.BaseExpression | None]]:
    """Each name a target binds, with its own value when both sides are tuples of one length
    (``FlowRun, WorkQueue = db.FlowRun, db.WorkQueue``)."""
    if (
        isinstance(target, (cst.Tuple, cst.List))
        and isinstance(value, (cst.Tuple, cst.List))
        and len(target.elements) == len(value.elements)
    ):
        for left, right in zip(target.elements, value.elements, strict=True):
            yield from _pairs(left.value, right.value)
        return
    for name in _names(target):
        yield name, value


def _same_name(name: str, value: cst.BaseExpression | None) -> bool:
    """``getLevelNamesMapping = logging.getLevelNamesMapping``: a library name kept."""
    if isinstance(value, cst.Attribute):
        return value.attr.value == name
    return isinstance(value, cst.Name) and value.value == name


def _alias_value(value: cst.BaseExpression | None) -> bool:
    """A value a PascalCase name may hold: a class or type made or named (``SessionLocal =
    sessionmaker()``, ``UserId = int``, ``Items = list[Item]``)."""
    if isinstance(value, cst.Await):
        value = value.expression
    return isinstance(
        value, (cst.Call, cst.Name, cst.Attribute, cst.Subscript, cst.BinaryOperation)
    )


class NamingConvention(Rule):
    """Reports functions, variables, classes and constants not named per PEP 8."""

    code = "FST512"
    name = "naming-convention"
    category = "quality"
    default_enabled = False
    summary = (
        "Functions/variables not snake_case, classes not PascalCase, module constants not "
        "UPPER_SNAKE"
    )
    message = "Name against the naming convention"
    docs = """
## What it does
Reports, at the name:
- a function or method not in `snake_case` (`getUser`);
- a class not in `PascalCase` (`user_service`, `User_Service`);
- a variable assigned in a function (or a `for` target) not in `snake_case`, once per function;
  a `PascalCase` name that holds a class or type (`Session = sessionmaker()`,
  `FlowRun, Log = db.FlowRun, db.Log`) is allowed, as is an `UPPER_SNAKE` local constant
  (`BATCH_SIZE = 500`) and a module-level name declared `global` in the function;
- at module level, a name bound once to a literal (a number, string, `True`/`False`, a tuple of
  them) and never declared `global`, that is not `UPPER_SNAKE` (`timeout = 30`): a module
  constant (a `TypeAlias` is a type, not a constant); and a module-level variable in
  `mixedCase` (`myApp = FastAPI()`), unless it keeps a library's name
  (`getLevelName = logging.getLevelName`) or is a type variable (`T_co = TypeVar(...)`).

Leading underscores are allowed everywhere, as are dunder names. Methods whose names a library
chooses are exempt: unittest's `setUp`/`tearDown`/`setUpClass`/`asyncSetUp`..., visitor hooks
such as `visit_Call`/`leave_FunctionDef`/`do_GET`, and methods decorated with
`@typing.override`, and the methods of a class whose base is imported (`logging.Handler`'s
`isEnabledFor`: an override keeps its library's name). Module-level names of migration scripts
(files in `migrations`, `alembic` or `versions` directories, and alembic's `revision`,
`down_revision`, `branch_labels`, `depends_on` anywhere) are the tool's and are not checked.

## Why is this bad?
The seeds ask for PEP 8 names: `snake_case` functions and variables, `PascalCase` classes,
`UPPER_SNAKE_CASE` constants. One convention lets a reader tell a class from a function and a
constant from a variable at a glance.

## Example
```python
timeout = 30


class user_service:
    def getUser(self, userId: int) -> dict[str, int]:
        userData = {"id": userId}
        return userData
```

## Use instead
```python
TIMEOUT = 30


class UserService:
    def get_user(self, user_id: int) -> dict[str, int]:
        user_data = {"id": user_id}
        return user_data
```

## Differences from pep8-naming
N801/N802/N806 plus module constants (N816 reports only mixedCase module names). Parameters
(N803) are not checked: they are often an API (FastAPI query parameters, overridden signatures).
"""
    valid = (
        Valid("def get_user():\n    user_data = 1\n    return user_data\n"),
        Valid(
            "class UserService:\n    pass\nclass _Private:\n    pass\nclass HTTPClient:\n    pass\n"
        ),
        Valid("import unittest\nclass T(unittest.TestCase):\n    def setUp(self):\n        pass\n"),
        Valid(
            "class V:\n    def visit_Call(self, node):\n        pass\n    def do_GET(self):\n        pass\n"
        ),
        Valid(
            "from typing import override\nclass A(B):\n    @override\n    def getX(self):\n        pass\n"
        ),
        Valid("TIMEOUT = 30\n_RETRIES = 3\n__version__ = '1.0'\nlogger = get_logger()\n"),
        Valid("def f():\n    Session = sessionmaker()\n    return Session\n"),
        Valid("state = 0\ndef bump():\n    global state\n    state = 1\n"),
        Valid("mode = 'a'\nmode = 'b'\n"),
        Valid("Base = declarative_base()\nUserId = int\n"),
        Valid("def f():\n    for i, (key, value) in enumerate(x):\n        pass\n"),
        Valid(
            "import logging\nclass H(logging.Handler):\n    def isEnabledFor(self, level):\n        pass\n"
        ),
        Valid("revision = 'abc'\ndown_revision = None\n"),
        Valid("from typing import TypeAlias\nSelectable: TypeAlias = 'Select | Text'\n"),
        Valid("def f(db):\n    FlowRun, WorkQueue = db.FlowRun, db.WorkQueue\n"),
        Valid("def f():\n    BATCH_SIZE = 500\n    WHITE, GRAY = 0, 1\n"),
        Valid("import logging\ngetLevelName = logging.getLevelName\n"),
        Valid("from typing import TypeVar\nTParams_co = TypeVar('TParams_co', covariant=True)\n"),
        Valid("async def f(view):\n    Form = await view.scaffold_form()\n    return Form\n"),
        Valid("CONN = None\ndef configure():\n    global CONN\n    CONN = make()\n"),
        Valid("airflow_version = '3.1'\n", filename="app/migrations/versions/0001_init.py"),
    )
    invalid = (
        Invalid("def getUser():\n    pass\n", 1, 5, message_contains="function `getUser`"),
        Invalid("class user_service:\n    pass\n", 1, 7, message_contains="PascalCase"),
        Invalid(
            "def f():\n    userData = 1\n    userData = 2\n",
            2,
            5,
            message_contains="variable `userData`",
        ),
        Invalid("timeout = 30\n", 1, 1, message_contains="UPPER_SNAKE"),
        Invalid("myApp = FastAPI()\n", 1, 1, message_contains="`myApp`"),
        Invalid(
            "def f():\n    for itemName in x:\n        pass\n",
            2,
            9,
            message_contains="snake_case",
        ),
    )

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._reported: set[tuple[int, str]] = set()
        self._module_bound: dict[str, list[tuple[cst.Name, bool, cst.BaseExpression | None]]] = {}
        self._globals: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = node.name.value
        if SNAKE.match(name):
            return
        class_ = self.ctx.class_
        if class_ is not None and self.ctx.scopes[-1] is class_:
            if name in LIBRARY_METHODS or _HOOK.match(name):
                return
            if any(self.ctx.resolve(d.decorator) in _OVERRIDES for d in node.decorators):
                return
            # A base imported from elsewhere (`logging.Handler`, `ast.NodeVisitor`): the method
            # may override one of its methods, whose name is not ours to choose.
            if any(self.ctx.resolve(base.value) is not None for base in class_.bases):
                return
        self.report(node.name, f"Name the function `{name}` in snake_case")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        name = node.name.value
        if not PASCAL.match(name):
            self.report(node.name, f"Name the class `{name}` in PascalCase")

    def visit_Global(self, node: cst.Global) -> None:
        self._globals.update(item.name.value for item in node.names)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            for name, value in _pairs(target.target, node.value):
                self._bound(name, value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and self.ctx.class_ is None:
            if self.ctx.resolve(node.annotation.annotation) in _TYPE_ALIAS:
                return  # `Selectable: TypeAlias = "Select | TextClause"` names a type
            self._bound(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        for name in _names(node.target):
            self._bound(name, None)

    def _bound(self, name: cst.Name, value: cst.BaseExpression | None) -> None:
        if not self.ctx.scopes:
            bound = (name, _is_literal(value), value)
            self._module_bound.setdefault(name.value, []).append(bound)
            return
        function = self.ctx.function
        text = name.value
        if function is None or SNAKE.match(text) or text in self._globals:
            return
        if PASCAL.match(text) and _alias_value(value):
            return
        if UPPER.match(text):
            return  # a local constant: `BATCH_SIZE = 500`
        key = (id(function), text)
        if key not in self._reported:
            self._reported.add(key)
            self.report(name, f"Name the variable `{text}` in snake_case")

    def _type_factory(self, value: cst.BaseExpression | None) -> bool:
        """``T_co = TypeVar("T_co", covariant=True)``: type variables have their own style."""
        return isinstance(value, cst.Call) and self.ctx.resolve(value.func) in _TYPE_FACTORIES

    def leave_Module(self, node: cst.Module) -> None:
        parts = self.ctx.path.replace("\\", "/").split("/")[:-1]
        migration = not _MIGRATION_DIRECTORIES.isdisjoint(parts)
        for text, bindings in self._module_bound.items():
            first, literal, _ = bindings[0]
            if text.startswith("__") and text.endswith("__"):
                continue
            if text in TOOL_NAMES or migration:
                continue  # names the migration tool reads
            if len(bindings) == 1 and literal and text not in self._globals:
                if not UPPER.match(text):
                    self.report(first, f"Name the module constant `{text}` in UPPER_SNAKE_CASE")
            elif not (SNAKE.match(text) or UPPER.match(text) or PASCAL.match(text)) and not any(
                _same_name(text, value) or self._type_factory(value) for _, _, value in bindings
            ):
                self.report(first, f"Name the module-level variable `{text}` in snake_case")
