"""Diagnostics for a `wamm serve` process started by the benchmarks, without touching src/.

Put this directory on PYTHONPATH; Python imports this module at start-up in every process, and
it acts only in `wamm serve` processes, only for the variables that are set:

    WAMM_GC_LOG=/tmp/gc.txt        record every garbage collection's pause; a summary per
                                   generation goes to the file, each full (gen 2) collection to
                                   <file>.gen2 with its wall-clock time and pause
    WAMM_GC_FREEZE_AFTER=5         gc.collect() then gc.freeze() this many seconds after start
                                   (what a freeze after seeding would give)
    WAMM_SQLITE_CACHE_KB=262144    PRAGMA cache_size=-N on every SQLite connection wamm opens
    WAMM_SQLITE_PRAGMAS="a=1;b=2"  any other PRAGMAs for those connections
    WAMM_SWITCH_INTERVAL=0.0005    sys.setswitchinterval(N): how long a thread waiting for the
                                   GIL lets the running one keep it (Python's default 0.005)
    WAMM_WRITE_LOCK_LOG=/tmp/lock  who holds a SQLite file's write lock, how often, how long
                                   (per store method), and how long it waited for it: written
                                   to <file>.<pid> by every server and delivery process

    PYTHONPATH=bench/diag WAMM_GC_LOG=/tmp/gc.txt python3 dev bench quick
"""

from __future__ import annotations

import collections
import contextlib
import gc
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any


def _is_wamm_server() -> bool:
    return _runs_wamm(b"serve")


def _runs_wamm(command: bytes) -> bool:
    try:
        return b"wamm\x00" + command in Path("/proc/self/cmdline").read_bytes()
    except OSError:
        return False


def _log_collections(path: str) -> None:
    started: dict[str, float] = {}
    pauses: dict[int, list[float]] = collections.defaultdict(list)

    def dump() -> None:
        with open(path, "w") as out:
            for generation, values in sorted(pauses.items()):
                ordered = sorted(values)
                out.write(
                    f"gen{generation}: {len(ordered)} collections, total {sum(ordered):.0f} ms, "
                    f"median {ordered[len(ordered) // 2]:.2f} ms, max {ordered[-1]:.1f} ms\n"
                )

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started["at"] = time.perf_counter()
            return
        pause = (time.perf_counter() - started.get("at", time.perf_counter())) * 1000
        pauses[info["generation"]].append(pause)
        if info["generation"] == 2:
            with open(f"{path}.gen2", "a") as out:
                out.write(f"{time.time():.3f} {pause:.1f} ms collected {info['collected']}\n")
        if info["generation"] == 2 or sum(map(len, pauses.values())) % 200 == 0:
            dump()  # uvicorn ends on a re-raised SIGTERM: atexit would not run

    gc.callbacks.append(callback)


def _freeze_later(seconds: float) -> None:
    def freeze() -> None:
        gc.collect()
        gc.freeze()

    timer = threading.Timer(seconds, freeze)
    timer.daemon = True
    timer.start()


def _sqlite_pragmas(pragmas: list[str]) -> None:
    connect = sqlite3.connect

    def connect_with_pragmas(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = connect(*args, **kwargs)
        for pragma in pragmas:
            connection.execute(f"PRAGMA {pragma}")
        return connection

    sqlite3.connect = connect_with_pragmas  # type: ignore[assignment]


def _log_write_lock(path: str) -> None:
    from wamm.store import file_locks  # noqa: PLC0415 - only in the processes that log

    held = file_locks.WriterLock.held
    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
    started, guard = time.perf_counter(), threading.Lock()

    def holder() -> str:
        frame: FrameType | None = sys._getframe(3)  # past this wrapper and the context managers
        while frame is not None and frame.f_code.co_name.startswith(("_transaction", "__")):
            frame = frame.f_back
        return frame.f_code.co_name if frame is not None else "?"

    def dump() -> None:
        wall = time.perf_counter() - started
        with open(f"{path}.{os.getpid()}", "w") as out:
            out.write(f"{' '.join(sys.argv[1:2])} (pid {os.getpid()}), {wall:.1f} s\n")
            for name, (count, waited, holding) in sorted(totals.items(), key=lambda t: -t[1][2]):
                out.write(
                    f"  {name:28} {count:7.0f} x  waited {waited * 1000:8.1f} ms  held "
                    f"{holding * 1000:8.1f} ms ({holding / count * 1000:.3f} ms each)\n"
                )

    @contextlib.contextmanager
    def logged(self: Any) -> Iterator[None]:
        name, asked = holder(), time.perf_counter()
        with held(self):
            taken = time.perf_counter()
            try:
                yield
            finally:
                with guard:
                    entry = totals[name]
                    entry[0] += 1
                    entry[1] += taken - asked
                    entry[2] += time.perf_counter() - taken
                    if sum(t[0] for t in totals.values()) % 200 == 0:
                        dump()  # processes end on signals: atexit would not run

    file_locks.WriterLock.held = logged  # type: ignore[method-assign]


lock_log = os.environ.get("WAMM_WRITE_LOCK_LOG")
if lock_log and (_runs_wamm(b"serve") or _runs_wamm(b"worker")):
    _log_write_lock(lock_log)

if _is_wamm_server():
    if log := os.environ.get("WAMM_GC_LOG"):
        _log_collections(log)
    if after := os.environ.get("WAMM_GC_FREEZE_AFTER"):
        _freeze_later(float(after))
    pragmas = [p for p in os.environ.get("WAMM_SQLITE_PRAGMAS", "").split(";") if p.strip()]
    if cache := os.environ.get("WAMM_SQLITE_CACHE_KB"):
        pragmas.append(f"cache_size=-{int(cache)}")
    if pragmas:
        _sqlite_pragmas(pragmas)
    if interval := os.environ.get("WAMM_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(interval))
