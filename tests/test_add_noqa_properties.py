"""``--add-noqa`` never breaks a file: on generated programs and any choice of reported lines,
the result parses, keeps every line ending and line count, and silences what it says it did."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import hypothesmith
import libcst as cst
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.noqa import is_suppressed
from fastlint.frontends.add_noqa import add_noqa

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _lines(text: str) -> list[str]:
    return [line for line in _LINES.findall(text) if line]


def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except Exception:
        return False
    return True


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(source=hypothesmith.from_grammar(), data=st.data())
def test_add_noqa_keeps_generated_programs_parsing(source: str, data: st.DataObject) -> None:
    assume(_parses(source) and source.strip())
    before = _lines(source)
    rows = data.draw(st.sets(st.integers(1, len(before)), min_size=1, max_size=5))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "generated.py"
        path.write_bytes(source.encode("utf-8"))
        found = [Diagnostic(str(path), row, 1, "FST101", "m", row, 1) for row in sorted(rows)]
        result = add_noqa(found)
        after_text = path.read_bytes().decode("utf-8")
    assert _parses(after_text)
    after = _lines(after_text)
    assert len(after) == len(before)
    skipped = {row for _, row, _ in result.skipped}
    for row, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        assert new[len(new.rstrip("\r\n")) :] == old[len(old.rstrip("\r\n")) :]  # same ending
        if row not in rows or row in skipped or 0 in skipped:
            assert new == old
        else:
            assert is_suppressed(new.rstrip("\r\n"), "FST101")
