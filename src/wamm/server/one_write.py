"""One socket write per small answer.

uvicorn writes an answer's status line and headers in one `transport.write` and its body in
another: two system calls, and over TCP two segments for the client to take in, for every
Graph answer. `FirstWriteHeld` stands between a request's uvicorn cycle and the connection:
it keeps the cycle's first write (the head) back until the next one (the body), which always
follows in the same step of the event loop for wamm's JSON answers, and sends both at once;
a head with no body right behind it (a streamed answer) goes out on the loop's next turn.
"""

from __future__ import annotations

import asyncio
from typing import Any


class FirstWriteHeld(asyncio.Transport):
    """A connection's transport, as one request's answer sees it (see the module)."""

    __slots__ = ("_first", "_held", "_loop", "_transport")

    # Made for every request: without asyncio.Transport's own set-up, as it asks nothing of it.
    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._first = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._first:
            self._first = False
            self._held = bytes(data)
            self._loop.call_soon(self._release)
        elif self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held + data)
        else:
            self._transport.write(data)

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self._release()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)
