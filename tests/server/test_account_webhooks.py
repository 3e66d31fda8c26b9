"""Webhooks about a number or an account: `phone_number_quality_update`, `account_alerts`,
`business_capability_update` and system-level `messages` errors, each from its control call,
and the quality drop that users' marketing opt-outs cause. A loopback receiver checks every
signature; the virtual clock and the drain make deliveries happen without sleeping."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_of, error_text
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    settle,
)
from wamm.client.webhooks import (
    AccountAlertUpdate,
    AlertInfo,
    BusinessCapabilityUpdate,
    ErrorUpdate,
    PhoneNumberQualityUpdate,
    parse,
)
from wamm.core.webhook_wire import OBJECT, Field
from wamm.testing.receiver import WebhookReceiver

PHONE = sd.SIGNED_PHONE
QUALITY_FIELDS = "quality_rating,messaging_limit_tier,whatsapp_business_manager_messaging_limit"
# Three opt-outs make the number YELLOW, five RED (FLAGGED), six lower its tier.
STRICT_QUALITY = {"yellow_after": 3, "red_after": 5, "downgrade_after": 6}


@pytest.fixture(name="seed_document")
def seed_document_fixture(receiver: WebhookReceiver) -> dict[str, Any]:
    document = sd.seed()
    document["apps"][0]["webhook"] = {"url": receiver.url, "verify_token": VERIFY_TOKEN}
    document["settings"]["phone_quality"] = STRICT_QUALITY
    document["businesses"][0]["wabas"][0]["phone_numbers"][0]["messaging_limit_tier"] = "TIER_10K"
    return document


async def control(graph: Graph, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await graph.http.post(f"/_wamm{path}", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def quality_fields(graph: Graph) -> dict[str, Any]:
    response = await graph.get(PHONE, fields=QUALITY_FIELDS)
    assert response.status_code == 200, response.text
    node: dict[str, Any] = response.json()
    return node


def only_entry(receiver: WebhookReceiver) -> dict[str, Any]:
    (delivery,) = receiver.deliveries
    (entry,) = delivery.payload["entry"]
    assert delivery.payload["object"] == OBJECT
    return dict(entry)


# --- phone_number_quality_update -----------------------------------------------------------


async def test_lowering_the_rating_to_red_flags_the_number(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    answer = await control(graph, f"/phone_numbers/{PHONE}/quality", {"quality_rating": "RED"})
    assert answer == {
        "id": PHONE,
        "quality_rating": "RED",
        "messaging_limit_tier": "TIER_10K",
        "events": ["FLAGGED"],
        "deliveries": 1,
    }
    await settle(graph, 1)
    entry = only_entry(receiver)
    assert entry == {
        "id": sd.SIGNED_WABA,
        "changes": [
            {
                "value": {
                    "display_phone_number": sd.SIGNED_DISPLAY,
                    "event": "FLAGGED",
                    "current_limit": "TIER_10K",
                    "max_daily_conversations_per_business": "TIER_10K",
                },
                "field": "phone_number_quality_update",
            }
        ],
        "time": int(sd.CLOCK_START),
    }
    assert await quality_fields(graph) == {
        "quality_rating": "RED",
        "messaging_limit_tier": "TIER_10K",
        "whatsapp_business_manager_messaging_limit": "TIER_10K",
        "id": PHONE,
    }


async def test_a_tier_change_carries_the_old_limit(graph: Graph, receiver: WebhookReceiver) -> None:
    answer = await control(
        graph, f"/phone_numbers/{PHONE}/quality", {"messaging_limit_tier": "TIER_100K"}
    )
    assert answer["events"] == ["UPGRADE"]
    await settle(graph, 1)
    assert [c["value"] for c in receiver.changes(Field.PHONE_QUALITY)] == [
        {
            "display_phone_number": sd.SIGNED_DISPLAY,
            "event": "UPGRADE",
            "old_limit": "TIER_10K",
            "current_limit": "TIER_100K",
            "max_daily_conversations_per_business": "TIER_100K",
        }
    ]
    assert (await quality_fields(graph))["whatsapp_business_manager_messaging_limit"] == (
        "TIER_100K"
    )


async def test_an_event_given_is_sent_as_it_is(graph: Graph, receiver: WebhookReceiver) -> None:
    answer = await control(graph, f"/phone_numbers/{PHONE}/quality", {"event": "ONBOARDING"})
    assert (answer["events"], answer["quality_rating"]) == (["ONBOARDING"], "GREEN")
    await settle(graph, 1)
    (change,) = receiver.changes(Field.PHONE_QUALITY)
    assert change["value"]["event"] == "ONBOARDING"
    assert "old_limit" not in change["value"]


async def test_raising_the_rating_from_red_unflags(graph: Graph, receiver: WebhookReceiver) -> None:
    await control(graph, f"/phone_numbers/{PHONE}/quality", {"quality_rating": "RED"})
    await control(graph, f"/phone_numbers/{PHONE}/quality", {"quality_rating": "GREEN"})
    await settle(graph, 1)
    events = [c["value"]["event"] for c in receiver.changes(Field.PHONE_QUALITY)]
    assert events == ["FLAGGED", "UNFLAGGED"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Give at least one of quality_rating, messaging_limit_tier and event."),
        (
            {"quality_rating": "PURPLE"},
            "Param quality_rating must be one of GREEN, YELLOW, RED, UNKNOWN.",
        ),
        ({"event": 3}, "Param event must be a string, got integer."),
    ],
)
async def test_a_bad_quality_request_is_refused(
    graph: Graph, receiver: WebhookReceiver, body: dict[str, Any], message: str
) -> None:
    response = await graph.http.post(f"/_wamm/phone_numbers/{PHONE}/quality", json=body)
    assert response.status_code == 400
    assert error_text(error_of(response)) == message
    unknown = await graph.http.post("/_wamm/phone_numbers/1/quality", json={"event": "FLAGGED"})
    assert unknown.status_code == 404


# --- the simulation: marketing opt-outs lower the rating ----------------------------------


async def opt_out(graph: Graph, user: str) -> None:
    await control(graph, f"/users/{user}/marketing", {"action": "stop", "phone_number_id": PHONE})


async def test_opt_outs_lower_the_rating_flag_then_downgrade(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    ratings = []
    for n in range(6):
        await opt_out(graph, f"55119888800{n:02d}")
        ratings.append((await quality_fields(graph))["quality_rating"])
    assert ratings == ["GREEN", "GREEN", "YELLOW", "YELLOW", "RED", "RED"]
    await settle(graph, 1)
    assert [c["value"] for c in receiver.changes(Field.PHONE_QUALITY)] == [
        {
            "display_phone_number": sd.SIGNED_DISPLAY,
            "event": "FLAGGED",
            "current_limit": "TIER_10K",
            "max_daily_conversations_per_business": "TIER_10K",
        },
        {
            "display_phone_number": sd.SIGNED_DISPLAY,
            "event": "DOWNGRADE",
            "old_limit": "TIER_10K",
            "current_limit": "TIER_2K",
            "max_daily_conversations_per_business": "TIER_2K",
        },
    ]
    assert (await quality_fields(graph))["whatsapp_business_manager_messaging_limit"] == "TIER_2K"


async def test_the_same_user_opting_out_twice_counts_once(graph: Graph) -> None:
    for _ in range(3):
        await opt_out(graph, sd.BR_PHONE)
    assert (await quality_fields(graph))["quality_rating"] == "GREEN"


async def test_opt_outs_older_than_the_window_no_longer_count(graph: Graph) -> None:
    for n in range(2):
        await opt_out(graph, f"55119888800{n:02d}")
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 7 * 86400 + 1})
    await opt_out(graph, "5511988880002")
    assert (await quality_fields(graph))["quality_rating"] == "GREEN"


# --- account_alerts ------------------------------------------------------------------------


async def test_an_account_alert_reaches_the_waba(graph: Graph, receiver: WebhookReceiver) -> None:
    answer = await control(
        graph,
        f"/wabas/{sd.SIGNED_WABA}/account_alerts",
        {
            "alert_type": "INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED",
            "alert_description": "Limits cannot be increased yet.",
        },
    )
    value = {
        "entity_type": "BUSINESS",
        "entity_id": sd.SIGNED_BUSINESS,
        "alert_info": {
            "alert_severity": "WARNING",
            "alert_status": "ACTIVE",
            "alert_type": "INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED",
            "alert_description": "Limits cannot be increased yet.",
        },
    }
    assert answer == {"value": value, "deliveries": 1}
    await settle(graph, 1)
    entry = only_entry(receiver)
    assert entry == {
        "id": sd.SIGNED_WABA,
        "changes": [{"value": value, "field": "account_alerts"}],
        "time": int(sd.CLOCK_START),
    }
    (update,) = parse(receiver.deliveries[0].body)
    assert update == AccountAlertUpdate(
        waba_id=sd.SIGNED_WABA,
        field="account_alerts",
        time=int(sd.CLOCK_START),
        entity_type="BUSINESS",
        entity_id=sd.SIGNED_BUSINESS,
        alert_info=AlertInfo(
            alert_severity="WARNING",
            alert_status="ACTIVE",
            alert_type="INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED",
            alert_description="Limits cannot be increased yet.",
        ),
    )


async def test_an_alert_needs_a_type_and_known_severity(graph: Graph) -> None:
    path = f"/_wamm/wabas/{sd.SIGNED_WABA}/account_alerts"
    missing = await graph.http.post(path, json={})
    assert error_text(error_of(missing)) == "Param alert_type is required."
    severity = await graph.http.post(
        path, json={"alert_type": "OBA_APPROVED", "alert_severity": "x"}
    )
    assert error_text(error_of(severity)) == (
        "Param alert_severity must be one of CRITICAL, WARNING, INFORMATIONAL."
    )
    assert (await graph.http.post("/_wamm/wabas/1/account_alerts", json={})).status_code == 404


# --- business_capability_update ------------------------------------------------------------


async def test_a_capability_update_sets_the_portfolio_limit(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    body = {"max_daily_conversations_per_business": 2000, "max_phone_numbers_per_waba": 25}
    answer = await control(graph, f"/wabas/{sd.SIGNED_WABA}/business_capability", body)
    assert answer == {
        "value": body,
        "wabas": [sd.SIGNED_WABA],
        "messaging_limit_tier": "TIER_2K",
        "deliveries": 1,
    }
    await settle(graph, 1)
    entry = only_entry(receiver)
    assert entry["changes"] == [{"value": body, "field": "business_capability_update"}]
    node = await quality_fields(graph)
    assert node["messaging_limit_tier"] == node["whatsapp_business_manager_messaging_limit"]
    assert node["messaging_limit_tier"] == "TIER_2K"
    (update,) = parse(receiver.deliveries[0].body)
    assert update == BusinessCapabilityUpdate(
        waba_id=sd.SIGNED_WABA,
        field="business_capability_update",
        time=int(sd.CLOCK_START),
        max_daily_conversations_per_business=2000,
        max_phone_numbers_per_waba=25,
    )


async def test_a_capability_limit_may_be_a_tier_name(graph: Graph) -> None:
    body = {"max_daily_conversations_per_business": "TIER_UNLIMITED"}
    answer = await control(graph, f"/wabas/{sd.SIGNED_WABA}/business_capability", body)
    assert (answer["value"], answer["messaging_limit_tier"]) == (body, "TIER_UNLIMITED")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Give at least one of max_daily_conversation_per_phone, "),
        ({"max_daily_conversation_per_phone": 3}, "must be 250, 2000, 10000, 100000 or -1."),
        ({"max_phone_numbers_per_waba": 0}, "must be a positive number."),
    ],
)
async def test_a_bad_capability_is_refused(
    graph: Graph, body: dict[str, Any], message: str
) -> None:
    response = await graph.http.post(
        f"/_wamm/wabas/{sd.SIGNED_WABA}/business_capability", json=body
    )
    assert response.status_code == 400
    assert message in error_text(error_of(response))


# --- system-level messages errors ----------------------------------------------------------


async def test_a_system_error_arrives_in_a_messages_change(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await control(graph, f"/phone_numbers/{PHONE}/errors", {"code": 130429})
    await settle(graph, 1)
    entry = only_entry(receiver)
    assert "time" not in entry  # a `messages` entry carries no time, as at Meta
    assert entry["changes"] == [
        {
            "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": sd.SIGNED_DISPLAY, "phone_number_id": PHONE},
                "errors": [
                    {
                        "code": 130429,
                        "title": "Rate limit hit",
                        "message": "Rate limit hit",
                        "error_data": {"details": "Cloud API message throughput has been reached."},
                        "href": "https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/",
                    }
                ],
            },
            "field": "messages",
        }
    ]
    (update,) = parse(receiver.deliveries[0].body)
    assert isinstance(update, ErrorUpdate)
    assert (update.phone_number_id, update.error.code) == (PHONE, 130429)


async def test_a_system_error_takes_details_and_needs_a_known_code(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    path = f"/phone_numbers/{PHONE}/errors"
    await control(graph, path, {"code": 131000, "details": "Something went wrong."})
    await settle(graph, 1)
    (change,) = receiver.changes(Field.MESSAGES)
    assert change["value"]["errors"][0]["error_data"] == {"details": "Something went wrong."}
    unknown = await graph.http.post(f"/_wamm{path}", json={"code": 999})
    assert error_text(error_of(unknown)) == (
        "Param code must be an error code of docs/errors.md, got 999."
    )
    missing = await graph.http.post(f"/_wamm{path}", json={})
    assert error_text(error_of(missing)) == "(#100) The parameter code is required."


# --- subscriptions and the SDK -------------------------------------------------------------


async def test_apps_not_subscribed_to_the_field_get_nothing(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    subscribed = await graph.http.post(
        f"/v25.0/{sd.APP_ID}/subscriptions",
        params={
            "object": OBJECT,
            "callback_url": receiver.url,
            "verify_token": VERIFY_TOKEN,
            "fields": "message_template_status_update",
        },
        headers={"Authorization": f"Bearer {sd.APP_ID}|{sd.APP_SECRET}"},
    )
    assert subscribed.status_code == 200, subscribed.text
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"/phone_numbers/{PHONE}/quality", {"quality_rating": "RED"}),
        (f"/phone_numbers/{PHONE}/errors", {"code": 131000}),
        (f"/wabas/{sd.SIGNED_WABA}/account_alerts", {"alert_type": "OBA_APPROVED"}),
        (f"/wabas/{sd.SIGNED_WABA}/business_capability", {"max_phone_numbers_per_waba": 2}),
    ]
    for path, body in calls:
        assert (await control(graph, path, body))["deliveries"] == 0
    await settle(graph, 1)
    assert receiver.deliveries == []


async def test_the_sdk_parses_a_quality_update(graph: Graph, receiver: WebhookReceiver) -> None:
    await control(graph, f"/phone_numbers/{PHONE}/quality", {"messaging_limit_tier": "TIER_2K"})
    await settle(graph, 1)
    (update,) = parse(receiver.deliveries[0].body)
    assert update == PhoneNumberQualityUpdate(
        waba_id=sd.SIGNED_WABA,
        field="phone_number_quality_update",
        time=int(sd.CLOCK_START),
        display_phone_number=sd.SIGNED_DISPLAY,
        event="DOWNGRADE",
        current_limit="TIER_2K",
        old_limit="TIER_10K",
        max_daily_conversations_per_business="TIER_2K",
    )
