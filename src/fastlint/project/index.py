"""The project index: every first-party sync function, what it calls, and whether it may block.

Modules are read on demand: the files being linted are registered (their module names and package
roots), and a module is parsed with ``ast`` the first time a call leads into it (a file being
linted is handed over with ``provide``, its text already read), at most once per index. An index
belongs to one run (``fastlint.run.session.LintRun``), which hands it to its workers; there is no
process-wide index. Whether a function may block is decided for one blocking table at a time
(``BlockingAnalysis``): a sync function blocks when it makes a call of the table, or calls a
function that blocks. The answer holds the shortest chain to the blocking call; cycles and
recursion terminate.

What each linted file consulted is recorded (``start_recording`` / ``stop_recording``): every
module looked up, found or not, and every entry of its facts read (a function, a class name, an
export, a kind), with a digest of the value read. ``BlockingAnalysis`` remembers what resolving
each function's calls read, so a chain answered from its memo still records everything the
answer depends on. A results cache keeps these ``Dependencies`` beside a file's diagnostics;
``still_valid`` tells, on the next run, whether every value read is still the same.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastlint.engine.source import decode
from fastlint.project.classes import ClassFacts
from fastlint.project.facts import FunctionFacts, ModuleFacts, read_module
from fastlint.project.modules import ModuleFinder, module_name
from fastlint.project.routers import RouterFacts
from fastlint.semantic import kinds
from fastlint.semantic.blocking import Blocking, BlockingPolicy
from fastlint.semantic.blocking import policy as default_policy

if TYPE_CHECKING:
    from fastlint.engine.rule import Rule

_MAX_ALIAS_HOPS = 8

# What a linted file read of the project: a module's facts entry (module name, table, key);
# table "" is the module itself (found or not, and where).
Touch = tuple[str, str, str]
# As kept in a results cache (JSON): module name -> [path or None, digest of its text or None,
# [[table, key, digest of the value read], ...]].
Dependencies = dict[str, list]


@dataclass(frozen=True)
class Function:
    """A first-party function the index found by its qualified name, with its module's facts."""

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
        self._given: dict[str, tuple[str, str, str]] = {}  # provided, not read yet: path, text
        self._digests: dict[str, str | None] = {}  # module name -> digest of the text read
        self._stamps: dict[str, tuple[Path, int, int]] = {}  # read from disk: path, mtime, size
        self._analyses: dict[BlockingPolicy, BlockingAnalysis] = {}
        # Where each qualified name led (``_follow``), with what finding it read: the same names
        # are asked from many files. Valid while no module read is forgotten.
        self._followed: dict[str, tuple[tuple[ModuleFacts, str] | str | None, frozenset[Touch]]]
        self._followed = {}
        self._digested: dict[Touch, tuple[ModuleFacts | None, str]] = {}  # fact_digest's answers
        self.store: FactsStore | None = None  # facts cached by content, across runs
        self._recording: set[Touch] | None = None
        self._recorded_functions: set[str] = set()  # whose closure is in the recording
        self._own: str | None = None  # the module the file being linted provided, if any
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
            self._followed.clear()

    def contains(self, path: Path | str) -> bool:
        return self.finder.package_root(Path(os.path.abspath(path))) in self.finder.roots

    def provide(self, path: Path | str, text: str) -> None:
        """Facts of a file being linted, from the text the linter read (not read from disk
        again). A file whose text changed since it was read replaces its old facts."""
        name = self.module_name_of(path)
        digest = _text_digest(text)
        if self._recording is not None and (name, "", "") not in self._recording:
            self._own = name  # read from here on from the file's own text: its content is known
        if self._digests.get(name) == digest and (name in self._modules or name in self._given):
            return
        self._digests[name] = digest
        if name in self._modules:  # read before, or asked for and missing: answers may change
            del self._modules[name]
            self._analyses.clear()
            self._followed.clear()
        # Read when first asked: most linted files are never called into from another file.
        self._given[name] = (os.path.abspath(path), text, digest)

    def module(self, name: str) -> ModuleFacts | None:
        if name not in self._modules:
            given = self._given.pop(name, None)
            if given is not None:
                self._modules[name] = self._facts(given[0], name, given[1], given[2])
            else:
                self._modules[name] = self._read(name)
        if self._recording is not None:
            self._recording.add((name, "", ""))
        return self._modules[name]

    def _touch(self, facts: ModuleFacts, table: str, key: str) -> None:
        if self._recording is not None:
            self._recording.add((facts.name, table, key))

    def refresh(self) -> bool:
        """Forget the modules whose file changed on disk since it was read (for long-lived
        front ends: a language server); True when something changed."""
        stale = [name for name, stamp in self._stamps.items() if _stamp(stamp[0]) != stamp]
        for name in stale:
            del self._stamps[name]
            self._modules.pop(name, None)
            self._digests.pop(name, None)
        self.finder.forget_listings()  # files may have been added or removed, too
        missing = [name for name, facts in self._modules.items() if facts is None]
        appeared = [name for name in missing if self.finder.find(name) is not None]
        for name in appeared:
            del self._modules[name]
        if stale or appeared:
            self._analyses.clear()
            self._followed.clear()
        return bool(stale or appeared)

    def _read(self, name: str) -> ModuleFacts | None:
        path = self.finder.find(name)
        if path is None:
            return None
        self._stamps[name] = _stamp(path)
        text = _read_text(path)
        if text is None:
            self._digests[name] = None
            return None
        digest = self._digests[name] = _text_digest(text)
        return self._facts(str(path), name, text, digest)

    def _facts(self, path: str, name: str, text: str, digest: str) -> ModuleFacts | None:
        """The facts of a module text (None when ``ast`` cannot parse it: a syntax error, or
        code for a newer Python than the running one): from the store when it has them, else
        parsed (each index parses a module text at most once)."""
        store = self.store
        if store is None:
            return read_module(text, name, path)
        key = store.key(name, path, digest)
        found, facts = store.get(key)
        if not found:
            facts = read_module(text, name, path)
            store.put(key, facts)
        return facts

    # -- names --------------------------------------------------------------------------------

    def _follow(self, qualified: str) -> tuple[ModuleFacts, str] | str | None:
        """Where a qualified name leads, following re-exports: the first-party module that
        defines it and the name there, or the name outside the project that a first-party
        module re-exports (``from fastapi import APIRouter`` in ``app/utils.py``), or None.
        Found once per index; what finding it read is recorded on every ask."""
        found = self._followed.get(qualified)
        if found is None:
            outer, self._recording = self._recording, set()
            try:
                leads = self._lead(qualified)
            finally:
                touched, self._recording = self._recording, outer
            found = self._followed[qualified] = (leads, frozenset(touched))
        if self._recording is not None:
            self._recording |= found[1]
        return found[0]

    def _lead(self, qualified: str) -> tuple[ModuleFacts, str] | str | None:
        outside = None
        for _ in range(_MAX_ALIAS_HOPS):
            parts = qualified.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                facts = self.module(".".join(parts[:cut]))
                if facts is not None:
                    break
            else:
                return outside
            head = parts[cut]
            self._touch(facts, "exports", head)
            if head not in facts.exports:
                return facts, ".".join(parts[cut:])
            qualified = outside = ".".join([facts.exports[head], *parts[cut + 1 :]])
        return None

    def definition(self, qualified: str) -> tuple[ModuleFacts, str] | None:
        """The module that defines what a qualified name stands for, and the name there,
        following re-exports (``from .profile import load`` in a package's ``__init__``)."""
        found = self._follow(qualified)
        return found if isinstance(found, tuple) else None

    def function(self, qualified: str) -> Function | None:
        """The first-party sync function a qualified name stands for (``Repo(...)`` stands for
        ``Repo.__init__``)."""
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        qualified = f"{facts.name}.{local}"
        self._touch(facts, "classes", local)
        if local in facts.classes:
            local, qualified = f"{local}.__init__", f"{qualified}.__init__"
        self._touch(facts, "functions", local)
        function = facts.functions.get(local)
        return Function(qualified, facts, function) if function is not None else None

    def value_kind(self, qualified: str) -> str | None:
        """The kind of a first-party module-level name: ``db.SessionLocal`` -> async_sessionmaker
        for ``SessionLocal = async_sessionmaker(engine)``; a re-exported library class or
        constructor is the library's (``from fastapi import APIRouter`` in ``app/utils.py``)."""
        found = self._follow(qualified)
        if isinstance(found, str):
            made = kinds.constructor_kind(found)
            return kinds.function_returning(made) if made is not None else None
        return self._from_table(found, "values")

    def alias_kind(self, qualified: str) -> str | None:
        """The kind a first-party type alias stands for: ``db.SessionDep`` -> AsyncSession for
        ``SessionDep = Annotated[AsyncSession, Depends(get_session)]``; a re-exported library
        type is the library's."""
        found = self._follow(qualified)
        if isinstance(found, str):
            return kinds.type_kind(found)
        return self._from_table(found, "aliases")

    def _from_table(self, found: tuple[ModuleFacts, str] | None, table: str) -> str | None:
        if found is None:
            return None
        facts, local = found
        self._touch(facts, table, local)
        return getattr(facts, table).get(local)

    def alias_declaration(self, qualified: str) -> str | None:
        """The FastAPI declaration a first-party ``Annotated`` alias makes: ``deps.SessionDep``
        -> "Depends" for ``SessionDep = Annotated[Session, Depends(get_db)]``."""
        return self._from_table(self.definition(qualified), "declarations")

    def model_class(self, qualified: str) -> tuple[ModuleFacts, ClassFacts] | str | None:
        """The first-party class a qualified name stands for (with bases: ``facts.models``),
        or the library name a first-party module re-exports (``pydantic.BaseModel``)."""
        found = self._follow(qualified)
        if found is None or isinstance(found, str):
            return found
        facts, local = found
        self._touch(facts, "models", local)
        model = facts.models.get(local)
        return (facts, model) if model is not None else None

    def router(self, qualified: str) -> RouterFacts | None:
        """A first-party module-level ``APIRouter``: its prefix, the routers it includes and
        its route paths (``project/routers.py``), following re-exports."""
        found = self.definition(qualified)
        if found is None:
            return None
        facts, local = found
        self._touch(facts, "routers", local)
        return facts.routers.get(local)

    def signature(self, qualified: str) -> tuple[str, ...] | None:
        """The parameters a first-party function (or class) takes, with its own dependencies
        (``project/route_facts.py``)."""
        return self._from_table(self.definition(qualified), "signatures")  # type: ignore[return-value]

    def alias_dependency(self, qualified: str) -> str | None:
        """The dependency a first-party ``Annotated[T, Depends(f)]`` alias names."""
        return self._from_table(self.definition(qualified), "dependencies")

    def provided_kind(self, qualified: str) -> str | None:
        """The kind a first-party dependency function returns or yields (``-> Iterator[T]``)."""
        return self._from_table(self.definition(qualified), "provides")

    def analysis(self, policy: BlockingPolicy | None = None) -> BlockingAnalysis:
        """The blocking answers for one blocking policy (cached); the built-in table by default."""
        if policy is None:
            policy = default_policy()
        found = self._analyses.get(policy)
        if found is None:
            found = self._analyses[policy] = BlockingAnalysis(self, policy)
        return found

    # -- what a file consulted ----------------------------------------------------------------

    def start_recording(self) -> None:
        """Record what the index is asked from now on (the lint of one file)."""
        self._recording = set()
        self._recorded_functions = set()
        self._own = None

    def stop_recording(self) -> Dependencies:
        """What was read since ``start_recording``, for a results cache."""
        touched, self._recording = self._recording or set(), None
        found: Dependencies = {}
        for name, table, key in sorted(touched):
            if name == self._own:
                continue  # the file's own text, provided by the linter: part of the cache key
            entry = found.get(name)
            if entry is None:
                path, digest = self._source(name)
                entry = found[name] = [path, digest, []]
            entry[2].append([table, key, self._fact_digest(name, table, key)])
        return found

    def _fact_digest(self, name: str, table: str, key: str) -> str:
        """``fact_digest`` of what the index holds for ``name``, once per facts read (many
        files read the same entries)."""
        facts = self._modules.get(name)
        touch = (name, table, key)
        known = self._digested.get(touch)
        if known is None or known[0] is not facts:  # facts are never changed, only replaced
            known = self._digested[touch] = (facts, fact_digest(facts, table, key))
        return known[1]

    def record(self, touched: set[Touch], functions: Iterable[str]) -> None:
        """Add what answering about ``functions`` read (``BlockingAnalysis``'s memo)."""
        if self._recording is None:
            return
        self._recording |= touched
        self._recorded_functions.update(functions)

    def recorded(self, function: str) -> bool:
        return function in self._recorded_functions

    @property
    def recording(self) -> bool:
        return self._recording is not None

    def _source(self, name: str) -> tuple[str | None, str | None]:
        """Where module ``name`` is and the digest of its text (None, None when not found):
        of the text read, when it was read (two linted files may share a module name)."""
        facts = self._modules.get(name)
        if facts is not None and self._digests.get(name) is not None:
            return facts.path, self._digests[name]
        path = self.finder.find(name)
        if path is None:
            return None, None
        if name not in self._digests:
            text = _read_text(path)
            self._digests[name] = _text_digest(text) if text is not None else None
        return str(path), self._digests[name]

    def still_valid(self, dependencies: Dependencies) -> Dependencies | None:
        """None when a value a file read may have changed since ``dependencies`` were recorded
        (lint it again); else the dependencies, brought up to date when a module changed
        without changing what was read from it (a comment, another function)."""
        updated: Dependencies | None = None
        try:
            for name, (path, digest, items) in dependencies.items():
                if self._source(name) == (path, digest):
                    continue
                recording, self._recording = self._recording, None
                try:
                    facts = self.module(name)
                finally:
                    self._recording = recording
                for table, key, value in items:
                    if fact_digest(facts, table, key) != value:
                        return None
                if updated is None:
                    updated = dict(dependencies)
                updated[name] = [*self._source(name), items]
        except (TypeError, ValueError):  # a damaged entry: lint the file again
            return None
        return updated if updated is not None else dependencies

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
        state["_followed"] = {}
        state["_digested"] = {}
        state["_recording"] = None
        return state


