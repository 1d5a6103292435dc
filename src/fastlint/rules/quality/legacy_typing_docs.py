"""FST506's documentation (long: where the new syntax is safe is the hard part)."""

DOCS = """
## What it does
Reports the `typing` aliases that newer Pythons spell with builtins or `|`, where the project's
`target-version` allows the new form:

- `List`, `Dict`, `Set`, `FrozenSet`, `Tuple`, `Type` (use `list`, `dict`, ... from Python 3.9)
  and `DefaultDict`, `Deque`, `OrderedDict`, `Counter`, `ChainMap` (use the classes of
  `collections`, from 3.9);
- `Optional[X]` (use `X | None`) and `Union[X, Y]` (use `X | Y`), from Python 3.10.

Names are resolved through imports (`import typing as t` then `t.List`, `from typing import
List as L`, `typing_extensions`); a class of your own called `List` is not reported. Both
annotations and run-time uses (`cast(Optional[int], x)`, `Items = List[Item]`, base classes,
`response_model=List[Item]`) are reported, each alias where it is written (`Optional[List[int]]`
is two findings).

`target-version` (in `[tool.fastlint]`; else derived from `requires-python`; default `py310`)
decides:
- the target has the new form: reported everywhere;
- older target, and the module starts with `from __future__ import annotations`: annotations are
  no longer evaluated by Python, so the new form is allowed in them, but not everywhere. It is
  reported in the annotations of local variables, and in function signatures and module
  variables of modules that import none of the libraries that evaluate annotations at run time
  (FastAPI reads route and dependency signatures, Pydantic, SQLAlchemy, SQLModel, Typer and
  msgspec read model fields and signatures: on Python 3.9 they fail on `int | None`). Class
  bodies (model fields) and run-time positions (`cast(...)`, type aliases assigned at module
  level, base classes, `response_model=`) are never reported for an older target: there the
  expression is evaluated whatever the future import says;
- older target without the future import: not reported.

## Why is this bad?
Since Python 3.9 and 3.10 the builtins and `|` are the standard spelling, and the `typing`
aliases are deprecated; mixing both styles makes a code base harder to read. The rule
documents ask for modern syntax (`list[int]`, not `typing.List[int]`).

## Example
```python
from typing import Dict, List, Optional

from pydantic import BaseModel


class Order(BaseModel):
    lines: List[str]
    notes: Optional[str] = None
    totals: Dict[str, float] = {}
```

## Use instead
```python
from pydantic import BaseModel


class Order(BaseModel):
    lines: list[str]
    notes: str | None = None
    totals: dict[str, float] = {}
```

## Fix
Safe: each finding is rewritten (`List[int]` -> `list[int]`, `Optional[X]` -> `X | None`,
`Union[X, Y]` -> `X | Y`, `DefaultDict[K, V]` -> `defaultdict[K, V]` with `from collections
import defaultdict` added), nested aliases the target allows included. The `typing` imports the
rewrites leave unused are removed (module level and top `if TYPE_CHECKING:` blocks; a name
still mentioned elsewhere in the file, even in a comment or a string, is kept): so that no fix
removes an import another use still needs, the last finding's fix rewrites all of the file's
findings together with the imports, and the others rewrite their own expression. No fix where
it would change meaning or lose text: a `Union` or `Optional` with a string member
(`Optional["User"]`: `"User" | None` is a `TypeError` where it is evaluated; quote the whole
annotation instead), a builtin shadowed where it is written (a field named `list` or `type`),
and an expression with a comment inside. A statement emptied of its names is removed with its line
(it becomes `pass` when it is alone in a block).

## Differences from ruff
ruff's `UP006` and `UP007` (`UP045` for `Optional`) rewrite the same aliases; ruff leaves the
unused imports to `F401`, and with `from __future__ import annotations` on an older target it
rewrites annotations that Pydantic and FastAPI evaluate at run time.
"""
