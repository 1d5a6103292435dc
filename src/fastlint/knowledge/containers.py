"""Calls that make a new mutable container: a mutable default (FST501) or module-level state
mutated from functions (FST509)."""

from __future__ import annotations

MUTABLE_CONTAINER_CALLS = frozenset(
    {
        "builtins.list",
        "builtins.dict",
        "builtins.set",
        "builtins.bytearray",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.deque",
    }
)
