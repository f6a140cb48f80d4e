"""The worker pool: a crash or a hang is reported against its own task while the others finish,
and workers are replaced after their share of tasks or once their memory passes a limit."""

from __future__ import annotations

import mmap
import os
import signal
import time
from typing import Any
from unittest.mock import ANY

from briefkit.release.pool import Crashed, Raised, run_tasks

KEPT: list[mmap.mmap] = []  # what "grow" tasks keep, in the worker


def work(task: str) -> Any:
    """A task for the pool."""
    if task == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "hang":
        time.sleep(60)
    if task == "raise":
        raise ValueError("bad input")
    if task.startswith("grow"):
        # Fresh pages from the kernel, every one written: resident, whatever the allocator
        # kept from the test process (a bytearray may reuse its freed heap, already resident).
        block = mmap.mmap(-1, 20 * 2**20)
        block.write(b"\x01" * len(block))
        KEPT.append(block)
    return (task, os.getpid())


def run(tasks: list[str], **options: Any) -> dict[str, Any]:
    results: dict[str, Any] = {}
    settings = {"workers": 2, "timeout": 30.0, "tasks_per_worker": 8} | options
    run_tasks(work, tasks, lambda task, outcome: results.__setitem__(task, outcome), **settings)
    return results


def test_every_task_runs_once_in_a_worker_process() -> None:
    results = run([f"t{i}" for i in range(10)])
    assert sorted(results) == sorted(f"t{i}" for i in range(10))
    assert all(pid != os.getpid() for _, pid in results.values())


def test_a_worker_that_dies_is_reported_against_its_task_and_the_others_finish() -> None:
    results = run(["a", "crash", "b", "c", "d"])
    assert results["crash"] == Crashed("the renderer process died of SIGKILL (out of memory?)")
    assert {task for task, outcome in results.items() if isinstance(outcome, tuple)} == {
        "a",
        "b",
        "c",
        "d",
    }


def test_a_task_past_the_time_limit_is_stopped_and_the_others_finish() -> None:
    started = time.monotonic()
    results = run(["hang", "a", "b", "c"], timeout=2.0)
    assert results["hang"] == Crashed("took longer than 2 s and was stopped")
    assert all(isinstance(results[task], tuple) for task in "abc")
    assert time.monotonic() - started < 30


def test_an_unexpected_exception_is_reported_against_its_task() -> None:
    assert run(["raise", "a"]) == {"raise": Raised("ValueError: bad input"), "a": ("a", ANY)}


def test_workers_are_replaced_after_their_share_of_tasks() -> None:
    results = run([f"t{i}" for i in range(9)], workers=1, tasks_per_worker=3)
    pids = [pid for _, pid in results.values()]
    assert len(set(pids)) == 3
    assert all(pids.count(pid) == 3 for pid in set(pids))


def test_a_worker_is_replaced_once_its_memory_grows_past_the_limit_and_no_task_is_lost() -> None:
    """Each "grow" task keeps 20 MB: past a limit of 5 MB of growth, every worker leaves after
    one; under a limit of 100,000 MB, one worker does them all."""
    tasks = [f"grow{i}" for i in range(4)]
    results = run(tasks, workers=1, tasks_per_worker=None, worker_mb=5.0)
    assert sorted(results) == tasks
    assert len({pid for _, pid in results.values()}) == 4
    results = run(tasks, workers=1, tasks_per_worker=None, worker_mb=1e5)
    assert len({pid for _, pid in results.values()}) == 1
