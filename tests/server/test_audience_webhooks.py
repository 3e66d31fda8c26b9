"""What audience members do, as the webhooks Meta sends for it: a click on the URL button of a
Marketing Messages template (`user_actions`), a marketing stop (`user_preferences`, then
131050 on later marketing sends), counted in template analytics once their time has come."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    send,
    settle,
)
from wamm.core import ids
from wamm.testing.receiver import WebhookReceiver

SHOP = {
    "name": "shop_promo",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {"type": "BODY", "text": "New arrivals are in"},
        {
            "type": "BUTTONS",
            "buttons": [{"type": "URL", "text": "Shop now", "url": "https://shop.example.com"}],
        },
    ],
}
CONSTANT = {"distribution": "constant"}
FANS = {
    "name": "fans",
    "size": 2,
    "prefix": "4915112",
    "read_delay": {**CONSTANT, "value": 60},
    "click_rate": 1.0,
    "click_delay": {**CONSTANT, "value": 30},
}
QUITTERS = {
    "name": "quitters",
    "size": 1,
    "prefix": "4915113",
    "read_delay": {**CONSTANT, "value": 60},
    "opt_out_rate": 1.0,
    "opt_out_delay": {**CONSTANT, "value": 10},
}


@pytest.fixture(name="seed_document")
def seed_document_fixture(receiver: WebhookReceiver) -> dict[str, Any]:
    document = sd.seed(audiences=[FANS, QUITTERS])
    document["apps"][0]["webhook"] = {"url": receiver.url, "verify_token": VERIFY_TOKEN}
    document["settings"]["recipients"] = {
        "sent_delay": {"value": 1},
        "delivery_delay": {"value": 2},
    }
    waba = document["businesses"][0]["wabas"][0]
    waba["is_enabled_for_insights"] = True
    waba["templates"] += [SHOP]
    return document


def shop_send(to: str, **top: Any) -> dict[str, Any]:
    return template_send("shop_promo", components=[], to=to, **top)


async def test_a_click_sends_user_actions_after_the_read(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    t0 = int(sd.CLOCK_START)
    wamid = await send(
        graph,
        f"{sd.SIGNED_PHONE}/marketing_messages",
        shop_send("491511200000", biz_opaque_callback_data="trk-7"),
    )
    await settle(graph, 90)  # read at +63 s, the click at +93 s: not yet
    assert [c for c in receiver.changes("messages") if "user_actions" in c["value"]] == []
    await settle(graph, 10)
    (change,) = [c for c in receiver.changes("messages") if "user_actions" in c["value"]]
    value = change["value"]
    assert value["contacts"][0]["wa_id"] == "491511200000"
    assert value["user_actions"] == [
        {
            "action_type": "marketing_messages_link_click",
            "timestamp": str(t0 + 93),
            "marketing_messages_link_click_data": {
                "click_component": "cta",
                "click_id": ids.object_id(7, f"click:{wamid}", 0),
                "tracking_token": "trk-7",
            },
        }
    ]


async def test_clicks_count_in_template_analytics(graph: Graph) -> None:
    for phone in ("491511200000", "491511200001"):
        await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", shop_send(phone))
    await settle(graph, 3600)
    listed = await graph.get(f"{sd.SIGNED_WABA}/message_templates", fields="name", limit=100)
    shop = next(t["id"] for t in listed.json()["data"] if t["name"] == "shop_promo")
    response = await graph.get(
        f"{sd.SIGNED_WABA}/template_analytics",
        template_ids=f"[{shop}]",
        start=int(sd.CLOCK_START),
        end="2026-01-02",
        granularity="DAILY",
        product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP",
        metric_types="CLICKED",
    )
    (point,) = response.json()["data"][0]["data_points"]
    assert point["clicked"] == [
        {"type": "url_button", "button_content": "Shop now", "count": 2},
        {"type": "unique_url_button", "button_content": "Shop now", "count": 2},
    ]


async def test_an_opt_out_stops_later_marketing_sends(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    quitter = "491511300000"
    first = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", shop_send(quitter))
    await settle(graph, 3600)
    (change,) = receiver.changes("user_preferences")
    assert change["value"]["user_preferences"] == [
        {
            "wa_id": quitter,
            "user_id": change["value"]["contacts"][0]["user_id"],
            "detail": "User requested to stop marketing messages",
            "category": "marketing_messages",
            "value": "stop",
            "timestamp": str(int(sd.CLOCK_START) + 73),  # read at +63 s, stopped 10 s later
        }
    ]
    later = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", shop_send(quitter))
    await settle(graph, 60)
    statuses = {s["id"]: s for s in receiver.statuses() if s["status"] in ("read", "failed")}
    assert statuses[first]["status"] == "read"
    assert statuses[later]["errors"][0]["code"] == 131050


async def test_a_held_send_reacts_once_released(graph: Graph, receiver: WebhookReceiver) -> None:
    """Template pacing holds the send; the click comes after the release, not before."""
    seeded = await graph.http.post(
        "/_wamm/seed",
        json={
            "businesses": [
                {
                    "id": sd.SIGNED_BUSINESS,
                    "name": "Acme",
                    "mm_terms": "signed",
                    "wabas": [
                        {
                            "id": sd.SIGNED_WABA,
                            "name": "Acme WA",
                            "template_pacing": True,
                            "templates": [{**SHOP, "name": "paced_shop"}],
                        }
                    ],
                }
            ]
        },
    )
    assert seeded.status_code == 200, seeded.text
    body = template_send("paced_shop", components=[], to="491511200000")
    held = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", body)
    assert held.json()["messages"][0]["message_status"] == "held_for_quality_assessment"
    await settle(graph, 3600)
    assert [c for c in receiver.changes("messages") if "user_actions" in c["value"]] == []
    listed = await graph.get(f"{sd.SIGNED_WABA}/message_templates", name="paced_shop", fields="id")
    paced = listed.json()["data"][0]["id"]
    rated = await graph.http.post(f"/_wamm/templates/{paced}/quality", json={"score": "GREEN"})
    assert rated.status_code == 200, rated.text
    released_at = int(sd.CLOCK_START) + 3600
    await settle(graph, 3600)
    (change,) = [c for c in receiver.changes("messages") if "user_actions" in c["value"]]
    clicked_at = int(change["value"]["user_actions"][0]["timestamp"])
    assert clicked_at == released_at + 93  # sent 1 s, delivered 3 s, read 63 s, click 93 s
