"""FST504: a parameter or a return without a type annotation."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fix import SAFE, Fix, insert_before
from fastlint.engine.rule import FIX_SAFE, Invalid, Rule, Valid

_STATIC = frozenset({"builtins.staticmethod"})
# The return of these is not "nothing": no ``-> None`` fix.
_NO_FIX_DECORATORS = frozenset(
    {
        "typing.overload",
        "typing_extensions.overload",
        "abc.abstractmethod",
        "builtins.property",
        "functools.cached_property",
    }
)


@dataclass
class _Function:
    node: cst.FunctionDef
    has_value_return: bool = False
    is_generator: bool = False


def _is_stub(body: cst.BaseSuite) -> bool:
    """A body that is only a docstring, ``...`` and ``raise`` (``NotImplementedError``): a
    placeholder whose real return type is not ``None``."""
    statements = (
        [cst.SimpleStatementLine(body=body.body)]
        if isinstance(body, cst.SimpleStatementSuite)
        else body.body
    )
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, cst.Raise):
                continue
            if isinstance(small, cst.Expr) and isinstance(
                small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
            ):
                continue
            return False
    return True


class MissingTypeAnnotation(Rule):
    """Reports parameters and returns without a type annotation (FST504)."""

    code = "FST504"
    name = "missing-type-annotation"
    category = "quality"
    summary = "A parameter (not `self`/`cls`) or a return without a type annotation"
    message = "Add a type annotation"
    fix = FIX_SAFE  # `-> None` on functions that return nothing
    docs = """
## What it does
Reports each parameter of a `def` or `async def` without an annotation, at the parameter
(`*args` and `**kwargs` too), and a missing return annotation at the function's name.

Not reported:
- the first parameter of a method (`self`, `cls`, whatever its name), unless the method is a
  `@staticmethod`, and a first parameter named `self` or `cls` anywhere (the functions that
  decorators or `type(...)` make into methods);
- the return of `__init__` when one of its parameters is annotated: type checkers then take it
  as `-> None`, as mypy does;
- the return of a route handler that declares `response_model=`: the response type is declared
  there (and FST202 reports an annotation that repeats it);
- lambdas, which cannot be annotated.

Nested functions, dunder methods, overloads and test functions are checked like any other.

## Why is this bad?
The rule documents ask for type hints everywhere: an unannotated parameter is `Any` to the type
checker, so mistakes at every call go unnoticed, and in a FastAPI handler an unannotated
parameter is read as a required query string.

## Example
```python
def apply_discount(price, rate: float):
    return price * (1 - rate)


def log_order(order_id: int):
    print(order_id)
```

## Use instead
```python
def apply_discount(price: float, rate: float) -> float:
    return price * (1 - rate)


def log_order(order_id: int) -> None:
    print(order_id)
```

