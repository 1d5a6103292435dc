"""One ``# noqa`` rule for every front end (flake8's): the physical lines that a multi-line
string or a backslash continuation spans count as one line, so a ``# noqa`` at the end of the span
covers a finding on any of them; ``--add-noqa`` writes the comment there."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tokenize
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings

from fastlint.engine.noqa import NoqaLines, joined_spans, text_spans
from fastlint.engine.source import LineIndex

HEADER = "import time\nimport requests\n\n\n"
ONLY = ("--select", "FST101")

# Each case: the body of an ``async def`` with one blocking call, whose finding is on the first
# line of a span, and whether the noqa comment (always on the span's last line) suppresses it.
CASES = {
    "string": ('    requests.get("""http://x\n""")  # noqa: FST101\n', True),
    "string-other-code": ('    requests.get("""http://x\n""")  # noqa: E501\n', False),
    "string-blanket": ('    requests.get("""a\nb\nc""")  # noqa\n', True),
    "backslash": ('    x = requests.get("a") + \\\n        1  # noqa: FST101\n', True),
    "backslash-twice": ("    x = time.sleep(1) or \\\n        2 or \\\n        3  # noqa\n", True),
    "string-then-backslash": (
        '    x = requests.get("""a\n""") + \\\n        "b"  # noqa: FST101\n',
        True,
    ),
    # inside brackets each physical line is its own: the noqa must be on the reported line
    "brackets": ("    time.sleep(\n        1)  # noqa: FST101\n", False),
    "brackets-same-line": ("    time.sleep(  # noqa: FST101\n        1)\n", True),
    "single-quoted-continued-string": ('    requests.get("a\\\nb")  # noqa: FST101\n', True),
}


def _file(case: str) -> str:
    return f"case_{case.replace('-', '_')}.py"  # not a stdlib name: ``python -m`` imports from "."


def _project(tmp_path: Path) -> Path:
    for name, (body, _) in CASES.items():
        source = f"{HEADER}async def handler() -> None:\n{body}    time.sleep(2)\n"
        (tmp_path / _file(name)).write_text(source)
    return tmp_path


