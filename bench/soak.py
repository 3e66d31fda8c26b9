"""`bench soak`: a paced load for `--minutes` while the server's RSS is sampled; the growth over
the run (least-squares slope) must stay under `--tolerance-mb`."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import send_path as sp
import webhooks as wh
from databases import database_for
from measure import STATUSES_PER_SEND, seed_document
from procstat import Monitor, Usage
from report import MB, print_table, print_targets
from servers import wamm_server


def least_squares_slope(points: list[tuple[float, float]]) -> float:
    n = len(points)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def cmd_soak(args: argparse.Namespace, workdir: Path) -> tuple[bool, dict[str, Any]]:
    duration = args.minutes * 60
    print(
        f"soak: {args.rate:,.0f} sends/s for {args.minutes:g} min on {args.backend} "
        f"({args.processes} process(es)), statuses delivered live (batch_size {args.batch_size}); "
        f"RSS of the server every {args.sample_seconds:g} s (VmRSS, /proc/<pid>/status)",
        flush=True,
    )
    receiver_port = sp.free_port()
    seed = workdir / "seed-soak.json"
    document = seed_document(
        args.audience, receiver_port, deferred=False, batch_size=args.batch_size, concurrency=32
    )
    seed.write_text(json.dumps(document))
    with (
        database_for(args.backend, workdir, "soak") as db,
        wh.receiving(receiver_port, workdir / "receiver-soak.log"),
        wamm_server(db.url, seed, workdir / "wamm-soak.log", args.processes) as server,
    ):
        sp.probe_send(server.port)
        requests = [
            sp.http_request(server.port, sp.send_body(to)) for to in sp.recipients(args.audience)
        ]
        plan = wh.PacedPlan(server.port, requests, args.rate, 5.0, duration, args.connections)

        def statuses() -> int:
            return int(wh.receiver_stats(receiver_port)["statuses"])

        with Monitor(server.pid, args.sample_seconds, statuses) as monitor:
            load = wh.measure(plan)
        accepted = 1 + load.warmup_ok + load.statuses.get(200, 0)
        expected = STATUSES_PER_SEND * accepted
        final, drained = wh.wait_for_statuses(receiver_port, expected, wh.DRAIN_LIMIT)
        outbox = db.outbox()
        messages = db.messages()
    usage = monitor.usage
    assert usage is not None
    return report_soak(args, load, usage, final, expected, drained, outbox, messages)


def report_soak(
    args: argparse.Namespace,
    load: wh.PacedResult,
    usage: Usage,
    final: dict[str, Any],
    expected: int,
    drained: bool,
    outbox: dict[str, int],
    messages: int,
) -> tuple[bool, dict[str, Any]]:
    print("\nRSS series (server processes, summed)")
    rows, previous = [], None
    for sample in usage.samples:
        delivered = "n/a"
        if sample.probe is not None:
            rate = ""
            if previous is not None and previous.probe is not None:
                span = sample.seconds - previous.seconds
                rate = f" ({(sample.probe - previous.probe) / span:,.0f}/s)" if span > 0 else ""
            delivered = f"{sample.probe:,}{rate}"
        rows.append(
            [f"{sample.seconds:7.1f}", f"{sample.rss / MB:.1f}", str(sample.processes), delivered]
        )
        previous = sample
    print_table(["t s", "RSS MB", "procs", "statuses received"], rows)
    settled = [
        (s.seconds / 60, s.rss / MB) for s in usage.samples if s.seconds >= args.settle_seconds
    ]
    slope = least_squares_slope(settled)  # MB per minute
    span = (settled[-1][0] - settled[0][0]) if len(settled) >= 2 else 0.0
    growth = slope * span
    first = settled[0][1] if settled else 0.0
    last = settled[-1][1] if settled else 0.0
    ok = load.statuses.get(200, 0)
    window = load.window[1] - load.window[0]
    print(
        f"\nRSS after {args.settle_seconds:g} s of warm-up: {first:.1f} MB -> {last:.1f} MB, "
        f"max {max((s.rss for s in usage.samples), default=0) / MB:.1f} MB; least-squares slope "
        f"{slope:+.3f} MB/min = {growth:+.1f} MB over {span:.1f} min (tolerance "
        f"{args.tolerance_mb:g} MB)"
    )
    print(
        f"sends: {ok:,} ok in {load.elapsed:.0f} s ({ok / load.elapsed:,.0f}/s), errors "
        f"{ {k: v for k, v in load.statuses.items() if k != 200} }, p50 {load.p50_ms:.2f} ms, "
        f"p99 {load.p99_ms:.2f} ms, late {load.late:,}; wamm CPU {usage.wamm_cpu:.0%}, "
        f"machine CPU {usage.machine_busy * (os.cpu_count() or 1):.0%}; {messages:,} messages "
        f"stored; outbox {outbox}"
    )
    print(
        f"webhook scheduling ON: statuses received {final['statuses']:,} of {expected:,} "
        f"expected ({final['statuses'] / max(expected // STATUSES_PER_SEND, 1):.2f} per accepted "
        f"send), bad signatures {final['bad_signatures']}, {final['posts']:,} POSTs"
    )
    flat = growth <= args.tolerance_mb
    if not flat:
        print(
            f"\n!!! RSS GREW {growth:+.1f} MB over the soak (tolerance {args.tolerance_mb:g} MB): "
            "a leak or an unbounded cache !!!"
        )
    print("\ntargets")
    passed = print_targets(
        [
            (
                f"RSS flat: growth <= {args.tolerance_mb:g} MB",
                f"{growth:+.1f} MB ({slope:+.3f} MB/min)",
                flat,
            ),
            (
                f"paced {args.rate:,.0f} sends/s held",
                f"{ok / window:,.0f}/s, {load.late:,} late",
                ok / window >= args.rate * 0.99,
            ),
            (
                "every status delivered once, signed",
                f"{final['statuses']:,} of {expected:,}",
                drained and final["statuses"] == expected and final["bad_signatures"] == 0,
            ),
        ]
    )
    results = {
        "samples": [asdict(s) for s in usage.samples],
        "slope_mb_per_min": slope,
        "growth_mb": growth,
        "sends_ok": ok,
        "p50_ms": load.p50_ms,
        "p99_ms": load.p99_ms,
        "statuses": final["statuses"],
        "expected": expected,
        "outbox": outbox,
        "messages": messages,
    }
    return passed, results
