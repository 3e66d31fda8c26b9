"""A business number's quality rating and messaging limit tier, and how they move.

Meta rates a number from its users' feedback over the past 7 days (blocks, reports, marketing
opt-outs): GREEN, YELLOW, then RED, when the number is FLAGGED; a number that keeps getting
negative feedback has its messaging limit lowered (DOWNGRADE). wamm counts one negative signal
each time a user stops marketing messages from the number, and moves the rating at the
thresholds of settings `phone_quality` (docs/decisions.md, "Phone number quality").

The events are those of the `phone_number_quality_update` webhook (Meta's webhook reference):
FLAGGED / UNFLAGGED when the rating reaches or leaves RED, DOWNGRADE / UPGRADE when the tier
changes, and ONBOARDING / THROUGHPUT_UPGRADE, which only the control API sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from wamm.core.bounds import PositiveCount, PositiveSeconds
from wamm.core.coerce import as_str
from wamm.core.errors import invalid_parameter

RATINGS = ("GREEN", "YELLOW", "RED", "UNKNOWN")
# Lowest first; TIER_1K is the per-number tier of before October 2025, kept for seeds.
TIERS = ("TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED")
EVENTS = ("FLAGGED", "UNFLAGGED", "DOWNGRADE", "UPGRADE", "ONBOARDING", "THROUGHPUT_UPGRADE")
FLAGGED_RATING = "RED"


class PhoneQualitySettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Settings `phone_quality`: the negative signals (marketing opt-outs) within the window
    that lower a number's rating to YELLOW, to RED (FLAGGED), and its tier by one (DOWNGRADE,
    again at every further `downgrade_after` signals)."""

    window_seconds: PositiveSeconds = 7 * 86400.0  # Meta rates the past 7 days
    yellow_after: PositiveCount = 10
    red_after: PositiveCount = 25
    downgrade_after: PositiveCount = 50


@dataclass(frozen=True)
class QualityChange:
    """A new rating and tier for a number, and the webhook events that announce them."""

    quality_rating: str
    messaging_limit_tier: str
    events: tuple[tuple[str, str | None], ...]  # (event, old limit for tier changes)


def recent(signals: list[float], now: float, settings: PhoneQualitySettings) -> list[float]:
    """The signals still inside the rating window."""
    start = now - settings.window_seconds
    return [at for at in signals if at > start]


def rating_for(count: int, current: str, settings: PhoneQualitySettings) -> str:
    """The rating `count` recent negative signals give; feedback never raises a rating."""
    if count >= settings.red_after:
        return "RED"
    if count >= settings.yellow_after and current in ("GREEN", "UNKNOWN"):
        return "YELLOW"
    return current


def after_feedback(
    rating: str, tier: str, count: int, settings: PhoneQualitySettings
) -> QualityChange:
    """What one more negative signal, making `count` recent ones, does to the number."""
    new_rating = rating_for(count, rating, settings)
    downgrades = count % settings.downgrade_after == 0
    new_tier = one_lower(tier) if downgrades else tier
    return change(rating, tier, new_rating, new_tier)


def one_lower(tier: str) -> str:
    """The next tier down the ladder (the lowest stays)."""
    return TIERS[max(TIERS.index(tier) - 1, 0)]


def change(rating: str, tier: str, new_rating: str, new_tier: str) -> QualityChange:
    """The events a move from (rating, tier) to (new_rating, new_tier) sends: FLAGGED or
    UNFLAGGED first, then DOWNGRADE or UPGRADE with the old limit."""
    events: list[tuple[str, str | None]] = []
    if new_rating == FLAGGED_RATING and rating != FLAGGED_RATING:
        events.append(("FLAGGED", None))
    elif rating == FLAGGED_RATING and new_rating != FLAGGED_RATING:
        events.append(("UNFLAGGED", None))
    if new_tier != tier:
        lower = TIERS.index(new_tier) < TIERS.index(tier)
        events.append(("DOWNGRADE" if lower else "UPGRADE", tier))
    return QualityChange(new_rating, new_tier, tuple(events))


@dataclass(frozen=True)
class QualityRequest:
    """The body of `POST /_wamm/phone_numbers/{id}/quality`."""

    quality_rating: str | None
    messaging_limit_tier: str | None
    event: str | None


def parse_request(body: Mapping[str, Any]) -> QualityRequest:
    """A new rating and / or tier, and an event to send as it is (default: the events the
    change implies)."""
    request = QualityRequest(
        quality_rating=_choice(body, "quality_rating", RATINGS),
        messaging_limit_tier=_choice(body, "messaging_limit_tier", TIERS),
        event=_choice(body, "event", EVENTS),
    )
    if request == QualityRequest(None, None, None):
        raise invalid_parameter(
            "Give at least one of quality_rating, messaging_limit_tier and event."
        )
    return request


def _choice(body: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    text = as_str(value, name).upper()
    if text not in allowed:
        raise invalid_parameter(f"Param {name} must be one of {', '.join(allowed)}.")
    return text


def requested_change(rating: str, tier: str, request: QualityRequest) -> QualityChange:
    """The control API's change: the given event alone, or the events the change implies."""
    new_rating = request.quality_rating or rating
    new_tier = request.messaging_limit_tier or tier
    implied = change(rating, tier, new_rating, new_tier)
    if request.event is None:
        return implied
    old_limit = tier if request.event in ("DOWNGRADE", "UPGRADE") else None
    return QualityChange(new_rating, new_tier, ((request.event, old_limit),))
