"""Send-time rate limits: in memory for one process, in the store when processes share it."""

from __future__ import annotations

from wamm.core.ratelimit import TokenBuckets
from wamm.store.base import Store, TokenRequest


class SendLimits:
    """Token buckets per scope (`number`, `pair`), shared through the store when it is."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._local: dict[str, TokenBuckets] = {}

    async def take(self, scope: str, key: str, now: float, rate: float, capacity: float) -> bool:
        if self._store.shared:
            return await self._store.take_token(TokenRequest(f"{scope}:{key}", now, rate, capacity))
        buckets = self._local.get(scope)
        if buckets is None:
            buckets = self._local[scope] = TokenBuckets()
        return buckets.take(key, now, rate, capacity)

    def clear(self) -> None:
        self._local.clear()
