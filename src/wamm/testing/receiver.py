"""A webhook receiver for tests: answers Meta's verification handshake, checks every
`X-Hub-Signature-256`, records what arrived, and can be told to fail or go down.

    async with WebhookReceiver(app_secret="s", verify_token="vt") as receiver:
        ...  # point an app's callback at receiver.url
        update = await receiver.wait_for(lambda u: u.statuses())
"""

from __future__ import annotations

import asyncio
import hmac
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from wamm.core.webhook_wire import SIGNATURE_HEADER, sign


@dataclass
class Delivery:
    """One POST the receiver accepted (signature already verified)."""

    body: bytes
    signature: str
    payload: dict[str, Any]
    received_at: float

    def changes(self) -> list[dict[str, Any]]:
        """Every `entry[].changes[]` object of the payload (`field` and `value`), in order."""
        return [change for entry in self.payload["entry"] for change in entry["changes"]]

    def statuses(self) -> list[dict[str, Any]]:
        """Every status object (`value.statuses[]` of every change), raw, in order."""
        return [s for c in self.changes() for s in c["value"].get("statuses", [])]


@dataclass
class WebhookReceiver:
    """An asyncio webhook receiver on `host`:`port` (0: a free port, known once started),
    serving `path`: GET answers the `hub.challenge` handshake for `verify_token`, POST checks
    `X-Hub-Signature-256` against `app_secret` and records the delivery. `fail_next` holds
    status codes to answer the next signed POSTs with, to make the sender retry.
    `delay_seconds` makes it slow: each signed POST is answered that much later, and one whose
    sender stopped waiting meanwhile (a timeout, a crash) is dropped unrecorded, as it was
    never acknowledged."""

    app_secret: str
    verify_token: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    path: str = "/webhook"
    deliveries: list[Delivery] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # why requests were refused
    verifications: int = 0
    # Status codes to answer the next POSTs with (then 200 again), to simulate failures.
    fail_next: list[int] = field(default_factory=list)
    # Seconds to wait before answering each signed POST.
    delay_seconds: float = 0.0
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def url(self) -> str:
        """The callback URL to register: `http://HOST:PORT/PATH`."""
        return f"http://{self.host}:{self.port}{self.path}"

    async def start(self) -> Self:
        """Bind the port and serve; returns the receiver (with its real `port`)."""
        app = web.Application()
        app.router.add_get(self.path, self._verify)
        app.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        listener = socket.create_server((self.host, self.port))
        self.port = listener.getsockname()[1]
        await web.SockSite(self._runner, listener).start()
        return self

    async def stop(self) -> None:
        """Stop serving and free the port (deliveries are kept); stopping twice is harmless."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """`start()`."""
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """`stop()`."""
        await self.stop()

    async def _verify(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            query.get("hub.verify_token", ""), self.verify_token
        ):
            self.verifications += 1
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403, text="verification token mismatch")

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(signature, sign(self.app_secret, body)):
            self.rejected.append(f"bad signature {signature!r}")
            return web.Response(status=401, text="bad signature")
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
            if request.transport is None:  # the connection is gone
                return web.Response(status=408, text="the sender stopped waiting")
        if self.fail_next:
            return web.Response(status=self.fail_next.pop(0), text="failing on purpose")
        async with self._arrived:
            self.deliveries.append(Delivery(body, signature, json.loads(body), time.time()))
            self._arrived.notify_all()
        return web.Response(text="ok")

    def statuses(self) -> list[dict[str, Any]]:
        """Every status object of every accepted delivery, raw, in arrival order."""
        return [s for d in self.deliveries for s in d.statuses()]

    def changes(self, field_name: str | None = None) -> list[dict[str, Any]]:
        """Every `entry[].changes[]` object of every accepted delivery, in arrival order;
        only those of `field_name` (`messages`, `message_template_status_update`, ...) if
        given."""
        return [
            c
            for d in self.deliveries
            for c in d.changes()
            if field_name is None or c["field"] == field_name
        ]

    async def wait_for(
        self, condition: Callable[[WebhookReceiver], Any], timeout: float = 10.0
    ) -> Any:
        """Wait until `condition(receiver)` is truthy; returns its value."""

        async def satisfied() -> Any:
            async with self._arrived:
                return await self._arrived.wait_for(lambda: condition(self))

        return await asyncio.wait_for(satisfied(), timeout)