def _stamp(path: Path) -> tuple[Path, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return path, -1, -1
    return path, stat.st_mtime_ns, stat.st_size


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _read_text(path: Path) -> str | None:
    try:
        text, _ = decode(path.read_bytes())
    except (OSError, UnicodeDecodeError, LookupError, SyntaxError, ValueError):
        return None
    return text


def fact_digest(facts: ModuleFacts | None, table: str, key: str) -> str:
    """A digest of one value a file read from a module's facts (table "": the module itself:
    where it is, or that it has no facts)."""
    if table == "":
        value: object = facts.path if facts is not None else None
    elif facts is None:
        value = ("missing",)
    elif table == "classes":
        value = key in facts.classes
    else:
        value = getattr(facts, table).get(key)
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


class FactsStore:
    """Module facts kept across runs, one pickle per module text (by its name, path, text
    digest and ``salt``, fastlint's own code stamp), so that a run re-reads with ``ast`` only
    the modules that changed. A missing or damaged entry is parsed again, never an error."""

    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory
        self.salt = salt
        self.used: set[str] = set()  # keys read or written by this process

    def key(self, name: str, path: str, digest: str) -> str:
        data = "\0".join((self.salt, name, path, digest)).encode("utf-8", "surrogateescape")
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def get(self, key: str) -> tuple[bool, ModuleFacts | None]:
        try:
            data = (self.directory / f"{key}.pickle").read_bytes()
            facts = pickle.loads(data)
        except Exception:  # missing, truncated, or written by another fastlint
            return False, None
        if facts is not None and not isinstance(facts, ModuleFacts):
            return False, None
        self.used.add(key)
        return True, facts

    def put(self, key: str, facts: ModuleFacts | None) -> None:
        self.used.add(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(facts, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.directory / f"{key}.pickle")
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            return  # a store that cannot be written costs a parse next time, nothing more

    def prune(self, keep: int) -> None:
        """Above ``keep`` entries, remove the oldest ones (texts not seen for a while) not used
        by this process, down to half of ``keep``."""
        try:
            with os.scandir(self.directory) as listing:
                entries = [entry for entry in listing if entry.name.endswith(".pickle")]
            if len(entries) <= keep:
                return
            entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
        except OSError:
            return
        extra = len(entries) - keep // 2
        for entry in entries:
            if extra <= 0:
                break
            if entry.name[: -len(".pickle")] not in self.used:
                Path(entry.path).unlink(missing_ok=True)
                extra -= 1


class BlockingAnalysis:
    """Which first-party sync functions may block, for one blocking policy."""

    def __init__(self, index: ProjectIndex, policy: BlockingPolicy) -> None:
        self.index = index
        self.policy = policy
        self._steps: dict[str, Link | None] = {}
        # What resolving each explored function's calls read of the index, and its callees:
        # a chain's answer depends on what every function it reaches read.
        self._touched: dict[str, set[Touch]] = {}
        self._callees: dict[str, list[str]] = {}

    def chain(self, qualified: str) -> list[Link] | None:
        """The calls from ``qualified`` to a blocking call, or None when it does not block."""
        function = self.index.function(qualified)
        if function is None:
            return None
        if function.qualified not in self._steps:
            self._explore(function)
        if self.index.recording:
            self._record(function.qualified)
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
        index = self.index
        while todo:
            function = todo.popleft()
            outer, index._recording = index._recording, set()
            callees = self._callees[function.qualified] = []
            try:
                self._calls_of(function, callers, seen, todo, ready, callees)
            finally:
                self._touched[function.qualified], index._recording = index._recording, outer
        self._mark(seen, callers, ready)

    def _record(self, start: str) -> None:
        """Record what the answer for ``start`` depends on: what every function it reaches read."""
        index = self.index
        todo = [start]
        while todo:
            name = todo.pop()
            if index.recorded(name):
                continue
            index.record(self._touched.get(name, set()), (name,))
            todo.extend(self._callees.get(name, ()))

    def _calls_of(
        self,
        function: Function,
        callers: dict[str, list[Link]],
        seen: dict[str, Function],
        todo: deque[Function],
        ready: deque[Link],
        callees: list[str],
    ) -> None:
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
            callees.append(callee.qualified)
            callers.setdefault(callee.qualified, []).append(
                Link(function, callee.qualified, shown, site.line)
            )
            if callee.qualified not in seen and callee.qualified not in self._steps:
                seen[callee.qualified] = callee
                todo.append(callee)
            elif callee.qualified in self._steps and self._steps[callee.qualified] is not None:
                ready.append(Link(function, callee.qualified, shown, site.line))

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
