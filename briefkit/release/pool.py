"""A small process pool for renderers: one task at a time per worker process, a time limit per
task, a worker that dies reported against the task it was running, and a worker replaced once its
memory passes a limit (WeasyPrint's grows across renders, most with Chinese fonts) or after a
number of tasks.

concurrent.futures.ProcessPoolExecutor cannot do the middle two: a dead worker breaks the whole
pool without saying which task killed it, and a task that hangs cannot be stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

Task = TypeVar("Task")
STOP_GRACE = 5.0  # seconds a stopped worker gets to remove its temporary file before SIGKILL
WATCH_INTERVAL = 0.5  # seconds between a worker's checks that its build is still there
_PR_SET_PDEATHSIG = 1


TIMEOUT = 300.0  # seconds one artifact may take before its renderer is stopped


def cores() -> int:
    """Return the number of cores this process may run on (a container may allow fewer)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Crashed:
    """A task whose worker process died or ran past the time limit."""

    reason: str


@dataclass(frozen=True)
class Raised:
    """A task that raised an exception the task function did not expect."""

    exception: str  # "MemoryError: out of memory"


@dataclass
class _Worker(Generic[Task]):
    process: BaseProcess
    connection: Connection
    task: Task | None = None
    deadline: float = 0.0
    gone: bool = False


def run_tasks(
    function: Callable[[Task], Any],
    tasks: Iterable[Task],
    on_done: Callable[[Task, Any], None],
    *,
    workers: int,
    timeout: float,
    tasks_per_worker: int | None = None,
    worker_mb: float | None = None,
    preload: tuple[str, ...] = (),
) -> None:
    """Run function(task) for every task in worker processes; call on_done(task, outcome), the
    outcome being what function returned, a Raised or a Crashed.

    A worker is replaced after `tasks_per_worker` tasks, or as soon as its resident memory after
    a task has grown by more than `worker_mb` since it started (None: no such limit). Starting a
    worker costs its first render a warm-up of Pango's font caches, so a limit by memory
    replaces workers only when needed.

    Results must be picklable. Interrupted (Ctrl-C), it stops every worker before passing the
    interruption on.
    """
    context = _context(preload)
    queue = deque(tasks)
    pool: list[_Worker[Task]] = []
    limits = (tasks_per_worker, worker_mb)
    try:
        while queue or any(w.task is not None for w in pool):
            _assign(pool, queue, context, function, workers, limits, timeout)
            busy = [w for w in pool if w.task is not None]
            ready = wait(_waitables(busy), timeout=_until_next_deadline(busy))
            for worker in busy:
                outcome = _outcome(worker, ready, timeout)
                if outcome is not None:
                    task, worker.task = worker.task, None
                    on_done(task, outcome)  # type: ignore[arg-type]
            pool[:] = [w for w in pool if not _retire(w)]
    finally:
        for worker in pool:
            _stop(worker)


def _context(preload: tuple[str, ...]) -> Any:
    # fork: a worker starts as a copy of this process, with the renderers already imported
    # (here, only now that there is something to render) and everything set up as it is here:
    # import path, environment, working folder. This process runs no other thread, so the copy
    # holds no lock another thread had taken.
    for module in preload:
        importlib.import_module(module)
    return multiprocessing.get_context("fork")


def _assign(
    pool: list[_Worker[Task]],
    queue: deque[Task],
    context: Any,
    function: Callable[[Task], Any],
    workers: int,
    limits: tuple[int | None, float | None],
    timeout: float,
) -> None:
    for worker in pool:
        if worker.task is None and not worker.gone and queue:
            _give(worker, queue.popleft(), timeout)
    while queue and len(pool) < workers:
        worker = _start(context, function, limits)
        pool.append(worker)
        _give(worker, queue.popleft(), timeout)
    if not queue:
        for worker in pool:
            if worker.task is None and not worker.gone:
                _release(worker)


def _start(
    context: Any, function: Callable[[Task], Any], limits: tuple[int | None, float | None]
) -> _Worker[Task]:
    mine, theirs = context.Pipe()
    process = context.Process(
        target=_serve,
        args=(function, theirs, limits, os.getpid()),
        name="briefkit-renderer",
    )
    process.start()
    theirs.close()
    return _Worker(process, mine)


