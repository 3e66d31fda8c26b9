"""The SDK's app and token calls against an in-process wamm: app access token, the app's
webhook subscription (with a real receiver for the handshake) and debug_token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests import seed_data as sd
from wamm.client import AsyncClient, GraphAPIError
from wamm.testing.receiver import WebhookReceiver

VERIFY_TOKEN = "sdk-apps"


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as r:
        yield r


async def test_app_token_and_subscription(aclient: AsyncClient, receiver: WebhookReceiver) -> None:
    issued = await aclient.app_access_token(sd.APP_ID, sd.APP_SECRET)
    assert (issued.access_token, issued.token_type) == (f"{sd.APP_ID}|{sd.APP_SECRET}", "bearer")
    app_token = issued.access_token
    assert (await aclient.list_app_subscriptions(sd.APP_ID, app_token)).data == []
    fields = ["messages", "account_update"]
    assert (
        await aclient.subscribe_app_webhooks(
            sd.APP_ID, app_token, receiver.url, VERIFY_TOKEN, fields
        )
    ).success
    (subscription,) = (await aclient.list_app_subscriptions(sd.APP_ID, app_token)).data
    assert subscription.callback_url == receiver.url
    assert [f.name for f in subscription.fields] == fields
    assert (await aclient.unsubscribe_app_webhooks(sd.APP_ID, app_token, ["messages"])).success
    (subscription,) = (await aclient.list_app_subscriptions(sd.APP_ID, app_token)).data
    assert [f.name for f in subscription.fields] == ["account_update"]
    assert (await aclient.unsubscribe_app_webhooks(sd.APP_ID, app_token)).success
    assert (await aclient.list_app_subscriptions(sd.APP_ID, app_token)).data == []


async def test_subscriptions_with_the_clients_own_token_are_15(aclient: AsyncClient) -> None:
    with pytest.raises(GraphAPIError) as raised:
        await aclient.list_app_subscriptions(sd.APP_ID, sd.TOKEN)
    assert raised.value.code == 15


async def test_debug_token(aclient: AsyncClient) -> None:
    info = (await aclient.debug_token(sd.TOKEN)).data
    assert (info.is_valid, info.type, info.app_id) == (True, "SYSTEM_USER", sd.APP_ID)
    assert {g.scope for g in info.granular_scopes} == {
        "whatsapp_business_management",
        "whatsapp_business_messaging",
    }
    expired = (await aclient.debug_token(sd.EXPIRED_TOKEN)).data
    assert expired.is_valid is False
    assert expired.error is not None and expired.error.subcode == 463
