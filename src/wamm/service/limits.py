"""Rate limits over virtual time: in memory for one process, in the store when processes
share it."""

from __future__ import annotations

from wamm.core.ratelimit import TokenBuckets
from wamm.store.base import Store, TokenRequest

Bucket = tuple[str, str, float, float]  # scope, key, rate per second, capacity


class RateLimits:
    """Token buckets per scope (`number`, `pair`, `buc`), shared through the store when it is."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._local: dict[str, TokenBuckets] = {}

    async def take_both(self, first: Bucket, then: Bucket, now: float) -> tuple[bool, bool]:
        """Take a token from `first`'s bucket, then, only if one was taken, from `then`'s:
        whether each was taken (shared: both in one round trip)."""
        if self._store.shared:
            requests = [
                TokenRequest(f"{scope}:{key}", now, rate, cap)
                for scope, key, rate, cap in (first, then)
            ]
            taken = await self._store.take_tokens(requests)
            return taken[0][0], taken[1][0]
        scope, key, rate, capacity = first
        if not self._buckets(scope).take(key, now, rate, capacity)[0]:
            return False, False
        scope, key, rate, capacity = then
        return True, self._buckets(scope).take(key, now, rate, capacity)[0]

    async def draw(
        self, scope: str, key: str, now: float, rate: float, capacity: float
    ) -> tuple[bool, float]:
        """Take one token if there is one: whether it was taken, and the tokens left."""
        if self._store.shared:
            return await self._store.take_token(TokenRequest(f"{scope}:{key}", now, rate, capacity))
        return self._buckets(scope).take(key, now, rate, capacity)

    def _buckets(self, scope: str) -> TokenBuckets:
        buckets = self._local.get(scope)
        if buckets is None:
            buckets = self._local[scope] = TokenBuckets()
        return buckets

    def clear(self) -> None:
        self._local.clear()
