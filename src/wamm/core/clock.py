"""Injected time: real, accelerated (virtual seconds run `factor` times faster) or manual.

A manual clock only moves when told to (`POST /_wamm/clock/advance`), which makes every timed
behaviour reproducible in tests. The store persists the virtual time so a restart resumes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

CLOCK_MODES = ("realtime", "accelerated", "manual")


@dataclass
class Clock:
    """`now()` = origin + (real elapsed since anchor) * rate; rate 0 makes it manual."""

    mode: str = "realtime"
    origin: float = 0.0
    anchor: float = 0.0
    rate: float = 1.0

    @classmethod
    def create(cls, mode: str, start: float | None = None, factor: float = 60.0) -> Clock:
        real = time.time()
        origin = real if start is None else start
        rate = {"realtime": 1.0, "accelerated": factor, "manual": 0.0}[mode]
        return cls(mode=mode, origin=origin, anchor=time.monotonic(), rate=rate)

    def now(self) -> float:
        if self.rate == 0.0:
            return self.origin
        return self.origin + (time.monotonic() - self.anchor) * self.rate

    def advance(self, seconds: float) -> float:
        """Move virtual time forward (any mode); returns the new time."""
        self.origin = self.now() + seconds
        self.anchor = time.monotonic()
        return self.origin
