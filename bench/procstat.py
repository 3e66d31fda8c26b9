"""The processes a benchmark measures, read from /proc: CPU time, I/O, RSS, and a `Monitor`
sampling them over a measured window."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import webhooks as wh


def read_stat(pid: int, task: int | None = None) -> list[str] | None:
    """/proc/<pid>/stat, or one thread's /proc/<pid>/task/<task>/stat, after the command name
    (field 3 onwards); None once the process is gone."""
    where = f"{pid}/task/{task}" if task is not None else str(pid)
    try:
        return Path(f"/proc/{where}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def tree_pids(root: int) -> list[int]:
    """The process and its descendants (a multi-process `wamm serve` forks its workers)."""
    children: dict[int, list[int]] = {}
    for pid in all_pids():
        stat = read_stat(pid)
        if stat is not None:
            children.setdefault(int(stat[1]), []).append(pid)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def status_kb(pid: int, key: str) -> int:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM); 0 once the process is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    return 0


def cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        seconds = wh.cpu_seconds(pid)
        total += seconds or 0.0
    return total


def thread_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds of every thread of `pids`, by thread id (an event loop is one thread: the
    busiest one's share is how close a process is to its one-core ceiling)."""
    found: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with contextlib.suppress(OSError):
            for tid in map(int, os.listdir(f"/proc/{pid}/task")):
                stat = read_stat(pid, tid)
                if stat is not None:
                    found[tid] = (int(stat[11]) + int(stat[12])) / ticks
    return found


IO_FIELDS = ("rchar", "wchar", "read_bytes", "write_bytes")


def io_of(pids: list[int]) -> Counter[str]:
    total: Counter[str] = Counter()
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/io").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in IO_FIELDS:
                    total[name] += int(value)
    return total


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (their CPU time is reported)."""
    found = []
    for pid in all_pids():
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text().strip() in {"postgres", "postmaster"}:
                found.append(pid)
    return found


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine: other users' load shows here."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return total - idle, total


@dataclass
class RssSample:
    seconds: float  # since the monitor started
    rss: int  # bytes, summed over the server's processes
    processes: int
    probe: int | None = None  # e.g. statuses the receiver had by then


@dataclass
class Usage:
    """What a Monitor saw: CPU shares (1.0 = one core) over its span, and memory."""

    wamm_cpu: float
    postgres_cpu: float
    machine_busy: float  # share of all cores busy, any process
    busiest_thread: float  # CPU share of the server's busiest thread (an event loop: <= 1.0)
    # CPU shares of the server process's own threads, busiest first: its event loop, then (one
    # process on a SQLite file) the database thread that writes the group commits
    server_threads: list[float]
    # CPU shares of the threads of the server's child processes, busiest first (one server on a
    # SQLite file: its delivery process; `--workers N`: the workers)
    child_threads: list[float]
    peak_rss: int  # bytes: the sum of VmHWM over the server's processes
    samples: list[RssSample]
    # /proc/<pid>/io deltas summed over the server's processes: write_bytes (sent to storage:
    # the SQLite WAL and checkpoints), rchar/wchar (every read/write call, sockets included).
    io: dict[str, int] = field(default_factory=dict)


class Monitor:
    """Samples the server's process tree every `interval` seconds in a thread: the summed VmRSS
    (from /proc/<pid>/status) and an optional probe; CPU time is taken at both ends."""

    def __init__(
        self, root: int, interval: float = 1.0, probe: Callable[[], int] | None = None
    ) -> None:
        self.root, self.interval, self.probe = root, interval, probe
        self.samples: list[RssSample] = []
        self.usage: Usage | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="monitor", daemon=True)
        self._start = (0.0, 0.0, 0.0, (0, 0))
        self._io: Counter[str] = Counter()
        self._threads: dict[int, float] = {}

    def _sample(self) -> None:
        pids = tree_pids(self.root)
        rss = sum(status_kb(pid, "VmRSS") for pid in pids) * 1024
        probed = None
        if self.probe is not None:
            with contextlib.suppress(Exception):
                probed = self.probe()
        self.samples.append(RssSample(time.monotonic() - self._start[0], rss, len(pids), probed))

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> Monitor:
        self._io = io_of(tree_pids(self.root))
        self._threads = thread_cpu(tree_pids(self.root))
        self._start = (
            time.monotonic(),
            cpu_of(tree_pids(self.root)),
            cpu_of(postgres_pids()),
            machine_jiffies(),
        )
        self._thread.start()
        return self

    def _thread_shares(self, pids: list[int]) -> list[float]:
        """CPU seconds of each thread of `pids` since the start, busiest first."""
        now = thread_cpu(pids)
        return sorted((cpu - self._threads.get(tid, 0.0) for tid, cpu in now.items()), reverse=True)

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)
        self._sample()
        started, wamm_cpu, pg_cpu, (busy, total) = self._start
        wall = max(time.monotonic() - started, 1e-9)
        pids = tree_pids(self.root)
        busy_now, total_now = machine_jiffies()
        io = io_of(pids)
        server_threads = self._thread_shares([self.root])
        child_threads = self._thread_shares([pid for pid in pids if pid != self.root])
        self.usage = Usage(
            wamm_cpu=(cpu_of(pids) - wamm_cpu) / wall,
            postgres_cpu=(cpu_of(postgres_pids()) - pg_cpu) / wall,
            machine_busy=(busy_now - busy) / max(total_now - total, 1),
            busiest_thread=max([*server_threads, *child_threads], default=0.0) / wall,
            server_threads=[share / wall for share in server_threads],
            child_threads=[share / wall for share in child_threads],
            peak_rss=max(
                sum(status_kb(pid, "VmHWM") for pid in pids) * 1024,
                max((s.rss for s in self.samples), default=0),
            ),
            samples=self.samples,
            io={name: io[name] - self._io[name] for name in IO_FIELDS},
        )
