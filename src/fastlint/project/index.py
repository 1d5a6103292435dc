"""The project index: every first-party sync function, what it calls, and whether it may block.

Modules are read on demand: the files being linted are registered (their module names and package
roots), and a module is parsed with ``ast`` the first time a call leads into it (a file being
linted is handed over with ``provide``, its text already read), at most once per index. An index
belongs to one run (``fastlint.run.session.LintRun``), which hands it to its workers; there is no
process-wide index. Whether a function may block is decided for one blocking table at a time
(``BlockingAnalysis``): a sync function blocks when it makes a call of the table, or calls a
function that blocks. The answer holds the shortest chain to the blocking call; cycles and
recursion terminate.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.engine.source import decode
from fastlint.project.facts import FunctionFacts, ModuleFacts, read_module
from fastlint.project.modules import ModuleFinder, module_name
from fastlint.semantic import kinds
from fastlint.semantic.blocking import Blocking, BlockingPolicy
from fastlint.semantic.blocking import policy as default_policy

if TYPE_CHECKING:
    from fastlint.engine.rule import Rule

_MAX_ALIAS_HOPS = 8


@dataclass(frozen=True)
class Function:
    qualified: str
    module: ModuleFacts
    facts: FunctionFacts


@dataclass(frozen=True)
class Link:
    """One step of a chain: ``function`` calls ``callee`` (written ``shown`` in its body)."""

    function: Function
    callee: str  # qualified name of the next function, or what the blocking call is
    shown: str
    line: int  # of the call in ``function``'s module
    blocking: Blocking | None = None  # the last link's: why its call blocks


class ProjectIndex:
    """First-party modules below the package roots of the linted files, read on demand."""

    def __init__(self, paths: Iterable[Path] = ()) -> None:
        self.finder = ModuleFinder()
        self._names: dict[Path, str] = {}
        self._modules: dict[str, ModuleFacts | None] = {}
        self._digests: dict[str, str] = {}  # module name -> digest of the text read
        self._stamps: dict[str, tuple[Path, int, int]] = {}  # read from disk: path, mtime, size
        self._analyses: dict[BlockingPolicy, BlockingAnalysis] = {}
        self.add_files(paths)

    # -- files ------------------------------------------------------------------------------

    def add_files(self, paths: Iterable[Path]) -> None:
        """Register files (the ones being linted): their module names and package roots."""
        for path in paths:
            self.module_name_of(path)

    def module_name_of(self, path: Path | str) -> str:
        absolute = Path(os.path.abspath(path))
        name = self._names.get(absolute)
        if name is None:
            root = self.finder.package_root(absolute)
            name = self._names[absolute] = module_name(absolute, root)
            if self.finder.add_root(root, name.split(".", 1)[0]):
                self._forget_missing()
            self.finder.register(name, absolute)
        return name

    def _forget_missing(self) -> None:
        """Modules looked for and not found may exist now: ask again, and answer again."""
        missing = [name for name, facts in self._modules.items() if facts is None]
        for name in missing:
            del self._modules[name]
        if missing:
            self._analyses.clear()

    def contains(self, path: Path | str) -> bool:
        return self.finder.package_root(Path(os.path.abspath(path))) in self.finder.roots

    def provide(self, path: Path | str, text: str) -> None:
        """Facts of a file being linted, from the text the linter read (not read from disk
        again). A file whose text changed since it was read replaces its old facts."""
        name = self.module_name_of(path)
        digest = _text_digest(text)
        if name in self._modules and self._digests.get(name) == digest:
            return
        self._digests[name] = digest
        if name in self._modules:  # read before, or asked for and missing: answers may change
            self._analyses.clear()
        self._modules[name] = _facts(os.path.abspath(path), name, text, digest)

    def module(self, name: str) -> ModuleFacts | None:
        if name not in self._modules:
            self._modules[name] = self._read(name)
        return self._modules[name]

    def refresh(self) -> bool:
        """Forget the modules whose file changed on disk since it was read (for long-lived
        front ends: a language server); True when something changed."""
        stale = [name for name, stamp in self._stamps.items() if _stamp(stamp[0]) != stamp]
        for name in stale:
            del self._stamps[name]
            self._modules.pop(name, None)
            self._digests.pop(name, None)
        if stale:
            self._analyses.clear()
        return bool(stale)

    def _read(self, name: str) -> ModuleFacts | None:
        path = self.finder.find(name)
        if path is None:
            return None
        self._stamps[name] = _stamp(path)
        try:
            text, _ = decode(path.read_bytes())
        except (OSError, UnicodeDecodeError, LookupError, SyntaxError, ValueError):
            return None
        digest = self._digests[name] = _text_digest(text)
        return _facts(str(path), name, text, digest)

    # -- names --------------------------------------------------------------------------------

    def definition(self, qualified: str) -> tuple[ModuleFacts, str] | None:
        """The module that defines what a qualified name stands for, and the name there,
        following re-exports (``from .profile import load`` in a package's ``__init__``)."""
        for _ in range(_MAX_ALIAS_HOPS):
            parts = qualified.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                facts = self.module(".".join(parts[:cut]))
                if facts is not None:
                    break
            else:
                return None
            head = parts[cut]
            if head not in facts.exports:
                return facts, ".".join(parts[cut:])
            qualified = ".".join([facts.exports[head], *parts[cut + 1 :]])
        return None

    def function(self, qualified: str) -> Function | None:
        """The first-party sync function a qualified name stands for (``Repo(...)`` stands for
        ``Repo.__init__``)."""
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        qualified = f"{facts.name}.{local}"
        if local in facts.classes:
            local, qualified = f"{local}.__init__", f"{qualified}.__init__"
        function = facts.functions.get(local)
        return Function(qualified, facts, function) if function is not None else None

    def _kind(self, qualified: str, table: str) -> str | None:
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        return getattr(facts, table).get(local)

    def reexported(self, qualified: str) -> str | None:
        """What a first-party module re-exports from outside the project, by its own name:
        ``app.utils.APIRouter`` -> ``fastapi.APIRouter`` for ``from fastapi import APIRouter``
        in ``app/utils.py``; None when ``qualified`` is not such a re-export."""
        final = None
        for _ in range(_MAX_ALIAS_HOPS):
            parts = qualified.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                facts = self.module(".".join(parts[:cut]))
                if facts is not None:
                    break
            else:
                return final
            exported = facts.exports.get(parts[cut])
            if exported is None:
                return None
            qualified = final = ".".join([exported, *parts[cut + 1 :]])
        return None

    def value_kind(self, qualified: str) -> str | None:
        """The kind of a first-party module-level name: ``db.SessionLocal`` -> async_sessionmaker
        for ``SessionLocal = async_sessionmaker(engine)``; a re-exported library class or
        constructor is the library's (``from fastapi import APIRouter`` in ``app/utils.py``)."""
        found = self._kind(qualified, "values")
        if found is None:
            final = self.reexported(qualified)
            made = kinds.constructor_kind(final) if final is not None else None
            found = kinds.function_returning(made) if made is not None else None
        return found

    def alias_kind(self, qualified: str) -> str | None:
        """The kind a first-party type alias stands for: ``db.SessionDep`` -> AsyncSession for
        ``SessionDep = Annotated[AsyncSession, Depends(get_session)]``; a re-exported library
        type is the library's."""
        found = self._kind(qualified, "aliases")
        if found is None:
            final = self.reexported(qualified)
            found = kinds.type_kind(final) if final is not None else None
        return found

    def provided_kind(self, qualified: str) -> str | None:
        """The kind a first-party dependency function returns or yields (``-> Iterator[T]``)."""
        return self._kind(qualified, "provides")

    def analysis(self, policy: BlockingPolicy | None = None) -> BlockingAnalysis:
        """The blocking answers for one blocking policy (cached); the built-in table by default."""
        if policy is None:
            policy = default_policy()
        found = self._analyses.get(policy)
        if found is None:
            found = self._analyses[policy] = BlockingAnalysis(self, policy)
        return found

    # -- cache key ----------------------------------------------------------------------------

    def files(self) -> list[Path]:
        """Every Python file below the package roots: what the index may read."""
        return self.finder.files()

    def digest(self) -> str:
        """A stable digest of every file the index may read (paths below the roots and
        contents): include it in a results cache key, so editing a helper in another module
        re-lints the files whose FST102 findings may depend on it."""
        digest = hashlib.blake2b(digest_size=16)
        for path in self.files():
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
            digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.blake2b(data, digest_size=16).digest())
        return digest.hexdigest()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_analyses"] = {}  # recomputed on demand in a worker
        return state


