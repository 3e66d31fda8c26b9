"""Instructions per request in the HTTP layer: uvicorn's protocol as `wamm serve` runs it
(wamm's connection guards and one-write answers, server/connections.py) against uvicorn's own,
as the bare app runs.

Both serve bench/bare_app.py's app, so only the protocol layer differs. Each is driven in
process on a connection whose transport keeps nothing (no socket: the kernel's share of a write
is not counted, which is what one-write answers save), under valgrind's callgrind twice, with
`--small` and `--large` requests after the same warm-up; (large - small) / (large - small
requests) is one request's instructions. Needs valgrind; takes about a minute.

    python3 bench/protocol_instructions.py [--small 1000] [--large 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import send_path as sp
from bare_app import json_body, make_app
from instructions import callgrind_count

WARMUP = 500
LAYERS = {
    "uvicorn (the bare app's)": "plain",
    "wamm serve's": "wamm",
}


class NullTransport(asyncio.Transport):
    """A connection that takes every write and keeps nothing."""

    def write(self, data: Any) -> None:
        pass

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        peers = {"sockname": (sp.HOST, 8000), "peername": (sp.HOST, 5555)}
        return peers.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def protocol(layer: str) -> Any:
    """A connection's protocol object: uvicorn's, or the one `wamm serve` gives uvicorn."""
    from uvicorn.config import Config  # noqa: PLC0415 - after ensure_project_python
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # noqa: PLC0415
    from uvicorn.server import ServerState  # noqa: PLC0415

    from wamm.server.connections import ConnectionLimits, guarded_protocol  # noqa: PLC0415

    config = Config(make_app(json_body(190)), access_log=False, server_header=False)
    config.load()
    if layer == "wamm":  # as `wamm serve` has it (its default limits)
        factory: Any = guarded_protocol(ConnectionLimits(30.0, 10_000))  # uvicorn's arguments
        return factory(config, ServerState(), {})
    return HttpToolsProtocol(config, ServerState(), {})


async def serve(layer: str, count: int) -> None:
    """`count` requests after the warm-up, one at a time on one kept-alive connection."""
    request = sp.http_request(8000, sp.send_body("+5511999990000"))
    connection = protocol(layer)
    connection.connection_made(NullTransport())
    for _ in range(WARMUP + count):
        connection.data_received(request)
        await asyncio.sleep(0)  # the request's task runs, then its answer completes
        await asyncio.sleep(0)


def counted(layer: str, count: int) -> int:
    return callgrind_count([__file__, "--child", layer, str(count)], f"{count} requests")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000, help="requests, first run")
    parser.add_argument("--large", type=int, default=4000, help="requests, second run")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sp.ensure_project_python(__file__)
    import uvloop  # noqa: PLC0415

    if args.child is not None:
        uvloop.run(serve(args.child[0], int(args.child[1])))
        return 0
    if args.large <= args.small:
        sys.exit("--large must be more than --small")
    print("callgrind, uvicorn's httptools protocol in process, the bare app behind it")
    for label, layer in LAYERS.items():
        per_request = (counted(layer, args.large) - counted(layer, args.small)) / (
            args.large - args.small
        )
        print(f"  {label:<26} {per_request:>9,.0f} instructions per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
