"""The per-user marketing limit's rules without I/O, table-first."""

from __future__ import annotations

import pytest

from wamm.core.recipients import (
    MarketingLimit,
    PlannedEvent,
    counts_toward_marketing_limit,
    subject_to_marketing_limit,
)


@pytest.mark.parametrize(
    ("category", "known_user", "in_window", "subject"),
    [
        ("MARKETING", True, False, True),
        ("MARKETING", True, True, False),  # inside a customer-service window
        ("MARKETING", False, False, False),  # a recipient wamm could not resolve
        ("UTILITY", True, False, False),
        ("AUTHENTICATION", True, False, False),
        (None, True, False, False),  # not a template
    ],
)
def test_subject_to_marketing_limit(
    category: str | None, known_user: bool, in_window: bool, subject: bool
) -> None:
    assert subject_to_marketing_limit(category, known_user, in_window) is subject


SENT = PlannedEvent(1.0, "sent")
DELIVERED = PlannedEvent(2.0, "delivered")
READ = PlannedEvent(3.0, "read")
FAILED = PlannedEvent(1.0, "failed", 131049)


@pytest.mark.parametrize(
    ("subject", "events", "counts"),
    [
        (True, [SENT, DELIVERED, READ], True),
        (True, [SENT, DELIVERED], True),
        (True, [SENT], False),  # dropped at its TTL: never delivered
        (True, [FAILED], False),
        (False, [SENT, DELIVERED, READ], False),
    ],
)
def test_counts_toward_marketing_limit(
    subject: bool, events: list[PlannedEvent], counts: bool
) -> None:
    assert counts_toward_marketing_limit(subject, events) is counts


@pytest.mark.parametrize(
    ("limit", "now", "window_start"),
    [
        (MarketingLimit(count=2), 100_000.0, 100_000.0 - 86_400),  # a day by default
        (MarketingLimit(count=2, window_seconds=60), 100.0, 40.0),
    ],
)
def test_window_start(limit: MarketingLimit, now: float, window_start: float) -> None:
    assert limit.window_start(now) == window_start


@pytest.mark.parametrize(
    ("count", "counted", "reached"),
    [(2, 0, False), (2, 1, False), (2, 2, True), (2, 3, True), (0, 0, True)],
)
def test_reached(count: int, counted: int, reached: bool) -> None:
    assert MarketingLimit(count=count).reached(counted) is reached
