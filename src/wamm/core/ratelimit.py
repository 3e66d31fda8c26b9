"""Send-time rate limits over virtual time.

- Per business number: `throughput_mps` messages per second (Meta: 80 by default, up to 1,000),
  bursts up to one second's worth -> 130429.
- Per (business number, user) pair: one message per 6 seconds with bursts of up to 45 that
  borrow from future quota (Meta's pair rate limit) -> 131056.
- Per user, marketing templates: at most `count` per rolling window (settings
  `marketing_limit`), enforced asynchronously by the delivery plan (131049).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """Token buckets keyed by anything hashable; full buckets are forgotten to bound memory."""

    def __init__(self) -> None:
        self._buckets: dict[object, _Bucket] = {}
        self._since_sweep = 0

    def take(self, key: object, now: float, rate: float, capacity: float) -> bool:
        """Take one token if available (refilling `rate` per second up to `capacity`)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, now)
            self._maybe_sweep(now, rate, capacity)
        granted, bucket.tokens, bucket.updated = grant(
            bucket.tokens, bucket.updated, now, rate, capacity, 1
        )
        return granted == 1

    def _maybe_sweep(self, now: float, rate: float, capacity: float) -> None:
        self._since_sweep += 1
        if self._since_sweep < SWEEP_EVERY:
            return
        self._since_sweep = 0
        self._buckets = {
            key: b
            for key, b in self._buckets.items()
            if b.tokens + (now - b.updated) * rate < capacity
        }

    def clear(self) -> None:
        self._buckets.clear()

    def __len__(self) -> int:
        return len(self._buckets)
