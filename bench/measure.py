"""Timing a command, its CPU time and the peak memory of each of its processes.

Wall time is measured around the whole command. CPU time is that of the whole process tree:
this process becomes a child subreaper, so descendants the command never waits for (the fork
server its render workers come from) are handed to us when it exits, and we reap them; the
rise of getrusage(RUSAGE_CHILDREN) then covers every process of the run. Memory is each
process's own high-water mark (VmHWM in /proc/<pid>/status, the peak resident set size), read
every SAMPLE seconds for every descendant, keyed by pid and reset when a pid execs another
program (a fork of the command becomes pandoc). The machine is shared, so the CPU time the
rest of the machine used during the run is recorded too. Linux only.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE = 0.05  # seconds between memory samples (one /proc scan costs about 0.5 ms of CPU)
WORKER_SAMPLES = 3  # a render worker lives for seconds; a fork before exec, for milliseconds
REAP_WAIT = 30.0  # seconds to wait for orphaned descendants to exit after the command
MB = 1024 * 1024
_PR_SET_CHILD_SUBREAPER = 36
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Process:
    """One process the command started, and its peak resident memory."""

    pid: int
    role: str  # "main", "worker", "forkserver", or the program's name (pandoc)
    peak_mb: float


@dataclass(frozen=True)
class Run:
    """What running a command took."""

    command: tuple[str, ...]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    main_peak_mb: float  # the command's own process
    cpu_seconds: float = 0.0  # user + system time of every process of the run
    others_cores: float = 0.0  # CPU the rest of the machine used meanwhile, in cores
    processes: tuple[Process, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def worker_peak_mb(self) -> float:
        """Return the largest peak of one render worker, or the main process's when it rendered."""
        workers = [p.peak_mb for p in self.processes if p.role == "worker"]
        return max(workers) if workers else self.main_peak_mb

    @property
    def workers(self) -> int:
        """Return how many worker processes the command started over its run."""
        return sum(1 for p in self.processes if p.role == "worker")

    def peak_of(self, role: str) -> float | None:
        """Return the largest peak among processes of a role (None when there were none)."""
        peaks = [p.peak_mb for p in self.processes if p.role == role]
        return max(peaks) if peaks else None


@dataclass
class Quiet:
    """Before each command, wait (up to `patience` seconds) until the rest of the machine uses
    less than `cores` of CPU: other people's builds share this machine."""

    cores: float = 0.25
    patience: float = 30.0
    enabled: bool = True


QUIET = Quiet()


def wait_for_quiet(quiet: Quiet = QUIET) -> float:
    """Return the seconds waited for the machine to be quiet (giving up after the patience)."""
    start = time.perf_counter()
    while quiet.enabled:
        before = _machine_busy()
        time.sleep(0.5)
        if (_machine_busy() - before) / 0.5 < quiet.cores:
            break
        if time.perf_counter() - start > quiet.patience:
            break
    return time.perf_counter() - start


def run_command(
    command: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Run:
    """Run a command to its end; return its wall time, CPU time, exit status, output and peaks."""
    _become_subreaper()
    wait_for_quiet()
    before, busy_before = _children_cpu(), _machine_busy()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        peaks, descendants = _watch(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        _reap_orphans(descendants)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    cpu = _children_cpu() - before
    others = max(0.0, _machine_busy() - busy_before - cpu)
    # wait4's maxrss is the largest of the command and every descendant it waited for, so the
    # command's own peak is the sampled one (its high-water mark, read at most SAMPLE before exit).
    tree_peak = usage.ru_maxrss * 1024 / MB
    main_peak = peaks.get(process.pid, ("main", tree_peak))[1]
    processes = tuple(
        Process(pid, role, peak) for pid, (role, peak) in peaks.items() if pid != process.pid
    )
    return Run(
        tuple(command),
        seconds,
        process.returncode,
        stdout,
        stderr,
        main_peak,
        cpu,
        others / seconds if seconds else 0.0,
        processes,
    )


def _become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _reap_orphans(pids: set[int]) -> None:
    """Wait for the command's descendants that were handed to us (they exit once it has gone)."""
    me, pending = os.getpid(), set(pids)
    deadline = time.monotonic() + REAP_WAIT
    while pending and time.monotonic() < deadline:
        for pid in sorted(pending):
            parent = _parent(pid)
            if parent is None:  # gone: its own parent reaped it
                pending.discard(pid)
            elif parent == me:
                try:
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        pending.discard(pid)
                except ChildProcessError:
                    pending.discard(pid)
        if pending:
            time.sleep(0.01)
    if pending:
        raise RuntimeError(
            f"processes {sorted(pending)} still running {REAP_WAIT:g} s after the command"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float:
    """Return the CPU seconds every core of the machine has been busy since boot."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICK


def _watch(root: int) -> tuple[dict[int, tuple[str, float]], set[int]]:
    """Sample the tree under root until root exits (without reaping it); return the role and
    peak of each process, and every descendant seen."""
    seen: dict[int, tuple[str, float, int]] = {}  # pid: role, peak, samples
    while True:
        for pid in _tree(root):
            peak = _high_water_mb(pid)
            if peak is None:
                continue
            role = _role(pid, root)
            old_role, old_peak, samples = seen.get(pid, (role, 0.0, 0))
            if old_role != role:  # it exec'd: a new program with its own memory
                old_peak, samples = 0.0, 0
            seen[pid] = (role, max(peak, old_peak), samples + 1)
        if _exited(root):
            break
        time.sleep(SAMPLE)
    # A Python process seen once is a fork about to exec (subprocess), not a worker.
    peaks = {
        pid: (role, peak)
        for pid, (role, peak, samples) in seen.items()
        if role != "worker" or samples >= WORKER_SAMPLES
    }
    return peaks, set(seen) - {root}


def _tree(root: int) -> list[int]:
    """Return root and every process descended from it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent(int(entry))
            if parent is not None:
                parents[int(entry)] = parent
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return int(stat.rsplit(b")", 1)[1].split()[1])


def _high_water_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    return None  # a zombie has no memory left to report


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "main"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "unknown"
    program = os.path.basename(command[0].decode(errors="replace")) if command[0] else "unknown"
    if not program.startswith("python"):
        return program
    line = b" ".join(command)
    if b"resource_tracker" in line:
        return "resource_tracker"
    if b"forkserver" in line and _parent(pid) == root:
        return (
            "forkserver"  # the workers it forks keep its command line; its parent tells them apart
        )
    return "worker"


def _exited(pid: int) -> bool:
    """Return True once pid has exited (it is then a zombie until wait4 reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return True
    return state in (b"Z", b"X")