def _fastlint(cwd: Path, *args: str) -> set[tuple[str, int, str]]:
    # FST101 alone: the cases are about its noqa spans (the calls also lack timeouts, FST407)
    command = [sys.executable, "-m", "fastlint", "check", "--isolated", "--no-cache", *ONLY, *args]
    done = subprocess.run(
        [*command, "--output-format", "json-lines", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    found = set()
    for line in done.stdout.splitlines():
        record = json.loads(line)
        path = Path(record["filename"]).name
        found.add((path, record["location"]["row"], record["code"]))
    return found


def _flake8(cwd: Path) -> set[tuple[str, int, str]]:
    output = "--format=%(path)s|%(row)d|%(code)s"
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "FST101", output, "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    found = set()
    for line in done.stdout.splitlines():
        path, row, code = line.split("|")
        found.add((Path(path).name, int(row), code))
    return found


def test_fastlint_and_flake8_suppress_the_same_findings(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ours = _fastlint(project)
    assert ours == _flake8(project)
    for name, (_, suppressed) in CASES.items():
        rows = {row for path, row, _ in ours if path == _file(name)}
        assert (6 not in rows) is suppressed, name  # the span's first line: the call
        assert len(rows) == (1 if suppressed else 2), name  # the unsuppressed sleep(2) stays


def test_add_noqa_writes_at_the_end_of_the_span(tmp_path: Path) -> None:
    source = (
        f"{HEADER}async def handler() -> None:\n"
        '    requests.get("""http://x\n'
        '""")\n'
        '    x = requests.get("a") + \\\n'
        "        time.sleep(1)\n"
        "    return x\n"
    )
    (tmp_path / "a.py").write_text(source)
    assert len(_fastlint(tmp_path)) == 3
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "fastlint",
            "check",
            "--isolated",
            "--no-cache",
            *ONLY,
            "--add-noqa",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no noqa added" not in done.stdout + done.stderr
    after = (tmp_path / "a.py").read_text().splitlines()
    assert after[6] == '""")  # noqa: FST101'
    assert after[8] == "        time.sleep(1)  # noqa: FST101"  # two findings, one comment
    assert _fastlint(tmp_path) == set() == _flake8(tmp_path)


def test_spans_are_flake8s() -> None:
    text = 'x = """a\nb"""\ny = 1 + \\\n  2\nf(\n  """a\nb""",\n)\nz = 3\n'
    assert text_spans(text) == {
        1: (1, 2),
        2: (1, 2),
        3: (3, 4),
        4: (3, 4),
        6: (6, 7),
        7: (6, 7),
    }
    assert text_spans("x = (\n") == {}  # does not tokenize: every line alone, as in flake8


@pytest.mark.parametrize("row", [1, 2])
def test_noqa_lines_read_the_whole_span(row: int) -> None:
    text = 'x = """a\nb"""  # noqa: FST101\n'
    noqa = NoqaLines(text, LineIndex(text).starts)
    assert noqa.is_suppressed(row, "FST101")
    assert not noqa.is_suppressed(row, "FST501")


def test_no_tokenizing_without_the_word_noqa() -> None:
    text = 'x = """a\nb"""\n'
    noqa = NoqaLines(text, LineIndex(text).starts)
    assert not noqa.is_suppressed(1, "FST101")
    assert noqa._spans is None


def _tokenized_spans(text: str) -> dict[int, tuple[int, int]]:
    """flake8's spans, from the tokenizer (what ``text_spans`` reads without it)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return joined_spans((t.type, t.start[0], t.end[0]) for t in tokens)


TRICKY_SPANS = [
    'x = """a\nb""" + """c\nd"""\n',  # two strings on one row join into one span
    'x = """a\nb""" """c\n\nd"""  # noqa\ny = 1\n',
    "x = '''a\\\n'''\n",
    "x = 'a\\\nb'\ny = \"c\\\r\nd\"\n",  # backslash line breaks in one-quote strings
    "x = 1 + \\\n  2 + \\\n  3\n",
    'f(\n  """a\nb""",\n  """c\nd""",\n)\n',
    '# a quote in a comment: \' and """\nx = 1\n',
    's = \'#\' + """\n# not a comment\n"""\n',
    "s = rb'''a\\'''' + 'b'\nt = f\"\"\"{x}\n{y!r}\"\"\"\n",
    'x = "\\\\"\ny = """\\\\"""\nz = 1 + \\\n 2\n',
    "def f():\n    '''doc\n    string'''\n    return 1\n",
    "x = 1\r\ny = '''a\r\nb'''\r\n",
]


@pytest.mark.parametrize("text", TRICKY_SPANS)
def test_spans_agree_with_the_tokenizer(text: str) -> None:
    assert text_spans(text, LineIndex(text).starts) == _tokenized_spans(text)


def test_spans_agree_with_the_tokenizer_on_the_fixtures() -> None:
    root = Path(__file__).resolve().parent.parent
    checked = 0
    for path in sorted([*root.glob("fixtures/**/*.py"), *root.glob("src/**/*.py")]):
        text = path.read_text(encoding="utf-8")
        try:
            expected = _tokenized_spans(text)
        except (tokenize.TokenError, SyntaxError):
            continue  # a fixture of a syntax error: no finding is placed in it
        assert text_spans(text) == expected, path
        checked += 1
    assert checked > 50


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(source=hypothesmith.from_grammar())
def test_spans_agree_with_the_tokenizer_on_generated_programs(source: str) -> None:
    try:
        expected = _tokenized_spans(source)
    except (tokenize.TokenError, SyntaxError):
        return
    assume("\r" not in source and "\f" not in source)  # the tokenizer's rows differ there
    assert text_spans(source) == expected
