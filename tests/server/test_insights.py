"""Messaging and conversation analytics (WABA fields), MM insights of the ad objects linked to
marketing templates, and conversions, over HTTP on the traffic of `test_analytics`."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_text
from tests.server.test_analytics import (
    DAY,
    DAY1,
    DAY2,
    HOUR,
    READER,
    T0,
    click,
    seed_document,
    template_ids,
    two_days_of_traffic,
)

__all__ = ["seed_document"]  # the traffic's seed, used by the graph fixture


async def waba_field(graph: Graph, field: str) -> Any:
    response = await graph.get(sd.SIGNED_WABA, fields=field)
    assert response.status_code == 200, response.text
    return response.json()


async def ad_ids(graph: Graph, name: str) -> dict[str, str]:
    template_id = (await template_ids(graph))[name]
    response = await graph.get(template_id, fields="ad_id,ad_adset_id,ad_campaign_id,ad_account_id")
    body: dict[str, str] = response.json()
    return body


async def insights(graph: Graph, object_id: str, **params: Any) -> Any:
    response = await graph.get(f"{object_id}/insights", **params)
    assert response.status_code == 200, response.text
    return response.json()


TWO_DAYS = '{"since":"2026-01-01","until":"2026-01-02"}'
FUNNEL = (
    "marketing_messages_sent,marketing_messages_delivered,marketing_messages_read,"
    "marketing_messages_link_btn_click,marketing_messages_delivery_rate,"
    "marketing_messages_read_rate,marketing_messages_link_btn_click_rate,"
    "marketing_messages_spend,marketing_messages_cost_per_delivered,"
    "marketing_messages_cost_per_link_btn_click"
)


# --- messaging analytics ---------------------------------------------------------------------


async def test_messaging_analytics_count_sends_and_deliveries_per_day(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    body = await waba_field(graph, f"analytics.start({T0}).end({DAY2}).granularity(DAY)")
    assert body == {
        "analytics": {
            "phone_numbers": [sd.SIGNED_DISPLAY],
            "granularity": "DAY",
            "data_points": [
                {"start": T0, "end": DAY1, "sent": 6, "delivered": 6},
                {"start": DAY1, "end": DAY2, "sent": 3, "delivered": 3},
            ],
        },
        "id": sd.SIGNED_WABA,
    }


@pytest.mark.parametrize(
    ("modifiers", "points"),
    [
        # product type 2: messages that are not templates (the one service text)
        (".product_types([2])", [{"start": DAY1, "end": DAY2, "sent": 1, "delivered": 1}]),
        (
            ".product_types([0])",
            [
                {"start": T0, "end": DAY1, "sent": 6, "delivered": 6},
                {"start": DAY1, "end": DAY2, "sent": 2, "delivered": 2},
            ],
        ),
        (".country_codes([US])", []),  # the US send failed: never sent
        (".phone_numbers([15550000000])", []),
    ],
)
async def test_messaging_analytics_filters(
    graph: Graph, modifiers: str, points: list[dict[str, int]]
) -> None:
    await two_days_of_traffic(graph)
    body = await waba_field(graph, f"analytics.start({T0}).end({DAY2}).granularity(DAY){modifiers}")
    assert body["analytics"]["data_points"] == points


async def test_messaging_analytics_half_hours_and_echoed_filters(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    body = await waba_field(
        graph,
        f"analytics.start({T0}).end({DAY1}).granularity(HALF_HOUR).country_codes([br])",
    )
    ten = T0 + 10 * HOUR
    assert body["analytics"] == {
        "phone_numbers": [sd.SIGNED_DISPLAY],
        "country_codes": ["BR"],
        "granularity": "HALF_HOUR",
        "data_points": [{"start": ten, "end": ten + 1800, "sent": 6, "delivered": 6}],
    }


# --- conversation analytics ------------------------------------------------------------------


def conversation(start: int, kind: str, direction: str, category: str, n: int, cost: float) -> Any:
    return {
        "start": start,
        "end": start + DAY,
        "conversation": n,
        "conversation_type": kind,
        "conversation_direction": direction,
        "conversation_category": category,
        "cost": cost,
    }


async def test_conversations_rebuilt_from_deliveries(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    body = await waba_field(
        graph,
        f"conversation_analytics.start({T0}).end({DAY2}).granularity(DAILY)"
        ".dimensions([CONVERSATION_CATEGORY,CONVERSATION_TYPE,CONVERSATION_DIRECTION])",
    )
    business, user = "BUSINESS_INITIATED", "USER_INITIATED"
    assert body["conversation_analytics"] == {
        "data": [
            {
                "data_points": [
                    conversation(T0, "REGULAR", business, "MARKETING", 1, 0.025),
                    # the reader's two MM templates share one conversation; one is capped
                    conversation(T0, "REGULAR", business, "MARKETING_LITE", 3, 0.095),
                    conversation(T0, "REGULAR", business, "UTILITY", 1, 0.004),
                    conversation(DAY1, "FREE_TIER", user, "SERVICE", 1, 0.0),
                    # 26 hours after the first utility one: a new conversation
                    conversation(DAY1, "FREE_TIER", user, "UTILITY", 1, 0.0),
                    # 25 hours after the reader's first: a new conversation
                    conversation(DAY1, "REGULAR", business, "MARKETING_LITE", 1, 0.025),
                ]
            }
        ]
    }


async def test_conversation_filters_and_metric_types(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    body = await waba_field(
        graph,
        f"conversation_analytics.start({T0}).end({DAY2}).granularity(MONTHLY)"
        ".conversation_categories([MARKETING_LITE]).metric_types([CONVERSATION])",
    )
    month_end = T0 + 31 * DAY
    assert body["conversation_analytics"]["data"][0]["data_points"] == [
        {"start": T0, "end": month_end, "conversation": 4}
    ]


@pytest.mark.parametrize(
    ("field", "named"),
    [
        (f"analytics.start({T0}).end({DAY1})", "granularity"),
        (f"analytics.start({T0}).end({DAY1}).granularity(DAILY)", "granularity"),
        (f"analytics.start({T0}).end({DAY1}).granularity(DAY).product_types([1])", "product_types"),
        (f"analytics.start({T0}).end({DAY1}).granularity(DAY).bogus(1)", "bogus"),
        (f"conversation_analytics.start({DAY1}).end({T0}).granularity(DAILY)", "end"),
        (
            f"conversation_analytics.start({T0}).end({DAY1}).granularity(DAILY)"
            ".conversation_types([FREE])",
            "conversation_types",
        ),
        (
            f"conversation_analytics.start({T0}).end({DAY1}).granularity(DAILY).dimensions([TIER])",
            "dimensions",
        ),
    ],
)
async def test_report_parameter_errors(graph: Graph, field: str, named: str) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields=field)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert named in error_text(response.json()["error"])


# --- MM insights -----------------------------------------------------------------------------


async def test_ad_insights_report_the_funnel_of_the_template(graph: Graph) -> None:
    sent = await two_days_of_traffic(graph)
    await click(graph, sent["mm_day1"])
    ids = await ad_ids(graph, "spring_promo")
    body = await insights(graph, ids["ad_id"], fields=FUNNEL, time_range=TWO_DAYS)
    assert body["data"] == [
        {
            "marketing_messages_sent": "4",  # the US send failed
            "marketing_messages_delivered": "4",
            "marketing_messages_read": "2",  # the late reader has not read yet
            "marketing_messages_link_btn_click": "5",  # CTA and body links
            "marketing_messages_delivery_rate": "100",
            "marketing_messages_read_rate": "50",
            "marketing_messages_link_btn_click_rate": "125",
            "marketing_messages_spend": "0.1",
            "marketing_messages_cost_per_delivered": "0.025",
            "marketing_messages_cost_per_link_btn_click": "0.02",
            "date_start": "2026-01-01",
            "date_stop": "2026-01-02",
        }
    ]
    assert body["paging"]["cursors"]["before"]
    for level in ("ad_adset_id", "ad_campaign_id"):
        same = await insights(graph, ids[level], fields=FUNNEL, time_range=TWO_DAYS)
        assert same["data"] == body["data"]


async def test_account_insights_break_down_by_ad_day_and_country(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    spring, capped = await ad_ids(graph, "spring_promo"), await ad_ids(graph, "capped_promo")
    assert spring["ad_account_id"] == capped["ad_account_id"]  # one ad account per WABA
    body = await insights(
        graph,
        f"act_{spring['ad_account_id']}",
        fields="ad_name,marketing_messages_delivered,marketing_messages_spend,"
        "marketing_messages_read_rate_benchmark,marketing_messages_click_rate_benchmark",
        level="ad",
        time_increment=1,
        breakdowns="country",
        time_range=TWO_DAYS,
    )
    day0 = {"date_start": "2026-01-01", "date_stop": "2026-01-01", "country": "BR"}
    day1 = {"date_start": "2026-01-02", "date_stop": "2026-01-02", "country": "BR"}
    # 75th percentiles of the two ads' read rates (50 %, 100 %) and click rates (100 %, 0 %)
    bench = {
        "marketing_messages_read_rate_benchmark": "100",
        "marketing_messages_click_rate_benchmark": "100",
    }
    rows = {
        spring["ad_id"]: [
            {
                "ad_name": "spring_promo",
                "marketing_messages_delivered": "3",
                "marketing_messages_spend": "0.075",
                **bench,
                **day0,
            },
            {
                "ad_name": "spring_promo",
                "marketing_messages_delivered": "1",
                "marketing_messages_spend": "0.025",
                **bench,
                **day1,
            },
        ],
        capped["ad_id"]: [
            {
                "ad_name": "capped_promo",
                "marketing_messages_delivered": "1",
                "marketing_messages_spend": "0.02",
                **bench,
                **day0,
            },
        ],
    }
    expected = sorted(
        (row for ad in sorted(rows) for row in rows[ad]), key=lambda r: r["date_start"]
    )
    assert body["data"] == expected


async def test_insights_default_to_the_last_30_days_before_today(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    ad = (await ad_ids(graph, "spring_promo"))["ad_id"]
    yesterday = await insights(graph, ad, fields="marketing_messages_sent")
    assert yesterday["data"] == [
        {"marketing_messages_sent": "3", "date_start": "2025-12-03", "date_stop": "2026-01-01"}
    ]
    today = await insights(graph, ad, fields="marketing_messages_sent", date_preset="today")
    assert today["data"][0]["marketing_messages_sent"] == "1"
    assert (await insights(graph, ad, date_preset="last_month"))["data"] == []


async def test_conversions_follow_clicks_and_are_reported(graph: Graph) -> None:
    sent = await two_days_of_traffic(graph)
    wamid = sent["mm_reader"]
    refused = await graph.http.post(
        f"/_wamm/messages/{sent['mm_late']}/conversion", json={"type": "WEBSITE_PURCHASES"}
    )
    assert refused.status_code == 400 and "no link click" in error_text(refused.json()["error"])
    bought = await graph.http.post(
        f"/_wamm/messages/{wamid}/conversion", json={"type": "website_purchases", "value": 49.9}
    )
    assert bought.json() == {
        "wamid": wamid,
        "type": "WEBSITE_PURCHASES",
        "value": 49.9,
        "timestamp": T0 + DAY + 13 * HOUR,
    }
    await graph.http.post(f"/_wamm/messages/{wamid}/conversion", json={"type": "APP_ADD_TO_CART"})
    ad = (await ad_ids(graph, "spring_promo"))["ad_id"]
    fields = (
        "marketing_messages_website_purchase,marketing_messages_website_purchase_values,"
        "marketing_messages_app_add_to_cart,marketing_messages_app_purchase"
    )
    body = await insights(graph, ad, fields=fields, date_preset="today")
    assert body["data"] == [
        {
            "marketing_messages_website_purchase": "1",
            "marketing_messages_website_purchase_values": "49.9",
            "marketing_messages_app_add_to_cart": "1",
            "marketing_messages_app_purchase": "0",
            "date_start": "2026-01-02",
            "date_stop": "2026-01-02",
        }
    ]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "type"),
        ({"type": "WEBSITE_HUG"}, "type"),
        ({"type": "APP_PURCHASES", "value": "9"}, "value"),
        ({"type": "APP_PURCHASES", "value": 10**400}, "value"),
        ({"type": "APP_PURCHASES", "value": -1}, "value"),
    ],
)
async def test_conversion_errors(graph: Graph, body: dict[str, Any], named: str) -> None:
    sent = await two_days_of_traffic(graph)
    response = await graph.http.post(f"/_wamm/messages/{sent['mm_reader']}/conversion", json=body)
    assert response.status_code == 400
    assert named in error_text(response.json()["error"])


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"fields": "impressions"}, "fields"),
        ({"time_range": "{}"}, "time_range"),
        ({"date_preset": "last_2d"}, "date_preset"),
        ({"time_increment": "91"}, "time_increment"),
        ({"breakdowns": "age"}, "breakdowns"),
        ({"level": "account"}, "level"),  # above an ad
    ],
)
async def test_insights_parameter_errors(graph: Graph, params: dict[str, str], named: str) -> None:
    ad = (await ad_ids(graph, "spring_promo"))["ad_id"]
    response = await graph.get(f"{ad}/insights", **params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert named in error_text(response.json()["error"])


async def test_ad_objects_are_only_those_of_linked_templates(graph: Graph) -> None:
    utility = (await template_ids(graph))["order_update"]
    response = await graph.get(utility, fields="ad_id")
    assert "ad_id" not in response.json() or response.json()["ad_id"] is None
    ad = (await ad_ids(graph, "spring_promo"))["ad_id"]
    other = await graph.get(f"{ad}/insights", token=sd.OTHER_WABA_TOKEN)
    assert other.status_code == 400 and other.json()["error"]["code"] == 100
    unknown = await graph.get(f"{ad}/bogus")
    assert unknown.json()["error"]["code"] == 100
    assert "Ad" in error_text(unknown.json()["error"])


async def test_messaging_analytics_ignore_days_before_start(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    body = await waba_field(graph, f"analytics.start({DAY1}).end({DAY2}).granularity(DAY)")
    assert body["analytics"]["data_points"] == [
        {"start": DAY1, "end": DAY2, "sent": 3, "delivered": 3}
    ]
    assert READER  # the reader's day-0 sends are before the range
