"""Messaging analytics: the WABA field `analytics`, messages sent and delivered per bucket.

Meta's field takes `start`, `end`, `granularity` (`HALF_HOUR`, `DAY`, `MONTH`) and the filters
`phone_numbers`, `country_codes` and `product_types` (0: template messages, 2: other messages)
(WhatsApp analytics page, "Messaging analytics"). A message counts in the bucket of its `sent`
event and of its `delivered` event, once that has happened; buckets without any are left out,
as in Meta's example.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wamm.core.analytics.billing import Record
from wamm.core.analytics.queries import (
    check_names,
    country_codes,
    phone_numbers,
    pricing_range,
)
from wamm.core.analytics.values import bucket, parse_enum, parse_list
from wamm.core.coerce import required
from wamm.core.errors import invalid_parameter

# The field's granularity words, and the bucket each one is.
GRANULARITIES = {"HALF_HOUR": "HALF_HOUR", "DAY": "DAILY", "MONTH": "MONTHLY"}
PRODUCT_TYPES = {"0": "template", "2": "other"}
PARAMS = ("start", "end", "granularity", "phone_numbers", "country_codes", "product_types")
COUNTED = ("sent", "delivered")


@dataclass(frozen=True)
class MessagingQuery:
    start: int
    end: int  # exclusive
    granularity: str  # as asked: HALF_HOUR, DAY or MONTH
    phone_numbers: frozenset[str]
    country_codes: frozenset[str]
    product_types: frozenset[str]  # "template" / "other"; empty = both


def _product_types(value: Any) -> frozenset[str]:
    words = parse_list(value, "product_types")
    if bad := [word for word in words if word not in PRODUCT_TYPES]:
        raise invalid_parameter(
            f"Param product_types has an invalid value '{bad[0]}': expected 0 (template "
            "messages) or 2 (other messages)."
        )
    return frozenset(PRODUCT_TYPES[word] for word in words)


def parse_messaging_query(params: Mapping[str, Any], now: float) -> MessagingQuery:
    check_names(params, "analytics", PARAMS)
    start, end = pricing_range(params, now)
    return MessagingQuery(
        start=start,
        end=end,
        granularity=parse_enum(required(params, "granularity"), "granularity", GRANULARITIES),
        phone_numbers=phone_numbers(params.get("phone_numbers")),
        country_codes=country_codes(params.get("country_codes")),
        product_types=_product_types(params.get("product_types")),
    )


def _selected(item: Record, query: MessagingQuery) -> bool:
    kind = "other" if item.message.template_id is None else "template"
    return (
        (not query.phone_numbers or item.phone_number in query.phone_numbers)
        and (not query.country_codes or item.country in query.country_codes)
        and (not query.product_types or kind in query.product_types)
    )


def messaging_analytics(
    query: MessagingQuery, records: Iterable[Record], now: float, waba_numbers: Sequence[str]
) -> dict[str, Any]:
    """`{"phone_numbers", ["country_codes",] "granularity", "data_points"}`: the numbers
    asked for (all of the WABA's without a filter), and a point per bucket with a count."""
    counts: dict[str, Counter[tuple[int, int]]] = {name: Counter() for name in COUNTED}
    for item in records:
        if not _selected(item, query):
            continue
        for event in item.message.events:
            if event.status in counts and event.at <= now and query.start <= event.at < query.end:
                counts[event.status][bucket(event.at, GRANULARITIES[query.granularity])] += 1
    buckets = sorted(set(counts["sent"]) | set(counts["delivered"]))
    body: dict[str, Any] = {
        "phone_numbers": sorted(query.phone_numbers) or list(waba_numbers),
    }
    if query.country_codes:
        body["country_codes"] = sorted(query.country_codes)
    body["granularity"] = query.granularity
    body["data_points"] = [
        {
            "start": start,
            "end": end,
            "sent": counts["sent"][(start, end)],
            "delivered": counts["delivered"][(start, end)],
        }
        for start, end in buckets
    ]
    return body
