"""A free entry point window survives a restart, and reaches the other processes sharing the
database, both when the user's entry arrives and when the answer opens the window."""

from __future__ import annotations

from typing import Any

from tests import seed_data as sd
from tests.builders import template_send, text_send
from tests.conftest import Graph
from tests.store.conftest import graph_of
from wamm.core.pricing import EntryPoint
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed

PHONE = sd.SIGNED_PHONE
T0 = sd.CLOCK_START
REFERRAL = {"source_url": "https://fb.me/ad", "source_id": "120", "source_type": "ad"}
OPENED = EntryPoint(referral_at=T0, opened_at=T0)


async def entry(runtime: Runtime) -> None:
    async with graph_of(runtime).http as http:
        inbound = {"phone_number_id": PHONE, "from": sd.BR_PHONE, "referral": REFERRAL}
        assert (await http.post("/_wamm/inbound", json=inbound)).status_code == 200


async def answer(runtime: Runtime) -> None:
    async with graph_of(runtime).http as http:
        assert (await Graph(http).post(f"{PHONE}/messages", text_send())).status_code == 200


async def priced(runtime: Runtime, body: dict[str, Any]) -> str:
    async with graph_of(runtime).http as http:
        sent = await Graph(http).post(f"{PHONE}/messages", body)
        assert sent.status_code == 200, sent.text
        view = (await http.get(f"/_wamm/messages/{sent.json()['messages'][0]['id']}")).json()
        pricing_type: str = view["pricing_type"]
        return pricing_type


async def test_the_window_survives_a_restart(durable_url: str) -> None:
    first = await Runtime.open(durable_url)
    await apply_seed(first, sd.seed())
    await entry(first)
    await answer(first)
    await first.close()
    reopened = await Runtime.open(durable_url)
    try:
        assert reopened.entry_point(PHONE, sd.BR_PHONE) == OPENED
        assert await priced(reopened, template_send()) == "free_entry_point"
    finally:
        await reopened.close()


async def test_another_process_sees_the_entry_and_the_opened_window(durable_url: str) -> None:
    one = await Runtime.open(durable_url)
    await apply_seed(one, sd.seed())
    other = await Runtime.open(durable_url)
    try:
        await entry(one)
        assert await other.refresh_if_changed()
        assert other.entry_point(PHONE, sd.BR_PHONE) == EntryPoint(referral_at=T0)
        await answer(one)  # the opening is written with the message, and announced
        assert await other.refresh_if_changed()
        assert other.entry_point(PHONE, sd.BR_PHONE) == OPENED
        assert await priced(other, template_send()) == "free_entry_point"
    finally:
        await one.close()
        await other.close()
