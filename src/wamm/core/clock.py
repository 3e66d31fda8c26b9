"""Injected time: real, accelerated (virtual seconds run `factor` times faster) or manual.

A manual clock only moves when told to (`POST /_wamm/clock/advance`), which makes every timed
behaviour reproducible in tests. The store persists the virtual time so a restart resumes it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from wamm.core.errors import invalid_parameter

CLOCK_MODES = ("realtime", "accelerated", "manual")
MAX_ADVANCE_SECONDS = 10 * 365.25 * 86400  # one advance moves the clock at most 10 years
# Virtual time stays before this (year 9000), far from the year 9999 where dates overflow.
LATEST_TIME = dt.datetime(9000, 1, 1, tzinfo=dt.UTC).timestamp()


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


def advance_seconds(value: Any, now: float) -> float:
    """The `seconds` of a clock advance: a number from 0 to 10 years that keeps virtual time
    before the year 9000, or code 100 naming `seconds`."""
    number = not isinstance(value, bool) and isinstance(value, int | float)
    if not (number and 0 <= value <= MAX_ADVANCE_SECONDS):  # NaN compares false
        raise invalid_parameter(
            f"Param seconds must be a number from 0 to {MAX_ADVANCE_SECONDS:.0f} (10 years)."
        )
    if now + value > LATEST_TIME:
        raise invalid_parameter("Param seconds would move the clock past the year 9000.")
    return float(value)
