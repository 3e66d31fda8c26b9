"""A number's settings and blocklist survive a restart, and reach the other processes sharing
the database (PostgreSQL servers, or a SQLite file's delivery process)."""

from __future__ import annotations

from tests import seed_data as sd
from tests.conftest import Graph
from tests.store.conftest import graph_of
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed

PHONE = sd.SIGNED_PHONE


async def change_everything(graph: Graph) -> None:
    await graph.http.post("/_wamm/inbound", json={"phone_number_id": PHONE, "from": sd.BR_PHONE})
    block = {"messaging_product": "whatsapp", "block_users": [{"user": sd.BR_PHONE}]}
    assert (await graph.post(f"{PHONE}/block_users", block)).status_code == 200
    assert (await graph.post(PHONE, {"pin": "135790"})).status_code == 200
    profile = {"messaging_product": "whatsapp", "about": "Still here"}
    assert (await graph.post(f"{PHONE}/whatsapp_business_profile", profile)).status_code == 200


async def assert_changed(graph: Graph) -> None:
    blocked = (await graph.get(f"{PHONE}/block_users")).json()["data"]
    assert [entry["wa_id"] for entry in blocked] == [sd.BR_PHONE]
    assert (await graph.get(PHONE, fields="is_pin_enabled")).json()["is_pin_enabled"] is True
    profile = (await graph.get(f"{PHONE}/whatsapp_business_profile", fields="about")).json()
    assert profile == {"data": [{"about": "Still here"}]}


async def test_number_state_survives_a_restart(durable_url: str) -> None:
    first = await Runtime.open(durable_url)
    await apply_seed(first, sd.seed())
    async with graph_of(first).http as http:
        await change_everything(Graph(http))
    await first.close()
    reopened = await Runtime.open(durable_url)
    try:
        async with graph_of(reopened).http as http:
            await assert_changed(Graph(http))
    finally:
        await reopened.close()


async def test_another_process_sees_the_blocklist(durable_url: str) -> None:
    one = await Runtime.open(durable_url)
    await apply_seed(one, sd.seed())
    other = await Runtime.open(durable_url)
    try:
        async with graph_of(one).http as http:
            await change_everything(Graph(http))
        assert await other.refresh_if_changed()
        assert other.is_blocked(PHONE, sd.BR_PHONE)
    finally:
        await one.close()
        await other.close()
