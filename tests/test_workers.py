"""Worker processes never outlive ``fastlint check``: killed (SIGKILL, SIGTERM) or interrupted
(Ctrl-C), the parent leaves no child behind; Ctrl-C exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the process tree from /proc"
)

# Enough work that the run is still going when it is killed: 24 files, ~3,000 lines each.
FUNCTION = "async def handler_{i}(items=[]):\n" + "".join(
    f"    value_{j} = [x * {j} for x in items if x > {j}]\n" for j in range(12)
)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """State, parent pid and start time of a process (None when it is gone)."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def _children(pid: int) -> dict[int, int]:
    """The child processes of ``pid``: pid -> start time."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid and stat[0] != "Z":
                found[int(entry.name)] = stat[2]
    return found


def _alive(pid: int, started: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[2] == started and stat[0] not in ("Z", "X")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for index in range(24):
        body = "".join(FUNCTION.format(i=i) for i in range(230))
        (tmp_path / f"module_{index:02}.py").write_text(body, encoding="utf-8")
    return tmp_path


def _start(project: Path) -> tuple[subprocess.Popen[bytes], dict[int, int]]:
    """``fastlint check --jobs 2`` on ``project``, once both its workers are running."""
    command = [sys.executable, "-m", "fastlint", "check", "--jobs", "2", "--no-cache", "-q", "."]
    process = subprocess.Popen(
        command,
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 30
    children: dict[int, int] = {}
    while time.monotonic() < deadline and process.poll() is None:
        children = _children(process.pid)
        if len(children) >= 2:
            return process, children
        time.sleep(0.02)
    process.kill()
    process.wait()
    pytest.fail(f"the workers did not start (exit {process.returncode})")


def _wait_gone(children: dict[int, int], seconds: float = 15.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid, started in children.items() if _alive(pid, started)]
        if not left:
            return []
        time.sleep(0.05)
    return left


def _cleanup(children: dict[int, int]) -> None:
    for pid, started in children.items():
        if _alive(pid, started):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_parent_leaves_no_worker_behind(project: Path, signum: int) -> None:
    process, children = _start(project)
    try:
        os.kill(process.pid, signum)
        process.wait(timeout=30)
        assert _wait_gone(children) == []
    finally:
        _cleanup(children)
    # SIGTERM stops the pool first, then exits 128 + 15; SIGKILL cannot be caught.
    assert process.returncode == (143 if signum == signal.SIGTERM else -signal.SIGKILL)


def test_ctrl_c_stops_the_workers_and_exits_130(project: Path) -> None:
    process, children = _start(project)
    try:
        os.killpg(process.pid, signal.SIGINT)  # the whole foreground job, as a terminal does
        process.wait(timeout=30)
        assert _wait_gone(children) == []
    finally:
        _cleanup(children)
    assert process.returncode == 130
    assert b"Aborted" not in process.stderr.read()  # type: ignore[union-attr]
