"""Lint files in worker processes.

Each worker builds its ``FileLinter`` once and then lints chunks of files, sending one result per
file back as soon as it has it. The parent therefore always knows which file a worker was on: if
a worker dies (a crash in native code, the kernel's OOM killer), that file is reported as FST001,
the rest of its chunk goes back in the queue and a fresh worker takes over. No other result is
lost, and the caller orders results by file, so the output never depends on scheduling.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from pathlib import Path

from fastlint.config.settings import Settings
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.runner import FileLinter, Result, engine_error, read_and_lint

Task = tuple[int, str, str, int]  # index, path, shown path, size in bytes
Done = Callable[[int, Result], None]
# Chunks small enough to balance the end of the run, large enough that messages cost little.
_CHUNKS_PER_WORKER = 16
_MAX_CHUNK = 64


def make_chunks(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Largest files first, so the last chunks are small ones that even out the workers."""
    ordered = sorted(tasks, key=lambda task: (-task[3], task[0]))
    target = max(sum(task[3] for task in tasks) // (jobs * _CHUNKS_PER_WORKER), 1)
    chunks: list[list[Task]] = []
    current: list[Task] = []
    size = 0
    for task in ordered:
        current.append(task)
        size += task[3]
        if size >= target or len(current) >= _MAX_CHUNK:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _serve(conn: Connection, settings: Settings) -> None:
    """A worker: lint each chunk it is sent, one message per file, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    linter = FileLinter(settings)
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        for index, path, shown, _ in chunk:
            conn.send((index, read_and_lint(linter, Path(path), shown)))


class _Worker:
    def __init__(self, context: BaseContext, settings: Settings) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, settings), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.pending: deque[Task] = deque()  # sent, no result yet, in the order it lints them

    def assign(self, chunk: list[Task]) -> None:
        self.pending.extend(chunk)
        self.conn.send(chunk)

    def drain(self, done: Done) -> bool:
        """Take the results that arrived; False when the worker is gone."""
        # Checked first: whatever a dead worker sent before dying is in the pipe by now.
        alive = self.process.is_alive()
        try:
            while self.conn.poll():
                index, result = self.conn.recv()
                self.pending.popleft()
                done(index, result)
        except Exception:  # EOF or a message cut short: the worker died
            alive = False
        if not alive:
            self.process.kill()
            self.process.join()
        return alive

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _context() -> BaseContext:
    # fork is by far the cheapest start (nothing to import again), but only safe without threads.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def lint_in_workers(tasks: Sequence[Task], settings: Settings, jobs: int, done: Done) -> None:
    """Lint in ``jobs`` worker processes, calling ``done(index, result)`` as each file is done."""
    queue = deque(make_chunks(tasks, jobs))
    context = _context()
    workers = [_Worker(context, settings) for _ in range(min(jobs, len(queue)))]
    try:
        for worker in workers:
            worker.assign(queue.popleft())
        while any(worker.pending for worker in workers):
            busy = [worker for worker in workers if worker.pending]
            wait([worker.conn for worker in busy] + [worker.process.sentinel for worker in busy])
            for position, worker in enumerate(workers):
                workers[position] = _service(worker, queue, done, context, settings)
    finally:
        for worker in workers:
            worker.stop()


def _service(
    worker: _Worker,
    queue: deque[list[Task]],
    done: Done,
    context: BaseContext,
    settings: Settings,
) -> _Worker:
    """Collect a worker's results and give it more work; replace it if it died."""
    if not worker.drain(done):
        if worker.pending:
            remaining = _report_crash(worker, done)
            if remaining:
                queue.appendleft(remaining)  # re-run by the replacement, nothing is lost
        worker.conn.close()
        worker = _Worker(context, settings) if queue else worker
    if not worker.pending and queue:
        worker.assign(queue.popleft())
    return worker


def _report_crash(worker: _Worker, done: Done) -> list[Task]:
    """The first file without a result is the one the worker died on; returns the others."""
    index, _, shown, _ = worker.pending.popleft()
    detail = f"the worker process died while linting it (exit code {worker.process.exitcode})"
    crash: list[Diagnostic] = [engine_error(shown, detail)]
    done(index, (None, crash))
    remaining = list(worker.pending)
    worker.pending.clear()
    return remaining
