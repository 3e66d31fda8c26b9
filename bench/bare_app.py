"""The benchmark's floor: a raw ASGI app that reads the request and answers fixed JSON.

Served by the same uvicorn, with the same options, as `wamm serve` (see wamm.cli.main), so the
ratio wamm/bare in bench/send_path.py is the cost of wamm itself; `app_from_environment` is the
same app for granian (bench/http_servers.py).

    python bench/bare_app.py --port 8001 --body-bytes 190
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def json_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes (or the unpadded skeleton, if that is longer)."""

    def encode(message_id: str) -> bytes:
        body = {"messaging_product": "whatsapp", "messages": [{"id": message_id}]}
        return json.dumps(body, separators=(",", ":")).encode()

    return encode("x" * max(0, size - len(encode(""))))


def make_app(body: bytes) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    response = {"type": "http.response.body", "body": body}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        more = True
        while more:  # drain the request body, as a real endpoint must
            more = (await receive()).get("more_body", False)
        await send(start)
        await send(response)

    return app


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def app_from_environment() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The app for servers started by command (granian: bench/http_servers.py)."""
    return make_app(json_body(int(os.environ.get("BARE_BODY_BYTES", "190"))))


def main() -> None:
    import uvicorn  # noqa: PLC0415 (only the server process needs it)

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-bytes", type=int, default=190)
    args = parser.parse_args()
    # The options `wamm serve --no-access-log` passes to uvicorn.run.
    uvicorn.run(
        make_app(json_body(args.body_bytes)),
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
