"""End-to-end fixtures: real `python -m wamm` processes on loopback ports, and webhook
receivers served from their own thread so blocking test code never stalls them. The pieces are
the wamm pytest plugin's (`wamm.testing`); `live_server` is a session server (the plugin's on
SQLite, and one on PostgreSQL) reset to `tests.seed_data.seed()` before every test."""

from __future__ import annotations

import asyncio
import functools
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from pywa import WhatsApp

from tests import seed_data
from tests.conftest import postgres_schema
from wamm.testing.process import (
    free_port,
    kill_process,
    running_process,
    subprocess_env,
    wamm_command,
)
from wamm.testing.receiver import WebhookReceiver
from wamm.testing.seeds import WammIds
from wamm.testing.server import STARTUP_TIMEOUT, write_seed
from wamm.testing.server import WammServer as LiveServer
from wamm.testing.server import running_wamm as _running_wamm
from wamm.testing.threaded import ThreadedReceiver

__all__ = [
    "STARTUP_TIMEOUT",
    "LiveServer",
    "ThreadedReceiver",
    "free_port",
    "kill_process",
    "run_cli",
    "running_process",
    "running_wamm",
    "subprocess_env",
    "threaded_holding_receiver",
    "wamm_command",
    "webhook_seed",
    "write_seed",
]

VERIFY_TOKEN = "e2e-verify-token"
CLI_TIMEOUT = 30
# Servers the tests start themselves run `tests.seed_data` seeds: their token is the seed's.
running_wamm = functools.partial(_running_wamm, ids=WammIds.from_seed(seed_data.seed()))


def webhook_seed(url: str, **overrides: Any) -> dict[str, Any]:
    """`tests.seed_data.seed(**overrides)` with the app's callback pointed at `url`."""
    document = seed_data.seed(**overrides)
    document["apps"][0]["webhook"] = {"url": url, "verify_token": VERIFY_TOKEN}
    return document


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m wamm ARGS` in a subprocess, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "wamm", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        env=subprocess_env(),
        check=False,
    )


@pytest.fixture
def webhook_receiver() -> Iterator[ThreadedReceiver]:
    """A started receiver for the seed app's secret and `VERIFY_TOKEN`, closed after the test."""
    with ThreadedReceiver(seed_data.APP_SECRET, VERIFY_TOKEN) as receiver:
        yield receiver


@pytest.fixture
def wamm_seed() -> dict[str, Any]:
    """The plugin's `wamm_server` resets to `tests.seed_data.seed()` here."""
    return seed_data.seed()


@pytest.fixture(scope="session")
def postgres_session_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second session wamm, on PostgreSQL (a fresh schema), like the plugin's SQLite one."""
    with (
        postgres_schema() as url,
        _running_wamm(tmp_path_factory.mktemp("wamm-pg"), "--no-demo", database_url=url) as server,
    ):
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live_server(
    request: pytest.FixtureRequest, wamm_session_server: LiveServer, wamm_seed: dict[str, Any]
) -> LiveServer:
    """A session server, reset to `tests.seed_data.seed()` before every test: the plugin's
    on SQLite, then one on PostgreSQL, so that every client test witnesses both backends."""
    session = (
        wamm_session_server
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_session_server")
    )
    server = session.with_seed(wamm_seed)
    server.reset(wamm_seed)
    return server


def _loopback_only(request: httpx.Request) -> None:
    """Guard: pywa must never reach graph.facebook.com from these tests."""
    if request.url.host != "127.0.0.1":
        raise AssertionError(f"pywa tried to leave loopback: {request.url}")


@pytest.fixture
def wa(live_server: LiveServer) -> Iterator[WhatsApp]:
    """pywa for the seed's signed number, talking to the live wamm and nothing else."""
    # No callback_url / server / verify_token: the constructor then makes no network calls.
    session = httpx.Client(event_hooks={"request": [_loopback_only]})
    client = WhatsApp(
        phone_id=seed_data.SIGNED_PHONE,
        token=seed_data.TOKEN,
        waba_id=seed_data.SIGNED_WABA,
        app_id=seed_data.APP_ID,
        app_secret=seed_data.APP_SECRET,
        session=session,
        api_version="23.0",
    )
    # pywa has no base-URL option; its GraphAPI sets graph.facebook.com on the session.
    client.api._session.base_url = f"{live_server.base_url}/v23.0"
    with session:
        yield client


# --- a receiver that can hold POSTs ------------------------------------------------------------


@dataclass
class HoldingReceiver(WebhookReceiver):
    """A `WebhookReceiver` that can hold POSTs: while holding, each POST waits unanswered (its
    sender keeps the rows leased) and is kept apart in `held`, never recorded as a delivery;
    `release` answers the held ones 503 (not acknowledged). Verification GETs are not held."""

    holding: bool = False
    held: list[bytes] = field(default_factory=list)
    _released: asyncio.Event | None = None

    async def hold(self) -> None:
        self._released = asyncio.Event()
        self.holding = True

    async def release(self) -> None:
        self.holding = False
        if self._released is not None:
            self._released.set()

    async def _receive(self, request: web.Request) -> web.Response:
        if not self.holding or self._released is None:
            return await super()._receive(request)
        released = self._released
        self.held.append(await request.read())
        await released.wait()
        return web.Response(status=503, text="held, not acknowledged")


class ThreadedHoldingReceiver(ThreadedReceiver):
    """`ThreadedReceiver` around a `HoldingReceiver`."""

    def __init__(self, app_secret: str, verify_token: str = VERIFY_TOKEN) -> None:
        self.receiver: HoldingReceiver = HoldingReceiver(app_secret, verify_token)
        super().__init__(app_secret, verify_token, self.receiver)

    def hold(self) -> None:
        self._call(self.receiver.hold())

    def release(self) -> None:
        self._call(self.receiver.release())

    def held(self) -> list[bytes]:
        return self._snapshot(lambda: list(self.receiver.held))


def threaded_holding_receiver(app_secret: str = seed_data.APP_SECRET) -> ThreadedHoldingReceiver:
    """A `ThreadedHoldingReceiver` to use in a `with` block (started, then closed)."""
    return ThreadedHoldingReceiver(app_secret)
