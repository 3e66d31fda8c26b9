"""wamm's own CPU cost per send and per delivered status update, without sockets or uvicorn.

The ASGI app is called directly from the same event loop, on a temporary SQLite file seeded
like the other benchmarks (one signed business, a marketing template, an audience of known
users, the app subscribed with its callback at bench/webhooks.py's receiver):

1. sends: `--sends` template sends (after `--warmup`), `--concurrency` at a time, every one
   answered 200; statuses are planned an hour (and more) after each send, on a manual clock;
2. deliveries: the clock moves past every planned status and the dispatcher delivers them all
   to the receiver (its own process, checking every signature), `webhooks.batch_size` 100.

Each phase prints its rate and the process's CPU time (event loop and SQLite thread together)
divided by its count: the figures that profiling works from, free of the HTTP server's share.

    python3 bench/in_process.py [--sends 20000] [--warmup 2000] [--audience 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import send_path as sp
import webhooks as wh
from measure import DEFERRED_SECONDS, seed_document


@dataclass(frozen=True)
class Phase:
    label: str
    count: int
    wall: float
    cpu: float

    def line(self) -> str:
        return (
            f"{self.label:<11} {self.count:>9,} {self.count / self.wall:>10,.0f}/s "
            f"{1e6 * self.cpu / max(self.count, 1):>8.1f} us CPU each"
        )


def asgi_send(app: Any, body: bytes, statuses: Counter[int]) -> Any:
    """One POST /{phone}/marketing_messages through the ASGI interface."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": sp.SEND_PATH,
        "raw_path": sp.SEND_PATH.encode(),
        "query_string": b"",
        "headers": [
            (b"authorization", f"Bearer {sp.TOKEN}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "http_version": "1.1",
        "scheme": "http",
        "server": (sp.HOST, 8000),
        "client": (sp.HOST, 1),
    }
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses[message["status"]] += 1

    return app(scope, receive, send)


async def send_phase(app: Any, bodies: list[bytes], start: int, count: int, lanes: int) -> Phase:
    statuses: Counter[int] = Counter()

    async def lane(first: int) -> None:
        for i in range(start + first, start + count, lanes):
            await asgi_send(app, bodies[i % len(bodies)], statuses)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(lane(k) for k in range(lanes)))
    phase = Phase("sends", count, time.perf_counter() - wall, time.process_time() - cpu)
    if statuses != Counter({200: count}):
        sys.exit(f"sends answered {dict(statuses)}, expected {count} x 200")
    return phase


async def measure(args: argparse.Namespace, workdir: Path, receiver_port: int) -> list[Phase]:
    from wamm.core import seed as schema  # noqa: PLC0415 - after ensure_project_python
    from wamm.server.app import build_app  # noqa: PLC0415
    from wamm.service.delivery import Dispatcher  # noqa: PLC0415
    from wamm.service.runtime import Runtime, settle_heap  # noqa: PLC0415
    from wamm.service.seeding import apply_seed  # noqa: PLC0415

    document = seed_document(
        args.audience, receiver_port, deferred=True, batch_size=100, concurrency=32
    )
    document["settings"]["clock"] = "manual"
    runtime = await Runtime.open(f"sqlite:///{workdir / 'in-process.db'}")
    try:
        await apply_seed(runtime, schema.parse_text(json.dumps(document).encode()))
        settle_heap()
        app = build_app(runtime)
        bodies = [sp.send_body(to) for to in sp.recipients(args.audience)]
        await send_phase(app, bodies, 0, args.warmup, args.concurrency)
        sends = await send_phase(app, bodies, args.warmup, args.sends, args.concurrency)
        dispatcher = Dispatcher(runtime)
        await dispatcher.start()
        try:
            cpu, wall = time.process_time(), time.perf_counter()
            runtime.clock.advance(4 * DEFERRED_SECONDS)  # past every planned status
            counts = await dispatcher.drain(args.time_limit)
            elapsed = time.perf_counter() - wall
        finally:
            await dispatcher.stop()
        expected = 3 * (args.warmup + args.sends)
        if counts != {"delivered": expected}:
            sys.exit(f"outbox after the drain: {counts}, expected {expected} delivered")
        delivered = Phase("deliveries", expected, elapsed, time.process_time() - cpu)
        return [sends, delivered]
    finally:
        await runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=20_000, help="measured sends")
    parser.add_argument("--warmup", type=int, default=2_000, help="unmeasured sends first")
    parser.add_argument("--audience", type=int, default=20_000, help="distinct recipients")
    parser.add_argument("--concurrency", type=int, default=64, help="sends in flight")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds for the drain")
    args = parser.parse_args()
    sp.ensure_project_python(__file__)
    import uvloop  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="wamm-in-process-") as tmp:
        port = sp.free_port()
        with wh.receiving(port, Path(tmp) / "receiver.log"):
            phases = uvloop.run(measure(args, Path(tmp), port))
    print(f"in process, SQLite, {args.audience:,} recipients, webhook scheduling on")
    print(f"{'phase':<11} {'count':>9} {'rate':>12} {'CPU':>20}")
    for phase in phases:
        print(phase.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
