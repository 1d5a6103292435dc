"""``fastlint lsp`` driven over stdio by a real LSP client (pytest-lsp): diagnostics on open,
change, save and close, UTF-16 ranges, code actions, FST102's chain, cross-file freshness, the
configuration and syntax errors mid-edit. One server process per test, in its own workspace."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "fastlint", "lsp"])
TIMEOUT = 10.0

BLOCKING = (
    'import time\n\n\nasync def handler() -> str:\n    x = "😀中文"; time.sleep(1)\n    return x\n'
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.fastlint]\nignore = ["FST502"]\n')
    return root


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path):
    capabilities = lsp.ClientCapabilities(
        workspace=lsp.WorkspaceClientCapabilities(
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=False
            )
        ),
        text_document=lsp.TextDocumentClientCapabilities(
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(
                related_information=True, code_description_support=True
            )
        ),
    )
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=workspace.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


# -- helpers ---------------------------------------------------------------------------------


class Docs:
    """Open, change, save and close documents; wait for their next diagnostics."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.versions: dict[str, int] = {}

    def open(self, path: Path, text: str | None = None) -> str:
        if text is None:
            text = path.read_text(encoding="utf-8")
        uri = path.as_uri()
        self.versions[uri] = 1
        item = lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        document = lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        whole = lsp.TextDocumentContentChangeWholeDocument(text=text)
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(text_document=document, content_changes=[whole])
        )

    def save(self, uri: str) -> None:
        document = lsp.TextDocumentIdentifier(uri=uri)
        self.client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=document))

    def close(self, uri: str) -> None:
        document = lsp.TextDocumentIdentifier(uri=uri)
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=document))

    def watched(self, *changes: tuple[Path, lsp.FileChangeType]) -> None:
        events = [lsp.FileEvent(uri=path.as_uri(), type=kind) for path, kind in changes]
        self.client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(changes=events)
        )

    def mark(self, uri: str) -> object:
        return self.client.diagnostics.get(uri)

    async def next(self, uri: str, after: object, timeout: float = TIMEOUT) -> list[lsp.Diagnostic]:
        """The first diagnostics of ``uri`` published after ``mark`` returned ``after``."""
        deadline = time.monotonic() + timeout
        while self.client.diagnostics.get(uri) is after:
            assert time.monotonic() < deadline, f"no diagnostics published for {uri}"
            await asyncio.sleep(0.01)
        return list(self.client.diagnostics[uri])

    async def until(self, uri: str, check, timeout: float = TIMEOUT) -> list[lsp.Diagnostic]:
        """Wait until the published diagnostics of ``uri`` satisfy ``check``."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.client.diagnostics.get(uri)
            if found is not None and check(list(found)):
                return list(found)
            assert time.monotonic() < deadline, f"last diagnostics of {uri}: {found}"
            await asyncio.sleep(0.01)

    async def actions(self, uri: str, line: int, only: Sequence[str] | None = None):
        where = lsp.Range(
            start=lsp.Position(line=line, character=0), end=lsp.Position(line=line, character=0)
        )
        params = lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=where,
            context=lsp.CodeActionContext(diagnostics=[], only=only),
        )
        return await self.client.text_document_code_action_async(params) or []


def codes(diagnostics: Sequence[lsp.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) to ``text``, as an editor does."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(position: lsp.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        start = sum(len(line) for line in lines[: position.line])
        line, units, column = lines[position.line], 0, 0
        while units < position.character and column < len(line):
            units += utf16(line[column])
            column += 1
        return start + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


# -- tests ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_open_publishes_fst101_at_the_utf16_range_within_a_second(
    client: LanguageClient, workspace: Path
) -> None:
    docs = Docs(client)
    path = workspace / "views.py"
    path.write_text(BLOCKING, encoding="utf-8")
    started = time.monotonic()
    uri = docs.open(path)
    (found,) = await docs.next(uri, None)
    assert time.monotonic() - started < 1.0
    assert found.code == "FST101" and found.source == "fastlint"
    assert found.severity == lsp.DiagnosticSeverity.Warning
    assert found.code_description is not None
    assert found.code_description.href.endswith("/docs/rules/FST101.md")
    assert "`time.sleep()` blocks the event loop" in found.message
    assert found.data["name"] == "blocking-call-in-async"
    line = BLOCKING.splitlines()[4]
    start = line.index("time.sleep")
    # The emoji is one character but two UTF-16 code units; the CJK characters one each.
    assert found.range == lsp.Range(
        start=lsp.Position(line=4, character=utf16(line[:start])),
        end=lsp.Position(line=4, character=utf16(line[: start + len("time.sleep(1)")])),
    )
    assert found.range.start.character == start + 1


@pytest.mark.asyncio
async def test_change_lints_the_unsaved_text_save_relints_close_clears(
    client: LanguageClient, workspace: Path
) -> None:
    docs = Docs(client)
    path = workspace / "app.py"
    path.write_text("async def f() -> int:\n    return 1\n")
    uri = docs.open(path)
    assert await docs.next(uri, None) == []
    # Typing fast: only the last text counts (debounced), and it is not on disk.
    mark = docs.mark(uri)
    for text in ("import time\n", "import time\nasync def f():\n", BLOCKING):
        docs.change(uri, text)
    assert codes(await docs.next(uri, mark)) == ["FST101"]
    assert path.read_text() == "async def f() -> int:\n    return 1\n"
    path.write_text(BLOCKING, encoding="utf-8")
    mark = docs.mark(uri)
    docs.save(uri)
    assert codes(await docs.next(uri, mark)) == ["FST101"]
    mark = docs.mark(uri)
    docs.close(uri)
    assert await docs.next(uri, mark) == []


@pytest.mark.asyncio
async def test_a_syntax_error_mid_edit_is_fst000_and_the_server_stays_up(
    client: LanguageClient, workspace: Path
) -> None:
    docs = Docs(client)
    uri = docs.open(workspace / "half.py", BLOCKING)
    await docs.until(uri, lambda found: codes(found) == ["FST101"])
    docs.change(uri, "import time\n\n\nasync def handler(:\n    time.sleep(1)\n")
    (error,) = await docs.until(uri, lambda found: codes(found) == ["FST000"])
    assert error.severity == lsp.DiagnosticSeverity.Error
    assert error.range.start.line == 3 and error.range.end.character > error.range.start.character
    docs.change(uri, BLOCKING)
    await docs.until(uri, lambda found: codes(found) == ["FST101"])
    assert await docs.actions(uri, 4)  # still answering requests


@pytest.mark.asyncio
async def test_code_actions_suppress_on_the_line_and_the_rules_fix(
    client: LanguageClient, workspace: Path
) -> None:
    docs = Docs(client)
    text = BLOCKING.replace("time.sleep(1)\n", "time.sleep(1)  # noqa: E731\n")
    uri = docs.open(workspace / "act.py", text)
    await docs.until(uri, lambda found: codes(found) == ["FST101"])
    actions = await docs.actions(uri, 4)
    by_title = {action.title: action for action in actions}
    suppress = by_title["Suppress FST101 on this line"]
    assert suppress.kind == lsp.CodeActionKind.QuickFix
    assert suppress.edit is not None and suppress.edit.changes is not None
    fixed = apply(text, suppress.edit.changes[uri])
    assert fixed.splitlines()[4].endswith("time.sleep(1)  # noqa: E731, FST101")
    assert fixed.splitlines()[:4] == text.splitlines()[:4]
    # The rule's own fix (unsafe: offered as a quick fix, never applied by fix-all).
    (fix,) = [action for action in actions if action.title.startswith("Replace with")]
    assert fix.title.endswith("(unsafe)") and not fix.is_preferred
    assert fix.edit is not None and fix.edit.changes is not None
    after = apply(text, fix.edit.changes[uri])
    assert after.startswith("import asyncio\nimport time\n")
    assert 'x = "😀中文"; await asyncio.sleep(1)  # noqa: E731' in after
    assert await docs.actions(uri, 4, only=["source.fixAll.fastlint"]) == []
    # The suppressed text, as the editor now has it, has nothing left to report.
    docs.change(uri, fixed)
    await docs.until(uri, lambda found: found == [])
    assert await docs.actions(uri, 0) == []


HELPERS = {
    "clients/__init__.py": "",
    "clients/http.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n",
    "services/__init__.py": "",
    "services/profile.py": (
        "from clients.http import fetch\n\n\ndef load_profile(uid):\n"
        "    return fetch(f'https://p/😀/{uid}')  # 取得\n"
    ),
    "main.py": (
        "from services.profile import load_profile\n\n\nasync def route(uid):\n"
        "    return load_profile(uid)\n"
    ),
}


def code_range(text: str, line: int) -> lsp.Range:
    """The code of a 0-based line, in UTF-16 units: what a related location underlines."""
    code = text.splitlines()[line]
    start = len(code) - len(code.lstrip())
    return lsp.Range(
        start=lsp.Position(line=line, character=utf16(code[:start])),
        end=lsp.Position(line=line, character=utf16(code.rstrip())),
    )


def write_project(root: Path) -> None:
    # the FST102 chain is what the test is about (the helpers are unannotated: FST504)
    (root / "pyproject.toml").write_text('[tool.fastlint]\nselect = ["FST101", "FST102"]\n')
    for name, text in HELPERS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.mark.asyncio
async def test_fst102_chain_is_related_information_and_follows_edits_of_helpers(
    client: LanguageClient, workspace: Path
) -> None:
    write_project(workspace)
    docs = Docs(client)
    main = docs.open(workspace / "main.py")
    (found,) = await docs.until(main, lambda found: codes(found) == ["FST102"])
    assert "load_profile -> fetch -> requests.get" in found.message
    assert found.related_information is not None
    hops = [
        (info.location.uri, info.location.range, info.message) for info in found.related_information
    ]
    assert hops == [
        (
            (workspace / "services/profile.py").as_uri(),
            code_range(HELPERS["services/profile.py"], 4),
            "`load_profile` calls `fetch`",
        ),
        (
            (workspace / "clients/http.py").as_uri(),
            code_range(HELPERS["clients/http.py"], 4),
            "`fetch` calls `requests.get`, which blocks",
        ),
    ]
    # Editing the helper in the editor (unsaved) updates the caller's FST102.
    helper_path = workspace / "clients/http.py"
    helper = docs.open(helper_path)
    await docs.next(helper, None)
    docs.change(helper, "def fetch(url):\n    return {'url': url}\n")
    await docs.until(main, lambda found: found == [])
    # Closing it unsaved: the index reads the file on disk again, which blocks.
    docs.close(helper)
    await docs.until(main, lambda found: codes(found) == ["FST102"])
    # Changed on disk (another tool, git checkout): the watched-files event refreshes it.
    helper_path.write_text("def fetch(url):\n    return url\n")
    docs.watched((helper_path, lsp.FileChangeType.Changed))
    await docs.until(main, lambda found: found == [])


@pytest.mark.asyncio
async def test_an_invalid_config_is_shown_once_and_reread_when_it_changes(
    client: LanguageClient, workspace: Path
) -> None:
    config = workspace / "pyproject.toml"
    config.write_text('[tool.fastlint]\nselect = ["NOPE1"]\n')
    docs = Docs(client)
    first = docs.open(workspace / "a.py", BLOCKING)
    second = docs.open(workspace / "b.py", BLOCKING)
    deadline = time.monotonic() + TIMEOUT
    while not client.messages:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    await docs.until(first, lambda found: found == [])
    await docs.until(second, lambda found: found == [])
    (message,) = client.messages
    assert message.type == lsp.MessageType.Error
    assert "NOPE1" in message.message and message.message.startswith("fastlint: ")
    config.write_text('[tool.fastlint]\nignore = ["FST101"]\nextend-select = ["FST104"]\n')
    docs.watched((config, lsp.FileChangeType.Changed))
    await asyncio.sleep(0.5)
    assert list(client.diagnostics[first]) == [] and len(client.messages) == 1
    config.write_text("[tool.fastlint]\n")
    docs.watched((config, lsp.FileChangeType.Changed))
    await docs.until(first, lambda found: codes(found) == ["FST101"])
    await docs.until(second, lambda found: codes(found) == ["FST101"])
    assert len(client.messages) == 1


@pytest.mark.asyncio
async def test_nearest_config_per_document(client: LanguageClient, workspace: Path) -> None:
    inner = workspace / "sub"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.fastlint]\nignore = ["FST101"]\n')
    docs = Docs(client)
    outer_uri = docs.open(workspace / "outer.py", BLOCKING)
    inner_uri = docs.open(inner / "inner.py", BLOCKING)
    await docs.until(outer_uri, lambda found: codes(found) == ["FST101"])
    await docs.until(inner_uri, lambda found: found == [])
