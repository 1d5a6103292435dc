"""The rule API: one class per rule, with its docs and examples beside its code.

A rule subclasses ``Rule`` and defines ``visit_<NodeType>`` / ``leave_<NodeType>`` methods for the
libcst node types it wants; the engine calls them during its single walk. ``self.ctx`` holds the
file's context and ``self.report(node)`` records a finding at that node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import libcst as cst  # annotations only: configuration reads Option without libcst

    from fastlint.engine.context import Context
    from fastlint.engine.diagnostic import Related
    from fastlint.engine.fix import Fix

FIX_NONE = "none"
FIX_SAFE = "safe"
FIX_UNSAFE = "unsafe"

# What a rule is about, one per code family of the rule catalog (FST0xx ... FST7xx). The output
# formats read it (SARIF tags and levels, GitLab categories and severities) instead of code
# prefixes.
CATEGORIES: dict[str, str] = {
    "engine": "FST0",  # syntax and internal errors: the file was not (fully) checked
    "async": "FST1",
    "api": "FST2",
    "database": "FST3",
    "security": "FST4",
    "quality": "FST5",
    "pydantic": "FST6",
    "architecture": "FST7",
}


@dataclass(frozen=True)
class Option:
    """A rule setting, written in ``[tool.fastlint]`` as a kebab-case key."""

    name: str
    type: type
    default: object
    help: str
    item_type: type | None = None  # for list options

    def validate(self, value: object) -> object:
        """The value, checked; raises ``ValueError`` with a one-line reason."""
        if self.type is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"`{self.name}` must be an integer, not {value!r}")
        if self.type is int and value < 1:
            raise ValueError(f"`{self.name}` must be at least 1, not {value!r}")
        if self.type is bool and not isinstance(value, bool):
            raise ValueError(f"`{self.name}` must be true or false, not {value!r}")
        if self.type is str and not isinstance(value, str):
            raise ValueError(f"`{self.name}` must be a string, not {value!r}")
        if self.type is dict and not isinstance(value, dict):
            raise ValueError(f"`{self.name}` must be a table, not {value!r}")
        if self.type is list:
            if not isinstance(value, list) or not all(
                isinstance(item, self.item_type or str) for item in value
            ):
                raise ValueError(f"`{self.name}` must be a list of strings, not {value!r}")
        return value


@dataclass(frozen=True)
class Valid:
    """Code the rule must not report."""

    code: str
    options: dict[str, object] = field(default_factory=dict)
    filename: str = "example.py"
    target_version: str = "py310"  # ``target-version`` the example is linted with


@dataclass(frozen=True)
class Invalid:
    """Code the rule must report exactly once, at ``line``:``column`` (1-based), with a message
    that contains ``message_contains`` (required: every example pins what the user reads).
    ``fixed``: the code after its automatic fix (None: the diagnostic has no fix)."""

    code: str
    line: int
    column: int
    options: dict[str, object] = field(default_factory=dict)
    message_contains: str = ""
    filename: str = "example.py"
    fixed: str | None = None
    target_version: str = "py310"  # ``target-version`` the example is linted with


class Rule:
    """Base class of every rule."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line for the rule table
    message: ClassVar[str]  # default message; says what to do instead
    docs: ClassVar[str]  # markdown: what it does, why, example, fix
    category: ClassVar[str]  # a key of ``CATEGORIES``
    default_enabled: ClassVar[bool] = True
    fix: ClassVar[str] = FIX_NONE  # what ``--fix`` can do today, not what is planned
    options: ClassVar[tuple[Option, ...]] = ()
    # The rule cannot fire unless one of these strings occurs in the file (an exact
    # pre-filter, used to skip the rule on files that cannot match).
    requires_text: ClassVar[tuple[str, ...]] = ()
    # Only these calls reach the rule's ``visit_Call``/``leave_Call``: calls whose function's last
    # name (``f`` of ``f(...)``, ``x.f(...)``) is one of them, or a name imported as one
    # (``from time import sleep as nap``). Empty: every call. Calls are the commonest node; the
    # engine dispatches them by name once instead of calling every rule on each.
    call_names: ClassVar[frozenset[str]] = frozenset()
    # The rule reads the project index (``ctx.project``), built once per run from every file.
    needs_project: ClassVar[bool] = False
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        category = cls.__dict__.get("category")
        if category is not None and category not in CATEGORIES:
            known = ", ".join(CATEGORIES)
            raise TypeError(f"{cls.__name__}.category is {category!r}; use one of: {known}")
        if cls.__dict__.get("fix", FIX_NONE) not in (FIX_NONE, FIX_SAFE, FIX_UNSAFE):
            raise TypeError(f"{cls.__name__}.fix is {cls.__dict__['fix']!r}")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def option(self, name: str) -> Any:  # noqa: FST505 the value has the type its Option declares (int, list[str]...): each rule uses it as such
        """This run's value of one of the rule's options (validated, or the default)."""
        if name in self.ctx.options:
            return self.ctx.options[name]
        for option in self.options:
            if option.name == name:
                return option.default
        raise KeyError(name)

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        related: tuple[Related, ...] = (),
        *,
        fix: Fix | None = None,
        at: tuple[int | None, cst.FunctionDef | None] | None = None,
    ) -> None:
        """Record a finding at ``node``; ``related``: other places it points to (a chain);
        ``fix``: its automatic fix (``engine/fix.py``), when the rule has one for this case;
        ``at``: ``self.ctx.here()`` when ``node`` was met, for a report made later (it makes
        locating the node cheap)."""
        self.ctx.add_report(self.code, node, message or self.message, related, fix=fix, at=at)

    @classmethod
    def url(cls) -> str:
        return f"https://github.com/fastlint/fastlint/blob/main/docs/rules/{cls.code}.md"


def known_codes() -> frozenset[str]:
    """The codes of every rule class defined so far (``fastlint.rules`` imports them all): the
    engine knows the rules without importing the layer above it."""
    found: set[str] = set()
    pending = list(Rule.__subclasses__())
    while pending:
        rule = pending.pop()
        pending.extend(rule.__subclasses__())
        code = rule.__dict__.get("code")
        # The registry's criterion (``fastlint.rules`` discovers its own modules): a test's
        # or a plugin author's scratch rule is not a code users can write in a noqa.
        if isinstance(code, str) and rule.__module__.startswith("fastlint.rules."):
            found.add(code)
    return frozenset(found)
