"""Rate-limit buckets shared by the server processes of one SQLite file (`--workers N`).

Every send takes two tokens (its number's, its pair's) before it is stored, so the buckets
sit on the send path of each process. PostgreSQL keeps them in a table; on SQLite a table
would add a write transaction per batch, queued behind the file's one writer. Here they live
in a memory-mapped file beside the database (`<database>-buckets`), read and written under an
exclusive `flock` held for the few microseconds a send's takes need: every process sees every
take, in the order the lock hands them out, as one process's in-memory buckets would.

The file is a hash table of fixed size (`SLOTS` records of a key hash, the tokens, the time
they were counted and the time the bucket will be full again), probed linearly. A bucket that
is full again is the same as no bucket, so its record may be taken by another key; if every
probed record (`PROBES`) still refills, the one nearest to full is taken and its bucket
forgotten (at most a burst granted early, which needs about as many buckets refilling at once
as the table has records).
Its contents are not durable: a crash, like a reset, starts every bucket full, as PostgreSQL's
unlogged table does.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import math
import mmap
import os
import struct
from collections.abc import Callable, Iterator, Sequence

from wamm.core.ratelimit import grant
from wamm.store.base import TokenRequest

SUFFIX = "-buckets"
SLOTS = 1 << 18  # 8 MiB: far more than the pair buckets refilling at any one time
PROBES = 32
HASHES_KEPT = 100_000  # key hashes a process remembers (a few MB)
_RECORD = struct.Struct("<Qddd")  # key hash (0: free), tokens, counted at, full again at


def _flock_keeping_the_gil() -> Callable[[int, int], int] | None:
    """libc's `flock`, called without letting the GIL go (`ctypes.PyDLL`); None where it is
    not found. `fcntl.flock` lets it go around the system call, and taking it back waits
    behind the process's database thread: measured with `--workers 2`, a take waited 73-84 us
    for the lock on average and held it 30 us, against 34 and 22 this way."""
    try:
        function = ctypes.PyDLL(None).flock
    except (AttributeError, OSError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_int)
    function.restype = ctypes.c_int
    return function


_FLOCK = _flock_keeping_the_gil()


class SharedBuckets:
    """Token buckets in a file shared by processes; `take_chain` is their one operation."""

    def __init__(self, database_path: str, slots: int = SLOTS) -> None:
        self._slots, self._size = slots, slots * _RECORD.size
        self._hashes: dict[str, int] = {}
        self._fd = os.open(database_path + SUFFIX, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            with self._locked():
                if os.fstat(self._fd).st_size != self._size:  # new, or from another layout
                    os.ftruncate(self._fd, 0)
                    os.ftruncate(self._fd, self._size)
            self._map = mmap.mmap(self._fd, self._size)
        except BaseException:
            os.close(self._fd)
            raise

    def take_chain(self, requests: Sequence[TokenRequest]) -> list[tuple[bool, float]]:
        """A token from each request's bucket in turn, each only while every one before it
        was taken (one not tried answers False with its bucket's tokens): whether each was
        taken, and the tokens left."""
        taken: list[tuple[bool, float]] = []
        hashes = [self._hash(request.key) for request in requests]
        self._lock()
        try:
            for request, key_hash in zip(requests, hashes, strict=True):
                taken.append(self._take(request, key_hash, try_it=not taken or taken[-1][0]))
        finally:
            self._unlock()
        return taken

    def clear(self) -> None:
        """Every bucket full again (a reset of the state)."""
        with self._locked():
            self._map[:] = bytes(self._size)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)

    def _hash(self, key: str) -> int:
        """`_key_hash`, remembered: a process asks for the same keys over and over."""
        known = self._hashes.get(key)
        if known is None:
            if len(self._hashes) >= HASHES_KEPT:
                self._hashes.clear()
            known = self._hashes[key] = _key_hash(key)
        return known

    def _take(self, request: TokenRequest, key_hash: int, *, try_it: bool) -> tuple[bool, float]:
        now, rate, capacity = request.now, request.rate, request.capacity
        offset, tokens, updated = self._find(key_hash, now, capacity)
        if not try_it:
            return False, grant(tokens, updated, now, rate, capacity, 0)[1]
        granted, tokens, updated = grant(tokens, updated, now, rate, capacity, 1)
        full_at = updated + (capacity - tokens) / rate if rate > 0 else math.inf
        _RECORD.pack_into(self._map, offset, key_hash, tokens, updated, full_at)
        return granted == 1, tokens

    def _find(self, key_hash: int, now: float, capacity: float) -> tuple[int, float, float]:
        """The record offset for `key_hash` and its (tokens, counted at): the key's own, or
        a free or full-again record (a new bucket: full), or else the one nearest to full."""
        start = key_hash % self._slots
        reusable: int | None = None
        nearest, nearest_full_at = 0, math.inf
        for probe in range(min(PROBES, self._slots)):
            offset = ((start + probe) % self._slots) * _RECORD.size
            found, tokens, updated, full_at = _RECORD.unpack_from(self._map, offset)
            if found == key_hash:
                return offset, tokens, updated
            if found == 0 or full_at <= now:
                if reusable is None:
                    reusable = offset
                if found == 0:
                    break  # past the end of this key's run: it has no record
            elif full_at < nearest_full_at:
                nearest, nearest_full_at = offset, full_at
        return (nearest if reusable is None else reusable), capacity, now

    def _lock(self) -> None:
        """The file's lock: taken at once if it is free, else waited for with the GIL let go
        (another process holds it, for as long as the system gives it to finish)."""
        if _FLOCK is None or _FLOCK(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB) != 0:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def _unlock(self) -> None:
        if _FLOCK is None or _FLOCK(self._fd, fcntl.LOCK_UN) != 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)  # raises what failed

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The file's lock (`take_chain` takes it inline: it is on every send's path)."""
        self._lock()
        try:
            yield
        finally:
            self._unlock()


def _key_hash(key: str) -> int:
    """A stable 64-bit hash of a bucket key (Python's own `hash` differs per process); never
    0, which marks a free record."""
    value = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
    return value or 1
