"""Every rule fastlint has, in code order.

Rules are found, not listed: every module under ``fastlint.rules`` is imported and each ``Rule``
subclass it defines with a ``code`` is registered. A new rule is a new module (or a class in a
family's module); no central list to edit, so rule families grow side by side.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastlint.engine.rule import Rule


def _discover() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for info in sorted(pkgutil.walk_packages(__path__, prefix=f"{__name__}."), key=str):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and "code" in value.__dict__
            ):
                other = found.setdefault(value.code, value)
                if other is not value:
                    raise TypeError(f"{value.code} is defined twice: {other} and {value}")
    return tuple(found[code] for code in sorted(found))


ALL_RULES: tuple[type[Rule], ...] = _discover()
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
