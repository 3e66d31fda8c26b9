"""`bench servers`: the bare app and wamm (SQLite, one process) under uvicorn and under granian,
in alternating rounds of the same run, the best of each kept: which HTTP server to put in front
of wamm (issue "Performance", item 4; the decision is in docs/decisions.md)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from databases import sqlite_database
from http_servers import SERVERS, check_available
from measure import Load, Throughput, run_bare, run_wamm
from quick import best_of
from report import THROUGHPUT_HEADERS, print_table, print_targets, throughput_rows


def one_round(
    workdir: Path, load: Load, round_number: int, runs: dict[str, list[Throughput]]
) -> None:
    for server in SERVERS:
        with sqlite_database(workdir, f"servers-{server}-{round_number}") as db:
            wamm = run_wamm(workdir, db, f"wamm {server}", load, server=server)
        runs[f"wamm {server}"].append(wamm)
        bare = run_bare(workdir, load, wamm.response_bytes, server, f"bare {server}")
        runs[f"bare {server}"].append(bare)


def cmd_servers(args: argparse.Namespace, workdir: Path) -> tuple[bool, dict[str, Any]]:
    for server in SERVERS:
        check_available(server)
    load = Load.from_args(args)
    print(
        f"servers: {load.requests:,} template sends (+{load.warmup:,} warm-up) on "
        f"{load.connections} keep-alive connections, {', '.join(SERVERS)} in turn, "
        f"{args.rounds} round(s), the best run of each kept",
        flush=True,
    )
    runs: dict[str, list[Throughput]] = {
        f"{kind} {server}": [] for kind in ("bare", "wamm") for server in SERVERS
    }
    for round_number in range(1, args.rounds + 1):
        one_round(workdir, load, round_number, runs)
    best = {label: best_of(found) for label, found in runs.items()}
    reference = best["bare uvicorn"].sends_per_second
    print("\nsend throughput by HTTP server (SQLite, one process; x bare = over bare uvicorn)")
    print_table(THROUGHPUT_HEADERS, throughput_rows(list(best.values()), reference))
    rows: list[tuple[str, str, bool | None]] = []
    for server in SERVERS:
        wamm, bare = best[f"wamm {server}"], best[f"bare {server}"]
        rows.append(
            (
                f"wamm under {server}",
                f"{wamm.sends_per_second:,.0f}/s, p99 {wamm.p99_ms:.1f} ms, "
                f"{wamm.sends_per_second / reference:.3f} of bare uvicorn, "
                f"{wamm.sends_per_second / bare.sends_per_second:.3f} of bare {server}",
                wamm.durable and not wamm.errors,
            )
        )
    granian, uvicorn = best["wamm granian"], best["wamm uvicorn"]
    rows.append(
        (
            "wamm granian / wamm uvicorn",
            f"{granian.sends_per_second / uvicorn.sends_per_second:.2f}x",
            None,
        )
    )
    print("\nper server (every 200 stored, no errors)")
    passed = print_targets(rows)
    return passed, {label: asdict(run) for label, run in best.items()}