def _give(worker: _Worker[Task], task: Task, timeout: float) -> None:
    worker.task, worker.deadline = task, time.monotonic() + timeout
    with contextlib.suppress(OSError, EOFError):  # a worker gone: its sentinel reports the crash
        worker.connection.send(task)


def _release(worker: _Worker[Task]) -> None:
    """Tell an idle worker there is no more work; it exits by itself."""
    worker.gone = True
    with contextlib.suppress(OSError, EOFError):
        worker.connection.send(None)


def _waitables(busy: list[_Worker[Task]]) -> list[Any]:
    return [w.connection for w in busy] + [w.process.sentinel for w in busy]


def _until_next_deadline(busy: list[_Worker[Task]]) -> float | None:
    if not busy:
        return 0.0
    return max(0.0, min(w.deadline for w in busy) - time.monotonic())


def _outcome(worker: _Worker[Task], ready: list[Any], timeout: float) -> Any:
    """Return the worker's result, a Crashed, or None while it is still working."""
    if worker.connection in ready:
        try:
            result, leaving = worker.connection.recv()
        except (EOFError, OSError):
            return _died(worker)
        worker.gone = worker.gone or leaving  # it has done its share, and exits by itself
        return result
    if worker.process.sentinel in ready:
        return _died(worker)
    if time.monotonic() >= worker.deadline:
        _stop(worker)
        return Crashed(f"took longer than {timeout:g} s and was stopped")
    return None


def _died(worker: _Worker[Task]) -> Crashed:
    worker.process.join(STOP_GRACE)
    worker.gone = True
    code = worker.process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return Crashed(f"the renderer process died of {name}{hint}")
    return Crashed(f"the renderer process exited with status {code}")


def _retire(worker: _Worker[Task]) -> bool:
    """Return True when the worker is gone or has done its share (it then exits by itself)."""
    if worker.task is None and worker.gone:
        worker.connection.close()
        worker.process.join(STOP_GRACE)
        if worker.process.exitcode is None:
            worker.process.kill()
        return True
    return False


def _stop(worker: _Worker[Task]) -> None:
    """Ask a worker to stop (SIGTERM lets it remove a half-written file), then make sure."""
    worker.gone = True
    if worker.process.exitcode is None:
        worker.process.terminate()
        worker.process.join(STOP_GRACE)
    if worker.process.exitcode is None:
        worker.process.kill()
        worker.process.join()


def _serve(
    function: Callable[[Any], Any],
    connection: Connection,
    limits: tuple[int | None, float | None],
    parent: int,
) -> None:
    """The worker's loop: run tasks until told to stop, the parent goes, or its share is done.
    With each result it says whether it is leaving: after its last task, or once its memory
    passed the limit."""
    signal.signal(
        signal.SIGINT, signal.SIG_IGN
    )  # Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGTERM, _exit_cleanly)
    _die_with_parent(parent)
    tasks, megabytes = limits
    done = 0
    # What the worker shares with this build at fork counts as resident too: only its own
    # growth is held to the limit.
    start = resident_mb()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result = function(task)
        except Exception as exc:
            result = Raised(f"{type(exc).__name__}: {exc}")
        done += 1
        leaving = (tasks is not None and done >= tasks) or (
            megabytes is not None and resident_mb() - start > megabytes
        )
        connection.send((result, leaving))
        if leaving:
            return


def resident_mb() -> float:
    """Return this process's resident memory now, in MB (its peak where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 1024)  # bytes there, KB on Linux


def _exit_cleanly(signum: int, frame: object) -> None:
    # SystemExit unwinds through writing.write_atomic, which deletes its temporary file. Code
    # that swallows it (a C callback prints and ignores a Python exception) is not waited for.
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(STOP_GRACE))
    sys.exit(128 + signum)


def _die_with_parent(parent: int) -> None:
    """Make sure this worker dies with the build that started it, however the build ends.

    The kernel sends SIGKILL the moment the parent dies (SIGKILL, a crash, or SIGTERM and
    SIGINT, whose default actions end it): a signal no Python code or C library can delay or
    swallow, unlike the SIGTERM this used to ask for. What an interrupted write leaves is a
    `.part` file, which the next build deletes. Where prctl is missing (not Linux), or when
    the parent went before it was set, a watchdog thread notices the parent's pid change.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os.kill(os.getpid(), signal.SIGKILL)
