"""Template and pricing analytics over HTTP, computed from a realistic day of traffic.

Recipients behave deterministically here (sent 1 s, delivered 3 s after the send, read 60 s
after delivery unless a user says otherwise) and the manual clock moves on demand, so every
count and cost is exact.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send, text_send
from tests.conftest import Graph, error_of, error_text, invalid_parameter_error

DAY = 86400
HOUR = 3600
T0 = int(sd.CLOCK_START)  # 2026-01-01T00:00:00Z
DAY1, DAY2 = T0 + DAY, T0 + 2 * DAY
FEB_1 = T0 + 31 * DAY

READER = "5511900000011"  # reads a minute after delivery (the default here)
SILENT = "5511900000012"  # never reads
LATE = "5511900000013"  # reads two days later
VERY_LATE = "5511900000014"  # reads after eight days: too late for template analytics

SPRING_PROMO = {
    "name": "spring_promo",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {"type": "BODY", "text": "Spring is here: 20% off everything"},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "URL", "text": "Shop now", "url": "https://shop.example.com/spring"},
                {"type": "QUICK_REPLY", "text": "Stop promos"},
            ],
        },
    ],
}
CAPPED_PROMO = {
    **sd.SUMMER_SALE,
    "name": "capped_promo",
    "bid_spec": {"bid_amount": 2000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"},
}
UNTRACKED_PROMO = {**SPRING_PROMO, "name": "untracked_promo"}
# Send-time components per template; the others take test_sending's two body parameters.
COMPONENTS: dict[str, list[Any]] = {
    "spring_promo": [],
    "untracked_promo": [],
    "order_update": [{"type": "body", "parameters": [{"type": "text", "text": "#42"}]}],
}


@pytest.fixture
def seed_document() -> dict[str, Any]:
    document = sd.seed()
    document["settings"]["recipients"] = {
        "sent_delay": {"value": 1},
        "delivery_delay": {"value": 2},
        "read_delay": {"value": 60},
    }
    waba = document["businesses"][0]["wabas"][0]
    waba["is_enabled_for_insights"] = True
    waba["templates"] += [SPRING_PROMO, CAPPED_PROMO, UNTRACKED_PROMO]
    document["users"] += [
        {"phone": READER},
        {"phone": SILENT, "behaviour": {"reads": False}},
        {"phone": LATE, "behaviour": {"read_delay": {"value": 2 * DAY}}},
        {"phone": VERY_LATE, "behaviour": {"read_delay": {"value": 8 * DAY}}},
    ]
    return document


# --- helpers ---------------------------------------------------------------------------------


async def advance(graph: Graph, seconds: float) -> None:
    response = await graph.http.post("/_wamm/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


async def advance_to(graph: Graph, at: float) -> None:
    now = (await graph.http.get("/_wamm/clock")).json()["now"]
    await advance(graph, at - now)


async def send(graph: Graph, endpoint: str, to: str, template: str = "spring_promo") -> str:
    body = template_send(template, components=COMPONENTS.get(template), to=to)
    response = await graph.post(f"{sd.SIGNED_PHONE}/{endpoint}", body)
    assert response.status_code == 200, response.text
    wamid: str = response.json()["messages"][0]["id"]
    return wamid


async def mm(graph: Graph, to: str, template: str = "spring_promo") -> str:
    return await send(graph, "marketing_messages", to, template)


async def cloud(graph: Graph, to: str, template: str = "spring_promo") -> str:
    return await send(graph, "messages", to, template)


async def click(graph: Graph, wamid: str, component: str = "cta") -> None:
    response = await graph.http.post(
        f"/_wamm/messages/{wamid}/click", json={"component": component}
    )
    assert response.status_code == 200, response.text


async def reply(graph: Graph, wamid: str, text: str = "Stop promos") -> None:
    response = await graph.http.post(f"/_wamm/messages/{wamid}/reply", json={"text": text})
    assert response.status_code == 200, response.text


async def template_ids(graph: Graph) -> dict[str, str]:
    listed = await graph.get(f"{sd.SIGNED_WABA}/message_templates", fields="name", limit=100)
    return {t["name"]: t["id"] for t in listed.json()["data"]}


async def template_analytics(graph: Graph, ids: list[str], **params: Any) -> Any:
    query = {"start": T0, "end": "2026-01-31", "granularity": "DAILY", **params}
    response = await graph.get(
        f"{sd.SIGNED_WABA}/template_analytics", template_ids=str(ids).replace("'", ""), **query
    )
    assert response.status_code == 200, response.text
    return response.json()


async def points(graph: Graph, template_id: str, **params: Any) -> list[dict[str, Any]]:
    body = await template_analytics(graph, [template_id], **params)
    result: list[dict[str, Any]] = body["data"][0]["data_points"]
    return result


async def pricing(graph: Graph, modifiers: str) -> Any:
    response = await graph.get(sd.SIGNED_WABA, fields=f"pricing_analytics{modifiers}")
    assert response.status_code == 200, response.text
    return response.json()


async def pricing_points(graph: Graph, modifiers: str) -> list[dict[str, Any]]:
    body = await pricing(graph, modifiers)
    result: list[dict[str, Any]] = body["pricing_analytics"]["data"][0]["data_points"]
    return result


def day_point(template_id: str, start: int, **metrics: Any) -> dict[str, Any]:
    return {"template_id": template_id, "start": start, "end": start + DAY, **metrics}


def counted(sent: int, delivered: int, read: int) -> dict[str, int]:
    return {"sent": sent, "delivered": delivered, "read": read}


def costs(spent: float, per_delivered: float | None = None, per_click: float | None = None) -> Any:
    items: list[dict[str, Any]] = [{"type": "amount_spent", "value": spent}]
    if per_delivered is not None:
        items.append({"type": "cost_per_delivered", "value": per_delivered})
    if per_click is not None:
        items.append({"type": "cost_per_url_button_click", "value": per_click})
    return items


def clicks(**counts: int) -> list[dict[str, Any]]:
    """`url=3, unique=2, reply=1` -> the `clicked` array for the spring_promo buttons."""
    kinds = (("url", "url_button"), ("unique", "unique_url_button"))
    items = [
        {"type": kind, "button_content": "Shop now", "count": counts[key]}
        for key, kind in kinds
        if key in counts
    ]
    if "reply" in counts:
        items.append(
            {
                "type": "quick_reply_button",
                "button_content": "Stop promos",
                "count": counts["reply"],
            }
        )
    return items


ZERO_DAY = {**counted(0, 0, 0), "clicked": [], "cost": costs(0.0)}


async def two_days_of_traffic(graph: Graph) -> dict[str, str]:
    """Day 0 at 10:00 a campaign on both routes, then clicks and replies at 11:00; day 1 at
    11:00 one more MM send and a reply; day 1 at 12:00 a service conversation."""
    await advance_to(graph, T0 + 10 * HOUR)
    sent = {
        "mm_reader": await mm(graph, READER),
        "mm_silent": await mm(graph, SILENT),
        "mm_late": await mm(graph, LATE),
        "mm_us": await mm(graph, sd.US_PHONE),  # fails 131049: never sent, never billed
        "cloud_very_late": await cloud(graph, VERY_LATE),
        "cloud_utility": await cloud(graph, sd.BR_PHONE, "order_update"),
        "mm_capped": await mm(graph, READER, "capped_promo"),
    }
    await advance(graph, HOUR)
    await click(graph, sent["mm_reader"])
    await click(graph, sent["mm_reader"])
    await click(graph, sent["mm_reader"], "body")  # a link in the body: no button click
    await click(graph, sent["mm_silent"])
    await reply(graph, sent["mm_late"])
    await reply(graph, sent["cloud_very_late"])
    await advance(graph, DAY)
    sent["mm_day1"] = await mm(graph, READER)
    await reply(graph, sent["mm_reader"])
    await advance(graph, HOUR)
    inbound = {"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "text": "Where is it?"}
    assert (await graph.http.post("/_wamm/inbound", json=inbound)).status_code == 200
    sent["service"] = await send_text(graph)
    sent["free_utility"] = await cloud(graph, sd.BR_PHONE, "order_update")
    await advance(graph, HOUR)  # day 1, 13:00
    return sent


async def send_text(graph: Graph) -> str:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send())
    assert response.status_code == 200, response.text
    wamid: str = response.json()["messages"][0]["id"]
    return wamid


# --- template analytics ----------------------------------------------------------------------


async def test_template_analytics_counts_each_day_from_events(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    ids = await template_ids(graph)
    spring = ids["spring_promo"]
    body = await template_analytics(
        graph, [spring], product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP"
    )
    assert body["data"] == [
        {
            "granularity": "DAILY",
            "product_type": "marketing_messages_api_for_whatsapp",
            "data_points": [
                day_point(
                    spring,
                    T0,
                    **counted(3, 3, 1),
                    clicked=clicks(url=3, unique=2, reply=1),
                    cost=costs(0.075, 0.025, 0.025),
                ),
                day_point(
                    spring,
                    DAY1,
                    **counted(1, 1, 1),
                    clicked=clicks(reply=1),
                    cost=costs(0.025, 0.025),
                ),
            ],
        }
    ]
    assert set(body["paging"]["cursors"]) == {"before", "after"}


async def test_cloud_api_product_counts_only_cloud_api_sends(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    spring = (await template_ids(graph))["spring_promo"]
    day0, day1 = await points(graph, spring)  # CLOUD_API is the default product type
    assert day0 == day_point(
        spring, T0, **counted(1, 1, 0), clicked=clicks(reply=1), cost=costs(0.025, 0.025)
    )
    assert day1 == day_point(spring, DAY1, **ZERO_DAY)
    body = await template_analytics(graph, [spring], product_type="cloud_api")
    assert body["data"][0]["product_type"] == "cloud_api"


async def test_reads_count_on_their_day_and_only_within_seven_days(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    spring = (await template_ids(graph))["spring_promo"]
    mm = {"product_type": "MARKETING_MESSAGES_LITE_API", "metric_types": "[READ]"}
    assert [p["read"] for p in await points(graph, spring, **mm)] == [1, 1]
    await advance_to(graph, DAY2 + 12 * HOUR)  # the late reader read on day 2 at 10:00
    assert [p["read"] for p in await points(graph, spring, **mm)] == [1, 1, 1]
    await advance_to(graph, T0 + 9 * DAY)  # the cloud message was read on day 8: too late
    cloud_reads = [p["read"] for p in await points(graph, spring, metric_types="READ")]
    assert cloud_reads == [0] * 10


async def test_events_after_now_are_not_counted(graph: Graph) -> None:
    spring = (await template_ids(graph))["spring_promo"]
    await mm(graph, READER)  # sent after 1 s, delivered after 3 s, read after 63 s
    seen = []
    for seconds in (0, 1, 2, 59, 1):
        await advance(graph, seconds)
        (point,) = await points(
            graph,
            spring,
            product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP",
            metric_types="SENT,DELIVERED,READ",
        )
        seen.append((point["sent"], point["delivered"], point["read"]))
    assert seen == [(0, 0, 0), (1, 0, 0), (1, 1, 0), (1, 1, 0), (1, 1, 1)]


async def test_metric_types_choose_the_keys(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    spring = (await template_ids(graph))["spring_promo"]
    day0, _ = await points(
        graph,
        spring,
        metric_types='["delivered","cost"]',
        product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP",
    )
    assert day0 == day_point(spring, T0, delivered=3, cost=costs(0.075, 0.025, 0.025))
    day0, _ = await points(graph, spring, metric_types="APP_PURCHASES")  # accepted, never counted
    assert day0 == day_point(spring, T0)


async def test_max_price_caps_the_mm_cost(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    capped = (await template_ids(graph))["capped_promo"]
    day0, _ = await points(graph, capped, product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    # bid_amount 2000 per 1,000 deliveries in cents: at most $0.02 a delivery (rate card 0.025)
    assert day0["cost"] == costs(0.02, 0.02)
    assert "clicked" in day0 and day0["clicked"] == []


async def test_clicks_are_reported_for_marketing_and_utility_only(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    ids = await template_ids(graph)
    body = await template_analytics(graph, [ids["order_update"], ids["login_code"]], end=T0)
    utility, authentication = body["data"][0]["data_points"]
    assert utility == day_point(
        ids["order_update"], T0, **counted(1, 1, 1), clicked=[], cost=costs(0.004, 0.004)
    )
    # no `clicked` at all: Meta reports clicks for marketing and utility templates only
    assert authentication == day_point(ids["login_code"], T0, **counted(0, 0, 0), cost=costs(0.0))


async def test_free_utility_inside_the_service_window_costs_nothing(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    utility = (await template_ids(graph))["order_update"]
    _, day1 = await points(graph, utility, metric_types="DELIVERED,COST")
    assert day1 == day_point(utility, DAY1, delivered=1, cost=costs(0.0, 0.0))


async def test_opting_out_of_link_tracking_hides_clicks(graph: Graph) -> None:
    untracked = (await template_ids(graph))["untracked_promo"]
    edit = await graph.post(
        untracked, {"cta_url_link_tracking_opted_out": True, "category": "MARKETING"}
    )
    assert edit.status_code == 200, edit.text
    wamid = await mm(graph, READER, "untracked_promo")
    await advance(graph, 10)
    await click(graph, wamid)
    (point,) = await points(graph, untracked, product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    assert "clicked" not in point
    assert point["cost"] == costs(0.025, 0.025)  # no URL-click ratio without click data


async def test_several_templates_come_back_in_the_order_asked(graph: Graph) -> None:
    ids = await template_ids(graph)
    asked = [ids["order_update"], ids["spring_promo"], ids["summer_sale"]]
    body = await template_analytics(graph, asked, end=T0 + DAY - 1, metric_types="SENT")
    assert [(p["template_id"], p["sent"]) for p in body["data"][0]["data_points"]] == [
        (asked[0], 0),
        (asked[1], 0),
        (asked[2], 0),
    ]


async def test_days_in_the_future_are_left_out(graph: Graph) -> None:
    spring = (await template_ids(graph))["spring_promo"]
    assert [p["start"] for p in await points(graph, spring, end="2026-03-01")] == [T0]


async def test_template_analytics_need_insights_enabled(graph: Graph) -> None:
    response = await graph.get(
        f"{sd.NOT_STARTED_WABA}/template_analytics",
        start=T0,
        end=T0,
        granularity="DAILY",
        template_ids="[1]",
    )
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == 200007
    assert "is_enabled_for_insights=true" in error["error_data"]["details"]


async def test_template_analytics_need_the_management_permission(graph: Graph) -> None:
    response = await graph.get(
        f"{sd.SIGNED_WABA}/template_analytics", token=sd.MESSAGING_ONLY, start=T0
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == 200


GOOD = {"start": str(T0), "end": "2026-01-02", "granularity": "DAILY"}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"start": None}, "start"),
        ({"end": None}, "end"),
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-13-01"}, "end"),
        ({"start": "2026-01-05"}, "end"),
        ({"granularity": None}, "granularity"),
        ({"granularity": "MONTHLY"}, "granularity"),
        ({"template_ids": None}, "template_ids"),
        ({"template_ids": "[]"}, "template_ids"),
        ({"template_ids": str(list(range(1, 12)))}, "template_ids"),
        ({"template_ids": '["abc"]'}, "template_ids"),
        ({"template_ids": "[999999]"}, "template_ids"),
        ({"metric_types": "[SENT,CLICKS]"}, "metric_types"),
        ({"metric_types": '[{"a":1}]'}, "metric_types"),
        ({"product_type": "WHATSAPP"}, "product_type"),
        ({"start": "2025-10-01"}, "start"),  # more than 90 days back
    ],
)
async def test_template_analytics_parameter_errors(
    graph: Graph, params: dict[str, Any], named: str
) -> None:
    spring = (await template_ids(graph))["spring_promo"]
    query = {**GOOD, "template_ids": f"[{spring}]", **params}
    response = await graph.get(
        f"{sd.SIGNED_WABA}/template_analytics",
        **{k: v for k, v in query.items() if v is not None},
    )
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == 100
    assert named in error_text(error)


async def test_template_of_another_waba_is_refused(graph: Graph) -> None:
    listed = await graph.get(f"{sd.NOT_STARTED_WABA}/message_templates", fields="name")
    foreign = listed.json()["data"][0]["id"]
    response = await graph.get(
        f"{sd.SIGNED_WABA}/template_analytics", template_ids=f"[{foreign}]", **GOOD
    )
    assert response.status_code == 400
    assert foreign in error_of(response)["error_data"]["details"]


# --- pricing analytics -----------------------------------------------------------------------


async def test_pricing_by_category_and_type(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    body = await pricing(
        graph,
        f".start({T0}).end({DAY2}).granularity(DAILY)"
        '.dimensions(["PRICING_CATEGORY","PRICING_TYPE"])',
    )
    assert body == {
        "pricing_analytics": {
            "data": [
                {
                    "data_points": [
                        {
                            "start": T0,
                            "end": DAY1,
                            "pricing_type": "REGULAR",
                            "pricing_category": "MARKETING",
                            "volume": 1,
                            "cost": 0.025,
                        },
                        {
                            "start": T0,
                            "end": DAY1,
                            "pricing_type": "REGULAR",
                            "pricing_category": "MARKETING_LITE",
                            "volume": 4,
                            "cost": 0.095,  # 3 x 0.025 + one capped at 0.02
                        },
                        {
                            "start": T0,
                            "end": DAY1,
                            "pricing_type": "REGULAR",
                            "pricing_category": "UTILITY",
                            "volume": 1,
                            "cost": 0.004,
                        },
                        {
                            "start": DAY1,
                            "end": DAY2,
                            "pricing_type": "FREE_CUSTOMER_SERVICE",
                            "pricing_category": "SERVICE",
                            "volume": 1,
                            "cost": 0.0,
                        },
                        {
                            "start": DAY1,
                            "end": DAY2,
                            "pricing_type": "FREE_CUSTOMER_SERVICE",
                            "pricing_category": "UTILITY",
                            "volume": 1,
                            "cost": 0.0,
                        },
                        {
                            "start": DAY1,
                            "end": DAY2,
                            "pricing_type": "REGULAR",
                            "pricing_category": "MARKETING_LITE",
                            "volume": 1,
                            "cost": 0.025,
                        },
                    ]
                }
            ]
        },
        "id": sd.SIGNED_WABA,
    }


async def test_pricing_without_breakdowns_sums_each_bucket(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    assert await pricing_points(graph, f".start({T0}).end({DAY2}).granularity(MONTHLY)") == [
        {"start": T0, "end": FEB_1, "volume": 9, "cost": 0.149}
    ]


async def test_pricing_filters_and_other_breakdowns(graph: Graph) -> None:
    await two_days_of_traffic(graph)
    day0 = f".start({T0}).end({DAY1}).granularity(HALF_HOUR)"
    assert await pricing_points(
        graph,
        day0 + ".pricing_categories([MARKETING_LITE]).dimensions(PHONE,COUNTRY,TIER)"
        ".metric_types(VOLUME)",
    ) == [
        {
            "start": T0 + 10 * HOUR,
            "end": T0 + 10 * HOUR + 1800,
            "phone_number": sd.SIGNED_DISPLAY,
            "country": "BR",
            "tier": "0:MAX",
            "volume": 4,
        }
    ]
    assert await pricing_points(graph, day0 + ".country_codes(US)") == []  # the US send failed
    assert await pricing_points(graph, day0 + '.phone_numbers(["15550000000"])') == []
    free = await pricing_points(
        graph,
        f".start({DAY1}).end({DAY2}).granularity(DAILY).pricing_types(FREE_CUSTOMER_SERVICE)"
        ".dimensions(TIER)",
    )
    assert free == [{"start": DAY1, "end": DAY2, "volume": 2, "cost": 0.0}]  # no tier when free


async def test_pricing_counts_deliveries_that_have_happened(graph: Graph) -> None:
    await mm(graph, READER)
    window = f".start({T0}).end({DAY1}).granularity(DAILY)"
    assert await pricing_points(graph, window) == []
    await advance(graph, 3)
    assert await pricing_points(graph, window) == [
        {"start": T0, "end": DAY1, "volume": 1, "cost": 0.025}
    ]


async def test_pricing_analytics_sits_beside_other_fields(graph: Graph) -> None:
    response = await graph.get(
        sd.SIGNED_WABA, fields=f"name,pricing_analytics.start({T0}).end({DAY1}).granularity(DAILY)"
    )
    assert response.json() == {
        "name": "Acme WA",
        "pricing_analytics": {"data": [{"data_points": []}]},
        "id": sd.SIGNED_WABA,
    }


@pytest.mark.parametrize(
    ("modifiers", "named"),
    [
        (f".end({DAY1}).granularity(DAILY)", "start"),
        (f".start({T0}).granularity(DAILY)", "end"),
        (f".start({T0}).end({DAY1})", "granularity"),
        (f".start({T0}).end({T0}).granularity(DAILY)", "end"),
        (f".start({DAY1}).end({T0}).granularity(DAILY)", "end"),
        (f".start({T0}).end({DAY1}).granularity(WEEKLY)", "granularity"),
        (f".start({T0}).end({DAY1}).granularity(DAILY).dimensions([TEMPLATE])", "dimensions"),
        (f".start({T0}).end({DAY1}).granularity(DAILY).metric_types(CLICKS)", "metric_types"),
        (f".start({T0}).end({DAY1}).granularity(DAILY).pricing_types(PAID)", "pricing_types"),
        (
            f".start({T0}).end({DAY1}).granularity(DAILY).pricing_categories(PROMO)",
            "pricing_categories",
        ),
        (f".start({T0}).end({DAY1}).granularity(DAILY).country_codes(USA)", "country_codes"),
        (f".start({T0}).end({DAY1}).granularity(DAILY).phone_numbers([abc])", "phone_numbers"),
        (f".start({T0}).end({DAY1}).granularity(DAILY).template_ids([1])", "template_ids"),
        (f".start({T0 - 400 * DAY}).end({DAY1}).granularity(DAILY)", "start"),
    ],
)
async def test_pricing_analytics_parameter_errors(graph: Graph, modifiers: str, named: str) -> None:
    response = await graph.get(sd.SIGNED_WABA, fields=f"pricing_analytics{modifiers}")
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == 100
    assert named in error_text(error)


async def test_times_past_the_year_9000_are_100_not_500(graph: Graph) -> None:
    far = "9" * 30
    response = await graph.get(
        sd.SIGNED_WABA, fields=f"pricing_analytics.start({T0}).end({far}).granularity(DAILY)"
    )
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        "Param end must be a time before the year 9000."
    )
