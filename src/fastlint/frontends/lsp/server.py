"""``fastlint lsp``: the language server (pygls 2, LSP 3.17), over stdio or TCP.

Diagnostics are published when a document is opened, changed (the editor's unsaved text, after
``DEBOUNCE`` seconds without typing) and saved, and cleared when it is closed. Linting runs on
one worker thread, so the event loop keeps answering while a file is linted; a lint whose
document changed in the meantime is dropped (the newer one follows).

FST102 reads other modules through the workspace's project index: when a document's text
changes what other modules read of it, or files change on disk (``didSave``,
``workspace/didChangeWatchedFiles``), the other open documents are linted again, so editing a
helper updates the findings of the files that call it. A ``pyproject.toml`` that changes makes
every document read its settings again; invalid settings are shown once (``window/showMessage``)
and the document gets no diagnostics until they are fixed.

Code actions: the rule's fix (a quick fix, once the rule has one), "Suppress FSTnnn on this
line" (``# noqa``, written by the code of ``--add-noqa``), and ``source.fixAll.fastlint`` (every
safe fix, in rounds, as ``--fix``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec, TextDocument

from fastlint import __version__
from fastlint.engine.diagnostic import Diagnostic, Related
from fastlint.engine.edits import apply_fixes
from fastlint.frontends.add_noqa import UNSUPPRESSIBLE, noqa_text
from fastlint.frontends.lsp import convert
from fastlint.frontends.lsp.convert import Lines
from fastlint.frontends.lsp.state import SAFE, Outcome, State

DEBOUNCE = 0.3  # seconds without a change before the unsaved text is linted
FIX_ALL = "source.fixAll.fastlint"
CONFIG_FILES = frozenset({"pyproject.toml"})
_log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass(frozen=True)
class Published:
    """What was published for a document: the text linted, fastlint's diagnostics and the LSP
    ones (in the same order)."""

    version: int | None
    text: str
    found: list[Diagnostic]
    shown: list[lsp.Diagnostic]


class FastlintServer(LanguageServer):
    """The pygls server and what it keeps between requests: pending lints, what was published
    for each document and the configuration errors already shown."""

    def __init__(self) -> None:
        super().__init__("fastlint", __version__)
        self.state = State(None)
        self.linting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fastlint-lint")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.published: dict[str, Published] = {}
        self.errors_shown: set[str] = set()

    # -- running on the lint thread --------------------------------------------------------

    async def on_lint_thread(self, function: Callable[..., _T], *args: object) -> _T:
        """``function(*args)`` on the lint thread, awaited without blocking the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.linting, function, *args)

    # -- documents ----------------------------------------------------------------------------

    def open_documents(self) -> dict[str, TextDocument]:
        """The open documents by URI (a copy: handlers may open or close others meanwhile)."""
        return dict(self.workspace.text_documents)

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Lint ``uri`` after ``delay`` seconds (a newer request replaces a waiting one)."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None and not waiting.done():
            waiting.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    def schedule_others(self, uri: str | None = None) -> None:
        for other in self.open_documents():
            if other != uri:
                self.schedule(other)

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        await self.lint_now(uri)

    async def lint_now(self, uri: str) -> Published | None:
        """Lint the document's current text and publish; None when it was closed or changed
        while it was linted."""
        document = self.open_documents().get(uri)
        path = _path(uri)
        if document is None or path is None:
            return None
        version, text = document.version, document.source
        outcome, shown = await self.on_lint_thread(self._lint, path, text, self._texts())
        current = self.open_documents().get(uri)
        if current is None or current.version != version or current.source != text:
            return None
        if outcome.error:
            self.show_error(outcome.error)
        if outcome.note:
            self.log(outcome.note)
        published = Published(version, text, outcome.diagnostics, shown)
        self.published[uri] = published
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=shown, version=version)
        )
        if outcome.should_relint_others:
            self.schedule_others(uri)
        return published

    def _texts(self) -> dict[str, str]:
        """The open documents' texts by path (a snapshot for the lint thread)."""
        found = {}
        for uri, document in self.open_documents().items():
            path = _path(uri)
            if path is not None:
                found[str(path)] = document.source
        return found

    def _lint(self, path: Path, text: str, texts: dict[str, str]) -> tuple[Outcome, list]:
        """On the lint thread: lint, then convert to LSP (reading the files of FST102's chain
        that are not open)."""
        outcome = self.state.lint(path, text)
        codec = self.workspace.position_codec
        lines = Lines(text, codec)
        read: dict[str, Lines | None] = {}

        def place(hop: Related) -> lsp.Location | None:
            if hop.path not in read:
                read[hop.path] = _lines_of(hop.path, texts, codec)
            found = read[hop.path]
            if found is None:
                return None
            uri = from_fs_path(hop.path) or hop.path
            return lsp.Location(uri=uri, range=found.line_range(hop.row))

        shown = [convert.diagnostic(d, lines, place) for d in outcome.diagnostics]
        return outcome, shown

    def clear(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None and not waiting.done():
            waiting.cancel()
        self.published.pop(uri, None)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # -- messages -------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """An invalid configuration: shown once (until a configuration file changes)."""
        if message in self.errors_shown:
            return
        self.errors_shown.add(message)
        self.window_show_message(
            lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"fastlint: {message}")
        )

    def log(self, message: str) -> None:
        self.window_log_message(
            lsp.LogMessageParams(type=lsp.MessageType.Info, message=f"fastlint: {message}")
        )

    # -- code actions ---------------------------------------------------------------------------

    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """Quick fixes for the diagnostics in ``params.range``, and fix-all for the file."""
        uri = params.text_document.uri
        document = self.open_documents().get(uri)
        path = _path(uri)
        if document is None or path is None:
            return []
        published = self.published.get(uri)
        if published is None or published.text != document.source:
            published = await self.lint_now(uri)  # code actions for the text the editor has
            if published is None:
                return []
        lines = Lines(published.text, self.workspace.position_codec)
        actions = []
        if _wanted(lsp.CodeActionKind.QuickFix, params.context.only):
            actions = _quick_fixes(uri, published, params.range, lines)
        safe = [d for d in published.found if d.fix is not None and d.fix.applicability == SAFE]
        if safe and _wanted(FIX_ALL, params.context.only):
            text = published.text
            fixed = await self.on_lint_thread(self.state.fix_all, path, text, apply_fixes)
            if fixed != text:
                edit = convert.whole_text(text, fixed, lines)
                title = "fastlint: fix all auto-fixable problems"
                changes = lsp.WorkspaceEdit(changes={uri: [edit]})
                actions.append(lsp.CodeAction(title=title, kind=FIX_ALL, edit=changes))
        return actions


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for actions of ``kind`` (kinds nest: ``source.fixAll`` asks
    for ``source.fixAll.fastlint``)."""
    return only is None or any(kind == o or kind.startswith(f"{o}.") for o in only)


def _quick_fixes(
    uri: str, published: Published, where: lsp.Range, lines: Lines
) -> list[lsp.CodeAction]:
    """The rule's fix and "suppress on this line" for each diagnostic in ``where``."""
    actions: list[lsp.CodeAction] = []
    suppressed: set[tuple[int, str]] = set()
    for found, shown in zip(published.found, published.shown, strict=True):
        if not _overlaps(shown.range, where):
            continue
        if found.fix is not None:
            actions.append(_fix_action(uri, found, shown, lines))
        if found.code not in UNSUPPRESSIBLE and (found.row, found.code) not in suppressed:
            suppressed.add((found.row, found.code))
            action = _noqa_action(uri, published.text, found, shown, lines)
            if action is not None:
                actions.append(action)
    return actions


