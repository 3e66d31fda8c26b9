"""The parameters of `GET /{ad_object_id}/insights` (Marketing API Insights), validated.

Meta's Insights API takes `fields`, a time range (`time_range={"since","until"}` days, or a
`date_preset`, by default `last_30d`), `time_increment` (`all_days`, `monthly` or 1 to 90 days),
`level` (`ad`, `adset`, `campaign`, `account`) and `breakdowns`. wamm reads days in UTC.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.ad_objects import LEVELS
from wamm.core.analytics.values import DAY, day_floor, parse_enum, parse_list
from wamm.core.errors import invalid_parameter

COUNTS = ("sent", "delivered", "read", "link_btn_click")
RATES = ("delivery_rate", "read_rate", "link_btn_click_rate")
COSTS = ("spend", "cost_per_delivered", "cost_per_link_btn_click")
# Conversion metrics, and the conversion type (control API) each one counts.
CONVERSIONS = {
    "website_add_to_cart": "WEBSITE_ADD_TO_CART",
    "website_initiate_checkout": "WEBSITE_CHECKOUTS_INITIATED",
    "website_purchase": "WEBSITE_PURCHASES",
    "website_purchase_values": "WEBSITE_PURCHASES",
    "app_add_to_cart": "APP_ADD_TO_CART",
    "app_initiate_checkout": "APP_CHECKOUTS_INITIATED",
    "app_purchase": "APP_PURCHASES",
    "app_purchase_values": "APP_PURCHASES",
}
BENCHMARKS = ("read_rate_benchmark", "click_rate_benchmark")
PREFIX = "marketing_messages_"
METRICS = tuple(PREFIX + name for name in (*COUNTS, *RATES, *COSTS, *CONVERSIONS, *BENCHMARKS))
# Fields that name the object a row is about.
OBJECT_FIELDS = (
    "account_id",
    "account_name",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
)
DEFAULT_FIELDS = tuple(PREFIX + name for name in (*COUNTS, "spend"))
BREAKDOWNS = ("country",)
DATE_PRESETS = (
    "today",
    "yesterday",
    "last_3d",
    "last_7d",
    "last_14d",
    "last_28d",
    "last_30d",
    "last_90d",
    "this_month",
    "last_month",
    "maximum",
)
MAXIMUM_DAYS = 37 * 31  # the Insights API keeps 37 months
MAX_INCREMENT_DAYS = 90


@dataclass(frozen=True)
class InsightsQuery:
    since: int  # 00:00 UTC of the first day
    until: int  # 00:00 UTC of the day after the last day
    increment: str  # "all_days", "monthly" or a number of days
    level: str
    fields: tuple[str, ...]
    breakdowns: tuple[str, ...]


def _day(value: Any, name: str) -> int:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise invalid_parameter(f"Param time_range[{name}] must be a date YYYY-MM-DD.") from None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _time_range(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or not {"since", "until"} <= value.keys():
        raise invalid_parameter(
            'Param time_range must be an object {"since":"YYYY-MM-DD","until":"YYYY-MM-DD"}.'
        )
    since, until = _day(value["since"], "since"), _day(value["until"], "until")
    if until < since:
        raise invalid_parameter("Param time_range: until must not be before since.")
    return since, until + DAY


def _month_start(at: int, months_back: int = 0) -> int:
    moment = dt.datetime.fromtimestamp(at, dt.UTC)
    index = moment.year * 12 + moment.month - 1 - months_back
    return int(dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=dt.UTC).timestamp())


def _preset(preset: str, now: float) -> tuple[int, int]:
    """Meta's presets: `last_Nd` are the N whole days before today."""
    today = day_floor(now)
    match preset:
        case "today":
            return today, today + DAY
        case "yesterday":
            return today - DAY, today
        case "this_month":
            return _month_start(today), today + DAY
        case "last_month":
            return _month_start(today, 1), _month_start(today)
        case "maximum":
            return today - MAXIMUM_DAYS * DAY, today + DAY
    days = int(preset.removeprefix("last_").removesuffix("d"))
    return today - days * DAY, today


def _increment(value: Any) -> str:
    text = str(value).strip().lower() if value is not None else "all_days"
    if text in ("all_days", "monthly"):
        return text
    if text.isdigit() and 1 <= int(text) <= MAX_INCREMENT_DAYS:
        return str(int(text))
    raise invalid_parameter(
        f"Param time_increment must be all_days, monthly or 1 to {MAX_INCREMENT_DAYS} days, "
        f"got '{value}'."
    )


def _fields(value: Any) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(parse_list(value, "fields")))
    known = (*METRICS, *OBJECT_FIELDS, "date_start", "date_stop")
    if bad := [name for name in names if name not in known]:
        raise invalid_parameter(
            f"Param fields has an invalid value '{bad[0]}': this wamm reports the "
            f"marketing_messages_* metrics and the fields {', '.join(OBJECT_FIELDS)}."
        )
    return tuple(n for n in names if n not in ("date_start", "date_stop")) or DEFAULT_FIELDS


def _level(value: Any, node_level: str) -> str:
    if value is None:
        return node_level
    level = parse_enum(value, "level", tuple(level.upper() for level in LEVELS)).lower()
    if LEVELS.index(level) > LEVELS.index(node_level):
        raise invalid_parameter(f"Param level {level} is above this {node_level}.")
    return level


def parse_insights_query(params: Mapping[str, Any], now: float, node_level: str) -> InsightsQuery:
    if params.get("time_range") is not None:  # time_range wins over date_preset, as at Meta
        since, until = _time_range(params["time_range"])
    else:
        options = tuple(p.upper() for p in DATE_PRESETS)
        preset = parse_enum(params.get("date_preset", "last_30d"), "date_preset", options)
        since, until = _preset(preset.lower(), now)
    breakdowns = tuple(
        dict.fromkeys(w.lower() for w in parse_list(params.get("breakdowns"), "breakdowns"))
    )
    if bad := [b for b in breakdowns if b not in BREAKDOWNS]:
        raise invalid_parameter(
            f"Param breakdowns has an unsupported value '{bad[0]}': this wamm breaks "
            f"insights down by {', '.join(BREAKDOWNS)}."
        )
    return InsightsQuery(
        since=since,
        until=until,
        increment=_increment(params.get("time_increment")),
        level=_level(params.get("level"), node_level),
        fields=_fields(params.get("fields")),
        breakdowns=breakdowns,
    )
