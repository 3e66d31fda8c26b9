"""An answer's head and body leave in one write; a head alone leaves on the loop's next turn;
nothing is lost or reordered around a close (server/one_write.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.server import ServerState

from wamm.server.connections import ConnectionLimits, GuardedHttpProtocol
from wamm.server.one_write import FirstWriteHeld
from wamm.server.responses import send_json

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class RecordingTransport(asyncio.Transport):
    """A connection that keeps what is written, write by write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5555)}.get(name, default)


def held(connection: RecordingTransport) -> FirstWriteHeld:
    return FirstWriteHeld(connection, asyncio.get_running_loop())


async def next_turn() -> None:
    await asyncio.sleep(0)


async def test_a_head_and_its_body_leave_in_one_write() -> None:
    connection = RecordingTransport()
    answer = held(connection)
    answer.write(HEAD)
    assert connection.writes == []
    answer.write(b"{}")
    assert connection.writes == [HEAD + b"{}"]
    await next_turn()
    assert connection.writes == [HEAD + b"{}"]


async def test_a_head_alone_leaves_on_the_next_turn_and_later_chunks_at_once() -> None:
    connection = RecordingTransport()
    answer = held(connection)
    answer.write(HEAD)
    await next_turn()
    assert connection.writes == [HEAD]
    answer.write(b"data: 1\n\n")
    answer.write(b"data: 2\n\n")
    assert connection.writes == [HEAD, b"data: 1\n\n", b"data: 2\n\n"]


async def test_closing_sends_the_held_head_first() -> None:
    connection = RecordingTransport()
    answer = held(connection)
    answer.write(HEAD)
    answer.close()
    assert (connection.writes, connection.closed) == ([HEAD], True)
    await next_turn()
    assert connection.writes == [HEAD]


async def test_a_head_held_when_the_client_went_away_is_dropped() -> None:
    connection = RecordingTransport()
    answer = held(connection)
    answer.write(HEAD)
    connection.close()  # the peer disconnected before the loop's next turn
    await next_turn()
    assert connection.writes == []
    assert answer.is_closing()
    assert answer.get_extra_info("peername") == ("127.0.0.1", 5555)


async def test_wamms_connections_send_each_answer_in_one_write() -> None:
    """uvicorn's protocol as `wamm serve` runs it: a JSON answer is one write on the socket."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send_json(send, 200, b'{"ok":true}', [(b"x-fb-trace-id", b"Atrace")])

    config = uvicorn.Config(app, lifespan="off", log_level="warning")
    config.load()
    protocol = GuardedHttpProtocol(config, ServerState(), {}, ConnectionLimits(5.0, 10))
    connection = RecordingTransport()
    protocol.connection_made(connection)
    for _ in range(2):  # two requests on the kept-alive connection
        protocol.data_received(b"GET /x HTTP/1.1\r\nHost: wamm\r\n\r\n")
        for _ in range(5):
            await next_turn()
    assert len(connection.writes) == 2
    for answer in connection.writes:
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b"x-fb-trace-id: Atrace\r\n" in answer
        assert answer.endswith(b'\r\n\r\n{"ok":true}')
    protocol.connection_lost(None)
