"""The parameters of the two analytics requests, validated into plain queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wamm.core.analytics.values import (
    DAY,
    day_floor,
    enum_words,
    parse_enum,
    parse_enums,
    parse_list,
    parse_time,
)
from wamm.core.coerce import required
from wamm.core.errors import invalid_parameter, missing_parameter
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM

TEMPLATE_LOOKBACK_DAYS = 90
PRICING_LOOKBACK_DAYS = 365  # 1 year since Dec 1 2025
MAX_TEMPLATE_IDS = 10

PRODUCT_TYPES = {
    "CLOUD_API": ROUTE_CLOUD,
    "MARKETING_MESSAGES_API_FOR_WHATSAPP": ROUTE_MM,
    "MARKETING_MESSAGES_LITE_API": ROUTE_MM,  # the MM pricing pages' spelling (facts §9.11)
}
CANONICAL_PRODUCT = {ROUTE_CLOUD: "CLOUD_API", ROUTE_MM: "MARKETING_MESSAGES_API_FOR_WHATSAPP"}
TEMPLATE_METRICS = ("SENT", "DELIVERED", "READ", "CLICKED", "COST")
_CONVERSIONS = {
    "APP": "ACTIVATIONS ADD_TO_CART CHECKOUTS_INITIATED PURCHASES PURCHASES_CONVERSION_VALUE "
    "ADD_PAYMENT_INFO ADD_TO_WISHLIST COMPLETE_REGISTRATION LEVEL_ACHIEVED OTHER RATE SEARCH "
    "TUTORIAL_COMPLETION VIEW_CONTENT",
    "WEBSITE": "ADD_TO_CART CHECKOUTS_INITIATED PURCHASES PURCHASES_CONVERSION_VALUE "
    "ADD_PAYMENT_INFO ADD_TO_WISHLIST COMPLETE_REGISTRATION CUSTOM LEAD SEARCH VIEW_CONTENT",
}
# MM conversion metrics: accepted, never reported (wamm simulates no conversions).
CONVERSION_METRICS = tuple(
    f"{prefix}_{name}" for prefix, names in _CONVERSIONS.items() for name in names.split()
)

GRANULARITIES = ("DAILY", "HALF_HOUR", "MONTHLY")
PRICING_METRICS = ("COST", "VOLUME")
PRICING_TYPES = ("REGULAR", "FREE_CUSTOMER_SERVICE", "FREE_ENTRY_POINT")
PRICING_CATEGORIES = (
    "AUTHENTICATION",
    "AUTHENTICATION_INTERNATIONAL",
    "MARKETING",
    "MARKETING_LITE",
    "SERVICE",
    "UTILITY",
    "REFERRAL_CONVERSION",
)
# Breakdowns and their data-point keys, in the order Meta writes them.
DIMENSIONS = {
    "PHONE": "phone_number",
    "COUNTRY": "country",
    "TIER": "tier",
    "PRICING_TYPE": "pricing_type",
    "PRICING_CATEGORY": "pricing_category",
}
PRICING_PARAMS = (
    "start",
    "end",
    "granularity",
    "phone_numbers",
    "country_codes",
    "metric_types",
    "pricing_types",
    "pricing_categories",
    "dimensions",
)


def time_range(params: Mapping[str, Any]) -> tuple[int, int]:
    """The required `start` and `end`, as UNIX times."""
    return (
        parse_time(required(params, "start"), "start"),
        parse_time(required(params, "end"), "end"),
    )


def check_lookback(start: int, now: float, days: int) -> None:
    if start < day_floor(now) - days * DAY:
        raise invalid_parameter(
            f"Param start is too far in the past: this data goes back at most {days} days."
        )


def pricing_range(params: Mapping[str, Any], now: float) -> tuple[int, int]:
    """The exact [start, end) range of an analytics field, within Meta's lookback."""
    start, end = time_range(params)
    if end <= start:
        raise invalid_parameter("Param end must be after start.")
    check_lookback(start, now, PRICING_LOOKBACK_DAYS)
    return start, end


@dataclass(frozen=True)
class TemplateQuery:
    start: int  # 00:00 UTC of the first day
    end: int  # 00:00 UTC of the day after the last day
    template_ids: tuple[str, ...]
    metrics: frozenset[str]
    route: str  # ROUTE_CLOUD or ROUTE_MM

    @property
    def product_type(self) -> str:
        """The response's spelling: lower case, as in Meta's example (`cloud_api`)."""
        return CANONICAL_PRODUCT[self.route].lower()


