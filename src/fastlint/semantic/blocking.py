"""Whether a call blocks the event loop: the blocking table with the run's options applied, once.

FST101 asks it of the calls in an ``async def``; the project index asks it of the calls in every
first-party sync function, for FST102. Both ask with a ``Callee``, whichever tree it was read
from, so both answer alike. ``allowed-blocking-calls`` wins over ``extend-blocking-calls``: a name
listed in both is allowed.

A verdict says where it comes from (``Blocking.source``): the blocking table (``TABLE``), or the
methods of a sync SQLAlchemy session, connection or engine that talk to the database (``ORM``,
``knowledge/sqlalchemy.py``). In an ``async def`` those are FST301's, with its own message, so
FST101 asks ``direct_verdict``, which leaves them out; FST102 follows both into sync helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from fastlint.knowledge.blocking import BLOCKING_CALLS, CLIENTS_BY_LABEL, THREAD
from fastlint.knowledge.sqlalchemy import BLOCKING_METHODS
from fastlint.semantic.values import Callee

TABLE = "table"
ORM = "orm"
ORM_INSTEAD = "`AsyncSession` and `await`, or `await asyncio.to_thread(...)`"


@dataclass(frozen=True, slots=True)
class Blocking:
    """Why a call blocks, and what to use instead."""

    what: str  # ``time.sleep`` or ``requests.Session.get``
    instead: str
    client: str | None = None  # the kind of the receiver, for a method of a blocking client
    source: str = TABLE  # TABLE (FST101's) or ORM (a sync SQLAlchemy object's: FST301's)


class BlockingPolicy:
    """The blocking table of one configuration."""

    def __init__(self, extend: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
        self.allowed = frozenset(allowed)
        self.table: dict[str, str] = {
            name: instead for name, instead in BLOCKING_CALLS.items() if name not in self.allowed
        }
        for name in extend:
            if name not in self.allowed:
                self.table.setdefault(name, THREAD)

    def verdict(self, callee: Callee) -> Blocking | None:
        """Why the call blocks, or None when it does not (as far as the table knows)."""
        qualified = callee.qualified
        if qualified is not None and qualified in self.table:
            return Blocking(qualified.removeprefix("builtins."), self.table[qualified])
        receiver, method = callee.receiver, callee.method
        if receiver is None or method is None or receiver in self.allowed:
            return None
        if method in BLOCKING_METHODS.get(receiver, ()):
            return Blocking(f"{receiver}.{method}", ORM_INSTEAD, receiver, ORM)
        kind = CLIENTS_BY_LABEL.get(receiver)
        if kind is None or not kind.blocks(method):
            return None
        return Blocking(f"{receiver}.{method}", kind.instead, receiver)

    def direct_verdict(self, callee: Callee) -> Blocking | None:
        """The verdict FST101 reports in an ``async def``: not the sync ORM's (FST301's)."""
        found = self.verdict(callee)
        return found if found is not None and found.source == TABLE else None


@lru_cache(maxsize=32)
def policy(extend: tuple[str, ...] = (), allowed: tuple[str, ...] = ()) -> BlockingPolicy:
    """The policy of a configuration, built once per process."""
    return BlockingPolicy(extend, allowed)
