"""Shapes that follow the Graph API version: the request path's version (an unversioned call
answers as its app's default version) and, for webhooks, the app's webhook version."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of
from tests.server.test_apps_and_tokens import APP_TOKEN, SUBSCRIPTIONS
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    seed_document_fixture,
    settle,
)
from wamm.core.webhook_wire import OBJECT
from wamm.testing.receiver import WebhookReceiver

UTILITY_ON_MM = template_send(
    "order_update", [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}]
)


async def reseed_app(graph: Graph, seed_document: dict[str, Any], **versions: str) -> None:
    app = {**seed_document["apps"][0], **versions}
    response = await graph.http.post("/_wamm/seed", json={"apps": [app]})
    assert response.status_code == 200, response.text


async def sent_status(graph: Graph, receiver: WebhookReceiver) -> dict[str, Any]:
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    wamid = response.json()["messages"][0]["id"]
    await settle(graph)
    return next(s for s in receiver.statuses() if s["id"] == wamid and s["status"] == "sent")


def expected_sent(status: dict[str, Any], with_conversation: bool) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "id": status["id"],
        "status": "sent",
        "timestamp": status["timestamp"],
        "recipient_id": sd.BR_PHONE,
    }
    if with_conversation:
        shape["conversation"] = {
            "id": status["conversation"]["id"],
            "expiration_timestamp": str(int(status["timestamp"]) + 86400),
            "origin": {"type": "marketing_lite"},
        }
    shape["pricing"] = {
        "billable": True,
        "pricing_model": "PMP",
        "type": "regular",
        "category": "marketing_lite",
    }
    return shape


# --- webhooks: the app's webhook version --------------------------------------------------------


@pytest.mark.parametrize(
    ("seeded", "with_conversation"),
    [
        ({"webhook_version": "v23.0"}, True),
        ({"webhook_version": "v24.0"}, False),
        ({"webhook_version": "v25.0"}, False),
        ({"api_version": "v22.0"}, True),  # the webhook version defaults to the API version
        ({}, False),  # both default to the latest
    ],
)
async def test_status_webhooks_keep_the_conversation_before_v24(
    graph: Graph,
    receiver: WebhookReceiver,
    seed_document: dict[str, Any],
    seeded: dict[str, str],
    with_conversation: bool,
) -> None:
    await reseed_app(graph, seed_document, **seeded)
    status = await sent_status(graph, receiver)
    assert status == expected_sent(status, with_conversation)


async def test_subscribing_through_a_versioned_path_sets_the_webhook_version(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    graph.version = "v23.0"
    subscribed = await graph.post(
        SUBSCRIPTIONS,
        {
            "object": OBJECT,
            "callback_url": receiver.url,
            "verify_token": VERIFY_TOKEN,
            "fields": "messages",
        },
        token=APP_TOKEN,
    )
    assert subscribed.json() == {"success": True}
    graph.version = "v25.0"
    listed = await graph.get(SUBSCRIPTIONS, token=APP_TOKEN)
    assert listed.json()["data"][0]["fields"] == [{"name": "messages", "version": "v23.0"}]
    status = await sent_status(graph, receiver)
    assert status == expected_sent(status, with_conversation=True)


# --- Graph calls: the path's version, else the app's default -----------------------------------


@pytest.mark.parametrize(
    ("app_version", "path_version", "code"),
    [
        ("v22.0", "", 131055),  # unversioned: the app's default
        ("v23.0", "", 134100),
        ("v22.0", "v25.0", 134100),  # a version in the path wins
        ("v25.0", "v22.0", 131055),
    ],
)
async def test_an_unversioned_call_answers_as_the_app_s_default_version(
    graph: Graph,
    seed_document: dict[str, Any],
    app_version: str,
    path_version: str,
    code: int,
) -> None:
    await reseed_app(graph, seed_document, api_version=app_version)
    graph.version = path_version
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", UTILITY_ON_MM)
    assert (response.status_code, error_of(response)["code"]) == (400, code)


@pytest.mark.parametrize("key", ["api_version", "webhook_version"])
async def test_a_seed_names_only_versions_wamm_emulates(graph: Graph, key: str) -> None:
    response = await graph.http.post(
        "/_wamm/seed", json={"apps": [{"id": "1", "secret": "s", key: "v26.0"}]}
    )
    error = error_of(response)
    assert (response.status_code, error["error_data"]["path"]) == (400, f"$.apps[0].{key}")
    assert error["error_data"]["details"] == "wamm emulates Graph API versions up to v25.0"
