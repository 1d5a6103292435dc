"""The project index: every first-party sync function, what it calls, and whether it may block.

Modules are read on demand: the files being linted are registered (their module names and package
roots), and a module is parsed with ``ast`` the first time a call leads into it (a file being
linted is handed over with ``provide``, its text already read). Facts are kept per process by path
and content, so each module text is parsed at most once per process, however many indexes ask for
it (a run's index, ``project_digest``'s, a front end's shared one, forked workers). Whether a
function may block is decided for one blocking table at a time (``BlockingAnalysis``): a sync
function blocks when it makes a call of the table, or calls a function that blocks. The answer
holds the shortest chain to the blocking call; cycles and recursion terminate.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.engine.source import decode
from fastlint.knowledge.blocking import BLOCKING_CALLS, CLIENTS_BY_LABEL, THREAD
from fastlint.project.facts import FunctionFacts, ModuleFacts, read_module
from fastlint.project.modules import ModuleFinder, module_name, package_root

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
    callee: str  # qualified name of the next function, or of the blocking call
    shown: str
    line: int  # of the call in ``function``'s module


class ProjectIndex:
    """First-party modules below the package roots of the linted files, read on demand."""

    def __init__(self, paths: Iterable[Path] = ()) -> None:
        self.finder = ModuleFinder()
        self._names: dict[Path, str] = {}
        self._modules: dict[str, ModuleFacts | None] = {}
        self._digests: dict[str, str] = {}  # module name -> digest of the text read
        self._stamps: dict[str, tuple[Path, int, int]] = {}  # read from disk: path, mtime, size
        self._analyses: dict[tuple[frozenset[str], frozenset[str]], BlockingAnalysis] = {}
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
            root = package_root(absolute)
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
        return package_root(Path(os.path.abspath(path))) in self.finder.roots

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

    def type_alias(self, qualified: str) -> str | None:
        """What a first-party module-level type alias stands for: ``db.SessionDep`` ->
        ``sqlalchemy.ext.asyncio.AsyncSession`` for ``SessionDep = Annotated[AsyncSession, ...]``."""
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        return facts.aliases.get(local)

    def made_by(self, qualified: str) -> tuple[str, str] | None:
        """The call a first-party module-level name was assigned from, and its ``class_=``
        argument: ``db.SessionLocal`` -> (``sqlalchemy.ext.asyncio.async_sessionmaker``, "")."""
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        return facts.made_by.get(local)

    def provided_type(self, qualified: str) -> str | None:
        """The type a first-party dependency function returns or yields (``-> Iterator[T]``)."""
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        return facts.provides.get(local)

    def analysis(self, extend: Iterable[str] = (), allowed: Iterable[str] = ()) -> BlockingAnalysis:
        """The blocking answers for one configuration of the FST101 table (cached)."""
        key = (frozenset(extend), frozenset(allowed))
        found = self._analyses.get(key)
        if found is None:
            found = self._analyses[key] = BlockingAnalysis(self, key[0], key[1])
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


# path -> (module name, digest of the text, its facts): the last version read of each file.
_FACTS: dict[str, tuple[str, str, ModuleFacts | None]] = {}


def _facts(path: str, name: str, text: str, digest: str) -> ModuleFacts | None:
    """The facts of a module text, parsed once per process (None when ``ast`` cannot parse it:
    a syntax error, or code for a newer Python than the running one)."""
    known = _FACTS.get(path)
    if known is not None and known[0] == name and known[1] == digest:
        return known[2]
    facts = read_module(text, name, path)
    _FACTS[path] = (name, digest, facts)
    return facts


class BlockingAnalysis:
    """Which first-party sync functions may block, for one FST101 table."""

    def __init__(
        self, index: ProjectIndex, extend: frozenset[str], allowed: frozenset[str]
    ) -> None:
        self.index = index
        self.table: Mapping[str, str] = {
            **{name: alt for name, alt in BLOCKING_CALLS.items() if name not in allowed},
            **{name: THREAD for name in extend if name not in allowed},
        }
        self.allowed_labels = allowed
        self._steps: dict[str, Link | None] = {}

    def blocks_directly(self, target: str) -> bool:
        if target.startswith("client:"):
            _, label, method = target.split(":", 2)
            kind = CLIENTS_BY_LABEL.get(label)
            return kind is not None and label not in self.allowed_labels and kind.blocks(method)
        return target in self.table

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
                if self.blocks_directly(site.target):
                    ready.append(Link(function, site.target, site.shown, site.line))
                    continue
                callee = self.index.function(site.target)
                if callee is None:
                    continue
                callers.setdefault(callee.qualified, []).append(
                    Link(function, callee.qualified, site.shown, site.line)
                )
                if callee.qualified not in seen and callee.qualified not in self._steps:
                    seen[callee.qualified] = callee
                    todo.append(callee)
                elif callee.qualified in self._steps and self._steps[callee.qualified] is not None:
                    ready.append(Link(function, callee.qualified, site.shown, site.line))
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


_SHARED: list[ProjectIndex] = []
_REFRESH_SECONDS = 2.0
_last_refresh = [0.0]


def shared_index(paths: Iterable[Path | str]) -> ProjectIndex:
    """An index for ``paths``, built lazily and reused: the one already holding their package
    roots, else a new one. For front ends that lint file by file (the flake8 plugin, a language
    server): the linter calls this when it was given no index. ``lint_files`` registers the
    index of a run here too, so worker processes started by fork reuse it. Modules edited on
    disk are re-read (checked at most every two seconds)."""
    wanted = [Path(path) for path in paths]
    now = time.monotonic()
    refresh = now - _last_refresh[0] > _REFRESH_SECONDS
    if refresh:
        _last_refresh[0] = now
    for index in _SHARED:
        if all(index.contains(path) for path in wanted):
            if refresh:
                index.refresh()
            index.add_files(wanted)
            return index
    index = ProjectIndex(wanted)
    _SHARED.append(index)
    return index


def register_shared(index: ProjectIndex) -> None:
    if index not in _SHARED:
        _SHARED.insert(0, index)


def project_for(files: Iterable[Path], rules: Iterable[type[Rule]]) -> ProjectIndex | None:
    """The index of a run, when one of its rules needs it; registered as shared, so worker
    processes (started by fork) and later front-end calls reuse it."""
    if not any(rule.needs_project for rule in rules):
        return None
    index = ProjectIndex(files)
    register_shared(index)
    return index


def project_digest(files: Iterable[Path], rules: Iterable[type[Rule]]) -> str:
    """The part of a results-cache key that covers what project-wide rules read: the digest of
    every file below the package roots of ``files`` ("" when no rule of ``rules`` needs it)."""
    if not any(rule.needs_project for rule in rules):
        return ""
    return ProjectIndex(files).digest()
