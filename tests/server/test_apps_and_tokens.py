"""Apps and tokens the Graph way: app access tokens (`/oauth/access_token`), the app's webhook
subscription (`/{app_id}/subscriptions`, which fields it receives) and `debug_token`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from wamm.core.webhook_wire import OBJECT
from wamm.testing.receiver import WebhookReceiver

APP_TOKEN = f"{sd.APP_ID}|{sd.APP_SECRET}"
SUBSCRIPTIONS = f"{sd.APP_ID}/subscriptions"
VERIFY_TOKEN = "app-verify"


@pytest.fixture
def http(dispatching_http: httpx.AsyncClient) -> httpx.AsyncClient:
    return dispatching_http


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as r:
        yield r


async def as_app(graph: Graph, method: str, path: str, **params: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {APP_TOKEN}"}
    return await graph.http.request(method, f"/v25.0/{path}", params=params, headers=headers)


async def subscribe(graph: Graph, url: str, fields: str) -> httpx.Response:
    return await as_app(
        graph,
        "POST",
        SUBSCRIPTIONS,
        object=OBJECT,
        callback_url=url,
        verify_token=VERIFY_TOKEN,
        fields=fields,
    )


async def settle(graph: Graph) -> None:
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 3600})
    drained = await graph.http.post("/_wamm/webhooks/drain", json={"timeout": 10})
    assert drained.status_code == 200, drained.text


# --- app access tokens -------------------------------------------------------------------------


async def test_the_client_credentials_grant_hands_out_the_app_token(graph: Graph) -> None:
    query = {"grant_type": "client_credentials", "client_id": sd.APP_ID}
    issued = await graph.http.get(
        "/v25.0/oauth/access_token", params={**query, "client_secret": sd.APP_SECRET}
    )
    assert issued.json() == {"access_token": APP_TOKEN, "token_type": "bearer"}
    wrong = await graph.http.get(
        "/v25.0/oauth/access_token", params={**query, "client_secret": "nope"}
    )
    assert (wrong.status_code, error_of(wrong)) == (
        400,
        {"message": "Error validating client secret.", "type": "OAuthException", "code": 1},
    )
    unknown = await graph.http.get(
        "/v25.0/oauth/access_token", params={**query, "client_id": "42", "client_secret": "x"}
    )
    assert error_of(unknown) == {
        "message": "Error validating application. Invalid application ID.",
        "type": "OAuthException",
        "code": 101,
    }


async def test_an_access_token_parameter_wins_over_the_header(graph: Graph) -> None:
    """pywa sends its app token as `access_token=` beside its usual Authorization header."""
    response = await graph.get(SUBSCRIPTIONS, access_token=APP_TOKEN)
    assert (response.status_code, response.json()) == (200, {"data": []})


async def test_a_wrong_app_secret_is_no_token(graph: Graph) -> None:
    headers = {"Authorization": f"Bearer {sd.APP_ID}|wrong"}
    response = await graph.http.get(f"/v25.0/{SUBSCRIPTIONS}", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == 190


# --- the app's subscription ----------------------------------------------------------------------


async def test_subscribing_sets_the_callback_and_its_fields(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    assert (await as_app(graph, "GET", SUBSCRIPTIONS)).json() == {"data": []}
    subscribed = await subscribe(graph, receiver.url, "messages,message_template_status_update")
    assert subscribed.json() == {"success": True}
    assert (await as_app(graph, "GET", SUBSCRIPTIONS)).json() == {
        "data": [
            {
                "object": "whatsapp_business_account",
                "callback_url": receiver.url,
                "active": True,
                "fields": [
                    {"name": "messages", "version": "v25.0"},
                    {"name": "message_template_status_update", "version": "v25.0"},
                ],
            }
        ]
    }
    (app,) = (await graph.http.get("/_wamm/state")).json()["apps"]
    assert app["webhook"] == {"url": receiver.url, "verify_token": VERIFY_TOKEN}


async def test_the_app_receives_only_the_fields_it_subscribed_to(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await subscribe(graph, receiver.url, '["message_template_status_update"]')
    sent = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    assert sent.status_code == 200, sent.text
    created = await graph.post(
        f"{sd.SIGNED_WABA}/message_templates",
        {
            "name": "fields_check",
            "language": "en_US",
            "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Your order shipped."}],
        },
    )
    assert created.status_code == 200, created.text
    await settle(graph)
    assert {change["field"] for change in receiver.changes()} == {"message_template_status_update"}


async def test_deleting_fields_then_the_subscription(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await subscribe(graph, receiver.url, "messages,account_update")
    trimmed = await as_app(graph, "DELETE", SUBSCRIPTIONS, object=OBJECT, fields="messages")
    assert trimmed.json() == {"success": True}
    (entry,) = (await as_app(graph, "GET", SUBSCRIPTIONS)).json()["data"]
    assert entry["fields"] == [{"name": "account_update", "version": "v25.0"}]
    removed = await as_app(graph, "DELETE", SUBSCRIPTIONS, object=OBJECT)
    assert removed.json() == {"success": True}
    assert (await as_app(graph, "GET", SUBSCRIPTIONS)).json() == {"data": []}


async def test_subscriptions_need_an_app_token(graph: Graph) -> None:
    response = await graph.get(SUBSCRIPTIONS)
    assert (response.status_code, error_of(response)) == (
        400,
        {
            "message": "(#15) This method must be called with an app access_token.",
            "type": "OAuthException",
            "code": 15,
        },
    )


async def test_a_callback_that_fails_the_handshake_is_2200(graph: Graph) -> None:
    refused = await subscribe(graph, "http://127.0.0.1:9/hook", "messages")
    assert refused.status_code == 400
    assert error_of(refused)["code"] == 2200


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"fields": "messages"}, "The parameter object is required."),
        (
            {"object": "page", "fields": "messages"},
            "Param object must be 'whatsapp_business_account' (the object wamm sends webhooks "
            "for), got 'page'.",
        ),
        ({"object": OBJECT}, "The parameter fields is required."),
        (
            {"object": OBJECT, "fields": "messages,feed"},
            "Param fields has 'feed', which is not a field of whatsapp_business_account.",
        ),
    ],
)
async def test_a_bad_subscription_is_100(
    graph: Graph, receiver: WebhookReceiver, params: dict[str, str], details: str
) -> None:
    body = {"callback_url": receiver.url, "verify_token": VERIFY_TOKEN, **params}
    refused = await as_app(graph, "POST", SUBSCRIPTIONS, **body)
    assert refused.status_code == 400
    assert error_of(refused) == invalid_parameter_error(details)


# --- debug_token ---------------------------------------------------------------------------------


async def debug(graph: Graph, input_token: str) -> dict[str, Any]:
    response = await graph.get("debug_token", input_token=input_token)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_debug_token_describes_a_system_user_token(graph: Graph) -> None:
    assert await debug(graph, sd.TOKEN) == {
        "type": "SYSTEM_USER",
        "app_id": sd.APP_ID,
        "application": "Test app",
        "data_access_expires_at": 0,
        "expires_at": 0,
        "is_valid": True,
        "scopes": [
            "business_management",
            "whatsapp_business_management",
            "whatsapp_business_messaging",
        ],
        "granular_scopes": [
            {
                "scope": "whatsapp_business_management",
                "target_ids": sorted([sd.SIGNED_WABA, sd.NOT_STARTED_WABA, sd.REQUESTED_WABA]),
            },
            {
                "scope": "whatsapp_business_messaging",
                "target_ids": sorted([sd.SIGNED_WABA, sd.NOT_STARTED_WABA, sd.REQUESTED_WABA]),
            },
        ],
    }


async def test_debug_token_on_expired_unknown_and_app_tokens(graph: Graph) -> None:
    expired = await debug(graph, sd.EXPIRED_TOKEN)
    assert (expired["is_valid"], expired["expires_at"]) == (False, int(sd.CLOCK_START - 1))
    assert expired["error"] == {
        "code": 190,
        "message": "Error validating access token: Session has expired.",
        "subcode": 463,
    }
    assert await debug(graph, "who-knows") == {
        "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
        "is_valid": False,
        "scopes": [],
    }
    app = await debug(graph, APP_TOKEN)
    assert (app["type"], app["app_id"], app["is_valid"], app["scopes"]) == (
        "APP",
        sd.APP_ID,
        True,
        [],
    )


async def test_debug_token_needs_its_input_and_an_access_token(graph: Graph) -> None:
    missing = await graph.get("debug_token")
    assert error_of(missing) == invalid_parameter_error("The parameter input_token is required.")
    anonymous = await graph.http.get("/v25.0/debug_token", params={"input_token": sd.TOKEN})
    assert (anonymous.status_code, error_of(anonymous)["code"]) == (401, 190)
