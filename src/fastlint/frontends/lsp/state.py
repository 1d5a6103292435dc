"""What the language server knows about the workspace: settings, the project index, lint.

Everything here runs on the server's one lint thread (never on the event loop, never on two
threads at once): the project index and the settings cache are not shared between threads.

- Settings: the nearest ``[tool.fastlint]`` of each document's directory (as ``fastlint check``
  finds it from there), cached per directory until a ``pyproject.toml`` changes.
- The project index of the workspace is built once and shared by every document and every
  settings: open documents hand it their unsaved text (``provide``), files changed on disk are
  read again (``refresh``), a closed document goes back to its text on disk.
- ``lint`` lints a document's text as the file at its path (the approach of ``--stdin-filename``:
  settings, per-file-ignores, excludes and FST102 reading the editor's text in place of the file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastlint.config.settings import ConfigError, Settings, load_settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import SYNTAX_ERROR
from fastlint.engine.source import decode
from fastlint.project import ProjectIndex
from fastlint.run.session import LintRun, engine_error

MAX_FIX_ROUNDS = 10
SAFE = "safe"


@dataclass
class Outcome:
    """A document's lint: its diagnostics, a configuration error to show ("" when none), a note
    for the log (a file skipped), and whether what other files read of it changed."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str = ""
    note: str = ""
    should_relint_others: bool = False


class State:
    """The server's lint state, used on the lint thread only: the workspace's project index,
    the settings of each directory and one ``LintRun`` per distinct settings."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.index = ProjectIndex()
        self._settings: dict[Path, Settings | ConfigError] = {}
        self._runs: dict[str, LintRun] = {}

    # -- settings -------------------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        """The settings of the document at ``path``; ``ConfigError`` when they are invalid."""
        directory = path.parent
        found = self._settings.get(directory)
        if found is None:
            try:
                found = load_settings(start=directory, cwd=self.root or directory)
            except ConfigError as error:
                found = error
            self._settings[directory] = found
        if isinstance(found, ConfigError):
            raise found
        return found

    def config_changed(self) -> None:
        """A ``pyproject.toml`` was created, edited or removed: read the settings again."""
        self._settings.clear()
        self._runs.clear()

    def _run(self, settings: Settings) -> LintRun:
        key = settings.fingerprint()
        run = self._runs.get(key)
        if run is None:
            run = self._runs[key] = LintRun(settings, project=self.index)
        return run

    # -- the project index ------------------------------------------------------------------

    def provide(self, path: Path, text: str) -> bool:
        """Hand the index a document's text; True when what other modules read of it changed
        (their FST102 findings may change)."""
        name = self.index.module_name_of(path)
        before = self.index.module(name)
        self.index.provide(path, text)
        return self.index.module(name) != before

    def files_changed(self) -> bool:
        """Files changed on disk (saved, created, deleted, or edited outside the editor)."""
        return self.index.refresh()

    def closed(self, path: Path) -> bool:
        """A closed document: the index reads its file on disk again (its unsaved text is
        gone); True when that changes what other modules read."""
        try:
            text, _ = decode(path.read_bytes())
        except (OSError, UnicodeDecodeError, LookupError, SyntaxError, ValueError):
            return False
        return self.provide(path, text)

    # -- lint ---------------------------------------------------------------------------------

    def lint(self, path: Path, text: str) -> Outcome:
        try:
            settings = self.settings_for(path)
        except ConfigError as error:
            return Outcome(error=str(error))
        affected = self.provide(path, text)
        if settings.is_excluded(path):
            return Outcome(
                note=f"{path}: excluded by the configuration", should_relint_others=affected
            )
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > settings.max_file_size:
            note = f"{path}: skipped: {size} bytes is above max-file-size"
            return Outcome(note=note, should_relint_others=affected)
        shown = str(path)
        try:
            found = self._run(settings).linter.linter_for(path).lint_text(text, shown)
        except Exception as error:  # the engine failed on this text: report it, keep serving
            found = [engine_error(shown, f"{type(error).__name__}: {error}")]
        return Outcome(sorted(found), should_relint_others=affected)

    def fix_all(self, path: Path, text: str, apply: Callable[..., tuple[str, list[int]]]) -> str:
        """``text`` with every safe fix applied, in rounds (as ``--fix`` does: the fixes left
        out, or made possible, come with the next lint); the last text that parses."""
        original = text
        diagnostics = self.lint(path, text).diagnostics
        for _ in range(MAX_FIX_ROUNDS):
            fixes = [
                d.fix for d in diagnostics if d.fix is not None and d.fix.applicability == SAFE
            ]
            if not fixes:
                break
            new, applied = apply(text, fixes)
            if not applied or new == text:
                break
            diagnostics = self.lint(path, new).diagnostics
            if any(d.code == SYNTAX_ERROR for d in diagnostics):
                break  # a broken fix is a bug of ours: keep the last text that parsed
            text = new
        self.provide(path, original)  # the editor still has the original text
        return text
