"""Your own world: a seed per test with `@pytest.mark.wamm_seed(...)` (a mapping, or a YAML /
JSON file next to the test), and the SDK's asyncio client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from wamm.client import AsyncClient, Client, TemplateMessage
from wamm.client import parameters as p
from wamm.testing.plugin import WammClock
from wamm.testing.seeds import demo_seed
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

OPTED_OUT = "5511900000031"


def with_an_opted_out_user() -> dict[str, Any]:
    """The demo seed plus a user who stopped marketing messages."""
    seed = demo_seed()
    seed["users"].append({"phone": OPTED_OUT, "behaviour": {"marketing_opt_out": True}})
    return seed


@pytest.mark.wamm_seed(with_an_opted_out_user())
def test_an_opted_out_user_gets_a_failed_131050(
    wamm_server: WammServer,
    wamm_client: Client,
    wamm_webhooks: ThreadedReceiver,
    wamm_clock: WammClock,
) -> None:
    sale = TemplateMessage("max_price_promo", "en_US", [p.body(p.text("Bia"))])
    sent = wamm_client.send_marketing(wamm_server.phone_number_id, sale, to=OPTED_OUT)

    wamm_clock.advance(60)

    (status,) = [u for u in wamm_webhooks.status_updates() if u.status.id == sent.wamid]
    assert status.error is not None and status.error.code == 131050


def test_the_async_client(wamm_server: WammServer, wamm_async_client: AsyncClient) -> None:
    async def onboarding() -> str | None:
        waba = await wamm_async_client.get_waba(wamm_server.waba_id)
        return waba.marketing_messages_onboarding_status

    assert asyncio.run(onboarding()) == "ONBOARDED"