def _fix_action(uri: str, found: Diagnostic, shown: lsp.Diagnostic, lines: Lines) -> lsp.CodeAction:
    fix = found.fix
    assert fix is not None
    title = fix.message if fix.applicability == SAFE else f"{fix.message} (unsafe)"
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[shown],
        is_preferred=fix.applicability == SAFE,
        edit=lsp.WorkspaceEdit(changes={uri: convert.text_edits(fix.edits, lines)}),
    )


def _noqa_action(
    uri: str, text: str, found: Diagnostic, shown: lsp.Diagnostic, lines: Lines
) -> lsp.CodeAction | None:
    new, changed, _ = noqa_text(text, {found.row: [found.code]})
    edits = convert.changed_lines(text, new, lines) if changed else None
    if not edits:
        return None
    return lsp.CodeAction(
        title=f"Suppress {found.code} on this line",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[shown],
        edit=lsp.WorkspaceEdit(changes={uri: edits}),
    )


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    return a.start.line <= b.end.line and a.end.line >= b.start.line


def _path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    found = to_fs_path(uri)
    return Path(found) if found else None


def _lines_of(path: str, texts: dict[str, str], codec: PositionCodec) -> Lines | None:
    text = texts.get(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    return Lines(text, codec)


def _is_config(uri: str) -> bool:
    path = _path(uri)
    return path is not None and path.name in CONFIG_FILES


# -- the server and its handlers ------------------------------------------------------------


def make_server() -> FastlintServer:
    """A server with every handler below registered (and the code action kinds it offers)."""
    server = FastlintServer()
    server.feature(lsp.INITIALIZE)(initialize)
    server.feature(lsp.INITIALIZED)(initialized)
    server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))(did_save)
    server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    kinds = [lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll, FIX_ALL]
    options = lsp.CodeActionOptions(code_action_kinds=kinds)
    server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, options)(code_action)
    server.feature(lsp.SHUTDOWN)(shutdown)
    return server


