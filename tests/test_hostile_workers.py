"""Workers die with their build, however it ends: SIGTERM (`timeout`, a CI time limit), SIGINT,
SIGKILL, or a crash. Each case runs a real pool in a child process whose tasks never end and
swallow every exception Python raises in them (as a C callback does), then ends that process and
expects every worker gone within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = textwrap.dedent(
    """
    import ctypes, os, signal, sys, time
    sys.path.insert(0, {root!r})
    from briefkit.cli import _on_termination
    from briefkit.release.pool import run_tasks

    pids, handler, clear_deathsig = sys.argv[1], sys.argv[2] == "handler", sys.argv[3] == "clear"

    def stubborn(task):
        if clear_deathsig:  # leave only the watchdog thread to notice the parent go
            ctypes.CDLL(None).prctl(1, 0)
        with open(pids, "a") as stream:
            stream.write(f"{{os.getpid()}}\\n")
        while True:
            try:
                sum(range(10_000))
            except BaseException:
                pass

    if handler:
        _on_termination()
    run_tasks(stubborn, range(2), lambda task, outcome: None, workers=2, timeout=600,
              tasks_per_worker=1)
    """
)


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def start_pool(
    tmp_path: Path, handler: bool, clear: bool = False
) -> tuple[subprocess.Popen[bytes], list[int]]:
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT.format(root=str(ROOT)), encoding="utf-8")
    pids = tmp_path / "pids"
    parent = subprocess.Popen(
        [sys.executable, str(script), str(pids), "handler" if handler else "plain",
         "clear" if clear else "keep"],
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = pids.read_text().split() if pids.exists() else []
        if len(found) == 2:
            return parent, [int(pid) for pid in found]
        time.sleep(0.1)
    parent.kill()
    raise AssertionError("the workers did not start")


def gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:  # leave no runaway process behind a failing test
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.parametrize(
    ("how", "handler"),
    [
        (signal.SIGTERM, True),  # the CLI's handler: workers stopped, then the build exits
        (signal.SIGTERM, False),  # the default action: the build is gone at once
        (signal.SIGINT, False),
        (signal.SIGKILL, False),
        (signal.SIGSEGV, False),  # a crash
    ],
    ids=["sigterm-handled", "sigterm", "sigint", "sigkill", "crash"],
)
def test_workers_die_with_their_build(tmp_path: Path, how: signal.Signals, handler: bool) -> None:
    parent, workers = start_pool(tmp_path, handler)
    assert all(alive(pid) for pid in workers)
    parent.send_signal(how)
    parent.wait(timeout=30)
    assert gone_within(workers, 10) == []


def test_the_watchdog_ends_a_worker_the_kernel_would_not(tmp_path: Path) -> None:
    parent, workers = start_pool(tmp_path, handler=False, clear=True)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    assert gone_within(workers, 10) == []
