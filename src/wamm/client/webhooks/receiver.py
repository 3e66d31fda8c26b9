"""A small ASGI webhook receiver: answers Meta's verification handshake, checks each POST's
signature, parses it and dispatches every update to the handlers registered for its type.

    hooks = WebhookApp(app_secret="...", verify_token="...")

    @hooks.on(StatusUpdate)
    async def on_status(update: StatusUpdate) -> None: ...

    # serve with any ASGI server: uvicorn.run(hooks, port=9000)

A POST is answered 200 once every handler ran; 401 for a bad signature, 400 for a body that is
not a webhook, 500 if a handler raised (Meta, and wamm, then deliver it again: handlers must
tolerate duplicates).
"""

from __future__ import annotations

import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar
from urllib.parse import parse_qs

from wamm.client.idempotency import SendLedger
from wamm.client.webhooks.models import StatusUpdate, Update
from wamm.client.webhooks.parse import (
    SIGNATURE_HEADER,
    InvalidWebhookError,
    parse,
    verify_signature,
)

log = logging.getLogger("wamm.client.webhooks")
U = TypeVar("U", bound=Update)
Handler = Callable[[U], Awaitable[None] | None]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class WebhookApp:
    """An ASGI application receiving WhatsApp webhooks on any path.

    With `ledger` (a client's `ledger`), a status update whose `biz_opaque_callback_data` is
    the idempotency key of an ambiguous send settles it as accepted.
    """

    def __init__(
        self, app_secret: str, verify_token: str, *, ledger: SendLedger | None = None
    ) -> None:
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.ledger = ledger
        self._handlers: list[tuple[type[Update], Callable[[Any], Any]]] = []

    def on(self, kind: type[U]) -> Callable[[Handler[U]], Handler[U]]:
        """Decorator: call the handler (sync or async) for every update of type `kind`
        (`Update` for all)."""

        def register(handler: Handler[U]) -> Handler[U]:
            self._handlers.append((kind, handler))
            return handler

        return register

    async def dispatch(self, update: Update) -> None:
        """Run the handlers registered for `update`'s type, in registration order."""
        if self.ledger is not None and isinstance(update, StatusUpdate):
            callback_data = update.status.biz_opaque_callback_data
            if callback_data is not None:
                self.ledger.observe(callback_data, update.status.id)
        for kind, handler in self._handlers:
            if isinstance(update, kind):
                result = handler(update)
                if inspect.isawaitable(result):
                    await result

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["method"] == "GET":
            status, text = self._verify(scope)
        elif scope["method"] == "POST":
            status, text = await self._notify(scope, await _body(receive))
        else:
            status, text = 405, "method not allowed"
        await _respond(send, status, text)

    def _verify(self, scope: Scope) -> tuple[int, str]:
        query = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(token, self.verify_token):
            return 200, query.get("hub.challenge", "")
        return 403, "verification failed"

    async def _notify(self, scope: Scope, body: bytes) -> tuple[int, str]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not verify_signature(body, headers.get(SIGNATURE_HEADER.lower()), self.app_secret):
            return 401, "bad signature"
        try:
            updates = parse(body)
        except InvalidWebhookError as error:
            return 400, str(error)
        try:
            for update in updates:
                await self.dispatch(update)
        except Exception:
            log.exception("a webhook handler failed; answering 500 so it is delivered again")
            return 500, "handler failed"
        return 200, "ok"


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _respond(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
