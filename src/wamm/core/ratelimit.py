"""Send-time rate limits over virtual time.

- Per business number: `throughput_mps` messages per second (Meta: 80 by default, up to 1,000),
  bursts up to one second's worth -> 130429.
- Per (business number, user) pair: one message per 6 seconds with bursts of up to 45 that
  borrow from future quota (Meta's pair rate limit) -> 131056.
- Per user, marketing templates: at most `count` per rolling window (settings
  `marketing_limit`), enforced asynchronously by the delivery plan (131049).
"""

from __future__ import annotations

import msgspec

from wamm.core.bounds import Count, PositiveSeconds

SWEEP_EVERY = 50_000


class PairLimit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    burst: Count = 45
    interval_seconds: PositiveSeconds = 6.0


def grant(
    tokens: float, updated: float, now: float, rate: float, capacity: float, wanted: int
) -> tuple[int, float, float]:
    """Refill a bucket by elapsed time and take up to `wanted` whole tokens:
    (tokens granted, tokens left, new update time)."""
    available = min(capacity, tokens + max(0.0, now - updated) * rate)
    granted = min(wanted, max(0, int(available)))
    return granted, available - granted, max(updated, now)


class TokenBuckets:
    """Token buckets keyed by anything hashable; full buckets are forgotten to bound memory.

    A bucket is a (tokens, updated) tuple of floats, which the garbage collector stops
    tracking: tens of thousands of buckets (one per recipient) would otherwise lengthen every
    full collection, and with it the send path's tail latency.
    """

    def __init__(self) -> None:
        self._buckets: dict[object, tuple[float, float]] = {}
        self._since_sweep = 0

    def take(self, key: object, now: float, rate: float, capacity: float) -> tuple[bool, float]:
        """Take one token if available (refilling `rate` per second up to `capacity`):
        whether one was taken, and the tokens left."""
        bucket = self._buckets.get(key) or self._new_bucket(now, rate, capacity)
        granted, tokens, updated = grant(*bucket, now, rate, capacity, 1)
        self._buckets[key] = (tokens, updated)
        return granted == 1, tokens

    def _new_bucket(self, now: float, rate: float, capacity: float) -> tuple[float, float]:
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self._since_sweep = 0
            self._buckets = {
                key: (tokens, updated)
                for key, (tokens, updated) in self._buckets.items()
                if tokens + (now - updated) * rate < capacity
            }
        return capacity, now

    def clear(self) -> None:
        self._buckets.clear()

    def __len__(self) -> int:
        return len(self._buckets)
