"""Printing the results: tables, each figure next to its target with PASS or FAIL, notes, the
machine line and the JSON file."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from measure import DEFERRED_SECONDS, Throughput

MB = 1024 * 1024


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.rjust(w) if i else h.ljust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def megabytes(value: int | None) -> str:
    return "n/a" if not value else f"{value / MB:.0f} MB"


def throughput_rows(runs: list[Throughput], reference: float | None = None) -> list[list[str]]:
    rows = []
    for run in runs:
        usage = run.usage
        rows.append(
            [
                run.label,
                str(run.processes),
                f"{run.ok:,}",
                str(sum(run.errors.values())),
                f"{run.sends_per_second:,.0f}",
                f"{run.p50_ms:.2f}",
                f"{run.p99_ms:.2f}",
                f"{run.sends_per_second / reference:.2f}" if reference else "-",
                pct(usage.wamm_cpu if usage else None),
                pct(usage.postgres_cpu if usage and run.backend == "postgres" else None),
                pct(usage.machine_busy * (os.cpu_count() or 1) if usage else None),
                pct(run.loadgen_cpu),
                megabytes(usage.peak_rss if usage else None),
                f"{run.bytes_per_message:,.0f}" if run.bytes_per_message else "n/a",
            ]
        )
    return rows


THROUGHPUT_HEADERS = [
    "run",
    "procs",
    "sends ok",
    "errors",
    "sends/s",
    "p50 ms",
    "p99 ms",
    "x bare",
    "wamm CPU",
    "pg CPU",
    "machine CPU",
    "loadgen CPU",
    "peak RSS",
    "bytes/msg",
]


THROUGHPUT_NOTES = (
    "CPU columns: CPU seconds per wall second in the measured window (100% = one core); machine\n"
    f"CPU: every process on the machine (other users' load included), out of {os.cpu_count()} "
    "cores; "
    "peak RSS:\nVmHWM summed over the server's processes; bytes/msg: database size delta / message "
    "rows added\n(SQLite file after a WAL checkpoint, PostgreSQL pg_total_relation_size of every "
    "table in the\nschema), outbox rows included."
)


def io_note(run: Throughput) -> str:
    """Storage traffic per accepted send in the window (SQLite: WAL appends and checkpoints)."""
    if run.usage is None or not run.usage.io or not run.ok:
        return f"{run.label}: no I/O figures"
    io = run.usage.io
    return (
        f"{run.label}: per send {io['write_bytes'] / run.ok / 1024:,.1f} KiB written to storage, "
        f"{io['read_bytes'] / run.ok / 1024:,.1f} KiB read from storage, "
        f"{io['rchar'] / run.ok / 1024:,.1f} KiB through read calls (sockets and page-cache "
        "hits included)"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_targets(rows: list[tuple[str, str, bool | None]]) -> bool:
    """rows: (target, measured, passed or None for information); True when none failed."""
    print_table(
        ["target", "measured", "result"],
        [[t, m, "info" if p is None else verdict(p)] for t, m, p in rows],
    )
    return all(p is not False for _, _, p in rows)


def scheduling_note(run: Throughput) -> str:
    pending = sum(run.outbox.values())
    per_send = pending / run.messages_total if run.messages_total else 0.0
    when = (
        f"due {DEFERRED_SECONDS:.0f} s after each send (outside the window)"
        if run.deferred
        else "recipients answer within ~1 s, delivered during the load"
    )
    return (
        f"webhook scheduling ON ({run.label}): app subscribed, callback at the loopback receiver; "
        f"{pending:,} outbox rows for {run.messages_total:,} messages ({per_send:.2f} per send), "
        f"{when}; outbox {run.outbox}"
    )


def durability_note(run: Throughput) -> str:
    state = "OK" if run.durable else "MISMATCH"
    return (
        f"{run.label}: {run.stored:,} message rows stored for {run.answered:,} sends answered "
        f"200: {state}"
    )


def machine_line() -> str:
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, load average before the run {' '.join(load)}"
    )


def write_json(path: Path | None, results: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(results, indent=2, default=str))
        print(f"results written to {path}")
