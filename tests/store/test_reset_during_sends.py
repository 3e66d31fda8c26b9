"""Resets while sends are in flight: a send that straddles a reset fails alone with the reset
error (503, code 2) and never lands in the new state; every other send is answered 200 and
kept; nothing answers 500, during the resets or after them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import deliveries, template_send
from tests.conftest import Graph, error_of, postgres_schema
from wamm.core.settings import Settings
from wamm.server.app import build_app
from wamm.service.runtime import Runtime
from wamm.store import open_store
from wamm.store.base import Attempt, ClaimLimits, DeliveryQuery

RESET_ERROR = {
    "message": "(#2) Service temporarily unavailable",
    "type": "OAuthException",
    "code": 2,
    "error_data": {
        "messaging_product": "whatsapp",
        "details": "wamm was reset while this request was handled; send it again.",
    },
}
ROUNDS = 6
SENDS_PER_ROUND = 40


@pytest.fixture
def seed_document() -> dict[str, Any]:
    """The test seed with a number fast enough for bursts of sends."""
    document = sd.seed()
    document["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 1000
    return document


def recipient(n: int) -> str:
    return f"5511987{n:06d}"


async def send(graph: Graph, n: int) -> httpx.Response:
    """A send to a recipient of its own (no pair limit; its wamid is its own)."""
    return await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send(to=recipient(n)))


def accepted_wamids(responses: dict[int, httpx.Response]) -> dict[str, str]:
    """recipient -> wamid of the sends answered 200; every other answer is the reset error."""
    accepted = {}
    for n, response in responses.items():
        if response.status_code == 200:
            accepted[recipient(n)] = response.json()["messages"][0]["id"]
        else:
            assert response.status_code == 503, response.text
            assert error_of(response) == RESET_ERROR
    return accepted


async def stored_wamids(graph: Graph) -> dict[str, str]:
    data = (await graph.http.get("/_wamm/messages", params={"limit": 1000})).json()["data"]
    stored = {m["recipient"]["wa_id"]: m["wamid"] for m in data}
    assert len(stored) == len(data)  # one message per recipient: nothing stored twice
    return stored


async def test_sends_during_resets_fail_alone_and_never_outlive_the_reset(
    graph: Graph, seed_document: dict[str, Any]
) -> None:
    refused = 0
    for round_ in range(ROUNDS):
        numbers = range(round_ * SENDS_PER_ROUND, (round_ + 1) * SENDS_PER_ROUND)
        half = SENDS_PER_ROUND // 2
        reset = graph.http.post("/_wamm/reset", json=seed_document)
        answers = await asyncio.gather(
            *(send(graph, n) for n in numbers[:half]),
            reset,
            *(send(graph, n) for n in numbers[half:]),
        )
        assert answers[half].status_code == 200, answers[half].text
        responses = dict(zip(numbers, answers[:half] + answers[half + 1 :], strict=True))
        accepted = accepted_wamids(responses)
        refused += len(responses) - len(accepted)
        stored = await stored_wamids(graph)
        # What the new state holds was accepted, as answered: no send refused or begun
        # before the reset got into it.
        assert stored.items() <= accepted.items()
    assert refused > 0  # the rounds did catch sends in flight

    after = {n: await send(graph, n) for n in range(1000, 1000 + SENDS_PER_ROUND)}
    accepted = accepted_wamids(after)
    assert len(accepted) == SENDS_PER_ROUND
    assert accepted.items() <= (await stored_wamids(graph)).items()


@pytest.fixture
async def two_processes(
    seed_document: dict[str, Any],
) -> AsyncIterator[tuple[tuple[Runtime, Graph], tuple[Runtime, Graph]]]:
    """Two runtimes on one PostgreSQL database, as two server processes would be."""
    with postgres_schema() as url:
        runtimes = [await Runtime.open(url) for _ in range(2)]
        clients = [
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=build_app(rt)), base_url="http://wamm.test"
            )
            for rt in runtimes
        ]
        try:
            await clients[0].post("/_wamm/reset", json=seed_document)
            await runtimes[1].refresh_if_changed()
            yield (runtimes[0], Graph(clients[0])), (runtimes[1], Graph(clients[1]))
        finally:
            for client in clients:
                await client.aclose()
            for rt in runtimes:
                await rt.close()


async def test_a_reset_by_another_process_fences_this_ones_sends_until_it_catches_up(
    two_processes: tuple[tuple[Runtime, Graph], tuple[Runtime, Graph]],
    seed_document: dict[str, Any],
) -> None:
    (_, graph_a), (rt_b, graph_b) = two_processes
    assert (await send(graph_b, 1)).status_code == 200  # B holds a block of sequence numbers
    assert (await graph_a.http.post("/_wamm/reset", json=seed_document)).status_code == 200

    stale = await send(graph_b, 2)  # B has not noticed the reset yet
    assert (stale.status_code, error_of(stale)) == (503, RESET_ERROR)
    assert await rt_b.refresh_if_changed()

    numbers = range(100, 100 + SENDS_PER_ROUND)
    graphs = (graph_a, graph_b)
    answers = await asyncio.gather(*(send(graphs[n % 2], n) for n in numbers))
    accepted = accepted_wamids(dict(zip(numbers, answers, strict=True)))
    assert len(accepted) == SENDS_PER_ROUND  # no sequence number taken twice
    assert await stored_wamids(graph_a) == accepted


async def test_outcomes_of_deliveries_claimed_before_a_reset_touch_nothing_after_it(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    try:
        await store.add_deliveries(deliveries(2))
        in_flight = await store.claim_deliveries(200.0, time.time(), 60, ClaimLimits(per_app=10))
        await store.reset([], settings=Settings(), clock_time=0.0, counters={})
        await store.add_deliveries(deliveries(2))  # new rows, with the same ids again
        for delivery in in_flight:
            delivery.state, delivery.attempts = "delivered", 1
        attempt = Attempt(
            delivery_id=in_flight[0].id,
            at=200.0,
            real_at=time.time(),
            url="http://127.0.0.1:9/hook",
            status_code=200,
            latency_ms=1.0,
            error=None,
            batch_size=2,
        )
        await store.finish_deliveries(in_flight, [attempt])
        rows = await store.list_deliveries(DeliveryQuery())
        assert [(d.state, d.attempts) for d in rows] == [("pending", 0)] * 2
        assert await store.attempts_of([d.id for d in rows]) == []
    finally:
        await store.close()
