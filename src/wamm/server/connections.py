"""Connection guards uvicorn lacks: a deadline for each request to arrive complete, and a cap
on open connections answered with a Graph error; and each answer in one write (one_write.py).

uvicorn closes a connection idle between requests (`timeout_keep_alive`), but one that never
finishes a request (slowloris) stays open for ever, and its `limit_concurrency` answers a plain
text 503. `GuardedHttpProtocol` is uvicorn's httptools protocol with both guards.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Any, cast

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from wamm.core.errors import GraphError
from wamm.server.one_write import FirstWriteHeld
from wamm.server.request import Receive, Scope
from wamm.server.responses import error_parts, send_json


@dataclass(frozen=True)
class ConnectionLimits:
    request_timeout: float  # seconds for a request to arrive whole
    max_connections: int  # open at once; requests beyond get 503


def guarded_protocol(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """The `http` protocol to give uvicorn (picklable, for `--workers`). uvicorn only calls it
    with its own arguments, so a partial stands in for the class."""
    return cast(type[asyncio.Protocol], functools.partial(GuardedHttpProtocol, limits=limits))


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's protocol for one connection, closed when a request is not complete within
    `limits.request_timeout` seconds of the connection opening or the request starting, and
    answering 503 (Graph code 2) to requests while more than `limits.max_connections` are open."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        limits: ConnectionLimits,
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = limits
        self.served_app = self.app
        self.overloaded = functools.partial(answer_overloaded, limits.max_connections)
        # One watch per connection rather than a timer per request (a timer set and cancelled
        # for every request showed on the send path): the time the request being received
        # began, or the connection opened; None between requests.
        self.receiving_since: float | None = None
        self.watch: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.receiving_since = self.loop.time()
        self._watch_until(self.receiving_since + self.limits.request_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.watch is not None:
            self.watch.cancel()
            self.watch = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.receiving_since = self.loop.time()

    def on_headers_complete(self) -> None:
        # uvicorn starts `self.app` for the request here.
        too_many = len(self.connections) > self.limits.max_connections
        self.app = self.overloaded if too_many else self.served_app
        super().on_headers_complete()
        if self.cycle is not None:  # the request's answer goes out in one write
            self.cycle.transport = FirstWriteHeld(self.transport, self.loop)

    def on_message_complete(self) -> None:
        self.receiving_since = None
        super().on_message_complete()

    def _watch_until(self, when: float) -> None:
        self.watch = self.loop.call_at(when, self._look)

    def _look(self) -> None:
        """Close the connection if its request is overdue; else look again when the request
        being received would be, or a whole timeout from now between requests."""
        since, now = self.receiving_since, self.loop.time()
        if since is None:
            self._watch_until(now + self.limits.request_timeout)
        elif since + self.limits.request_timeout > now:
            self._watch_until(since + self.limits.request_timeout)
        else:
            self.watch = None
            if not self.transport.is_closing():
                self.transport.close()


async def answer_overloaded(limit: int, _scope: Scope, _receive: Receive, send: Any) -> None:
    """The answer to a request beyond the connection cap: Graph's transient code 2, and the
    connection is closed."""
    details = f"wamm serves at most {limit} connections at once; retry later."
    status, body, headers = error_parts(GraphError(2, details))
    await send_json(send, status, body, [*headers, (b"connection", b"close")])
