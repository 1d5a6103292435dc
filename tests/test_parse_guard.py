"""No file can take down the run: code nested too deeply for libcst's native parser (which would
overflow its stack: SIGSEGV, exit 139) is reported as FST000 and the other files are linted; a
file that could not be linted is reported whatever is selected (issue 9, items 1 and 6)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from fastlint.engine import parse_guard

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"

# Valid Python that kills libcst 1.9's parser on an 8 MiB stack (measured: the parser dies at
# about 1,250 nested brackets, 3,500 lambdas, 5,900 attributes, 7,100 ``and`` terms).
CRASHERS = {
    "and_chain": "x = " + " and ".join(["a"] * 8_000) + "\n",
    "parens": "x = " + "(" * 3_000 + "a" + ")" * 3_000 + "\n",
    "lists": "x = " + "[" * 3_000 + "]" * 3_000 + "\n",
    "calls": "x = " + "f(" * 3_000 + "a" + ")" * 3_000 + "\n",
    "plus_chain": "x = " + " + ".join(["a"] * 8_000) + "\n",
    "lambdas": "x = " + "lambda: " * 5_000 + "a\n",
    "attributes": "x = a" + ".b" * 8_000 + "\n",
    "in_a_function": "def f():\n    if a:\n        return g(" + "[" * 2_000 + "]" * 2_000 + ")\n",
}


def _check(cwd: Path, *args: str, stack: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit_stack() -> None:
        if stack is not None:
            resource.setrlimit(resource.RLIMIT_STACK, (stack, resource.RLIM_INFINITY))

    command = [sys.executable, "-m", "fastlint", "check", "--isolated", "--no-cache", *args]
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=limit_stack,
    )


def _project(tmp_path: Path, names: list[str]) -> Path:
    for name in names:
        (tmp_path / f"deep_{name}.py").write_text(CRASHERS[name])
    (tmp_path / "blocking.py").write_text(BLOCKING)
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    return tmp_path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_crashing_files_are_fst000_and_the_rest_is_linted(tmp_path: Path, jobs: str) -> None:
    names = list(CRASHERS)[:4] if jobs == "1" else list(CRASHERS)
    project = _project(tmp_path, names)  # fewer than 8 files with --jobs 1: in one process
    done = _check(project, "--jobs", jobs, ".")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in names:
        [line] = [line for line in lines if line.startswith(f"deep_{name}.py:")]
        assert ": FST000 Too deeply nested for the parser (depth " in line, line
        assert line.endswith("the file was not linted"), line
    assert any(line.startswith("blocking.py:5:5: FST101") for line in lines)
    assert any(line.startswith("broken.py:1:7: FST000 SyntaxError") for line in lines)


def test_selection_never_hides_a_file_that_could_not_be_linted(tmp_path: Path) -> None:
    project = _project(tmp_path, ["parens"])
    for selection in (["--select", "FST1"], ["--ignore", "FST000"], ["--select", "FST501"]):
        done = _check(project, "--jobs", "1", *selection, ".")
        assert done.returncode == 1, done.stdout + done.stderr
        assert "broken.py:1:7: FST000" in done.stdout
        assert "deep_parens.py:1:" in done.stdout
        assert ("FST101" in done.stdout) is (selection != ["--select", "FST501"])


def test_a_smaller_stack_gets_a_smaller_limit(tmp_path: Path) -> None:
    # 1,200 ``and`` terms pass on 8 MiB but kill the parser on a 1 MiB stack (`ulimit -s 1024`)
    (tmp_path / "chain.py").write_text("x = " + " and ".join(["a"] * 1_200) + "\n")
    (tmp_path / "blocking.py").write_text(BLOCKING)
    alone = subprocess.run(
        [sys.executable, "-c", "import libcst; libcst.parse_module(open('chain.py').read())"],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_STACK, (1 << 20, 1 << 20)),
    )
    assert alone.returncode < 0  # the bare parser dies there
    done = _check(tmp_path, "--jobs", "1", ".", stack=1 << 20)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "chain.py:1:" in done.stdout and "FST000 Too deeply nested" in done.stdout
    assert "blocking.py:5:5: FST101" in done.stdout
    assert _check(tmp_path, "--jobs", "1", ".").stdout.count("FST000") == 0  # fine on 8 MiB


def _flake8(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """flake8 with fastlint's plugin and without flake8-async, which parses with libcst too and
    would crash on these files by itself."""
    program = (
        "import sys\n"
        "from flake8.plugins import finder\n"
        "found = finder.find_plugins\n"
        "def mine(*args, **kwargs):\n"
        "    return [p for p in found(*args, **kwargs) if p.package != 'flake8-async']\n"
        "finder.find_plugins = mine\n"
        "from flake8.main.cli import main\n"
        "sys.exit(main())\n"
    )
    command = [sys.executable, "-c", program, "--isolated", "--select", "FST", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_flake8_plugin_survives(tmp_path: Path, jobs: str) -> None:
    # CPython's parser (flake8's ast) takes this and-chain; libcst's alone would die on it.
    (tmp_path / "chain.py").write_text(CRASHERS["and_chain"])
    (tmp_path / "blocking.py").write_text(BLOCKING)
    done = _flake8(tmp_path, "-j", jobs, ".")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "chain.py:1:" in done.stdout and "FST000 Too deeply nested" in done.stdout
    assert "blocking.py:5:5: FST101" in done.stdout


def test_the_guard_lets_real_code_through(root: Path) -> None:
    for path in sorted((root / "src").rglob("*.py")) + sorted((root / "fixtures").rglob("*.py")):
        assert parse_guard.check(path.read_text("utf-8")) is None, path


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("x = " + "(" * 249 + "a" + ")" * 249 + "\n", False),
        ("x = " + "(" * 251 + "a" + ")" * 251 + "\n", True),
        ("x = [" + ", ".join(["(1, [2])"] * 5_000) + "]\n", False),  # siblings do not nest
        ("x = (\n" + "".join("    a +\n" for _ in range(1_600)) + "    a)\n", True),
        ("x = a \\\n" + "".join("  and a \\\n" for _ in range(1_600)) + "  and a\n", True),
        ('x = "' + "(" * 5_000 + '"\n', False),  # brackets in strings and comments are not code
        ("# " + "[" * 5_000 + "\nx = 1\n", False),
        ('x = f"{' + "(" * 300 + "a" + ")" * 300 + '}"\n', True),  # f-string fields are code
        ("if a:\n    pass\n" + "elif a:\n    pass\n" * 601, True),
        ("".join("if a:\n    pass\n" + "elif a:\n    pass\n" * 100 for _ in range(20)), False),
    ],
)
def test_measure(source: str, refused: bool) -> None:
    assert (parse_guard.check(source) is not None) is refused


def test_the_limit_follows_the_stack() -> None:
    assert parse_guard.max_units() == parse_guard.MAX_UNITS or os.name != "posix"
    import threading

    seen: list[int] = []
    previous = threading.stack_size(1 << 20)
    try:
        worker = threading.Thread(target=lambda: seen.append(parse_guard.max_units()))
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous)
    assert seen[0] < parse_guard.MAX_UNITS // 4
