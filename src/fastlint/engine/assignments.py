"""What a plain local name was assigned, for rules that follow a value to where it is used.

``q = f"SELECT ... {x}"`` then ``session.execute(text(q))``; ``detail = str(exc)`` then
``HTTPException(detail=detail)``: the rule at the sink asks what ``q`` or ``detail`` holds. The
engine records, per function (or the module), the expressions assigned to each plain name as
the walk passes them: an assignment replaces what was known, ``q += part`` adds to it. Flow
through branches is not modelled: the last assignment walked wins, which is what a reader of
straight-line handler code expects.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst


class Assignments:
    """Plain-name assignments of each scope, as far as the walk has gone."""

    def __init__(self) -> None:
        self._scopes: dict[int, dict[str, tuple[cst.BaseExpression, ...]]] = {}

    def _names(self, scopes: Sequence[cst.CSTNode]) -> dict[str, tuple[cst.BaseExpression, ...]]:
        key = id(scopes[-1]) if scopes else 0
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = {}
        return found

    def on_assign(
        self, targets: Sequence[cst.BaseExpression], value: cst.BaseExpression, scopes: Sequence
    ) -> None:
        names = self._names(scopes)
        for target in targets:
            if type(target) is cst.Name:
                names[target.value] = (value,)
            else:  # ``a, b = ...``, ``x.y = ...``: what the names hold is no longer known
                for name in _bound_names(target):
                    names.pop(name, None)

    def on_aug_assign(
        self, target: cst.BaseExpression, value: cst.BaseExpression, scopes: Sequence
    ) -> None:
        if type(target) is cst.Name:
            names = self._names(scopes)
            known = names.get(target.value)
            if known is not None:
                names[target.value] = (*known, value)

    def assigned(self, name: str, scopes: Sequence[cst.CSTNode]) -> tuple[cst.BaseExpression, ...]:
        """The expressions assigned to ``name`` in the innermost scope since its last plain
        assignment (``q = a`` then ``q += b``: ``(a, b)``); empty when not known there."""
        found = self._scopes.get(id(scopes[-1]) if scopes else 0)
        return found.get(name, ()) if found else ()


def _bound_names(target: cst.BaseExpression) -> list[str]:
    if type(target) is cst.Name:
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _bound_names(element.value)]
    if type(target) is cst.StarredElement:
        return _bound_names(target.value)
    return []
