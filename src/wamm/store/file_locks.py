"""Locks on files beside a SQLite database, for the processes that share it (a server and its
delivery process, `wamm worker`s): `flock`s, which the kernel drops with the process that held
them, however it ended.

`WriterLock`: one writer at a time, handed over at once. SQLite lets one connection write at a
time. A writer that finds the file locked waits in its busy handler, which sleeps between looks
(1, 2, 5, 10 ... up to 100 ms), however soon the other writer is done. With two processes
writing steadily, those sleeps idled the server's group commit, and every send waiting for it,
long after the lock was free. So every write transaction of a wamm store first takes an
exclusive `flock` on `<database>-writer`: a waiter sleeps in the kernel and wakes the moment
the holder lets go. SQLite's own locking is untouched; its busy handler remains the fallback
against writers that do not take this lock (the sqlite3 shell, another tool).

`OwnerFiles`: a process's hold on its lease-owner name, an exclusive `flock` on
`<database>-owner-<name>` kept while its store is open (PostgreSQL's counterpart is
`owner_lock`'s advisory lock). Any other process can tell a dead owner from a live one: the
rows a dead one had in flight are due again at once, and those of a live one stay its own. A
store that closes removes its file; the files of dead processes are removed by the next store
that opens.

Without `fcntl` (not POSIX), for an in-memory database, or where a file cannot be created
(logged), there are no such files: writers rely on SQLite's busy handler, and every owner but
this process's own counts as dead, as when one process used a SQLite database.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("wamm.store")
WRITER_SUFFIX = "-writer"
OWNER_SUFFIX = "-owner-"
_CREATE = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC  # open a lock file, made if missing


class WriterLock:
    """An exclusive lock held around each write transaction on the database at `path`
    (`:memory:`: nothing to share, no lock). Taken again while held (a transaction inside a
    batch that `try_take` began), it only counts."""

    def __init__(self, path: str) -> None:
        self._fd: int | None = None
        self._depth = 0
        if path != ":memory:" and fcntl is not None:
            try:
                self._fd = os.open(path + WRITER_SUFFIX, _CREATE, 0o644)
            except OSError as error:
                log.warning("no writer lock file (%s): SQLite's busy handler alone", error)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        self._depth += 1
        try:
            yield
        finally:
            self.release()

    def try_take(self) -> bool:
        """Take the lock if no other process holds it now; False, without waiting, if one does."""
        if self._depth == 0 and self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class OwnerFiles:
    """This process's owner file beside the database at `database_path`, held while the store
    is open, and the question whether another owner's process still lives."""

    def __init__(self, database_path: str, owner: str) -> None:
        self.owner = owner
        self._prefix = None if database_path == ":memory:" or fcntl is None else database_path
        self._fd: int | None = None
        if self._prefix is not None:
            self._prefix += OWNER_SUFFIX
            try:
                self._remove_dead()
                self._fd = _held(self._prefix + owner)
            except OSError as error:
                log.warning("no lease owner file (%s): other owners count as dead", error)
                self._prefix = None

    def alive(self, owner: str | None) -> bool:
        """Whether the process named `owner` still has its store open (None: rows leased
        before owners were named, whose process is long gone)."""
        if owner == self.owner:
            return True
        if owner is None or self._prefix is None:
            return False
        return not self._taken_from_the_dead(self._prefix + owner)

    def close(self) -> None:
        if self._fd is not None and self._prefix is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._prefix + self.owner)
            os.close(self._fd)
            self._fd = None

    def _remove_dead(self) -> None:
        assert self._prefix is not None
        for path in glob.glob(glob.escape(self._prefix) + "*"):
            self._taken_from_the_dead(path)

    @staticmethod
    def _taken_from_the_dead(path: str) -> bool:
        """True if nobody holds the owner file at `path` (its process died: the file is
        removed) or it is gone; False while its process lives."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            return True
        finally:
            os.close(fd)


def _held(path: str) -> int:
    """The file at `path`, created if need be and locked. A store sweeping dead owners' files
    may lock and remove it between its creation and the lock: then it is created again."""
    while True:
        fd = os.open(path, _CREATE, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # a sweeper holds it for a moment at most
        with contextlib.suppress(FileNotFoundError):
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        os.close(fd)
