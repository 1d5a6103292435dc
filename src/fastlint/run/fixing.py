"""``--fix``: apply the diagnostics' fixes to files, in rounds, and write them back safely.

A round applies every applicable fix that does not overlap one already taken (``apply_fixes``),
then lints the fixed text again: the fixes left out, and those the first ones made possible,
come with the new diagnostics. Rounds stop when nothing is left to fix, or after ``MAX_ROUNDS``
(the rest is reported). A round whose text does not parse is dropped (a broken fix is a bug of
ours; the file keeps the last text that parsed).

Writing keeps the file's encoding, BOM and line breaks (edits are made in the decoded text and
use the file's own line break), goes through a temporary file in the same directory renamed over
the original (keeping its mode; a symlink's target is written), and is skipped when the file
changed on disk since it was read.
"""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.edits import apply_fixes
from fastlint.engine.linter import SYNTAX_ERROR
from fastlint.engine.source import decode
from fastlint.run.session import LintRun, read_source

MAX_ROUNDS = 10

LintText = Callable[[str], list[Diagnostic]]


@dataclass
class FixedText:
    """What fixing one text gave: the new text, the remaining diagnostics (of the new text) and
    the codes of the fixes applied. ``note``: a problem worth a warning ("" when none)."""

    text: str
    diagnostics: list[Diagnostic]
    fixed: Counter[str] = field(default_factory=Counter)
    note: str = ""


def fix_text(
    text: str, diagnostics: list[Diagnostic], lint: LintText, *, unsafe: bool
) -> FixedText:
    """Apply the fixes of ``diagnostics`` (found in ``text``) in rounds, re-linting in between."""
    fixed: Counter[str] = Counter()
    for _ in range(MAX_ROUNDS):
        fixes = [d for d in diagnostics if d.fix is not None and d.fix.applies(unsafe)]
        if not fixes:
            return FixedText(text, diagnostics, fixed)
        new_text, applied = apply_fixes(text, [d.fix for d in fixes if d.fix is not None])
        if not applied or new_text == text:
            return FixedText(text, diagnostics, fixed)
        try:
            cst.parse_module(new_text)
        except Exception as error:  # noqa: BLE001 - any parser failure: keep the last good text
            note = f"a fix gave code that does not parse ({type(error).__name__}); not applied"
            return FixedText(text, diagnostics, fixed, note)
        new_diagnostics = lint(new_text)
        if any(d.code == SYNTAX_ERROR for d in new_diagnostics):
            note = "a fix gave code that does not parse; not applied"
            return FixedText(text, diagnostics, fixed, note)
        fixed.update(fixes[index].code for index in applied)
        text, diagnostics = new_text, new_diagnostics
    pending = sum(1 for d in diagnostics if d.fix is not None and d.fix.applies(unsafe))
    note = f"{pending} fix(es) still pending after {MAX_ROUNDS} rounds" if pending else ""
    return FixedText(text, diagnostics, fixed, note)


@dataclass
class FileFix:
    """One file's outcome: its original and fixed text, as shown, and whether it was written."""

    path: Path
    shown: str
    original: str
    result: FixedText
    is_written: bool = False

    @property
    def changed(self) -> bool:
        return self.result.text != self.original


@dataclass
class FixRun:
    """Every file's diagnostics after fixing (in the order of the input), and the files fixed."""

    diagnostics: list[Diagnostic]
    files: list[FileFix]
    warnings: list[str]

    @property
    def fixed(self) -> int:
        return sum(sum(item.result.fixed.values()) for item in self.files)


def fix_files(
    files: Sequence[Path],
    shown: Sequence[str],
    diagnostics: Sequence[Diagnostic],
    settings: Settings,
    *,
    unsafe: bool,
    write: bool,
) -> FixRun:
    """Fix the files whose ``diagnostics`` (a run's, as ``lint_files`` returned them) have an
    applicable fix; write them back when ``write``. Other files keep their diagnostics."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    todo = [
        index
        for index, name in enumerate(shown)
        if any(d.fix is not None and d.fix.applies(unsafe) for d in by_path.get(name, ()))
    ]
    outcomes: dict[str, FileFix] = {}
    warnings: list[str] = []
    if todo:
        run = LintRun(settings, files)
        for index in todo:
            outcome = _fix_file(run, files[index], shown[index], unsafe, write, warnings)
            if outcome is not None:
                outcomes[shown[index]] = outcome
    result: list[Diagnostic] = []
    for name in dict.fromkeys([*shown, *by_path]):
        if name in outcomes:
            result.extend(outcomes[name].result.diagnostics)
        else:
            result.extend(by_path.get(name, ()))
    return FixRun(result, list(outcomes.values()), warnings)


def _fix_file(
    run: LintRun, path: Path, shown: str, unsafe: bool, write: bool, warnings: list[str]
) -> FileFix | None:
    try:
        data = read_source(path, run.settings.max_file_size)
        text, encoding = decode(data)
    except Exception as error:  # noqa: BLE001 - unreadable since it was linted: leave it
        warnings.append(f"{shown}: not fixed: {error}")
        return None
    linter = run.linter.linter_for(path)

    def lint(source: str) -> list[Diagnostic]:
        return linter.lint_text(source, shown)

    result = fix_text(text, lint(text), lint, unsafe=unsafe)
    if result.note:
        warnings.append(f"{shown}: {result.note}")
    outcome = FileFix(path, shown, text, result)
    if write and outcome.changed:
        problem = write_fixed(path, data, result.text, encoding)
        if problem:
            warnings.append(f"{shown}: not fixed: {problem}")
            outcome.result = FixedText(text, lint(text), Counter(), problem)
        else:
            outcome.is_written = True
    return outcome


def write_fixed(path: Path, original: bytes, text: str, encoding: str) -> str:
    """Write ``text`` over ``path`` (read as ``original``); "" on success, else why not."""
    try:
        cst.parse_module(text)
    except Exception:  # noqa: BLE001
        return "the fixed code does not parse (please report this)"
    try:
        data = text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return f"the fixed code cannot be encoded as {encoding}"
    if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
        data = codecs.BOM_UTF8 + data
    target = Path(os.path.realpath(path))  # a symlink keeps pointing at the fixed file
    try:
        if target.read_bytes() != original:
            return "it changed on disk while it was being fixed"
        _replace(target, original, data)
    except _Changed:
        return "it changed on disk while it was being fixed"
    except OSError as error:
        return f"cannot write it: {error.strerror or error}"
    return ""


def _replace(target: Path, original: bytes, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` (with its mode), then rename it over
    ``target``, unless ``target`` no longer holds ``original``."""
    mode = stat.S_IMODE(target.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        if target.read_bytes() != original:  # checked again, just before the rename
            raise _Changed
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Changed(Exception):
    pass
