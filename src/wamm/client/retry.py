"""When to retry a failed call, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from wamm.client.errors import WhatsAppError


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for transient errors.

    Retry number `n` (from 0) waits the API's own advice when it gives one (4^n seconds for the
    pair rate limit 131056, a `Retry-After` header), otherwise `initial_delay * 2^n` capped at
    `max_delay`; then up to `jitter` more (a fraction of the delay, drawn from `rng`).
    `max_attempts` counts the first try: 1 disables retries.
    """

    max_attempts: int = 4
    initial_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.1
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, error: WhatsAppError, attempt: int) -> float | None:
        """Seconds to wait before retrying after failed attempt `attempt`, or None to give up."""
        if attempt + 1 >= self.max_attempts:
            return None
        advised = error.retry_after(attempt)
        base = (
            advised if advised is not None else min(self.max_delay, self.initial_delay * 2**attempt)
        )
        return base * (1 + self.jitter * self.rng.random())


NO_RETRIES = RetryPolicy(max_attempts=1)
