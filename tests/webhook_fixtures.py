"""The in-process world with a real webhook receiver, shared by the test modules that need it:
a loopback `WebhookReceiver` as the seed app's callback, the dispatcher delivering to it, and
`settle` moving virtual time until every due webhook is handled. A module opts in by importing
the fixtures (`receiver`, `seed_document`, `dispatcher`, `http`, as `*_fixture` so that test
parameters do not shadow them), which then replace the plain ones of tests/conftest.py for that
module only. `serving` serves any ASGI receiver on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from tests import seed_data as sd
from tests.conftest import Graph
from wamm.server.app import build_app
from wamm.service.delivery import Dispatcher
from wamm.service.runtime import Runtime
from wamm.testing.process import free_port
from wamm.testing.receiver import WebhookReceiver

VERIFY_TOKEN = "verify-me"
HOUR = 3600


@pytest.fixture(name="receiver")
async def receiver_fixture() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as r:
        yield r


@pytest.fixture(name="seed_document")
def seed_document_fixture(receiver: WebhookReceiver) -> dict[str, Any]:
    document = sd.seed()
    document["apps"][0]["webhook"] = {"url": receiver.url, "verify_token": VERIFY_TOKEN}
    document["users"] += [
        {"phone": "5511900000001", "behaviour": {"marketing_opt_out": True}},
        {"phone": "5511900000002", "behaviour": {"holdout": True}},
        {"phone": "5511900000003", "behaviour": {"reachable": False}},
        {"phone": "5511900000004", "behaviour": {"blocked": True}},
        {"phone": "5511900000005", "behaviour": {"offline_seconds": 2 * HOUR}},
        {"phone": "5511900000006", "behaviour": {"reads": False}},
    ]
    return document


@pytest.fixture(name="dispatcher")
async def dispatcher_fixture(runtime: Runtime) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher(runtime)
    await dispatcher.start()
    yield dispatcher
    await dispatcher.stop()


@pytest.fixture(name="http")
async def http_fixture(
    runtime: Runtime, dispatcher: Dispatcher
) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(runtime, dispatcher=dispatcher)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wamm.test"
    ) as client:
        yield client


async def settle(graph: Graph, seconds: float = 2 * HOUR) -> dict[str, int]:
    """Move virtual time and wait until every due webhook is delivered or rescheduled."""
    await graph.http.post("/_wamm/clock/advance", json={"seconds": seconds})
    response = await graph.http.post("/_wamm/webhooks/drain", json={"timeout": 10})
    assert response.status_code == 200, response.text
    summary: dict[str, int] = response.json()["summary"]
    return summary


async def send(graph: Graph, path: str, body: dict[str, Any]) -> str:
    """POST a send and answer its wamid."""
    response = await graph.post(path, body)
    assert response.status_code == 200, response.text
    wamid: str = response.json()["messages"][0]["id"]
    return wamid


@contextlib.asynccontextmanager
async def serving(asgi: Any) -> AsyncIterator[str]:
    """Serve `asgi` with uvicorn on a free loopback port; yields its `/hook` URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning", ws="none")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.should_exit = True
        await task
