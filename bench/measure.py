"""What a throughput run sends and how it is measured: the seed, the cycled requests, the
closed-loop load generator, and a measured run against wamm or the bare ASGI app."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import send_path as sp
import webhooks as wh
from databases import Database
from http_servers import bare_granian
from procstat import Monitor, Usage
from profiling import profiled
from servers import wamm_server

DEFERRED_SECONDS = 3600.0  # statuses of throughput runs fall due this long after the send
LIVE_GRACE_SECONDS = 5.0  # a live run's statuses still undelivered this long after it are late
STATUSES_PER_SEND = wh.STATUSES_PER_SEND


def seed_document(
    audience: int, receiver_port: int, *, deferred: bool, batch_size: int, concurrency: int
) -> dict[str, Any]:
    """bench/webhooks.py's seed (send_path's business, the app's callback at the receiver, fast
    recipients); `deferred` moves every status an hour after its send."""
    options = wh.Options(0, 0, 0, [batch_size], concurrency, 0, audience)
    document = wh.webhook_seed(options, batch_size, receiver_port)
    if deferred:
        later = {"distribution": "constant", "value": DEFERRED_SECONDS}
        document["settings"]["recipients"] = {
            "sent_delay": later,
            "delivery_delay": later,
            "read_delay": later,
        }
    return document


@dataclass(frozen=True)
class Cycled:
    """`count` requests taken in turn from `items`, starting at `start`: a million sends without
    a million pre-built requests in memory (send_path's run_phase only iterates it)."""

    items: list[bytes]
    start: int
    count: int

    def __iter__(self) -> Iterator[bytes]:
        size = len(self.items)
        return (self.items[(self.start + i) % size] for i in range(self.count))

    def __len__(self) -> int:
        return self.count


def closed_loop(
    port: int, audience: int, warmup: int, requests: int, connections: int, limit: float
) -> sp.LoadResult:
    """send_path's load generator (own process, closed loop on keep-alive connections)."""
    per_recipient = [sp.http_request(port, sp.send_body(to)) for to in sp.recipients(audience)]
    plan = sp.LoadPlan(
        port,
        Cycled(per_recipient, 0, warmup),  # type: ignore[arg-type]
        Cycled(per_recipient, warmup, requests),  # type: ignore[arg-type]
        connections,
        limit,
    )
    return sp.measure(plan)


@dataclass
class Throughput:
    label: str
    backend: str
    processes: int
    requests: int
    ok: int
    errors: dict[int, int]
    seconds: float
    sends_per_second: float
    p50_ms: float
    p99_ms: float
    loadgen_cpu: float
    usage: Usage | None
    stored: int  # message rows added by the load (warm-up included)
    answered: int  # sends answered 200 (warm-up included)
    bytes_per_message: float | None
    outbox: dict[str, int] = field(default_factory=dict)
    messages_total: int = 0
    response_bytes: int = 0
    deferred: bool = True

    @property
    def durable(self) -> bool:
        return self.stored == self.answered


def settled_outbox(db: Database, grace: float) -> dict[str, int]:
    """The outbox once nothing is pending or in flight, or as it is `grace` seconds after the
    load (a live run: what is still undelivered then is late)."""
    deadline = time.monotonic() + grace
    outbox = db.outbox()
    while (outbox.get("pending", 0) or outbox.get("inflight", 0)) and time.monotonic() < deadline:
        time.sleep(0.25)
        outbox = db.outbox()
    return outbox


def throughput_from(label: str, result: sp.LoadResult) -> dict[str, Any]:
    ok = sp.ok_count(result.statuses)
    return {
        "label": label,
        "requests": sum(result.statuses.values()),
        "ok": ok,
        "errors": {k: v for k, v in result.statuses.items() if k != 200},
        "seconds": result.elapsed,
        "sends_per_second": sp.sends_per_second(result),
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "loadgen_cpu": result.cpu_share,
    }


@dataclass(frozen=True)
class Load:
    requests: int
    warmup: int
    connections: int
    audience: int
    limit: float

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Load:
        """The load that bench/run.py's `add_load_options` flags describe."""
        return cls(args.requests, args.warmup, args.connections, args.audience, args.duration_limit)


def run_wamm(
    workdir: Path,
    db: Database,
    label: str,
    load: Load,
    *,
    deferred: bool = True,
    processes: int = 1,
    batch_size: int = 100,
    concurrency: int = 32,
    server: str = "uvicorn",
    delivery_process: bool | None = None,
) -> Throughput:
    """The receiver, then wamm on `db`, then the closed-loop load; sizes and rows counted while
    wamm still runs (a 200 must already be committed). `delivery_process`: `wamm serve
    --[no-]delivery-process`, None for its default (a delivery process's CPU counts as wamm's:
    it is in the server's process tree)."""
    receiver_port = sp.free_port()
    seed = workdir / f"seed-{label}.json"
    document = seed_document(
        load.audience,
        receiver_port,
        deferred=deferred,
        batch_size=batch_size,
        concurrency=concurrency,
    )
    seed.write_text(json.dumps(document))
    name = label.replace(" ", "-")
    with (
        wh.receiving(receiver_port, workdir / f"receiver-{name}.log"),
        wamm_server(
            db.url, seed, workdir / f"wamm-{name}.log", processes, server, delivery_process
        ) as wamm,
    ):
        response_bytes = sp.probe_send(wamm.port)
        size_before, count_before = db.size_bytes(), db.messages()
        with Monitor(wamm.pid) as monitor, profiled(wamm.pid, label):
            result = closed_loop(
                wamm.port, load.audience, load.warmup, load.requests, load.connections, load.limit
            )
        count_after = db.messages()
        size_after = db.size_bytes() if deferred else None
        outbox = db.outbox() if deferred else settled_outbox(db, LIVE_GRACE_SECONDS)
    stored = count_after - count_before
    per_message = None
    if size_after is not None and stored:
        per_message = (size_after - size_before) / stored
    return Throughput(
        **throughput_from(label, result),
        backend=db.kind,
        processes=processes,
        usage=monitor.usage,
        stored=stored,
        answered=sp.ok_count(result.warmup_statuses) + sp.ok_count(result.statuses),
        bytes_per_message=per_message,
        outbox=outbox,
        messages_total=count_after,
        response_bytes=response_bytes,
        deferred=deferred,
    )


def run_bare(
    workdir: Path, load: Load, body_bytes: int, server: str = "uvicorn", label: str = "bare ASGI"
) -> Throughput:
    """The same load against bench/bare_app.py (under `server`): the ceiling."""
    port = sp.free_port()
    command, env = sp.bare_command(port, body_bytes), None
    if server == "granian":
        command, env = bare_granian(sp.HOST, port, body_bytes)
    with sp.serving(command, port, workdir / f"bare-{server}.log", env):
        result = closed_loop(
            port, load.audience, load.warmup, load.requests, load.connections, load.limit
        )
    return Throughput(
        **throughput_from(label, result),
        backend="-",
        processes=1,
        usage=None,
        stored=0,
        answered=0,
        bytes_per_message=None,
    )
