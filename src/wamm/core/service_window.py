"""The customer-service window: a user's message opens it on the business number it wrote to,
for 24 hours (settings `customer_service_window_hours`).

Inside it a business may send any message (and utility templates are free, `webhooks.pricing`);
outside it only templates: anything else fails with 131047 (Meta's "re-engagement message").
Its bounds are inclusive: a send at exactly the last second is inside.
"""

from __future__ import annotations

from wamm.core.errors import GraphError

HOUR = 3600.0


def is_open(opened_at: float | None, now: float, hours: float) -> bool:
    """Whether a window opened at `opened_at` (None: never) is open at `now`."""
    return opened_at is not None and now - opened_at <= hours * HOUR


def closes_at(opened_at: float, hours: float) -> float:
    """The last moment of a window opened at `opened_at`."""
    return opened_at + hours * HOUR


def check_free_form(in_window: bool) -> None:
    """A message that is not a template needs an open window (131047)."""
    if not in_window:
        raise GraphError(131047)
