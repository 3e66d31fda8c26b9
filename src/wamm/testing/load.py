"""Sends under load, for fault tests and benchmarks: Graph POSTs from a background thread on
several connections at once, closed loop (each connection sends its next request as soon as
the previous one is answered), bounded in count and time, remembering what wamm acknowledged.

    with SendLoad(url, token, body_for, connections=8) as load:
        load.wait_for_acked(200)
        server.kill()
    tally = load.tally()  # acked wamids, answers by HTTP status
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp

REQUEST_TIMEOUT = 30.0
NO_ANSWER = 0  # the status counted for a request the server never answered
POLL_INTERVAL = 0.02


@dataclass
class LoadTally:
    """What the load saw so far: the wamid of every send answered 200, and the number of
    answers per HTTP status (`NO_ANSWER` for a refused or broken connection)."""

    acked: list[str] = field(default_factory=list, repr=False)
    by_status: Counter[int] = field(default_factory=Counter)

    def other_than(self, *statuses: int) -> int:
        """Requests answered with none of these HTTP statuses (or not answered)."""
        return sum(count for status, count in self.by_status.items() if status not in statuses)

    @property
    def unanswered(self) -> int:
        """Sends that got no answer (the connection broke first)."""
        return self.by_status[NO_ANSWER]


class SendLoad:
    """POSTs `body_for(i)` (i = 0, 1, ...) to `url` with the bearer `token` on `connections`
    connections from a background thread, until `stop()`, `max_sends` requests or
    `max_seconds`. A connection that fails (the server is gone) ends its worker."""

    def __init__(
        self,
        url: str,
        token: str,
        body_for: Callable[[int], dict[str, Any]],
        *,
        connections: int = 8,
        max_sends: int = 100_000,
        max_seconds: float = 120.0,
    ) -> None:
        self.url, self.body_for = url, body_for
        self.connections, self.max_sends, self.max_seconds = connections, max_sends, max_seconds
        self._headers = {"Authorization": f"Bearer {token}"}
        self._tally = LoadTally()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._numbers = itertools.count()
        self._thread = threading.Thread(target=self._run, name="wamm-send-load", daemon=True)

    def start(self) -> Self:
        """Start sending in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> LoadTally:
        """Stop sending (requests on the wire are answered first); the final tally."""
        self._stopping.set()
        self._thread.join(REQUEST_TIMEOUT + 5)
        return self.tally()

    def tally(self) -> LoadTally:
        """A copy of the tally so far."""
        with self._lock:
            return LoadTally(list(self._tally.acked), Counter(self._tally.by_status))

    def running(self) -> bool:
        """The sending thread has not stopped yet."""
        return self._thread.is_alive()

    def finish(self, timeout: float = 60.0) -> LoadTally:
        """Wait until the load has sent all it may (`max_sends` or `max_seconds`)."""
        self._thread.join(timeout)
        return self.tally()

    def wait_for_acked(self, count: int, timeout: float = 30.0) -> LoadTally:
        """Until `count` sends are acknowledged (or the load ends, or `timeout` passes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running():
            tally = self.tally()
            if len(tally.acked) >= count:
                return tally
            time.sleep(POLL_INTERVAL)
        return self.tally()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._drive())

    async def _drive(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        connector = aiohttp.TCPConnector(limit=self.connections)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            workers = [self._worker(session, deadline) for _ in range(self.connections)]
            await asyncio.gather(*workers)

    async def _worker(self, session: aiohttp.ClientSession, deadline: float) -> None:
        while not self._stopping.is_set() and time.monotonic() < deadline:
            number = next(self._numbers)
            if number >= self.max_sends:
                return
            try:
                async with session.post(
                    self.url, json=self.body_for(number), headers=self._headers
                ) as response:
                    status, body = response.status, await response.read()
            except (aiohttp.ClientError, TimeoutError):
                self._record(NO_ANSWER, b"")
                return
            self._record(status, body)

    def _record(self, status: int, body: bytes) -> None:
        with self._lock:
            self._tally.by_status[status] += 1
            if status == 200:
                self._tally.acked.append(json.loads(body)["messages"][0]["id"])
