"""Query parameters of list and analytics reads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from wamm.client.errors import ValidationError

TimePoint = int | str | dt.date
MAX_ANALYTICS_TEMPLATES = 10


def time_point(value: TimePoint) -> str:
    """A UNIX timestamp, a `YYYY-MM-DD` date, or a date / datetime, as Graph takes it."""
    if isinstance(value, dt.datetime):
        return str(int(value.timestamp()))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values))


@dataclass(frozen=True)
class TemplateQuery:
    """Filters and paging of a template list (`status`, `category`, `language`,
    `quality_score` take several values; `name`, `content`, `name_or_content` match
    substrings); `summary` asks for the counts."""

    fields: Sequence[str] | None = None
    limit: int | None = None
    status: Sequence[str] = ()
    category: Sequence[str] = ()
    language: Sequence[str] = ()
    quality_score: Sequence[str] = ()
    name: str | None = None
    content: str | None = None
    name_or_content: str | None = None
    summary: bool = False

    def params(self) -> dict[str, str]:
        """The query string."""
        params = {
            key: ",".join(values)
            for key, values in (
                ("fields", self.fields or ()),
                ("status", self.status),
                ("category", self.category),
                ("language", self.language),
                ("quality_score", self.quality_score),
            )
            if values
        }
        texts = {
            "name": self.name,
            "content": self.content,
            "name_or_content": self.name_or_content,
        }
        params.update({key: value for key, value in texts.items() if value is not None})
        if self.limit is not None:
            params["limit"] = str(self.limit)
        if self.summary:
            params["summary"] = "total_count,message_template_count,message_template_limit"
        return params


@dataclass(frozen=True)
class LibraryQuery:
    """Filters and paging of Meta's template library: `search` matches names and texts;
    `topic`, `usecase`, `industry` and `language` match exactly (e.g. ORDER_MANAGEMENT,
    DELIVERY_UPDATE, E_COMMERCE, en_US)."""

    search: str | None = None
    topic: str | None = None
    usecase: str | None = None
    industry: str | None = None
    language: str | None = None
    limit: int | None = None

    def params(self) -> dict[str, str]:
        """The query string."""
        values = {key: value for key, value in vars(self).items() if value is not None}
        return {key: str(value) for key, value in values.items()}


@dataclass(frozen=True)
class TemplateAnalyticsQuery:
    """`/{waba_id}/template_analytics`: 1 to 10 templates over `start`..`end`."""

    start: TimePoint
    end: TimePoint
    template_ids: Sequence[str]
    granularity: str = "DAILY"
    metric_types: Sequence[str] = ()
    product_type: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.template_ids) <= MAX_ANALYTICS_TEMPLATES:
            raise ValidationError(
                f"template_ids needs 1 to {MAX_ANALYTICS_TEMPLATES} ids, got "
                f"{len(self.template_ids)}."
            )

    def params(self) -> dict[str, str]:
        """The query string."""
        params = {
            "start": time_point(self.start),
            "end": time_point(self.end),
            "granularity": self.granularity,
            "template_ids": _json_list(self.template_ids),
        }
        if self.metric_types:
            params["metric_types"] = _json_list(self.metric_types)
        if self.product_type is not None:
            params["product_type"] = self.product_type
        return params


@dataclass(frozen=True)
class AdInsightsQuery:
    """`/{ad_object_id}/insights`: `fields` (marketing_messages_* metrics, ad_id, ad_name, ...)
    over `since`..`until` (days, both included) or a `date_preset` (Meta's default
    `last_30d`), per `time_increment` (`all_days`, `monthly` or a number of days)."""

    fields: Sequence[str] = ()
    since: TimePoint | None = None
    until: TimePoint | None = None
    date_preset: str | None = None
    time_increment: str | int | None = None
    level: str | None = None
    breakdowns: Sequence[str] = ()

    def __post_init__(self) -> None:
        if (self.since is None) != (self.until is None):
            raise ValidationError("since and until go together.")

    def params(self) -> dict[str, str]:
        """The query string."""
        params: dict[str, str] = {}
        if self.fields:
            params["fields"] = ",".join(self.fields)
        if self.since is not None and self.until is not None:
            days = {"since": _iso_day(self.since), "until": _iso_day(self.until)}
            params["time_range"] = json.dumps(days, separators=(",", ":"))
        optional = {
            "date_preset": self.date_preset,
            "time_increment": self.time_increment,
            "level": self.level,
        }
        params.update({key: str(value) for key, value in optional.items() if value is not None})
        if self.breakdowns:
            params["breakdowns"] = ",".join(self.breakdowns)
        return params


def _iso_day(point: TimePoint) -> str:
    """A day `YYYY-MM-DD` (UTC) from a date, datetime, UNIX time or date string."""
    value = time_point(point)
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), dt.UTC).date().isoformat()
    return value[:10]


@dataclass(frozen=True)
class PricingAnalyticsQuery:
    """The WABA's `pricing_analytics` field: buckets of `granularity` (DAILY, HALF_HOUR,
    MONTHLY) broken down by `dimensions`, optionally filtered."""

    start: TimePoint
    end: TimePoint
    granularity: str = "DAILY"
    dimensions: Sequence[str] = ()
    metric_types: Sequence[str] = ()
    pricing_types: Sequence[str] = ()
    pricing_categories: Sequence[str] = ()
    phone_numbers: Sequence[str] = ()
    country_codes: Sequence[str] = ()

    def field(self) -> str:
        """`pricing_analytics.start(..).end(..)...`, the `fields=` value."""
        modifiers = [
            f"start({time_point(self.start)})",
            f"end({time_point(self.end)})",
            f"granularity({self.granularity})",
        ]
        lists = (
            ("dimensions", self.dimensions),
            ("metric_types", self.metric_types),
            ("pricing_types", self.pricing_types),
            ("pricing_categories", self.pricing_categories),
            ("phone_numbers", self.phone_numbers),
            ("country_codes", self.country_codes),
        )
        modifiers += [f"{name}({_json_list(values)})" for name, values in lists if values]
        return "pricing_analytics." + ".".join(modifiers)
