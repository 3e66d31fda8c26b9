"""One writer at a time among the processes sharing a SQLite file, handed over at once.

SQLite lets one connection write at a time. A writer that finds the file locked waits in its
busy handler, which sleeps between looks (1, 2, 5, 10 ... up to 100 ms), however soon the other
writer is done. With two processes writing steadily (a server and its delivery process), those
sleeps idled the server's group commit, and every send waiting for it, long after the lock was
free. So every write transaction of a wamm store first takes an exclusive `flock` on a file
beside the database (`<database>-writer`): a waiter sleeps in the kernel and wakes the moment
the holder lets go. SQLite's own locking is untouched; its busy handler remains the fallback
against writers that do not take this lock (the sqlite3 shell, another tool).

Without `fcntl` (not a POSIX system), or where the file cannot be created, writers go back to
SQLite's busy handler alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("wamm.store")
SUFFIX = "-writer"


class WriterLock:
    """An exclusive lock held around each write transaction on the database at `path`
    (`:memory:`: nothing to share, no lock)."""

    def __init__(self, path: str) -> None:
        self.path = None if path == ":memory:" or fcntl is None else path + SUFFIX
        self._fd: int | None = None
        if self.path is not None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as error:
                log.warning("no writer lock file (%s): SQLite's busy handler alone", error)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
