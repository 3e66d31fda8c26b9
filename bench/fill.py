"""`bench fill`: throughput on a fresh database, a fill to `--messages` stored messages, then
the same throughput run again; bytes per stored message."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import send_path as sp
import webhooks as wh
from databases import database_for
from measure import Load, Throughput, closed_loop, seed_document, throughput_from
from procstat import Monitor
from profiling import profiled
from report import (
    MB,
    THROUGHPUT_HEADERS,
    THROUGHPUT_NOTES,
    io_note,
    print_table,
    print_targets,
    throughput_rows,
)
from servers import wamm_server

TARGET_AFTER_FILL = 0.80  # throughput after 1M stored messages over the fresh-database figure


def cmd_fill(args: argparse.Namespace, workdir: Path) -> tuple[bool, dict[str, Any]]:
    probe = Load.from_args(args)
    print(
        f"fill: {args.messages:,} stored messages on {args.backend} through the send path at full "
        f"speed ({args.connections} connections); {probe.requests:,} measured sends before and "
        "after; webhook scheduling on (statuses due an hour after each send, kept in the outbox)",
        flush=True,
    )
    receiver_port = sp.free_port()
    seed = workdir / "seed-fill.json"
    document = seed_document(
        args.audience, receiver_port, deferred=True, batch_size=100, concurrency=32
    )
    seed.write_text(json.dumps(document))
    with (
        database_for(args.backend, workdir, "fill") as db,
        wh.receiving(receiver_port, workdir / "receiver-fill.log"),
        wamm_server(db.url, seed, workdir / "wamm-fill.log", args.processes) as server,
    ):
        response_bytes = sp.probe_send(server.port)

        def measured(label: str) -> Throughput:
            with Monitor(server.pid) as monitor, profiled(server.pid, label):
                result = closed_loop(
                    server.port,
                    probe.audience,
                    probe.warmup,
                    probe.requests,
                    probe.connections,
                    probe.limit,
                )
            return Throughput(
                **throughput_from(label, result),
                backend=db.kind,
                processes=args.processes,
                usage=monitor.usage,
                stored=0,
                answered=0,
                bytes_per_message=None,
                response_bytes=response_bytes,
            )

        before = measured("before fill")
        size_start, count_start = db.size_bytes(), db.messages()
        remaining = max(0, args.messages - count_start)
        with Monitor(server.pid, 10.0) as fill_monitor:
            fill = closed_loop(
                server.port, probe.audience, 0, remaining, probe.connections, args.fill_limit
            )
        count_end = db.messages()
        size_end = db.size_bytes()
        after = measured("after fill")
        outbox = db.outbox()
    added = count_end - count_start
    per_message = (size_end - size_start) / added if added else 0.0
    fill_run = Throughput(
        **throughput_from("fill", fill),
        backend=db.kind,
        processes=args.processes,
        usage=fill_monitor.usage,
        stored=added,
        answered=sp.ok_count(fill.statuses),
        bytes_per_message=per_message,
    )
    print(f"\nsend throughput before and after filling to {count_end:,} messages ({db.kind})")
    print_table(THROUGHPUT_HEADERS, throughput_rows([before, fill_run, after]))
    print(THROUGHPUT_NOTES)
    for run in (before, fill_run, after):
        print(io_note(run))
    print(
        f"database: {size_start / MB:,.1f} MB with {count_start:,} messages -> "
        f"{size_end / MB:,.1f} MB with {count_end:,}; {per_message:,.0f} bytes per stored "
        "message (the message row, its 3 pending outbox rows naming their status events, "
        f"indexes); outbox {outbox}"
    )
    ratio = after.sends_per_second / before.sends_per_second
    print("\ntargets")
    passed = print_targets(
        [
            (
                f"after/before >= {TARGET_AFTER_FILL:.2f}",
                f"{ratio:.2f} ({before.sends_per_second:,.0f} -> {after.sends_per_second:,.0f}/s)",
                ratio >= TARGET_AFTER_FILL,
            ),
            (f"{args.messages:,} messages stored", f"{count_end:,}", count_end >= args.messages),
            (
                "every fill send answered 200 stored",
                f"{added:,} / {sp.ok_count(fill.statuses):,}",
                added == sp.ok_count(fill.statuses),
            ),
            (
                "fill rate",
                f"{fill_run.sends_per_second:,.0f} sends/s over {fill.elapsed:,.0f} s",
                None,
            ),
            ("bytes per stored message", f"{per_message:,.0f}", None),
            ("p99 after fill", f"{after.p99_ms:.1f} ms (before {before.p99_ms:.1f} ms)", None),
        ]
    )
    results = {
        "throughput": [asdict(r) for r in (before, fill_run, after)],
        "bytes_per_message": per_message,
        "size_start": size_start,
        "size_end": size_end,
        "messages": count_end,
        "outbox": outbox,
    }
    return passed, results
