"""Who uses a SQLite store's one connection: its database thread, or the event loop's.

Every store call runs on the database thread, each holding the gate while it runs. A group
commit of sends may instead run on the event loop's thread, but only when the gate and the
file's write lock are both free at that moment (`try_begin`): nothing then waits, and the
batch commits without two thread hand-overs. When either is taken (a read on the thread,
another process writing), the batch goes to the thread as before, so the loop never waits
for a lock.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from wamm.store.file_locks import WriterLock

P = ParamSpec("P")
R = TypeVar("R")


class ConnectionGate:
    """Held by whoever uses the connection; `try_begin` also takes the right to write."""

    def __init__(self, writer: WriterLock) -> None:
        self._in_use = threading.Lock()
        self._writer = writer

    def run(self, job: Callable[[], R]) -> R:
        with self._in_use:
            return job()

    def try_begin(self) -> bool:
        """Take the connection and the file's write lock if both are free now, else nothing."""
        if not self._in_use.acquire(blocking=False):
            return False
        if self._writer.try_take():
            return True
        self._in_use.release()
        return False

    def end(self) -> None:
        """Give back what `try_begin` took."""
        self._writer.release()
        self._in_use.release()


class DatabaseThread(ThreadPoolExecutor):
    """The store's one worker thread; each job holds `gate` while it runs."""

    def __init__(self, gate: ConnectionGate) -> None:
        super().__init__(max_workers=1, thread_name_prefix="wamm-sqlite")
        self.gate = gate

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        return super().submit(self.gate.run, functools.partial(fn, *args, **kwargs))