def _stamp(path: Path) -> tuple[Path, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return path, -1, -1
    return path, stat.st_mtime_ns, stat.st_size


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _facts(path: str, name: str, text: str, digest: str) -> ModuleFacts | None:
    """The facts of a module text (None when ``ast`` cannot parse it: a syntax error, or code
    for a newer Python than the running one). Each index parses a module text once."""
    return read_module(text, name, path)


class BlockingAnalysis:
    """Which first-party sync functions may block, for one blocking policy."""

    def __init__(self, index: ProjectIndex, policy: BlockingPolicy) -> None:
        self.index = index
        self.policy = policy
        self._steps: dict[str, Link | None] = {}

    def chain(self, qualified: str) -> list[Link] | None:
        """The calls from ``qualified`` to a blocking call, or None when it does not block."""
        function = self.index.function(qualified)
        if function is None:
            return None
        if function.qualified not in self._steps:
            self._explore(function)
        links: list[Link] = []
        step = self._steps.get(function.qualified)
        while step is not None and len(links) <= len(self._steps):
            links.append(step)
            step = self._steps.get(step.callee)
        return links or None

    def _explore(self, start: Function) -> None:
        """Read the functions reachable from ``start``, then mark those that block, nearest
        blocking call first (a reverse breadth-first search, so cycles end)."""
        callers: dict[str, list[Link]] = {}
        seen = {start.qualified: start}
        todo = deque([start])
        ready: deque[Link] = deque()
        while todo:
            function = todo.popleft()
            for site in function.facts.calls:
                called = site.callee
                shown = called.shown or called.method or ""
                verdict = self.policy.verdict(called)
                if verdict is not None:
                    ready.append(Link(function, verdict.what, shown, site.line, verdict))
                    continue
                callee = self.index.function(called.target) if called.target else None
                if callee is None:
                    continue
                callers.setdefault(callee.qualified, []).append(
                    Link(function, callee.qualified, shown, site.line)
                )
                if callee.qualified not in seen and callee.qualified not in self._steps:
                    seen[callee.qualified] = callee
                    todo.append(callee)
                elif callee.qualified in self._steps and self._steps[callee.qualified] is not None:
                    ready.append(Link(function, callee.qualified, shown, site.line))
        self._mark(seen, callers, ready)

    def _mark(
        self, seen: dict[str, Function], callers: dict[str, list[Link]], ready: deque[Link]
    ) -> None:
        while ready:
            link = ready.popleft()
            name = link.function.qualified
            if self._steps.get(name) is not None:
                continue
            self._steps[name] = link
            ready.extend(callers.get(name, ()))
        for name in seen:
            self._steps.setdefault(name, None)


def blocking_location(link: Link) -> tuple[str, int]:
    """The file and line of the call a link makes."""
    return link.function.module.path, link.line


def project_digest(files: Iterable[Path], rules: Iterable[type[Rule]]) -> str:
    """The part of a results-cache key that covers what project-wide rules read: the digest of
    every file below the package roots of ``files`` ("" when no rule of ``rules`` needs it)."""
    if not any(rule.needs_project for rule in rules):
        return ""
    return ProjectIndex(files).digest()
