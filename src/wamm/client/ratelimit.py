"""A client-side rate limiter: messages per second per business phone number.

It schedules rather than blocks: `reserve` books the next free slot for the key and says how
long to wait for it (the generic cell rate algorithm). Concurrent senders, threads or asyncio
tasks, each get their own slot, so no lock is held while anybody sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

META_DEFAULT_MPS = 80.0  # Meta's default throughput of a business number


@dataclass(frozen=True)
class RateLimit:
    """`per_second` messages per phone number, with bursts of up to `burst` (default: one
    second's worth, like Meta's throughput limit)."""

    per_second: float = META_DEFAULT_MPS
    burst: int | None = None

    def __post_init__(self) -> None:
        if self.per_second <= 0 or (self.burst is not None and self.burst < 1):
            raise ValueError("RateLimit needs per_second > 0 and burst >= 1")


class RateLimiter:
    """Per-key scheduling of sends at `limit.per_second`, on an injectable monotonic clock."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / limit.per_second
        burst = limit.burst if limit.burst is not None else max(1, int(limit.per_second))
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._next: dict[str, float] = {}  # theoretical arrival time of the next send, per key
        self._lock = threading.Lock()

    def reserve(self, key: str) -> float:
        """Book a slot for one send under `key`; return the seconds to wait before sending."""
        with self._lock:
            now = self._clock()
            arrival = max(self._next.get(key, now), now)
            wait = max(0.0, arrival - self._tolerance - now)
            self._next[key] = arrival + self._interval
            return wait
