"""What the server processes of one SQLite file share besides the file (`wamm serve --workers
N` on SQLite): the rate-limit buckets (`shared_buckets`), named locks (`Store.exclusive`) and,
within each process, the gate that keeps a catalog reload from undoing the process's own
changes (as on PostgreSQL).

A named lock is an exclusive `flock` on `<database>-lock-<name>`, tried every few milliseconds
from the event loop: held for a seed or a template-clock step at most, and a waiter that is
cancelled never leaves a lock taken behind it, as a thread blocked in `flock` could.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator

from aiorwlock import RWLock

from wamm.store.shared_buckets import SharedBuckets

LOCK_SUFFIX = "-lock-"
LOCK_POLL_SECONDS = 0.005


class ProcessSharing:
    """The shared state of one process among those serving the SQLite file at `path`."""

    def __init__(self, path: str) -> None:
        self._path = path
        self.buckets = SharedBuckets(path)
        self.catalog_gate = RWLock(fast=True)

    @contextlib.asynccontextmanager
    async def named_lock(self, name: str) -> AsyncIterator[None]:
        """Hold the lock `name` among the processes sharing the file."""
        path = f"{self._path}{LOCK_SUFFIX}{name}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    await asyncio.sleep(LOCK_POLL_SECONDS)
            yield
        finally:
            os.close(fd)  # closing the descriptor lets the lock go

    def close(self) -> None:
        self.buckets.close()
