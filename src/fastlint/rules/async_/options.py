"""The blocking-table options FST101 and FST102 share, read into one policy."""

from __future__ import annotations

from collections.abc import Mapping

from fastlint.engine.rule import Option
from fastlint.semantic.blocking import BlockingPolicy, policy

BLOCKING_OPTIONS = (
    Option(
        "extend-blocking-calls",
        list,
        [],
        "Qualified names of further functions that block, such as `mylib.slow_fetch`.",
    ),
    Option(
        "allowed-blocking-calls",
        list,
        [],
        "Qualified names from the built-in table (or client kinds such as `requests.Session`) "
        "that this project allows in `async def`; they win over `extend-blocking-calls`.",
    ),
)


def blocking_policy(options: Mapping[str, object]) -> BlockingPolicy:
    """The run's blocking table: the built-in one with the two options applied."""
    return policy(
        _names(options.get("extend-blocking-calls", ())),
        _names(options.get("allowed-blocking-calls", ())),
    )


def _names(value: object) -> tuple[str, ...]:
    # the settings validated both options as lists of strings
    return tuple(value) if isinstance(value, (list, tuple)) else ()
