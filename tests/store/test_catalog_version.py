"""The catalog version on both backends: every change of read-mostly state (here the manual
clock) moves it, so that
another process on the database (PostgreSQL servers, or `wamm serve --delivery-process` on a
SQLite file) reloads; a send does not, so that process is not reloading all the time."""

from __future__ import annotations

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph
from tests.store.conftest import graph_of
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed


async def test_the_manual_clock_reaches_the_other_process_and_a_send_moves_nothing(
    durable_url: str,
) -> None:
    server = await Runtime.open(durable_url)
    await apply_seed(server, sd.seed())
    courier = await Runtime.open(durable_url)
    try:
        async with graph_of(server).http as http:
            graph = Graph(http)
            assert (
                await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
            ).status_code == 200
            assert not await courier.refresh_if_changed()
            answer = await http.post("/_wamm/clock/advance", json={"seconds": 3600})
            assert answer.status_code == 200, answer.text
        assert courier.now() == server.now() - 3600
        assert await courier.refresh_if_changed()
        assert courier.now() == server.now()
        assert not await courier.refresh_if_changed()
    finally:
        await server.close()
        await courier.close()
