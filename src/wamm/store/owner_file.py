"""A process's hold on its lease-owner name beside a SQLite file: an exclusive `flock` on
`<database>-owner-<name>`, kept while its store is open.

The SQLite counterpart of `owner_lock` (PostgreSQL's advisory lock). A process that dies, even
by SIGKILL, loses the lock with its file descriptors, so any other process can tell a dead
owner from a live one: the rows a dead one had in flight are due again at once, and those of a
live one (a server's delivery process, a `wamm worker`) stay its own. A store that closes
removes its file; the files of dead processes are removed by the next store that opens.

Without `fcntl` (not POSIX), for an in-memory database, or where the file cannot be created
(logged), there are no files, and every owner but this process's own counts as dead: as when
one process used a SQLite database.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("wamm.store")
SUFFIX = "-owner-"


class OwnerFiles:
    def __init__(self, database_path: str, owner: str) -> None:
        self.owner = owner
        self._prefix = None if database_path == ":memory:" or fcntl is None else database_path
        self._fd: int | None = None
        if self._prefix is not None:
            self._prefix += SUFFIX
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
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # a sweeper holds it for a moment at most
        with contextlib.suppress(FileNotFoundError):
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        os.close(fd)
