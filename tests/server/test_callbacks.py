"""An app's callback through the control API: set (with or without the handshake), cleared,
shown in the state, and a warning in the delivery log while no app has one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests import seed_data as sd
from tests.conftest import Graph, error_of, invalid_parameter_error
from wamm.testing.receiver import WebhookReceiver

VERIFY_TOKEN = "callback-token"
UNREACHABLE = "http://127.0.0.1:9/hook"  # the discard port: nothing answers the handshake
NO_CALLBACK = (
    "No app has a webhook callback, so no webhook is delivered: run `wamm webhooks listen` "
    "(it registers itself as the app's callback) or POST /_wamm/apps/{app_id}/webhook."
)


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as r:
        yield r


async def set_callback(graph: Graph, body: dict[str, Any]) -> Any:
    return await graph.http.post(f"/_wamm/apps/{sd.APP_ID}/webhook", json=body)


async def app_state(graph: Graph) -> dict[str, Any]:
    (app,) = (await graph.http.get("/_wamm/state")).json()["apps"]
    assert isinstance(app, dict)
    return app


async def test_the_state_shows_each_apps_secret_and_callback(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    assert await app_state(graph) == {
        "id": sd.APP_ID,
        "name": "Test app",
        "secret": sd.APP_SECRET,
        "require_appsecret_proof": False,
        "webhook": None,
    }
    await set_callback(graph, {"url": receiver.url, "verify_token": VERIFY_TOKEN})
    assert (await app_state(graph))["webhook"] == {
        "url": receiver.url,
        "verify_token": VERIFY_TOKEN,
    }


async def test_a_callback_is_cleared_with_a_null_url(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await set_callback(graph, {"url": receiver.url, "verify_token": VERIFY_TOKEN})
    cleared = await set_callback(graph, {"url": None})
    assert (cleared.status_code, cleared.json()) == (200, {"id": sd.APP_ID, "webhook": None})
    assert (await app_state(graph))["webhook"] is None


async def test_verify_false_restores_a_callback_whose_receiver_is_down(graph: Graph) -> None:
    handshake = await set_callback(graph, {"url": UNREACHABLE, "verify_token": VERIFY_TOKEN})
    assert error_of(handshake)["code"] == 2200
    restored = await set_callback(
        graph, {"url": UNREACHABLE, "verify_token": VERIFY_TOKEN, "verify": False}
    )
    assert restored.json() == {
        "id": sd.APP_ID,
        "webhook": {"url": UNREACHABLE, "verify_token": VERIFY_TOKEN},
        "verified": False,
    }
    assert (await app_state(graph))["webhook"] == {"url": UNREACHABLE, "verify_token": VERIFY_TOKEN}


@pytest.mark.parametrize("verify", ["no", 0, None])
async def test_verify_must_be_a_boolean(graph: Graph, verify: object) -> None:
    refused = await set_callback(graph, {"url": UNREACHABLE, "verify": verify})
    assert refused.status_code == 400
    assert error_of(refused) == invalid_parameter_error("verify must be true or false.")


async def test_the_delivery_log_warns_while_no_app_has_a_callback(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    assert (await graph.http.get("/_wamm/webhooks")).json()["warning"] == NO_CALLBACK
    await set_callback(graph, {"url": receiver.url, "verify_token": VERIFY_TOKEN})
    assert "warning" not in (await graph.http.get("/_wamm/webhooks")).json()


async def test_an_override_callback_counts_as_a_callback(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    subscribed = await graph.post(
        f"{sd.SIGNED_WABA}/subscribed_apps",
        {"override_callback_uri": receiver.url, "verify_token": VERIFY_TOKEN},
    )
    assert subscribed.json() == {"success": True}
    assert "warning" not in (await graph.http.get("/_wamm/webhooks")).json()
