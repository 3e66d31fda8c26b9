"""Insights core: the Insights API's time parameters, percentiles, and ad object lookup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.builders import T0
from wamm.core import ad_objects
from wamm.core.analytics.insights_query import DEFAULT_FIELDS, parse_insights_query
from wamm.core.analytics.insights_report import percentile
from wamm.core.errors import GraphError
from wamm.core.model import Template

DAY = 86400
NOW = T0 + 40 * DAY + 3600  # 2026-02-10 01:00 UTC


def day(text: str) -> int:
    moment = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


@pytest.mark.parametrize(
    ("params", "since", "until"),
    [
        ({}, "2026-01-11", "2026-02-10"),  # last_30d: the 30 days before today
        ({"date_preset": "today"}, "2026-02-10", "2026-02-11"),
        ({"date_preset": "YESTERDAY"}, "2026-02-09", "2026-02-10"),
        ({"date_preset": "last_7d"}, "2026-02-03", "2026-02-10"),
        ({"date_preset": "this_month"}, "2026-02-01", "2026-02-11"),
        ({"date_preset": "last_month"}, "2026-01-01", "2026-02-01"),
        (
            {"date_preset": "today", "time_range": '{"since":"2026-01-05","until":"2026-01-05"}'},
            "2026-01-05",
            "2026-01-06",
        ),
        (
            {"time_range": {"since": "2025-12-31", "until": "2026-01-02"}},
            "2025-12-31",
            "2026-01-03",
        ),
    ],
)
def test_time_ranges(params: dict[str, Any], since: str, until: str) -> None:
    query = parse_insights_query(params, NOW, "ad")
    assert (query.since, query.until) == (day(since), day(until))
    assert query.fields == DEFAULT_FIELDS and query.level == "ad"


@pytest.mark.parametrize(
    ("params", "node_level", "named"),
    [
        ({"time_range": '{"since":"2026-01-02","until":"2026-01-01"}'}, "ad", "until"),
        ({"time_range": "2026-01-01"}, "ad", "time_range"),
        ({"time_range": '{"since":"soon","until":"2026-01-01"}'}, "ad", "since"),
        ({"time_increment": "0"}, "ad", "time_increment"),
        ({"level": "campaign"}, "adset", "level"),
        ({"level": "group"}, "account", "level"),
        ({"fields": "marketing_messages_sent,reach"}, "ad", "reach"),
    ],
)
def test_bad_parameters(params: dict[str, Any], node_level: str, named: str) -> None:
    with pytest.raises(GraphError) as error:
        parse_insights_query(params, NOW, node_level)
    assert error.value.code == 100 and named in error.value.details


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([5], 5), ([1, 2], 2), ([1, 2, 3, 4], 3), ([4, 1, 3, 2, 5], 4)],
)
def test_nearest_rank_75th_percentile(values: list[int], expected: int | None) -> None:
    found = percentile([Decimal(v) for v in values])
    assert found == (None if expected is None else Decimal(expected))


def template(template_id: str, waba_id: str = "2", category: str = "MARKETING") -> Template:
    return Template(
        id=template_id,
        waba_id=waba_id,
        seq=1,
        name=f"t{template_id}",
        language="en_US",
        category=category,
        status="APPROVED",
        components=[],
    )


def test_ad_objects_are_found_by_id_and_level() -> None:
    first, second, other = template("11"), template("12"), template("13", waba_id="3")
    linked = [first, second, other]
    ids = ad_objects.ad_ids(7, first)
    assert (
        ids["account"]
        == ad_objects.ad_ids(7, second)["account"]
        != ad_objects.ad_ids(7, other)["account"]
    )
    account = ad_objects.find(7, linked, f"act_{ids['account']}")
    assert account == ad_objects.AdAccount(f"act_{ids['account']}", "account", "2", ("11", "12"))
    assert ad_objects.find(7, linked, ids["account"]) == account
    assert ad_objects.find(7, linked, ids["ad"]) == ad_objects.Ad(ids["ad"], "ad", "2", ("11",))
    assert ad_objects.find(7, linked, "123") is None
    assert not ad_objects.linked(template("14", category="UTILITY"), onboarded=True)
    assert not ad_objects.linked(first, onboarded=False)
