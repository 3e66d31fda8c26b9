"""Pricing analytics: messages delivered in a time range, by bucket and breakdown.

Billing is on delivery, so a message counts in the bucket of its `delivered` event (if that has
happened by "now"); failed and undelivered messages never count. MM-routed messages are
`MARKETING_LITE`, Cloud API marketing `MARKETING`. Buckets are UTC.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from wamm.core.analytics.billing import REGULAR, Record, event_time, money
from wamm.core.analytics.queries import DIMENSIONS, PricingQuery
from wamm.core.analytics.values import bucket

ALL_TIERS = "0:MAX"  # the illustrative rate card has no volume tiers

Key = tuple[int, int, tuple[str, ...]]  # bucket start, bucket end, breakdown values


def _dimension(item: Record, dimension: str) -> str:
    """A breakdown's value; "" leaves its key out (free messages have no tier, as at Meta)."""
    match dimension:
        case "PHONE":
            return item.phone_number
        case "COUNTRY":
            return item.country
        case "TIER":
            return ALL_TIERS if item.charge.pricing_type == REGULAR else ""
        case "PRICING_TYPE":
            return item.charge.pricing_type
    return item.charge.pricing_category


def _selected(item: Record, query: PricingQuery) -> bool:
    return (
        (not query.phone_numbers or item.phone_number in query.phone_numbers)
        and (not query.country_codes or item.country in query.country_codes)
        and item.charge.pricing_type in query.pricing_types
        and item.charge.pricing_category in query.pricing_categories
    )


def _point(key: Key, volume: int, cost: Decimal, query: PricingQuery) -> dict[str, Any]:
    start, end, values = key
    point: dict[str, Any] = {"start": start, "end": end}
    for dimension, value in zip(query.dimensions, values, strict=True):
        if value:
            point[DIMENSIONS[dimension]] = value
    if "VOLUME" in query.metrics:
        point["volume"] = volume
    if "COST" in query.metrics:
        point["cost"] = money(cost)
    return point


def pricing_analytics(query: PricingQuery, records: Iterable[Record], now: float) -> dict[str, Any]:
    """`{"data": [{"data_points": [...]}]}`, one point per bucket and breakdown that has any
    delivery (Meta leaves empty ones out), in time order."""
    volume: Counter[Key] = Counter()
    cost: defaultdict[Key, Decimal] = defaultdict(Decimal)
    for item in records:
        delivered_at = event_time(item.message, "delivered", now)
        if delivered_at is None or not query.start <= delivered_at < query.end:
            continue
        if _selected(item, query):
            start, end = bucket(delivered_at, query.granularity)
            key = (start, end, tuple(_dimension(item, d) for d in query.dimensions))
            volume[key] += 1
            cost[key] += item.charge.cost
    points = [_point(key, volume[key], cost[key], query) for key in sorted(volume)]
    return {"data": [{"data_points": points}]}
