"""Lint files in worker processes.

Each worker builds its ``FileLinter`` once and then lints chunks of files, sending one result per
file back as soon as it has it. The parent therefore always knows which file a worker was on: if
a worker dies (a crash in native code, the kernel's OOM killer), that file is reported as FST001,
a fresh worker takes over the rest of its chunk. No other result is lost, and the caller orders
results by file, so the output never depends on scheduling.

Workers never outlive the parent: on Linux each asks the kernel for SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); everywhere, a worker waiting for work checks that its parent is
still its parent, and stops at the end of its pipe. While the pool runs, SIGTERM stops the
workers before the parent exits (status 143), as Ctrl-C (KeyboardInterrupt) does.

Memory stays bounded with big files: a file above ``BIG_FILE`` bytes (libcst needs about 250
times a file's size) is a chunk of its own, at most one such file is linted at a time in the
whole pool, and the worker that linted it is replaced by a fresh one (CPython does not give
the memory of a freed tree back to the system).
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from pathlib import Path

from fastlint.engine.diagnostic import Diagnostic
from fastlint.run.session import LintRun, Result, engine_error, tune_gc_for_batch

Task = tuple[int, str, str, int]  # index, path, shown path, size in bytes
Done = Callable[[int, Result], None]
# Chunks small enough to balance the end of the run, large enough that messages cost little.
_CHUNKS_PER_WORKER = 16
_MAX_CHUNK = 64
# Files above this many bytes are linted one at a time, each by a fresh worker.
BIG_FILE = 1024 * 1024
# How often (seconds) a worker waiting for work checks that its parent is alive.
_PARENT_CHECK = 1.0
_PR_SET_PDEATHSIG = 1


def make_chunks(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Runs of neighbouring files (in the order given: by path), of about equal size."""
    target = max(sum(task[3] for task in tasks) // (jobs * _CHUNKS_PER_WORKER), 1)
    chunks: list[list[Task]] = []
    current: list[Task] = []
    size = 0
    for task in tasks:
        if task[3] > BIG_FILE:
            chunks.append([task])  # alone: the plan keeps big files apart
            continue
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
        self.big: deque[list[Task]] = deque(chunk for chunk in chunks if is_big(chunk))
        self.big_running = False  # a big file is being linted: no other until it is done
        chunks = [chunk for chunk in chunks if not is_big(chunk)]
        total = sum(_size(chunk) for chunk in chunks)
        self.stretches: list[deque[list[Task]]] = [deque() for _ in range(jobs)]
        done = 0
        for chunk in chunks:
            self.stretches[min(done * jobs // max(total, 1), jobs - 1)].append(chunk)
            done += _size(chunk)

    def __bool__(self) -> bool:
        return bool(self.big) or any(self.stretches)

    def next_for(self, position: int) -> list[Task] | None:
        if self.big and not self.big_running:  # first, so they do not all wait for the end
            self.big_running = True
            return self.big.popleft()
        own = self.stretches[position]
        if own:
            return own.popleft()
        largest = max(self.stretches, key=lambda stretch: sum(map(_size, stretch)))
        return largest.pop() if largest else None

    def give_back(self, position: int, chunk: list[Task]) -> None:
        self.stretches[position].appendleft(chunk)


def is_big(chunk: list[Task]) -> bool:
    """Whether a chunk is one file above ``BIG_FILE`` bytes (linted one at a time, first)."""
    return len(chunk) == 1 and chunk[0][3] > BIG_FILE


def _size(chunk: list[Task]) -> int:
    return sum(task[3] for task in chunk) or 1


def _serve(conn: Connection, run: LintRun, parent: int) -> None:
    """A worker: lint each chunk it is sent, one message per file, until told to stop (or
    until the parent is gone)."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, under fork
    tune_gc_for_batch()  # inherited under fork, not under spawn
    while True:
        try:
            while not conn.poll(_PARENT_CHECK):
                if os.getppid() != parent:
                    return  # orphaned (the parent-death signal is Linux-only)
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for index, path, shown, _ in chunk:
            conn.send((index, run.lint(Path(path), shown)))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies; exit if it already has."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


@functools.lru_cache(maxsize=1)
def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


class _Worker:
    """One worker process, its end of the pipe and the files it was sent but not yet done."""

    def __init__(self, context: BaseContext, run: LintRun) -> None:
        self.conn, child = context.Pipe()
        args = (child, run, os.getpid())
        self.process = context.Process(target=_serve, args=args, daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.pending: deque[Task] = deque()  # sent, no result yet, in the order it lints them
        self.big = False  # linting a big file: replaced by a fresh worker once it is done

    def assign(self, chunk: list[Task]) -> None:
        self.pending.extend(chunk)
        self.big = is_big(chunk)
        self.conn.send(chunk)

    def drain(self, done: Done) -> bool:
        """Take the results that arrived; False when the worker is gone."""
        # Checked first: whatever a dead worker sent before dying is in the pipe by now.
        is_alive = self.process.is_alive()
        received: list[tuple[int, Result]] = []
        try:
            while self.conn.poll():
                received.append(self.conn.recv())
        except Exception:  # EOF or a message cut short: the worker died
            is_alive = False
        for index, result in received:
            self.pending.popleft()
            done(index, result)
        if not is_alive:
            self.process.kill()
            self.process.join()
        return is_alive

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
    # Else spawn, never forkserver (3.14's default on Linux): a worker's parent must be this
    # process, for the parent-death checks.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def lint_in_workers(tasks: Sequence[Task], run: LintRun, jobs: int, done: Done) -> None:
    """Lint in ``jobs`` worker processes, calling ``done(index, result)`` as each file is done."""
    chunks = make_chunks(tasks, jobs)
    jobs = min(jobs, len(chunks))
    plan = Plan(chunks, jobs)
    context = _context()
    _prctl()  # looked up once, before the workers fork
    workers: list[_Worker] = []
    with _terminate_as_exit():
        try:
            workers.extend(_Worker(context, run) for _ in range(jobs))
            for position, worker in enumerate(workers):
                worker.assign(plan.next_for(position) or [])
            while any(worker.pending for worker in workers):
                busy = [worker for worker in workers if worker.pending]
                wait(
                    [worker.conn for worker in busy] + [worker.process.sentinel for worker in busy]
                )
                for position, worker in enumerate(workers):
                    workers[position] = _service(worker, position, plan, done, (context, run))
        except BaseException:  # Ctrl-C, SIGTERM or a failure: do not wait for their chunks
            for worker in workers:
                worker.process.kill()
            raise
        finally:
            for worker in workers:
                worker.stop()


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While the pool runs, SIGTERM (a CI timeout, ``kill``) raises ``SystemExit(143)`` so that
    the workers are stopped first; only when SIGTERM has its default action, in the main
    thread (a front end that handles SIGTERM itself keeps its handler)."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _service(
    worker: _Worker,
    position: int,
    plan: Plan,
    done: Done,
    start: tuple[BaseContext, LintRun],
) -> _Worker:
    """Collect a worker's results and give it more work; replace it if it died, or when it is
    done with a big file (so its memory goes back to the system)."""
    if not worker.drain(done):
        if worker.pending:
            remaining = _report_crash(worker, done)
            if remaining:
                plan.give_back(position, remaining)  # for the replacement: nothing is lost
        if worker.big:
            plan.big_running = False
        worker.conn.close()
        worker = _Worker(*start) if plan else worker
    elif worker.big and not worker.pending:
        plan.big_running = False
        worker.stop()
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
    done(index, (None, crash, "", None))
    remaining = list(worker.pending)
    worker.pending.clear()
    return remaining
