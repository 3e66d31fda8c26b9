"""Entry points and pricing through the public surfaces: a user's message from a
click-to-WhatsApp ad (`referral`) opens a free entry point window with the business's answer;
its status webhooks say `free_entry_point` and keep `conversation`; a user's country (control
call) makes authentication templates `authentication_international`; pricing analytics count
what the webhooks priced."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests import seed_data as sd
from tests import webhook_fixtures as hooks
from tests.builders import template_send, text_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    seed_document_fixture,
)
from wamm.service.runtime import Runtime
from wamm.testing.receiver import WebhookReceiver

PHONE = sd.SIGNED_PHONE
HOUR = 3600
T0 = int(sd.CLOCK_START)
REFERRAL = {
    "source_url": "https://fb.me/3cr4Wqqkv",
    "source_id": "120226305854810726",
    "source_type": "ad",
    "headline": "Summer sale",
    "body": "Everything 20% off",
    "media_type": "image",
    "image_url": "https://scontent.example/ad.jpg",
    "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0",
    "welcome_message": {"text": "Hi! How can we help?"},
}
MARKETING_FREE = {
    "billable": False,
    "pricing_model": "PMP",
    "type": "free_entry_point",
    "category": "marketing",
}
AUTH_COMPONENTS = [
    {"type": "body", "parameters": [{"type": "text", "text": "123456"}]},
    {
        "type": "button",
        "sub_type": "url",
        "index": 0,
        "parameters": [{"type": "text", "text": "1"}],
    },
]


async def user_sends(graph: Graph, **body: Any) -> dict[str, Any]:
    response = await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": PHONE, "from": sd.BR_PHONE, **body}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def advance(graph: Graph, seconds: float) -> None:
    response = await graph.http.post("/_wamm/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


async def sent_status(graph: Graph, receiver: WebhookReceiver, wamid: str) -> dict[str, Any]:
    """The `sent` status webhook of `wamid`, once delivered (moves time by `settle`)."""
    await hooks.settle(graph, 60)
    (status,) = [s for s in receiver.statuses() if s["id"] == wamid and s["status"] == "sent"]
    return status


async def test_a_referral_reaches_the_webhook_and_the_answer_says_how_long_to_reply(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    answer = await user_sends(graph, text="I saw your ad", referral=REFERRAL)
    assert answer["entry_point"] == {"status": "awaiting_reply", "reply_by": T0 + 24 * HOUR}
    await hooks.settle(graph, 1)
    (change,) = [c for c in receiver.changes("messages") if "messages" in c["value"]]
    message = change["value"]["messages"][0]
    assert message["referral"] == REFERRAL
    assert message["text"] == {"body": "I saw your ad"}


async def test_the_answer_opens_72_free_hours_with_a_referral_conversion(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await user_sends(graph, referral=REFERRAL)
    await advance(graph, 2 * HOUR)
    answered_at = T0 + 2 * HOUR
    first = await hooks.send(graph, f"{PHONE}/messages", template_send())
    status = await sent_status(graph, receiver, first)
    window_end = str(answered_at + 72 * HOUR)
    assert status["pricing"] == MARKETING_FREE
    # Kept in v25 webhooks (which drop `conversation` for any other message).
    assert status["conversation"]["origin"] == {"type": "referral_conversion"}
    assert status["conversation"]["expiration_timestamp"] == window_end

    await advance(graph, 60 * HOUR)  # the service window closed; the entry window did not
    later = await hooks.send(graph, f"{PHONE}/messages", template_send())
    status = await sent_status(graph, receiver, later)
    assert status["pricing"] == MARKETING_FREE
    assert status["conversation"]["expiration_timestamp"] == window_end

    await advance(graph, 12 * HOUR)  # past the 72 hours
    paid = await hooks.send(graph, f"{PHONE}/messages", template_send())
    status = await sent_status(graph, receiver, paid)
    assert status["pricing"] == {**MARKETING_FREE, "billable": True, "type": "regular"}
    assert "conversation" not in status


async def test_an_answer_after_24_hours_opens_no_free_window(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await user_sends(graph, referral=REFERRAL)
    await advance(graph, 24 * HOUR + 1)
    wamid = await hooks.send(graph, f"{PHONE}/messages", template_send())
    status = await sent_status(graph, receiver, wamid)
    assert status["pricing"]["type"] == "regular"
    assert "conversation" not in status


async def test_a_new_entry_during_an_open_window_does_not_extend_it(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await user_sends(graph, referral=REFERRAL)
    await hooks.send(graph, f"{PHONE}/messages", text_send())
    await advance(graph, 10 * HOUR)
    again = await user_sends(graph, referral=REFERRAL)
    assert again["entry_point"] == {"status": "open", "expires_at": T0 + 72 * HOUR}


async def test_service_messages_in_the_window_are_free_customer_service(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await user_sends(graph, text="Hi")
    wamid = await hooks.send(graph, f"{PHONE}/messages", text_send())
    status = await sent_status(graph, receiver, wamid)
    assert status["pricing"] == {
        "billable": False,
        "pricing_model": "PMP",
        "type": "free_customer_service",
        "category": "service",
    }
    assert "conversation" not in status


@pytest.mark.parametrize(
    ("country", "category"),
    [("IN", "authentication-international"), ("BR", "authentication")],
)
async def test_authentication_to_a_country_with_an_international_rate(
    graph: Graph, receiver: WebhookReceiver, country: str, category: str
) -> None:
    response = await graph.http.post(f"/_wamm/users/{sd.BR_PHONE}", json={"country": country})
    assert response.status_code == 200, response.text
    assert response.json()["country"] == country
    body = template_send("login_code", AUTH_COMPONENTS)
    wamid = await hooks.send(graph, f"{PHONE}/messages", body)
    status = await sent_status(graph, receiver, wamid)
    assert status["pricing"] == {
        "billable": True,
        "pricing_model": "PMP",
        "type": "regular",
        "category": category,
    }
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert message["pricing_category"] == category.replace("-", "_")


async def test_the_seed_lists_the_countries_with_an_international_rate(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    settings = {"authentication_international_countries": ["BR"]}
    seeded = await graph.http.post("/_wamm/seed", json={"settings": settings})
    assert seeded.status_code == 200, seeded.text
    body = template_send("login_code", AUTH_COMPONENTS)
    wamid = await hooks.send(graph, f"{PHONE}/messages", body)
    status = await sent_status(graph, receiver, wamid)
    assert status["pricing"]["category"] == "authentication-international"


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"country": "India"}, "Param country must be an ISO 3166 alpha-2 code, got 'India'."),
        ({"country": 91}, "Param country must be a string"),
        ({"language": "hi"}, "Param language is not a known parameter."),
    ],
)
async def test_a_bad_user_change_is_refused(
    graph: Graph, body: dict[str, Any], details: str
) -> None:
    response = await graph.http.post(f"/_wamm/users/{sd.BR_PHONE}", json=body)
    assert response.status_code == 400
    assert details in error_of(response)["error_data"]["details"]


@pytest.mark.parametrize(
    ("referral", "details"),
    [
        ({"source_id": "1", "source_type": "ad"}, "The parameter referral.source_url is required."),
        (
            {**REFERRAL, "source_type": "story"},
            "Param referral.source_type must be one of ad, post, got 'story'.",
        ),
        (
            {**REFERRAL, "media_type": "gif"},
            "Param referral.media_type must be one of image, video, got 'gif'.",
        ),
        ({**REFERRAL, "ad_id": "1"}, "Param referral.ad_id is not a known parameter."),
        (
            {**REFERRAL, "welcome_message": {}},
            "The parameter referral.welcome_message.text is required.",
        ),
    ],
)
async def test_a_bad_referral_is_refused(
    graph: Graph, referral: dict[str, Any], details: str
) -> None:
    response = await graph.http.post(
        "/_wamm/inbound",
        json={"phone_number_id": PHONE, "from": sd.BR_PHONE, "referral": referral},
    )
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(details)


async def test_a_system_message_has_no_referral(graph: Graph) -> None:
    response = await graph.http.post(
        "/_wamm/inbound",
        json={
            "phone_number_id": PHONE,
            "from": sd.BR_PHONE,
            "type": "system",
            "referral": REFERRAL,
        },
    )
    assert error_of(response) == invalid_parameter_error(
        "Param referral is not allowed on a system message."
    )


async def first_day_after_an_entry(graph: Graph, field: str, dimensions: str) -> Any:
    """A user comes from an ad, the business answers with a template and a text; the WABA
    analytics `field` of that day by `dimensions`: its data points."""
    await user_sends(graph, referral=REFERRAL)
    await hooks.send(graph, f"{PHONE}/messages", template_send())
    await hooks.send(graph, f"{PHONE}/messages", text_send())
    await hooks.settle(graph, HOUR)
    modifiers = f".start({T0}).end({T0 + 86400}).granularity(DAILY).dimensions({dimensions})"
    response = await graph.get(sd.SIGNED_WABA, fields=f"{field}{modifiers}")
    assert response.status_code == 200, response.text
    return response.json()[field]["data"][0]["data_points"]


async def test_pricing_analytics_count_free_entry_point_messages(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    dimensions = "PRICING_TYPE,PRICING_CATEGORY"
    points = await first_day_after_an_entry(graph, "pricing_analytics", dimensions)
    by_kind = {(p["pricing_type"], p["pricing_category"]): p for p in points}
    assert set(by_kind) == {("FREE_ENTRY_POINT", "MARKETING"), ("FREE_ENTRY_POINT", "SERVICE")}
    assert all(p["volume"] == 1 and p["cost"] == 0 for p in points)


async def test_concurrent_answers_open_one_window(graph: Graph, runtime: Runtime) -> None:
    await user_sends(graph, referral=REFERRAL)
    await advance(graph, HOUR)
    answers = [hooks.send(graph, f"{PHONE}/messages", text_send()) for _ in range(3)]
    wamids = await asyncio.gather(*answers)
    views = [(await graph.http.get(f"/_wamm/messages/{w}")).json() for w in wamids]
    assert {(v["pricing_type"], v["entry_point_expires_at"]) for v in views} == {
        ("free_entry_point", T0 + HOUR + 72 * HOUR)
    }
    data = await runtime.store.load_catalog()
    assert data.entry_points == [(PHONE, sd.BR_PHONE, float(T0), float(T0 + HOUR))]


async def test_the_entry_state_is_stored(graph: Graph, runtime: Runtime) -> None:
    await user_sends(graph, referral=REFERRAL)
    await advance(graph, HOUR)
    await hooks.send(graph, f"{PHONE}/messages", text_send())
    await hooks.send(graph, f"{PHONE}/messages", text_send())
    data = await runtime.store.load_catalog()
    assert data.entry_points == [(PHONE, sd.BR_PHONE, float(T0), float(T0 + HOUR))]


async def test_conversation_analytics_count_free_entry_conversations(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    dimensions = "[CONVERSATION_CATEGORY,CONVERSATION_TYPE,CONVERSATION_DIRECTION]"
    points = await first_day_after_an_entry(graph, "conversation_analytics", dimensions)
    day = {"start": int(T0), "end": int(T0) + 86400}
    free = {"conversation": 1, "conversation_type": "FREE_ENTRY", "cost": 0.0}
    answered = {"conversation_direction": "USER_INITIATED"}
    assert points == [
        {**day, **free, **answered, "conversation_category": "MARKETING"},
        {**day, **free, **answered, "conversation_category": "SERVICE"},
    ]
