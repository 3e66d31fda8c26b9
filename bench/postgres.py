"""`bench postgres`: `wamm serve --workers N` for N = 1, 2 and 4, each on a fresh PostgreSQL
schema, with SQLite and the bare app for reference."""

from __future__ import annotations

import argparse
import itertools
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from budget import print_budget
from databases import POSTGRES_URL, postgres_database, postgres_problem, sqlite_database
from measure import Load, Throughput, run_bare, run_wamm
from report import (
    THROUGHPUT_HEADERS,
    THROUGHPUT_NOTES,
    durability_note,
    print_table,
    print_targets,
    scheduling_note,
    throughput_rows,
)

TARGET_ONE = 0.10  # one process's sends/s over the bare app's
TARGET_TWO = 1.3  # two processes over one


def cmd_postgres(args: argparse.Namespace, workdir: Path) -> tuple[bool, dict[str, Any]]:
    if problem := postgres_problem():
        print(f"postgres: skipped, {problem}")
        return not args.require_postgres, {"skipped": problem}
    load = Load.from_args(args)
    print(
        f"postgres: {load.requests:,} sends (+{load.warmup:,} warm-up) on {load.connections} "
        f"connections against `wamm serve --workers N` (each process dispatches webhooks) on a "
        f"fresh schema at {POSTGRES_URL}, N in {args.processes}",
        flush=True,
    )
    runs = []
    for processes in args.processes:
        with postgres_database() as db:
            runs.append(run_wamm(workdir, db, f"pg x{processes}", load, processes=processes))
    reference = [] if args.no_sqlite else [run_sqlite_reference(workdir, load)]
    bare = run_bare(workdir, load, runs[0].response_bytes)
    print("\nsend throughput on PostgreSQL by server processes (the curve)")
    print_table(
        THROUGHPUT_HEADERS, throughput_rows([bare, *reference, *runs], bare.sends_per_second)
    )
    print(THROUGHPUT_NOTES)
    for run in runs:
        print(scheduling_note(run))
        print(durability_note(run))
    one = runs[0].sends_per_second
    print(
        "\ncurve: "
        + ", ".join(
            f"{r.processes} -> {r.sends_per_second:,.0f}/s ({r.sends_per_second / one:.2f}x)"
            for r in runs
        )
    )
    rows = scaling_targets(runs, bare)
    cores = os.cpu_count() or 1
    for before, after in itertools.pairwise(runs):
        # Past the core count the curve is expected to flatten: shown, not judged.
        rows.append(
            (
                f"{after.processes} processes > {before.processes}"
                + ("" if after.processes <= cores else f" (beyond {cores} cores)"),
                f"{after.sends_per_second / before.sends_per_second:.2f}x",
                after.sends_per_second > before.sends_per_second
                if after.processes <= cores
                else None,
            )
        )
    rows.append(
        (
            "every 200 stored (durable)",
            ", ".join(f"{r.stored:,}/{r.answered:,}" for r in runs),
            all(r.durable for r in runs),
        )
    )
    for run in runs:
        rows.append((f"p99 at {run.processes} processes", f"{run.p99_ms:.1f} ms", None))
    print(f"\ntargets ({os.cpu_count()} cores shared by wamm, PostgreSQL and the load generator)")
    passed = print_targets(rows)
    print_budgets(runs, bare)
    return passed, {"throughput": [asdict(r) for r in [bare, *reference, *runs]]}


def scaling_targets(runs: list[Throughput], bare: Throughput) -> list[tuple[str, str, bool | None]]:
    """Issue "Performance", item 3: one process >= 0.10 of the bare app, two >= 1.3x one."""
    by_count = {run.processes: run for run in runs}
    rows: list[tuple[str, str, bool | None]] = []
    if one := by_count.get(1):
        ratio = one.sends_per_second / bare.sends_per_second
        rows.append((f"1 process: wamm/bare >= {TARGET_ONE}", f"{ratio:.3f}", ratio >= TARGET_ONE))
        if two := by_count.get(2):
            gain = two.sends_per_second / one.sends_per_second
            rows.append((f"2 processes >= {TARGET_TWO}x one", f"{gain:.2f}x", gain >= TARGET_TWO))
    return rows


def print_budgets(runs: list[Throughput], bare: Throughput) -> None:
    """What the machine's cores allow for item 3's two targets (bench/budget.py)."""
    by_count = {run.processes: run for run in runs}
    if one := by_count.get(1):
        print()
        print_budget(one, TARGET_ONE * bare.sends_per_second, f"1 process >= {TARGET_ONE}")
        if two := by_count.get(2):
            target = TARGET_TWO * one.sends_per_second
            print_budget(two, target, f"2 processes >= {TARGET_TWO}x one")


def run_sqlite_reference(workdir: Path, load: Load) -> Throughput:
    with sqlite_database(workdir, "reference") as db:
        return run_wamm(workdir, db, "sqlite x1", load)
