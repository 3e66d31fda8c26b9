"""Conversation analytics: the WABA field `conversation_analytics`.

Meta bills per message since July 2025, but the field still reports conversations. wamm
rebuilds them the way conversation-based pricing defined them: a delivered message opens a
conversation of its pricing category with its recipient on its business number, and the
messages of that category delivered to them in the next 24 hours belong to it. Its cost is what
its messages cost (the per-message rate card of `billing`); its type follows the first
message's pricing type (`REGULAR`, `FREE_ENTRY` for the free entry point window, `FREE_TIER` for
free customer service) and its direction whether the user had written first
(`USER_INITIATED`) or not (`BUSINESS_INITIATED`). A conversation counts in the bucket it opened.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wamm.core.analytics.billing import Record, event_time, money
from wamm.core.analytics.queries import (
    GRANULARITIES,
    PRICING_CATEGORIES,
    check_names,
    country_codes,
    phone_numbers,
    pricing_range,
)
from wamm.core.analytics.values import bucket, enum_words, parse_enum, parse_enums
from wamm.core.coerce import required

CONVERSATION_SECONDS = 24 * 3600
METRICS = ("CONVERSATION", "COST")
TYPES = {
    "REGULAR": "REGULAR",
    "FREE_ENTRY_POINT": "FREE_ENTRY",
    "FREE_CUSTOMER_SERVICE": "FREE_TIER",
}
DIRECTIONS = ("BUSINESS_INITIATED", "USER_INITIATED")
# Breakdowns and their data-point keys, in the order Meta's example writes them.
DIMENSIONS = {
    "PHONE": "phone_number",
    "COUNTRY": "country",
    "CONVERSATION_TYPE": "conversation_type",
    "CONVERSATION_DIRECTION": "conversation_direction",
    "CONVERSATION_CATEGORY": "conversation_category",
}
PARAMS = (
    "start",
    "end",
    "granularity",
    "phone_numbers",
    "country_codes",
    "metric_types",
    "conversation_categories",
    "conversation_types",
    "conversation_directions",
    "dimensions",
)


@dataclass(frozen=True)
class ConversationQuery:
    start: int
    end: int  # exclusive
    granularity: str
    phone_numbers: frozenset[str]
    country_codes: frozenset[str]
    metrics: frozenset[str]
    categories: frozenset[str]
    types: frozenset[str]
    directions: frozenset[str]
    dimensions: tuple[str, ...]  # in DIMENSIONS order


def parse_conversation_query(params: Mapping[str, Any], now: float) -> ConversationQuery:
    check_names(params, "conversation_analytics", PARAMS)
    start, end = pricing_range(params, now)
    dimensions = enum_words(params.get("dimensions"), "dimensions", tuple(DIMENSIONS))
    return ConversationQuery(
        start=start,
        end=end,
        granularity=parse_enum(required(params, "granularity"), "granularity", GRANULARITIES),
        phone_numbers=phone_numbers(params.get("phone_numbers")),
        country_codes=country_codes(params.get("country_codes")),
        metrics=parse_enums(params.get("metric_types"), "metric_types", METRICS),
        categories=parse_enums(
            params.get("conversation_categories"), "conversation_categories", PRICING_CATEGORIES
        ),
        types=parse_enums(params.get("conversation_types"), "conversation_types", TYPES.values()),
        directions=parse_enums(
            params.get("conversation_directions"), "conversation_directions", DIRECTIONS
        ),
        dimensions=tuple(d for d in DIMENSIONS if d in dimensions),
    )


@dataclass
class Conversation:
    opened_at: float
    first: Record
    cost: Decimal = Decimal(0)

    def value(self, dimension: str) -> str:
        item = self.first
        match dimension:
            case "PHONE":
                return item.phone_number
            case "COUNTRY":
                return item.country
            case "CONVERSATION_TYPE":
                return TYPES.get(item.charge.pricing_type, "REGULAR")
            case "CONVERSATION_DIRECTION":
                return DIRECTIONS[1] if item.message.in_window else DIRECTIONS[0]
        return item.charge.pricing_category


def conversations(records: Iterable[Record], now: float) -> list[Conversation]:
    """The conversations the delivered messages open, oldest first."""
    delivered = sorted(
        (
            (at, item)
            for item in records
            if (at := event_time(item.message, "delivered", now)) is not None
        ),
        key=lambda pair: pair[0],
    )
    open_ones: dict[tuple[str, str, str], Conversation] = {}
    found: list[Conversation] = []
    for at, item in delivered:
        message = item.message
        user = message.recipient_phone or message.recipient_bsuid or message.recipient_input
        key = (message.phone_number_id, user, item.charge.pricing_category)
        current = open_ones.get(key)
        if current is None or at >= current.opened_at + CONVERSATION_SECONDS:
            current = open_ones[key] = Conversation(at, item)
            found.append(current)
        current.cost += item.charge.cost
    return found


def _selected(conversation: Conversation, query: ConversationQuery) -> bool:
    return (
        query.start <= conversation.opened_at < query.end
        and (not query.phone_numbers or conversation.value("PHONE") in query.phone_numbers)
        and (not query.country_codes or conversation.value("COUNTRY") in query.country_codes)
        and conversation.value("CONVERSATION_TYPE") in query.types
        and conversation.value("CONVERSATION_DIRECTION") in query.directions
        and conversation.value("CONVERSATION_CATEGORY") in query.categories
    )


Key = tuple[int, int, tuple[str, ...]]


def conversation_analytics(
    query: ConversationQuery, records: Iterable[Record], now: float
) -> dict[str, Any]:
    """`{"data": [{"data_points": [...]}]}`: a point per bucket and breakdown with any
    conversation, in time order."""
    count: Counter[Key] = Counter()
    cost: defaultdict[Key, Decimal] = defaultdict(Decimal)
    for conversation in conversations(records, now):
        if _selected(conversation, query):
            start, end = bucket(conversation.opened_at, query.granularity)
            key = (start, end, tuple(conversation.value(d) for d in query.dimensions))
            count[key] += 1
            cost[key] += conversation.cost
    return {"data": [{"data_points": [_point(k, count[k], cost[k], query) for k in sorted(count)]}]}


def _point(key: Key, count: int, cost: Decimal, query: ConversationQuery) -> dict[str, Any]:
    start, end, values = key
    point: dict[str, Any] = {"start": start, "end": end}
    if "CONVERSATION" in query.metrics:
        point["conversation"] = count
    point.update(
        (DIMENSIONS[dimension], value)
        for dimension, value in zip(query.dimensions, values, strict=True)
    )
    if "COST" in query.metrics:
        point["cost"] = money(cost)
    return point
