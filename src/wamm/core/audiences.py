"""Generated audiences: many simulated users described by a few shares and distributions.

An audience numbers its members 0..size-1. Member i has the phone `prefix` + i (zero-padded to
`length` digits) or, if it is one of the audience's US numbers, `us_prefix` + i (padded to the
11 digits of a North American number). Everything about a member is drawn from the run's seed,
the audience's name and i, so a member costs nothing until a send meets it and the same seed
gives the same audience on every run and in every process: whether it is a US number, whether it
is on WhatsApp, whether and for how long its phone is offline, and whether it ever reads. What
varies per message (the read delay, clicks, opt-outs, per-user marketing limit hits) is drawn by
the message's plan from the behaviour built here (`recipients`, `reactions`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated

import msgspec
from msgspec import Meta

from wamm.core.bounds import Probability
from wamm.core.clock import MAX_ADVANCE_SECONDS
from wamm.core.recipients import Behaviour, Delay, Draws

AudienceName = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
Digits = Annotated[str, Meta(pattern=r"^[1-9][0-9]{0,13}$")]
AudienceSize = Annotated[int, Meta(ge=1, le=10_000_000)]
PhoneLength = Annotated[int, Meta(ge=8, le=15)]  # E.164 numbers have at most 15 digits

US_LENGTH = 11  # 1 + a 10-digit North American number
# A phone that never comes back online: later than any message TTL and any clock advance.
NEVER_ONLINE_SECONDS = MAX_ADVANCE_SECONDS
_USER_STREAM = b":audience-user"


def _lognormal(median: float, sigma: float) -> Delay:
    return Delay(distribution="lognormal", median=median, sigma=sigma)


class Audience(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One generated audience (seed `audiences[]`, `PUT /_wamm/audiences`). Shares are of the
    audience's members, rates of the messages they read."""

    name: AudienceName
    size: AudienceSize
    prefix: Digits  # calling code and leading digits of the non-US members
    length: PhoneLength = 12  # digits of a non-US member's phone
    us_share: Probability = 0.0  # members with a US number (marketing there fails 131049)
    us_prefix: Digits = "1555"
    unreachable_share: Probability = 0.0  # not on WhatsApp: every send fails 131026
    never_online_share: Probability = 0.0  # phone never online again: never delivered
    offline_share: Probability = 0.0  # phone offline for `offline_for` after each send
    offline_for: Delay = msgspec.field(default_factory=lambda: _lognormal(3 * 3600.0, 1.0))
    never_read_share: Probability = 0.0  # delivered, never read
    read_delay: Delay = msgspec.field(default_factory=lambda: _lognormal(600.0, 1.5))
    click_rate: Probability = 0.0  # of read messages with a URL button: a click
    click_delay: Delay = msgspec.field(default_factory=lambda: _lognormal(30.0, 1.0))
    opt_out_rate: Probability = 0.0  # of read marketing messages: the user stops marketing
    opt_out_delay: Delay = msgspec.field(default_factory=lambda: _lognormal(60.0, 1.0))
    marketing_limit_share: Probability = 0.0  # of marketing sends: Meta's per-user limit hit

    def problem(self) -> str | None:
        """Why the audience cannot be used, or None."""
        width = self.length - len(self.prefix)
        if width < len(str(self.size - 1)):
            return (
                f"prefix {self.prefix} leaves {max(width, 0)} of {self.length} digits: "
                f"too few for {self.size} members"
            )
        if self.us_share > 0 and US_LENGTH - len(self.us_prefix) < len(str(self.size - 1)):
            return f"us_prefix {self.us_prefix} leaves too few digits for {self.size} members"
        if self.us_share > 0 and not self.us_prefix.startswith("1"):
            return f"us_prefix must start with the calling code 1, got {self.us_prefix}"
        if self.never_online_share + self.offline_share > 1:
            return "never_online_share and offline_share add up to more than 1"
        return None

    # --- members ------------------------------------------------------------------------

    def phone(self, seed: int, index: int) -> str:
        """The phone of member `index`."""
        if self.us_share > 0 and self._is_us(seed, index):
            return self.us_prefix + str(index).zfill(US_LENGTH - len(self.us_prefix))
        return self.prefix + str(index).zfill(self.length - len(self.prefix))

    def index_of(self, seed: int, phone: str) -> int | None:
        """The member number of `phone`, or None if it is no member."""
        if len(phone) == self.length and phone.startswith(self.prefix):
            index = int(phone[len(self.prefix) :])
            us = self.us_share > 0 and self._is_us(seed, index)
            return index if index < self.size and not us else None
        if self.us_share > 0 and len(phone) == US_LENGTH and phone.startswith(self.us_prefix):
            index = int(phone[len(self.us_prefix) :])
            return index if index < self.size and self._is_us(seed, index) else None
        return None

    def phones(self, seed: int, offset: int, limit: int) -> Iterator[str]:
        """The phones of members `offset`..`offset + limit - 1` (those that exist)."""
        for index in range(offset, min(self.size, offset + limit)):
            yield self.phone(seed, index)

    def _draws(self, seed: int, index: int) -> Draws:
        return Draws(seed, index, _USER_STREAM + b":" + self.name.encode())

    def _is_us(self, seed: int, index: int) -> bool:
        return self._draws(seed, index).random() < self.us_share

    # --- behaviour ----------------------------------------------------------------------

    def behaviour(self, seed: int, index: int) -> Behaviour:
        """How member `index` behaves: always the same for the same seed."""
        draws = self._draws(seed, index)
        draws.random()  # the US draw (see `_is_us`)
        reachable = draws.random() >= self.unreachable_share
        online = draws.random()
        if online < self.never_online_share:
            offline = NEVER_ONLINE_SECONDS
        elif online < self.never_online_share + self.offline_share:
            offline = self.offline_for.sample(draws)
        else:
            offline = 0.0
        return Behaviour(
            reachable=reachable,
            offline_seconds=offline,
            reads=draws.random() >= self.never_read_share,
            read_delay=self.read_delay,
            marketing_limit_probability=self.marketing_limit_share,
            click_probability=self.click_rate,
            click_delay=self.click_delay,
            opt_out_probability=self.opt_out_rate,
            opt_out_delay=self.opt_out_delay,
        )


class AudienceIndex:
    """The audiences of the current settings, for the send path: which one a phone belongs
    to (the first listed that claims it) and its behaviour there."""

    __slots__ = ("_audiences", "_seed")

    def __init__(self, audiences: Sequence[Audience] = (), seed: int = 0) -> None:
        self._audiences = tuple(audiences)
        self._seed = seed

    def behaviour(self, phone: str) -> Behaviour | None:
        for audience in self._audiences:
            index = audience.index_of(self._seed, phone)
            if index is not None:
                return audience.behaviour(self._seed, index)
        return None


def check(audiences: Sequence[Audience]) -> tuple[int, str] | None:
    """(position, problem) of the first unusable audience or repeated name, or None."""
    seen: set[str] = set()
    for position, audience in enumerate(audiences):
        problem = audience.problem()
        if problem is None and audience.name in seen:
            problem = f"audience name {audience.name} is used twice"
        if problem is not None:
            return position, problem
        seen.add(audience.name)
    return None