def _template_ids(value: Any) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(parse_list(value, "template_ids")))
    if not ids:
        raise missing_parameter("template_ids")
    if len(ids) > MAX_TEMPLATE_IDS:
        raise invalid_parameter(
            f"Param template_ids accepts at most {MAX_TEMPLATE_IDS} ids, got {len(ids)}."
        )
    if bad := [i for i in ids if not i.isdigit()]:
        raise invalid_parameter(f"Param template_ids has an invalid id '{bad[0]}'.")
    return ids


def parse_template_query(params: Mapping[str, Any], now: float) -> TemplateQuery:
    """`GET /{waba}/template_analytics`. Start and end are whole UTC days: a timestamp inside a
    day means that day, and the end day is included (Meta: times are "adjusted back" to 00:00
    UTC, and its one-day example has start and end on the same day)."""
    start, end = (day_floor(at) for at in time_range(params))
    if end < start:
        raise invalid_parameter("Param end must not be before start.")
    parse_enum(required(params, "granularity"), "granularity", ("DAILY",))
    check_lookback(start, now, TEMPLATE_LOOKBACK_DAYS)
    product = parse_enum(params.get("product_type", "CLOUD_API"), "product_type", PRODUCT_TYPES)
    return TemplateQuery(
        start=start,
        end=end + DAY,
        template_ids=_template_ids(required(params, "template_ids")),
        metrics=parse_enums(
            params.get("metric_types"), "metric_types", TEMPLATE_METRICS + CONVERSION_METRICS
        ),
        route=PRODUCT_TYPES[product],
    )


@dataclass(frozen=True)
class PricingQuery:
    start: int
    end: int  # exclusive
    granularity: str
    phone_numbers: frozenset[str]  # display numbers; empty = all
    country_codes: frozenset[str]  # empty = all
    metrics: frozenset[str]
    pricing_types: frozenset[str]
    pricing_categories: frozenset[str]
    dimensions: tuple[str, ...]  # in DIMENSIONS order


def country_codes(value: Any) -> frozenset[str]:
    codes = frozenset(code.upper() for code in parse_list(value, "country_codes"))
    if bad := sorted(c for c in codes if len(c) != 2 or not c.isalpha()):
        raise invalid_parameter(f"Param country_codes has an invalid country code '{bad[0]}'.")
    return codes


def phone_numbers(value: Any) -> frozenset[str]:
    numbers = frozenset(n.lstrip("+") for n in parse_list(value, "phone_numbers"))
    if bad := sorted(n for n in numbers if not n.isdigit()):
        raise invalid_parameter(f"Param phone_numbers has an invalid phone number '{bad[0]}'.")
    return numbers


def check_names(params: Mapping[str, Any], field: str, known: Sequence[str]) -> None:
    """Code 100 naming the first modifier the field does not take."""
    if unknown := [name for name in params if name not in known]:
        raise invalid_parameter(
            f"{field} has no parameter {unknown[0]}: it takes {', '.join(known)}."
        )


def parse_pricing_query(params: Mapping[str, Any], now: float) -> PricingQuery:
    """The modifiers of the `pricing_analytics` field: an exact [start, end) range."""
    check_names(params, "pricing_analytics", PRICING_PARAMS)
    start, end = pricing_range(params, now)
    dimensions = enum_words(params.get("dimensions"), "dimensions", tuple(DIMENSIONS))
    return PricingQuery(
        start=start,
        end=end,
        granularity=parse_enum(required(params, "granularity"), "granularity", GRANULARITIES),
        phone_numbers=phone_numbers(params.get("phone_numbers")),
        country_codes=country_codes(params.get("country_codes")),
        metrics=parse_enums(params.get("metric_types"), "metric_types", PRICING_METRICS),
        pricing_types=parse_enums(params.get("pricing_types"), "pricing_types", PRICING_TYPES),
        pricing_categories=parse_enums(
            params.get("pricing_categories"), "pricing_categories", PRICING_CATEGORIES
        ),
        dimensions=tuple(d for d in DIMENSIONS if d in dimensions),
    )
