"""Simulated recipients: what happens to a message after its 200, decided at send time.

Each user has a behaviour (seed `users[].behaviour`, defaults in settings `recipients`). From it,
the message and a per-message RNG, `plan_delivery` returns the timed status events: `sent`,
`delivered`, `read`, or `failed` with an error code. The RNG is seeded from the run's seed and the
message's sequence number, so the same seed and requests give the same events whatever the
concurrency.
"""

from __future__ import annotations

import hashlib
import math
import struct
from typing import Literal

import msgspec

from wamm.core.bounds import Count, Probability, Seconds, Spread
from wamm.core.clock import MAX_ADVANCE_SECONDS


class Delay(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A delay distribution in seconds: constant `value`, uniform `min`..`max`,
    exponential with `mean`, normal `mean` ± `stddev` (clamped at 0), or lognormal with
    `median` and `sigma` (the standard deviation of the delay's logarithm; capped at 10 years).
    """

    distribution: Literal["constant", "uniform", "exponential", "normal", "lognormal"] = "constant"
    value: Seconds = 0.0
    min: Seconds = 0.0
    max: Seconds = 0.0
    mean: Seconds = 0.0
    stddev: Seconds = 0.0
    median: Seconds = 0.0
    sigma: Spread = 1.0

    def sample(self, rng: Draws) -> float:
        match self.distribution:
            case "constant":
                return self.value
            case "uniform":
                return rng.uniform(self.min, self.max)
            case "exponential":
                return rng.expovariate(1 / self.mean) if self.mean > 0 else 0.0
            case "normal":
                return max(0.0, rng.gauss(self.mean, self.stddev))
            case "lognormal":
                return min(MAX_ADVANCE_SECONDS, self.median * math.exp(rng.gauss(0.0, self.sigma)))


class Behaviour(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """How one simulated user reacts. Every key is optional in a seed."""

    reachable: bool = True  # false: not on WhatsApp -> failed 131026
    blocked: bool = False  # the business blocked this user -> failed 130403
    marketing_opt_out: bool = False  # stopped marketing messages -> failed 131050
    holdout: bool = False  # in a marketing experiment holdout -> failed 130472
    offline_seconds: Seconds = 0.0  # phone offline this long after each send
    reads: bool | None = None  # None: read with the settings' read_probability
    delivery_delay: Delay | None = None
    read_delay: Delay | None = None
    # Per message, drawn from a stream of their own (`reactions`), so users without them draw
    # exactly what they drew before: the share of marketing sends that hit Meta's per-user
    # marketing limit (131049), of read messages with a URL button that are clicked, and of
    # read marketing messages after which the user stops marketing from the business.
    marketing_limit_probability: Probability = 0.0
    click_probability: Probability = 0.0
    click_delay: Delay | None = None
    opt_out_probability: Probability = 0.0
    opt_out_delay: Delay | None = None


class RecipientDefaults(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Settings `recipients`: the behaviour of users that do not say otherwise."""

    sent_delay: Delay = msgspec.field(
        default_factory=lambda: Delay(distribution="uniform", min=0.05, max=0.5)
    )
    delivery_delay: Delay = msgspec.field(
        default_factory=lambda: Delay(distribution="uniform", min=0.5, max=3.0)
    )
    read_delay: Delay = msgspec.field(
        default_factory=lambda: Delay(distribution="exponential", mean=60.0)
    )
    read_probability: Probability = 1.0
    # Meta: since April 2025 marketing templates to US numbers fail with 131049.
    block_us_marketing: bool = True


class MarketingLimit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Per-user marketing cap: at most `count` marketing messages per rolling window. What
    counts: a marketing template to a known user, sent outside a customer-service window, that
    its plan delivers (`subject_to_marketing_limit`, `counts_toward_marketing_limit`)."""

    count: Count
    window_seconds: Seconds = 86400.0

    def window_start(self, now: float) -> float:
        """The earliest send time that still counts at `now`."""
        return now - self.window_seconds

    def reached(self, counted: int) -> bool:
        """Whether a user with `counted` messages in the window gets no more (131049)."""
        return counted >= self.count


def subject_to_marketing_limit(category: str | None, known_user: bool, in_window: bool) -> bool:
    """Whether a send is checked against, and may count toward, the marketing limit."""
    return category == "MARKETING" and known_user and not in_window


def counts_toward_marketing_limit(subject: bool, events: list[PlannedEvent]) -> bool:
    """Whether a planned send counts: a subject one that is delivered."""
    return subject and any(event.status == "delivered" for event in events)


class PlannedEvent(msgspec.Struct, array_like=True, gc=False):
    at: float
    status: str
    error_code: int | None = None


class SendContext(msgspec.Struct, frozen=True):
    """What the plan depends on besides the behaviour."""

    now: float
    mm_route: bool  # delivered by the Marketing Messages API (TTL applies)
    category: str | None  # the template category, None for non-template messages
    country: str | None  # None when the recipient could not be resolved
    ttl_seconds: int | None  # the template's message_send_ttl_seconds
    over_marketing_limit: bool
    marketing_stopped: bool = False  # the user stopped marketing from this business
    blocked_by_business: bool = False  # the number blocked the user (`block_users`)


_UNPACK = struct.Struct("<8Q").unpack
_TO_UNIT = 2.0**-64


class Draws:
    """Deterministic random draws for one message: uniforms from a BLAKE2b stream keyed by
    the run's seed and the message's sequence number (cheaper to set up than a Mersenne
    Twister per message, which is what the send path would otherwise pay). `stream` names an
    independent stream of the same message (or, with `seq` a user's number, of a user)."""

    __slots__ = ("_block", "_key", "_next", "_pool")

    def __init__(self, seed: int, seq: int, stream: bytes = b"") -> None:
        self._key = b"%d:%d%s" % (seed, seq, stream)
        self._block = 0
        self._pool: tuple[int, ...] = ()
        self._next = 0

    def random(self) -> float:
        if self._next == len(self._pool):
            digest = hashlib.blake2b(self._key + b":%d" % self._block, digest_size=64).digest()
            self._block += 1
            self._pool, self._next = _UNPACK(digest), 0
        value = self._pool[self._next]
        self._next += 1
        return value * _TO_UNIT

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def expovariate(self, rate: float) -> float:
        return -math.log(1.0 - self.random()) / rate

    def gauss(self, mean: float, stddev: float) -> float:
        u1, u2 = 1.0 - self.random(), self.random()
        return mean + stddev * math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)


def message_rng(seed: int, seq: int) -> Draws:
    return Draws(seed, seq)


def _failure(behaviour: Behaviour, ctx: SendContext, defaults: RecipientDefaults) -> int | None:
    if ctx.country is None or not behaviour.reachable:
        return 131026
    if behaviour.blocked or ctx.blocked_by_business:
        return 130403
    if ctx.category != "MARKETING":
        return None
    if behaviour.holdout:
        return 130472
    if behaviour.marketing_opt_out or ctx.marketing_stopped:
        return 131050
    if (defaults.block_us_marketing and ctx.country == "US") or ctx.over_marketing_limit:
        return 131049
    return None


def plan_delivery(
    behaviour: Behaviour, ctx: SendContext, defaults: RecipientDefaults, rng: Draws
) -> list[PlannedEvent]:
    """The status events of one accepted message, in time order."""
    sent_at = ctx.now + defaults.sent_delay.sample(rng)
    code = _failure(behaviour, ctx, defaults)
    if code is not None:
        return [PlannedEvent(sent_at, "failed", code)]
    events = [PlannedEvent(sent_at, "sent")]
    delay = (behaviour.delivery_delay or defaults.delivery_delay).sample(rng)
    delivered_at = max(sent_at + delay, ctx.now + behaviour.offline_seconds)
    # The template TTL is honoured only on the MM route: undelivered by then, the message is
    # dropped without a further webhook (Meta documents none).
    if ctx.mm_route and ctx.ttl_seconds and delivered_at > ctx.now + ctx.ttl_seconds:
        return events
    events.append(PlannedEvent(delivered_at, "delivered"))
    reads = behaviour.reads
    if reads is None:
        reads = rng.random() < defaults.read_probability
    if reads:
        read_delay = (behaviour.read_delay or defaults.read_delay).sample(rng)
        events.append(PlannedEvent(delivered_at + read_delay, "read"))
    return events


def current_status(events: list[PlannedEvent], now: float, initial: str = "accepted") -> str:
    status = initial
    for event in events:
        if event.at > now:
            break
        status = event.status
    return status