def initialize(ls: FastlintServer, params: lsp.InitializeParams) -> None:
    """A fresh state rooted at the workspace (settings are found from each document up)."""
    root = ls.workspace.root_path
    ls.state = State(Path(root) if root else None)


async def initialized(ls: FastlintServer, params: lsp.InitializedParams) -> None:
    """Ask the client to watch the files FST102 and the settings read (when it can)."""
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if watched is None or not watched.dynamic_registration:
        return
    patterns = ("**/pyproject.toml", "**/*.py", "**/*.pyi")
    watchers = [lsp.FileSystemWatcher(glob_pattern=pattern) for pattern in patterns]
    registration = lsp.Registration(
        id="fastlint-watched-files",
        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    request = ls.client_register_capability_async(
        lsp.RegistrationParams(registrations=[registration])
    )
    try:
        await asyncio.wait_for(request, timeout=10)
    except Exception as error:  # a client that refuses: saves still refresh the index
        _log.info("could not register file watchers: %s", error)


def did_open(ls: FastlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    """Lint the opened document now."""
    ls.schedule(params.text_document.uri)


def did_change(ls: FastlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    """Lint the unsaved text once typing pauses for ``DEBOUNCE`` seconds."""
    ls.schedule(params.text_document.uri, DEBOUNCE)


async def did_save(ls: FastlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    """Refresh the project index from disk, lint the document, and the others if what they
    read changed; a saved ``pyproject.toml`` reloads the settings instead."""
    uri = params.text_document.uri
    if _is_config(uri):
        await config_changed(ls)
        return
    changed = await ls.on_lint_thread(ls.state.files_changed)
    ls.schedule(uri)
    if changed:
        ls.schedule_others(uri)


async def did_close(ls: FastlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """Clear the document's diagnostics; relint the others if its unsaved text had changed
    what they read (the index goes back to the file on disk)."""
    uri = params.text_document.uri
    ls.clear(uri)
    path = _path(uri)
    if path is not None and await ls.on_lint_thread(ls.state.closed, path):
        ls.schedule_others(uri)


async def did_change_watched_files(
    ls: FastlintServer, params: lsp.DidChangeWatchedFilesParams
) -> None:
    """Files changed on disk: reload the settings, or refresh the index and relint the open
    documents if what they read changed."""
    if any(_is_config(change.uri) for change in params.changes):
        await config_changed(ls)
        return
    if await ls.on_lint_thread(ls.state.files_changed):
        ls.schedule_others()


async def config_changed(ls: FastlintServer) -> None:
    """A configuration file changed: settings read again, errors shown again, all relinted."""
    await ls.on_lint_thread(ls.state.config_changed)
    await ls.on_lint_thread(ls.state.files_changed)
    ls.errors_shown.clear()
    ls.schedule_others()


async def code_action(ls: FastlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """The quick fixes, ``noqa`` suppressions and fix-all for the requested range."""
    return await ls.code_actions(params)


def shutdown(ls: FastlintServer, params: None) -> None:
    """Cancel the pending lints and stop the lint thread without waiting for it."""
    for task in ls.pending.values():
        task.cancel()
    ls.linting.shutdown(wait=False, cancel_futures=True)
