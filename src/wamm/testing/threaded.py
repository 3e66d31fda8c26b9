"""A `WebhookReceiver` served by an event loop in a background thread, for blocking code.

Tests mostly drive wamm with blocking calls (httpx, pywa, `Client`, processes); a receiver on
the test's own event loop would stall meanwhile. This one answers whenever wamm posts, and the
test reads what arrived through snapshots:

    with ThreadedReceiver("app-secret", "verify-token") as hooks:
        control.set_webhook(app_id, hooks.url, "verify-token")
        ...
        hooks.wait_for(lambda h: len(h.statuses()) >= 3)
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, Self, TypeVar

from wamm.client.webhooks import StatusUpdate, Update, parse
from wamm.testing.receiver import Delivery, WebhookReceiver

CALL_TIMEOUT = 10.0
POLL_INTERVAL = 0.02
T = TypeVar("T")


class ThreadedReceiver:
    """A `WebhookReceiver` (`receiver`) on its own event loop thread, with blocking
    snapshots of what it received (every delivery's signature already verified)."""

    def __init__(
        self, app_secret: str, verify_token: str, receiver: WebhookReceiver | None = None
    ) -> None:
        self.receiver = receiver or WebhookReceiver(app_secret, verify_token)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="webhook-receiver", daemon=True
        )
        self._thread.start()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(CALL_TIMEOUT)

    def _snapshot(self, read: Callable[[], T]) -> T:
        async def on_loop() -> T:
            return read()

        return self._call(on_loop())

    @property
    def url(self) -> str:
        """Where wamm should post: `http://127.0.0.1:PORT/webhook`."""
        return self.receiver.url

    @property
    def verify_token(self) -> str:
        """The token the `hub.challenge` handshake must carry."""
        return self.receiver.verify_token

    @property
    def verifications(self) -> int:
        """How many handshakes succeeded."""
        return self.receiver.verifications

    def start(self) -> None:
        """Listen (again, on the same port once it has been started before)."""
        self._call(self.receiver.start())

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until `start`."""
        self._call(self.receiver.stop())

    def fail_next(self, *status_codes: int) -> None:
        """Answer the next POSTs with these status codes (then 200 again)."""
        self._snapshot(lambda: self.receiver.fail_next.extend(status_codes))

    def set_delay(self, seconds: float) -> None:
        """Answer every following POST only after `seconds` (0: at once again)."""

        def change() -> None:
            self.receiver.delay_seconds = seconds

        self._snapshot(change)

    def deliveries(self) -> list[Delivery]:
        """Every accepted POST so far, in arrival order."""
        return self._snapshot(lambda: list(self.receiver.deliveries))

    def rejected(self) -> list[str]:
        """Why refused POSTs were refused (bad signatures)."""
        return self._snapshot(lambda: list(self.receiver.rejected))

    def statuses(self) -> list[dict[str, Any]]:
        """Every status object received, raw, in arrival order."""
        return [s for d in self.deliveries() for s in d.statuses()]

    def changes(self, field_name: str | None = None) -> list[dict[str, Any]]:
        """Every `entry[].changes[]` received (of `field_name` only, if given)."""
        return self._snapshot(lambda: self.receiver.changes(field_name))

    def updates(self) -> list[Update]:
        """Every update received, parsed by the SDK (`wamm.client.webhooks.parse`)."""
        return [update for d in self.deliveries() for update in parse(d.body)]

    def status_updates(self) -> list[StatusUpdate]:
        """The SDK's typed status updates (route, pricing, error), in arrival order."""
        return [u for u in self.updates() if isinstance(u, StatusUpdate)]

    def wait_for(
        self, predicate: Callable[[ThreadedReceiver], T], timeout: float = CALL_TIMEOUT
    ) -> T:
        """Wait until `predicate(self)` is truthy and return its value; `TimeoutError`
        (saying what did arrive) after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not (value := predicate(self)):
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"webhooks: condition not met within {timeout}s; received "
                    f"{len(self.deliveries())} deliveries, statuses "
                    f"{[(s['id'], s['status']) for s in self.statuses()]}"
                )
            time.sleep(POLL_INTERVAL)
        return value

    def __enter__(self) -> Self:
        """Start listening."""
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        """`close()`."""
        self.close()

    def close(self) -> None:
        """Stop listening and end the loop thread."""
        try:
            self.stop()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(CALL_TIMEOUT)
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()