## Fix
Safe: a function that returns nothing gets `-> None`. "Returns nothing" means its own body (not
a nested function's) has no `return` with a value (`return None` is nothing) and no `yield`.
There is no fix for generators, `@overload`s, `@abstractmethod`s, properties, and bodies that
only hold a docstring, `...` or a `raise` (placeholders, such as `raise NotImplementedError`,
whose real return type is for the overriding method to say). Parameters have no fix: their type
is for you to say.
"""
    valid = (
        Valid("def f(x: int, *args: str, **kwargs: object) -> None:\n    pass\n"),
        Valid("class A:\n    def m(self, x: int) -> int:\n        return x\n"),
        Valid("class A:\n    @classmethod\n    def m(klass) -> None:\n        pass\n"),
        Valid("class A:\n    def __init__(self, x: int):\n        self.x = x\n"),
        Valid("f = lambda x: x\n"),
        Valid("def wrapper(self, *args: int) -> None:\n    pass\n"),
        Valid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/', response_model=dict)\nasync def index():\n    return {}\n"
        ),
    )
    invalid = (
        Invalid(
            "def f(x) -> None:\n    pass\n",
            1,
            7,
            message_contains="Parameter `x` has no type annotation",
        ),
        Invalid(
            "class A:\n    @staticmethod\n    def m(item) -> None:\n        pass\n",
            3,
            11,
            message_contains="Parameter `item` has no type annotation",
        ),
        Invalid(
            "def f(*, x: int, **extra: int):\n    print(x)\n",
            1,
            5,
            message_contains="Function `f` has no return annotation",
            fixed="def f(*, x: int, **extra: int) -> None:\n    print(x)\n",
        ),
        Invalid(
            "async def f() :\n    def g() -> int:\n        return 1\n    return\n",
            1,
            11,
            message_contains="no return annotation",
            fixed="async def f() -> None :\n    def g() -> int:\n        return 1\n    return\n",
        ),
        Invalid(
            "def f(\n    x: int,\n): return x\n",
            1,
            5,
            message_contains="Function `f` has no return annotation",
        ),
        Invalid("def f() :\n    yield 1\n", 1, 5, message_contains="Function `f` has no return"),
        Invalid(
            "class A:\n    def m(self):\n        raise NotImplementedError\n",
            2,
            9,
            message_contains="Function `m` has no return annotation",
        ),
        Invalid(
            "def f(*args: int, **kwargs) -> None:\n    pass\n",
            1,
            21,
            message_contains="Parameter `kwargs` has no type annotation",
        ),
        Invalid(
            "class A:\n    def __init__(self):\n        self.x = 1\n",
            2,
            9,
            message_contains="Function `__init__` has no return annotation",
            fixed="class A:\n    def __init__(self) -> None:\n        self.x = 1\n",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._functions: list[_Function] = []  # the functions being walked, innermost last

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(_Function(node))
        params = node.params
        positional = [*params.posonly_params, *params.params]
        scopes = self.ctx.scopes
        if positional and (
            positional[0].name.value in ("self", "cls")  # also a wrapper made into a method
            or (
                scopes
                and isinstance(scopes[-1], cst.ClassDef)
                and not self._decorated(node, _STATIC)
            )
        ):
            positional = positional[1:]
        for param in (*positional, params.star_arg, *params.kwonly_params, params.star_kwarg):
            if isinstance(param, cst.Param) and param.annotation is None:
                self.report(
                    param.name,
                    f"Parameter `{param.name.value}` has no type annotation; annotate it",
                )

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
            self._mark(has_value_return=True)

    def visit_Yield(self, node: cst.Yield) -> None:
        self._mark(is_generator=True)

    def _mark(self, *, has_value_return: bool = False, is_generator: bool = False) -> None:
        if not self._functions or self.ctx.function is not self._functions[-1].node:
            return  # in a lambda, or outside a function
        current = self._functions[-1]
        current.has_value_return |= has_value_return
        current.is_generator |= is_generator

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        current = self._functions.pop()
        if node.returns is not None or self._return_exempt(node):
            return
        fix = None
        if not (
            current.has_value_return
            or current.is_generator
            or self._decorated(node, _NO_FIX_DECORATORS)
            or _is_stub(node.body)
            or any(_property_accessor(decorator) for decorator in node.decorators)
        ):
            space = node.whitespace_before_colon
            arrow = " -> None" if not space.value else "-> None "  # type: ignore[attr-defined]
            fix = Fix("Add `-> None`", SAFE, (insert_before(space, arrow),))
        self.report(
            node.name,
            f"Function `{node.name.value}` has no return annotation; annotate it"
            + (" (`-> None`: it returns nothing)" if fix is not None else ""),
            fix=fix,
        )

    def _return_exempt(self, node: cst.FunctionDef) -> bool:
        if node.name.value == "__init__":
            params = node.params
            every = (*params.posonly_params, *params.params, *params.kwonly_params)
            stars = (params.star_arg, params.star_kwarg)
            if any(isinstance(p, cst.Param) and p.annotation for p in (*every, *stars)):
                return True
        return any(route.response_model is not None for route in self.ctx.fastapi.routes_of(node))

    def _decorated(self, node: cst.FunctionDef, names: frozenset[str]) -> bool:
        for decorator in node.decorators:
            expression = decorator.decorator
            if isinstance(expression, cst.Call):
                expression = expression.func
            if self.ctx.resolve(expression) in names:
                return True
        return False


def _property_accessor(decorator: cst.Decorator) -> bool:
    """``@name.getter`` and any ``...property`` decorator (``cached_property``, a project's
    ``hybrid_property``): a getter that returns nothing is a mistake, not ``-> None``."""
    expression = decorator.decorator
    if isinstance(expression, cst.Attribute):
        name = expression.attr.value
        return name == "getter" or name.endswith("property")
    return isinstance(expression, cst.Name) and expression.value.endswith("property")
