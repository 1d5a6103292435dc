"""Lint files in worker processes.

Each worker builds its ``FileLinter`` once and then lints chunks of files, sending one result per
file back as soon as it has it. The parent therefore always knows which file a worker was on: if
a worker dies (a crash in native code, the kernel's OOM killer), that file is reported as FST001,
a fresh worker takes over the rest of its chunk. No other result is lost, and the caller orders
results by file, so the output never depends on scheduling.
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
from fastlint.run.runner import (
    FileLinter,
    Result,
    engine_error,
    read_and_lint,
    tune_gc_for_batch,
)

Task = tuple[int, str, str, int]  # index, path, shown path, size in bytes
Done = Callable[[int, Result], None]
# Chunks small enough to balance the end of the run, large enough that messages cost little.
_CHUNKS_PER_WORKER = 16
_MAX_CHUNK = 64


def make_chunks(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Runs of neighbouring files (in the order given: by path), of about equal size."""
    target = max(sum(task[3] for task in tasks) // (jobs * _CHUNKS_PER_WORKER), 1)
    chunks: list[list[Task]] = []
    current: list[Task] = []
    size = 0
    for task in tasks:
        current.append(task)
        size += task[3]
        if size >= target or len(current) >= _MAX_CHUNK:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


class Plan:
    """Which chunk each worker lints next. Worker k works through the k-th stretch of the
    files, so files of one package (and the modules a project-wide rule reads for them) stay in
    one process; a worker whose stretch is done takes chunks from the end of the largest one."""

    def __init__(self, chunks: list[list[Task]], jobs: int) -> None:
        total = sum(_size(chunk) for chunk in chunks)
        self.stretches: list[deque[list[Task]]] = [deque() for _ in range(jobs)]
        done = 0
        for chunk in chunks:
            self.stretches[min(done * jobs // max(total, 1), jobs - 1)].append(chunk)
            done += _size(chunk)

    def __bool__(self) -> bool:
        return any(self.stretches)

    def next_for(self, position: int) -> list[Task] | None:
        own = self.stretches[position]
        if own:
            return own.popleft()
        largest = max(self.stretches, key=lambda stretch: sum(map(_size, stretch)))
        return largest.pop() if largest else None

    def give_back(self, position: int, chunk: list[Task]) -> None:
        self.stretches[position].appendleft(chunk)


def _size(chunk: list[Task]) -> int:
    return sum(task[3] for task in chunk) or 1


def _serve(conn: Connection, settings: Settings) -> None:
    """A worker: lint each chunk it is sent, one message per file, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    tune_gc_for_batch()  # inherited under fork, not under spawn
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
    """One worker process, its end of the pipe and the files it was sent but not yet done."""

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
        received: list[tuple[int, Result]] = []
        try:
            while self.conn.poll():
                received.append(self.conn.recv())
        except Exception:  # EOF or a message cut short: the worker died
            alive = False
        for index, result in received:
            self.pending.popleft()
            done(index, result)
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
    chunks = make_chunks(tasks, jobs)
    jobs = min(jobs, len(chunks))
    plan = Plan(chunks, jobs)
    context = _context()
    workers = [_Worker(context, settings) for _ in range(jobs)]
    try:
        for position, worker in enumerate(workers):
            worker.assign(plan.next_for(position) or [])
        while any(worker.pending for worker in workers):
            busy = [worker for worker in workers if worker.pending]
            wait([worker.conn for worker in busy] + [worker.process.sentinel for worker in busy])
            for position, worker in enumerate(workers):
                workers[position] = _service(worker, position, plan, done, (context, settings))
    except BaseException:  # Ctrl-C or a failure here: do not wait for the workers' chunks
        for worker in workers:
            worker.process.kill()
        raise
    finally:
        for worker in workers:
            worker.stop()


def _service(
    worker: _Worker,
    position: int,
    plan: Plan,
    done: Done,
    start: tuple[BaseContext, Settings],
) -> _Worker:
    """Collect a worker's results and give it more work; replace it if it died."""
    if not worker.drain(done):
        if worker.pending:
            remaining = _report_crash(worker, done)
            if remaining:
                plan.give_back(position, remaining)  # for the replacement: nothing is lost
        worker.conn.close()
        worker = _Worker(*start) if plan else worker
    if not worker.pending and plan:
        chunk = plan.next_for(position)
        if chunk:
            worker.assign(chunk)
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
