"""Builders of core structs for tests that drive core rules directly."""

from __future__ import annotations

from wamm.core.model import Template

BID_SPEC = {"bid_amount": 1, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}


def template(
    category: str = "MARKETING",
    *,
    status: str = "APPROVED",
    bid: bool = False,
    created_at: float = 0.0,
    ttl: int | None = None,
) -> Template:
    """A template `t` (en_US) of WABA `w` without components."""
    return Template(
        id="1",
        waba_id="w",
        seq=1,
        name="t",
        language="en_US",
        category=category,
        status=status,
        components=[],
        created_at=created_at,
        bid_spec=BID_SPEC if bid else None,
        message_send_ttl_seconds=ttl,
    )
