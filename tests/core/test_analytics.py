"""Analytics core: parameter reading, UTC buckets, charges and the two aggregations."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from tests import analytics_reference
from tests.builders import T0, message
from wamm.core import analytics
from wamm.core.analytics.values import bucket, parse_enums, parse_list, parse_time
from wamm.core.errors import GraphError
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM, Message, Template
from wamm.store.base import Interaction

DAY = 86400
NOW = T0 + 10 * DAY


def details(error: pytest.ExceptionInfo[GraphError]) -> str:
    assert error.value.code == 100
    return error.value.details


def records(*messages: Message, in_window: bool = False) -> list[analytics.Record]:
    return [analytics.record(m, analytics.charge(m, in_window), "15550001111") for m in messages]


def template(**extra: Any) -> Template:
    fields: dict[str, Any] = {
        "id": "11",
        "waba_id": "2",
        "seq": 1,
        "name": "promo",
        "language": "en_US",
        "category": "MARKETING",
        "status": "APPROVED",
        "components": [
            {"type": "BODY", "text": "Hi"},
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": "No"},
                    {"type": "URL", "text": "Open", "url": "https://x.example"},
                ],
            },
        ],
    }
    return Template(**{**fields, **extra})


def template_query(start: Any = T0, end: Any = T0, **params: Any) -> analytics.TemplateQuery:
    query = {"start": start, "end": end, "granularity": "DAILY", "template_ids": "[11]"}
    return analytics.parse_template_query({**query, **params}, NOW)


def pricing_query(**params: Any) -> analytics.PricingQuery:
    query = {"start": str(T0), "end": str(T0 + 2 * DAY), "granularity": "DAILY", **params}
    return analytics.parse_pricing_query(query, NOW)


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(T0, T0), (str(T0), T0), (f" {T0} ", T0), ("2026-01-01", T0), ("2026-01-02", T0 + DAY)],
)
def test_parse_time_reads_timestamps_and_utc_dates(value: Any, expected: int) -> None:
    assert parse_time(value, "start") == expected


@pytest.mark.parametrize("value", [True, -5, 1.5, "", "01/02/2026", "2026-02-30", None, [1]])
def test_parse_time_refuses_the_rest(value: Any) -> None:
    with pytest.raises(GraphError) as error:
        parse_time(value, "end")
    assert "Param end" in details(error)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        ("[]", []),
        ([], []),
        ('["SENT","READ"]', ["SENT", "READ"]),
        ("[1421988012088524,2632273056924580]", ["1421988012088524", "2632273056924580"]),
        ([1, "2"], ["1", "2"]),
        ("[SENT, READ]", ["SENT", "READ"]),
        ("SENT,READ", ["SENT", "READ"]),
        ("SENT", ["SENT"]),
        (12, ["12"]),
        ('["COUNTRY,PHONE","TIER"]', ["COUNTRY", "PHONE", "TIER"]),
        ("['a', 'b']", ["a", "b"]),
    ],
)
def test_parse_list_accepts_every_array_spelling(value: Any, expected: list[str]) -> None:
    assert parse_list(value, "x") == expected


@pytest.mark.parametrize("value", [{"a": 1}, True, 1.5, "[[1]]", '[{"a":1}]', "[true]"])
def test_parse_list_refuses_what_is_no_array_of_words(value: Any) -> None:
    with pytest.raises(GraphError) as error:
        parse_list(value, "metric_types")
    assert "Param metric_types" in details(error)


def test_enums_are_case_insensitive_and_empty_means_all() -> None:
    assert parse_enums("sent,Read", "m", ("SENT", "READ", "COST")) == {"SENT", "READ"}
    assert parse_enums("[]", "m", ("SENT", "READ")) == {"SENT", "READ"}
    with pytest.raises(GraphError) as error:
        parse_enums("[SENT,SEEN]", "m", ("SENT", "READ"))
    assert "'SEEN'" in details(error)


@pytest.mark.parametrize(
    ("at", "granularity", "expected"),
    [
        (T0, "DAILY", (T0, T0 + DAY)),
        (T0 + DAY - 1, "DAILY", (T0, T0 + DAY)),
        (T0 + DAY, "DAILY", (T0 + DAY, T0 + 2 * DAY)),
        (T0 + 1799, "HALF_HOUR", (T0, T0 + 1800)),
        (T0 + 1800, "HALF_HOUR", (T0 + 1800, T0 + 3600)),
        (T0 + 40 * DAY, "MONTHLY", (T0 + 31 * DAY, T0 + 59 * DAY)),  # February 2026
        (T0 - 1, "MONTHLY", (T0 - 31 * DAY, T0)),  # December 2025 rolls into January
    ],
)
def test_buckets_are_utc(at: float, granularity: str, expected: tuple[int, int]) -> None:
    assert bucket(at, granularity) == expected


# --- queries -----------------------------------------------------------------------------------


def test_template_range_is_whole_utc_days_with_the_end_day_included() -> None:
    query = template_query(start=T0 + 3600, end=T0 + DAY + 5)
    assert (query.start, query.end) == (T0, T0 + 2 * DAY)
    query = template_query(start="2026-01-01", end="2026-01-01")
    assert (query.start, query.end) == (T0, T0 + DAY)


def test_template_query_defaults_and_aliases() -> None:
    query = template_query(granularity="daily", template_ids="[11, 11, 12]")
    assert query.template_ids == ("11", "12")
    assert query.route == ROUTE_CLOUD and query.product_type == "cloud_api"
    assert query.metrics == {"SENT", "DELIVERED", "READ", "CLICKED", "COST"} | set(
        analytics.queries.CONVERSION_METRICS
    )
    for alias in ("MARKETING_MESSAGES_API_FOR_WHATSAPP", "marketing_messages_lite_api"):
        mm = template_query(product_type=alias)
        assert mm.route == ROUTE_MM
        assert mm.product_type == "marketing_messages_api_for_whatsapp"


def test_template_lookback_is_ninety_days() -> None:
    oldest = NOW - 90 * DAY
    assert template_query(start=oldest + 3600, end=oldest + 60).start == oldest
    with pytest.raises(GraphError) as error:
        template_query(start=oldest - 1, end=oldest)
    assert "90 days" in details(error)


def test_pricing_query_reads_modifiers() -> None:
    query = pricing_query(
        dimensions='["PRICING_CATEGORY","COUNTRY,PHONE"]',
        country_codes="[us,br]",
        phone_numbers='["+15550001111"]',
        metric_types="[]",
        pricing_categories="MARKETING_LITE",
        granularity="half_hour",
    )
    assert query.dimensions == ("PHONE", "COUNTRY", "PRICING_CATEGORY")
    assert query.country_codes == {"US", "BR"}
    assert query.phone_numbers == {"15550001111"}
    assert query.metrics == {"COST", "VOLUME"}
    assert query.pricing_categories == {"MARKETING_LITE"}
    assert query.pricing_types == {"REGULAR", "FREE_CUSTOMER_SERVICE", "FREE_ENTRY_POINT"}
    assert query.granularity == "HALF_HOUR"
    assert pricing_query().dimensions == ()


def test_pricing_lookback_is_a_year() -> None:
    assert pricing_query(start=str(NOW - 365 * DAY)).start == NOW - 365 * DAY
    with pytest.raises(GraphError) as error:
        pricing_query(start=str(NOW - 366 * DAY))
    assert "365 days" in details(error)


# --- billing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "currency", "expected"),
    [
        ({"bid_amount": 5000}, "USD", Decimal("0.05")),
        ({"bid_amount": 87000}, "INR", Decimal("0.87")),
        ({"bid_amount": 5000}, "jpy", Decimal("5")),
        (None, "USD", None),
        ({"bid_strategy": "LOWEST_COST_WITH_BID_CAP"}, "USD", None),
        ({"bid_amount": True}, "USD", None),
    ],
)
def test_bid_cap_is_per_delivery_in_major_units(
    spec: dict[str, Any] | None, currency: str, expected: Decimal | None
) -> None:
    assert analytics.bid_cap(spec, currency) == expected


def test_charges_follow_category_window_and_cap() -> None:
    cap = Decimal("0.02")
    mm = message(1, [], category="marketing_lite")
    cloud = message(2, [], route=ROUTE_CLOUD, category="marketing")
    utility = message(3, [], route=ROUTE_CLOUD, category="utility")
    service = message(4, [], route=ROUTE_CLOUD, category="service", template_id=None)
    assert analytics.charge(mm, False, cap) == analytics.Charge("MARKETING_LITE", "REGULAR", cap)
    assert analytics.charge(cloud, False, cap).cost == Decimal("0.025")  # caps are MM-only
    assert analytics.charge(utility, False).cost == Decimal("0.004")
    assert analytics.charge(utility, True) == analytics.Charge(
        "UTILITY", "FREE_CUSTOMER_SERVICE", Decimal(0)
    )
    assert analytics.charge(service, False).pricing_type == "FREE_CUSTOMER_SERVICE"


def test_record_country_comes_from_the_phone_or_the_bsuid() -> None:
    by_phone, by_bsuid, unknown = records(
        message(1, [], phone="16505551234"),
        message(2, [], phone=None, bsuid="BR.13491208655302741918"),
        message(3, [], phone=None),
    )
    assert (by_phone.country, by_bsuid.country, unknown.country) == ("US", "BR", "ZZ")


# --- template analytics ------------------------------------------------------------------------


def template_points(
    query: analytics.TemplateQuery,
    items: list[analytics.Record],
    actions: Sequence[Interaction] = (),
    now: float = NOW,
    templates: tuple[Template, ...] = (template(),),
) -> list[dict[str, Any]]:
    infos = [analytics.template_info(t) for t in templates]
    body = analytics_reference.report(query, infos, items, actions, now)
    result: list[dict[str, Any]] = body["data_points"]
    return result


def action(kind: str, at: float, seq: int = 1, **data: object) -> Interaction:
    return Interaction(waba_id="2", wamid=f"wamid.{seq}", kind=kind, at=at, data=data)


def counts(points: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
    return [(p["sent"], p["delivered"], p["read"]) for p in points]


def test_empty_range_gives_zero_points_per_day() -> None:
    query = template_query(end=T0 + DAY, product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    assert template_points(query, []) == [
        {
            "template_id": "11",
            "start": start,
            "end": start + DAY,
            "sent": 0,
            "delivered": 0,
            "read": 0,
            "clicked": [],
            "cost": [{"type": "amount_spent", "value": 0.0}],
        }
        for start in (T0, T0 + DAY)
    ]


def test_a_range_in_the_future_has_no_points() -> None:
    query = template_query(start=NOW + DAY, end=NOW + 2 * DAY)
    assert template_points(query, []) == []


def test_events_land_on_their_utc_day() -> None:
    query = template_query(end=T0 + DAY, product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    late_evening = message(1, [(T0 + DAY - 2, "sent"), (T0 + DAY - 1, "delivered")])
    midnight = message(2, [(T0 + DAY - 1, "sent"), (T0 + DAY, "delivered"), (T0 + DAY, "read")])
    assert counts(template_points(query, records(late_evening, midnight))) == [
        (2, 1, 0),
        (0, 1, 1),
    ]


def test_only_events_up_to_now_count() -> None:
    query = template_query(product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    sent = message(1, [(T0 + 10, "sent"), (T0 + 20, "delivered"), (T0 + 30, "read")])
    assert counts(template_points(query, records(sent), now=T0 + 20)) == [(1, 1, 0)]
    assert counts(template_points(query, records(sent), now=T0 + 19)) == [(1, 0, 0)]


def test_reads_and_clicks_count_for_seven_days_after_the_send() -> None:
    query = template_query(end=T0 + 9 * DAY, product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    created = T0 + 9
    week = created + 7 * DAY
    on_time = message(1, [(T0 + 10, "sent"), (T0 + 11, "delivered"), (week, "read")])
    too_late = message(2, [(T0 + 10, "sent"), (T0 + 11, "delivered"), (week + 1, "read")])
    actions = [
        action("url_button", week, 1, component="cta"),
        action("url_button", week + 1, 2, component="cta"),
    ]
    points = template_points(query, records(on_time, too_late), actions)
    assert [p["read"] for p in points] == [0] * 7 + [1, 0, 0]
    assert [len(p["clicked"]) for p in points] == [0] * 7 + [2, 0, 0]


def test_clicks_map_onto_the_template_buttons() -> None:
    query = template_query(product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    sent = records(
        message(1, [(T0 + 1, "sent"), (T0 + 2, "delivered")]),
        message(2, [(T0 + 1, "sent"), (T0 + 2, "delivered")], phone="5511900000002"),
    )
    actions = [
        action("url_button", T0 + 5, 1, component="cta"),
        action("url_button", T0 + 6, 1, component="cta"),
        action("url_button", T0 + 7, 2, component="cta"),
        action("url_button", T0 + 8, 2, component="body"),
        action("quick_reply", T0 + 9, 2, text="No"),
        action("quick_reply", T0 + 9, 9, text="Not ours"),  # another template's message
    ]
    (point,) = template_points(query, sent, actions)
    assert point["clicked"] == [
        {"type": "url_button", "button_content": "Open", "count": 3},
        {"type": "unique_url_button", "button_content": "Open", "count": 2},
        {"type": "quick_reply_button", "button_content": "No", "count": 1},
    ]
    assert point["cost"] == [
        {"type": "amount_spent", "value": 0.05},
        {"type": "cost_per_delivered", "value": 0.025},
        {"type": "cost_per_url_button_click", "value": 0.016667},
    ]


def test_cta_clicks_need_a_url_button_and_clicks_need_tracking() -> None:
    query = template_query(product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    sent = records(message(1, [(T0 + 1, "sent"), (T0 + 2, "delivered")]))
    cta = [action("url_button", T0 + 5, component="cta")]
    no_url = template(components=[{"type": "BODY", "text": "Hi"}])
    (point,) = template_points(query, sent, cta, templates=(no_url,))
    assert point["clicked"] == []
    for untracked in (
        template(cta_url_link_tracking_opted_out=True),
        template(category="AUTHENTICATION"),
    ):
        (point,) = template_points(query, sent, cta, templates=(untracked,))
        assert "clicked" not in point


def test_the_product_type_filters_by_route() -> None:
    mm_query = template_query(product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    cloud_query = template_query()
    sent = records(
        message(1, [(T0 + 1, "sent")]),
        message(2, [(T0 + 1, "sent")], route=ROUTE_CLOUD, category="marketing"),
        message(3, [(T0 + 1, "sent")], route=ROUTE_CLOUD, category="marketing"),
        message(4, [(T0 + 1, "sent")], template_id="12"),  # a template not asked for
    )
    assert counts(template_points(mm_query, sent)) == [(1, 0, 0)]
    assert counts(template_points(cloud_query, sent)) == [(2, 0, 0)]


def test_failed_messages_count_nothing() -> None:
    query = template_query(product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP")
    failed = message(1, [(T0 + 1, "failed")])
    (point,) = template_points(query, records(failed))
    assert counts([point]) == [(0, 0, 0)]
    assert point["cost"] == [{"type": "amount_spent", "value": 0.0}]


# --- pricing analytics -------------------------------------------------------------------------


def pricing_points(query: analytics.PricingQuery, items: list[analytics.Record]) -> Any:
    return analytics.pricing_analytics(query, items, NOW)["data"][0]["data_points"]


def test_pricing_counts_deliveries_in_the_exact_range() -> None:
    query = pricing_query(start=str(T0 + 100), end=str(T0 + 200))
    sent = records(
        message(1, [(T0 + 99, "sent"), (T0 + 100, "delivered")]),
        message(2, [(T0 + 150, "sent"), (T0 + 199, "delivered"), (T0 + 300, "read")]),
        message(3, [(T0 + 150, "sent"), (T0 + 200, "delivered")]),
        message(4, [(T0 + 150, "failed")]),
        message(5, [(T0 + 150, "sent")]),  # dropped by its TTL
        message(6, [(NOW, "sent"), (NOW + 1, "delivered")]),
    )
    assert pricing_points(query, sent) == [
        {"start": T0, "end": T0 + DAY, "volume": 2, "cost": 0.05}
    ]


def test_pricing_without_anything_delivered_is_empty() -> None:
    assert pricing_points(pricing_query(), []) == []


def test_pricing_metrics_and_breakdowns() -> None:
    query = pricing_query(
        metric_types="VOLUME", dimensions="PRICING_TYPE,TIER", granularity="HALF_HOUR"
    )
    sent = records(
        message(1, [(T0 + 10, "sent"), (T0 + 11, "delivered")], category="service"),
        message(2, [(T0 + 1810, "sent"), (T0 + 1811, "delivered")]),
    )
    assert pricing_points(query, sent) == [
        {"start": T0, "end": T0 + 1800, "pricing_type": "FREE_CUSTOMER_SERVICE", "volume": 1},
        {
            "start": T0 + 1800,
            "end": T0 + 3600,
            "tier": "0:MAX",
            "pricing_type": "REGULAR",
            "volume": 1,
        },
    ]


def test_pricing_filters() -> None:
    sent = records(
        message(1, [(T0 + 10, "sent"), (T0 + 11, "delivered")]),
        message(2, [(T0 + 10, "sent"), (T0 + 11, "delivered")], phone="16505551234"),
    )
    assert pricing_points(pricing_query(country_codes="US"), sent)[0]["volume"] == 1
    assert pricing_points(pricing_query(phone_numbers="15550001111"), sent)[0]["volume"] == 2
    assert pricing_points(pricing_query(phone_numbers="15550002222"), sent) == []
    assert pricing_points(pricing_query(pricing_types="FREE_CUSTOMER_SERVICE"), sent) == []
    assert pricing_points(pricing_query(pricing_categories="MARKETING"), sent) == []
