"""Fixtures of the in-process server tests that deliver webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from wamm.server.app import build_app
from wamm.service.delivery import Dispatcher
from wamm.service.runtime import Runtime


@pytest.fixture
async def webhook_dispatcher(runtime: Runtime) -> AsyncIterator[Dispatcher]:
    """The runtime's webhook dispatcher, running."""
    dispatcher = Dispatcher(runtime)
    await dispatcher.start()
    yield dispatcher
    await dispatcher.stop()


@pytest.fixture
async def dispatching_http(
    runtime: Runtime, webhook_dispatcher: Dispatcher
) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP to an in-process wamm that delivers webhooks (`POST /_wamm/webhooks/drain`
    works): a test module uses it as its `http` fixture."""
    app = build_app(runtime, dispatcher=webhook_dispatcher)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://wamm.test") as client:
        yield client
