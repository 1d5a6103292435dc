"""How a SQL string was built, for FST303: constant, formatted from constants and bind-parameter
names only, or formatted with a value that could carry SQL.

The judge follows plain local names to what they were assigned in the same function
(``ctx.assigned``: ``q = f"..."`` then ``q += ...``), and module-level names to their module
assignment; an unknown name on its own (a parameter) is *unknown*, not unsafe: nothing shows how
it was built. Inside formatting, anything that is not known constant makes the string unsafe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from fastlint.engine.context import Context

CONST, SAFE, UNKNOWN, UNSAFE = 0, 1, 2, 3  # ordered: the worst part wins
_DEPTH = 6
# The text before a formatted value that makes the value a bind parameter's *name*
# (``:p{i}``, ``$%d``-style numbering, ``%(name)s``, ``@p{i}``), not data.
_BIND_NAME = re.compile(r"(?::|\$|%\(|@)\w*$")
# Calls whose result cannot carry SQL text.
_NUMERIC = frozenset({"int", "float", "len", "bool", "round", "abs"})
# ruff S608's idea of a SQL statement, anchored at the start for receivers of unknown kind.
_SQL = re.compile(
    r"^\s*(?:select\s.*\sfrom\s|delete\s+from\s|(?:insert|replace)\s.*\svalues\b"
    r"|insert\s+into\s|update\s.*\sset\s|with\s.*\sselect\s)",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Verdict:
    """How safe a string expression is as SQL text: a level (CONST < SAFE < UNKNOWN < UNSAFE)."""

    level: int
    how: str = ""  # for UNSAFE: the construct that formats a value in ("an f-string")


def _worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=lambda verdict: verdict.level) if verdicts else Verdict(CONST)


class SqlStrings:
    """Judges string expressions at one point of the walk (the sink's)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # (function id, name): loop variables over a literal of constants
        # (``for table in ("a", "b"):``), filled by the rule.
        self.constants: set[tuple[int, str]] = set()

    def judge(self, node: cst.BaseExpression, depth: int = 0) -> Verdict:
        if depth > _DEPTH:
            return Verdict(UNKNOWN)
        kind = type(node)
        if kind in (cst.SimpleString, cst.Integer, cst.Float):
            return Verdict(CONST)
        if kind is cst.FormattedString:
            return self._formatted(node, depth)  # type: ignore[arg-type]
        if kind is cst.ConcatenatedString:
            return _worst([self.judge(node.left, depth + 1), self.judge(node.right, depth + 1)])  # type: ignore[attr-defined]
        if kind is cst.Name:
            return self._name(node, depth)  # type: ignore[arg-type]
        if kind is cst.Attribute:
            return Verdict(CONST) if _constant_attribute(node) else Verdict(UNKNOWN)  # type: ignore[arg-type]
        if kind is cst.BinaryOperation:
            return self._binary(node, depth)  # type: ignore[arg-type]
        if kind is cst.IfExp:
            return _worst([self.judge(node.body, depth + 1), self.judge(node.orelse, depth + 1)])  # type: ignore[attr-defined]
        if kind is cst.Call:
            return self._call(node, depth)  # type: ignore[arg-type]
        return Verdict(UNKNOWN)

    def part(self, node: cst.BaseExpression, how: str, depth: int) -> Verdict:
        """A value formatted into a string: anything not known safe makes the string unsafe."""
        verdict = self.judge(node, depth + 1)
        if verdict.level == UNSAFE:
            return verdict
        if verdict.level == UNKNOWN:
            return Verdict(UNSAFE, how)
        return Verdict(SAFE)

    def constant_iterable(self, node: cst.BaseExpression) -> bool:
        """``("a", "b")``, or a name assigned one (``TABLES = ("a", "b")``)."""
        if isinstance(node, cst.Name):
            assigned = self.ctx.assigned(node.value)
            if not assigned and not self.ctx.imports.is_local(node.value, self.ctx.scopes):
                assigned = self.ctx.assignments.assigned(node.value, ())
            return len(assigned) == 1 and constant_literal(assigned[0])
        return constant_literal(node)

    def looks_like_sql(self, node: cst.BaseExpression) -> bool:
        """The string's literal text reads as a SQL statement (``SELECT ... FROM``...)."""
        return bool(_SQL.match(self._text(node, 0)))

    # -- the constructs -------------------------------------------------------------------

    def _formatted(self, node: cst.FormattedString, depth: int) -> Verdict:
        found = [Verdict(CONST)]
        before = ""
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                before = part.value
                continue
            if isinstance(part, cst.FormattedStringExpression):
                if not (_BIND_NAME.search(before) or _integer_format(part)):
                    found.append(self.part(part.expression, "an f-string", depth))
                else:
                    found.append(Verdict(SAFE))
            before = ""
        return _worst(found)

    def _name(self, node: cst.Name, depth: int) -> Verdict:
        name = node.value
        if _constant_name(name) or (id(self.ctx.function), name) in self.constants:
            return Verdict(CONST)
        assigned = self.ctx.assigned(name)
        if not assigned and self.ctx.function is not None:
            if self.ctx.imports.is_local(name, self.ctx.scopes):
                return Verdict(UNKNOWN)  # a parameter, a loop variable...
            assigned = self.ctx.assignments.assigned(name, ())  # a module-level name
        if not assigned:
            return Verdict(UNKNOWN)
        parts = [self.judge(value, depth + 1) for value in assigned]
        if len(parts) > 1:  # ``q += part``: each part is concatenated into the string
            parts = [
                Verdict(UNSAFE, "`+=` concatenation") if part.level == UNKNOWN else part
                for part in parts
            ]
        return _worst(parts)

    def _binary(self, node: cst.BinaryOperation, depth: int) -> Verdict:
        operator = type(node.operator)
        if operator is cst.Add:
            left, right = self.judge(node.left, depth + 1), self.judge(node.right, depth + 1)
            if left.level == CONST and right.level == CONST:
                return Verdict(CONST)
            return _worst(
                [
                    self.part(node.left, "`+` concatenation", depth),
                    self.part(node.right, "`+` concatenation", depth),
                ]
            )
        if operator is cst.Modulo:
            values = node.right
            items = (
                [element.value for element in values.elements]
                if isinstance(values, (cst.Tuple, cst.List))
                else [values]
            )
            found = [self.judge(node.left, depth + 1)]
            found += [self.part(item, "`%` formatting", depth) for item in items]
            return _worst(found)
        if operator is cst.Multiply:  # ``"?, " * len(ids)``: placeholders
            return self.judge(node.left, depth + 1)
        return Verdict(UNKNOWN)

    def _call(self, node: cst.Call, depth: int) -> Verdict:
        func = node.func
        if isinstance(func, cst.Name):
            if func.value in _NUMERIC:
                return Verdict(CONST)
            if func.value == "str" and len(node.args) == 1:
                return self.judge(node.args[0].value, depth + 1)
            return Verdict(UNKNOWN)
        if not isinstance(func, cst.Attribute):
            return Verdict(UNKNOWN)
        method = func.attr.value
        if method in ("format", "join"):
            # ``"...".format(x)`` formats into a string; psycopg's ``sql.SQL("...").format(
            # sql.Identifier(x))`` composes safely: only a string's methods are judged.
            base = self.judge(func.value, depth + 1)
            if base.level == UNKNOWN:
                return base
        if method == "format":
            found = [base]
            found += [self.part(arg.value, "`.format()`", depth) for arg in node.args]
            return _worst(found)
        if method == "join" and len(node.args) == 1:
            found = [base, self._joined(node.args[0].value, depth)]
            return _worst(found)
        if method in ("strip", "lower", "upper", "rstrip", "lstrip"):
            return self.judge(func.value, depth + 1)
        return Verdict(UNKNOWN)

    def _joined(self, items: cst.BaseExpression, depth: int) -> Verdict:
        """What ``sep.join(items)`` adds: placeholders (``[":p0", ...]``) or values."""
        how = "`.join()`"
        if isinstance(items, (cst.List, cst.Tuple, cst.Set)):
            return _worst([self.part(element.value, how, depth) for element in items.elements])
        if isinstance(items, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self.part(items.elt, how, depth)
        if isinstance(items, cst.BinaryOperation) and isinstance(items.operator, cst.Multiply):
            return self._joined(items.left, depth)
        return self.part(items, how, depth)

    def _text(self, node: cst.BaseExpression, depth: int) -> str:
        """The literal text of a string expression, values shown as ``?``."""
        if depth > _DEPTH:
            return "?"
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return value if isinstance(value, str) else "?"
        if isinstance(node, cst.FormattedString):
            return "".join(
                part.value if isinstance(part, cst.FormattedStringText) else "?"
                for part in node.parts
            )
        if isinstance(node, cst.ConcatenatedString):
            return self._text(node.left, depth + 1) + self._text(node.right, depth + 1)  # type: ignore[arg-type]
        if isinstance(node, cst.BinaryOperation):
            return self._text(node.left, depth + 1) + " ? " + self._text(node.right, depth + 1)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value == "format":
                return self._text(node.func.value, depth + 1)
        if isinstance(node, cst.Name):
            return " ".join(self._text(value, depth + 1) for value in self.ctx.assigned(node.value))
        return "?"


def _constant_name(name: str) -> bool:
    """``TABLE``, ``USERS_TABLE``: a module constant by convention."""
    return name.isupper() and any(char.isalpha() for char in name)


def _constant_attribute(node: cst.Attribute) -> bool:
    """``User.__tablename__``, ``settings.SCHEMA``, ``Model.__table__.name``."""
    attr = node.attr.value
    if _constant_name(attr) or (attr.startswith("__") and attr.endswith("__")):
        return True
    value = node.value
    return isinstance(value, cst.Attribute) and value.attr.value == "__table__"


def _integer_format(part: cst.FormattedStringExpression) -> bool:
    """``{limit:d}``: formatted as an integer, so no SQL."""
    spec = part.format_spec
    if not spec:
        return False
    text = "".join(piece.value for piece in spec if isinstance(piece, cst.FormattedStringText))
    return text.endswith("d")


def constant_literal(node: cst.BaseExpression) -> bool:
    """A literal list/tuple/set of constants (or of tuples of constants)."""
    if isinstance(node, (cst.SimpleString, cst.Integer, cst.Float, cst.ConcatenatedString)):
        return True
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return all(
            not isinstance(element, cst.StarredElement) and constant_literal(element.value)
            for element in node.elements
        )
    return False


def target_names(target: cst.BaseExpression) -> list[str]:
    """The names an assignment or `for` target binds (`a`, `a, (b, c)`); [] for others."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in target_names(element.value)]
    return []
