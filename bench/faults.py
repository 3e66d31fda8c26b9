"""`bench faults`: the fault matrix with figures (`python3 dev bench faults`).

It runs the scenarios of `wamm.testing.faults` (the ones tests/e2e/test_faults.py asserts at
small sizes) larger: kill -9 under load on SQLite (synchronous NORMAL and FULL) and PostgreSQL,
a webhook receiver that is down, answers 500 or is slower than the timeout, resets under load,
and retention. Everything runs on loopback, is bounded in sends and time, and stops each
process it started by its PID. The promises of docs/reliability.md are checked at the end
(PASS / FAIL; the run fails while one does not hold).
"""

from __future__ import annotations

import argparse
import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from databases import database_for, postgres_problem
from report import print_table, print_targets

from wamm.testing import faults
from wamm.testing.arrivals import Arrivals
from wamm.testing.load import LoadTally

# backend, directory -> (database URL, PostgreSQL's durability setting, e.g.
# "synchronous_commit=on"; "" for SQLite)
Databases = Callable[[str, Path], contextlib.AbstractContextManager[tuple[str, str]]]
SQLITE_SETTINGS = ("NORMAL", "FULL")  # WAMM_SQLITE_SYNCHRONOUS
RECOVERY_PROMISE = 20.0  # seconds from a restart (start-up included) until every status arrived
FAIR_PROMISE = 2.0  # seconds for a healthy app's statuses while another app's receiver hangs
RECEIVER_FAULTS = {
    "down": "receiver down, then back",
    "errors": "receiver answers 500, then 200",
    "slow": "receiver slower than the timeout",
}


@dataclass
class Matrix:
    """What the run measured: tables to print (title, headers, rows), the promises (promise,
    measured, held or None for information), and the raw figures."""

    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    promises: list[tuple[str, str, bool | None]] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kills", type=int, default=2, help="kill -9 rounds per backend row")
    parser.add_argument(
        "--kill-after", type=int, default=1000, help="acknowledged sends before each SIGKILL"
    )
    parser.add_argument("--connections", type=int, default=16, help="sending connections")
    parser.add_argument(
        "--recovery-limit",
        type=float,
        default=90.0,
        help="seconds after a restart to wait for every status",
    )
    parser.add_argument("--messages", type=int, default=200, help="per receiver fault")
    parser.add_argument("--resets", type=int, default=20, help="resets under load per backend")


def bounded(args: argparse.Namespace) -> str | None:
    """Why the options are out of bounds, or None."""
    if not 1 <= args.kills <= 10 or not 1 <= args.kill_after <= 100_000:
        return "--kills 1..10 and --kill-after 1..100,000 only"
    if not 1 <= args.messages <= 5000 or not 1 <= args.resets <= 200:
        return "--messages 1..5,000 and --resets 1..200 only"
    if not 1 <= args.connections <= 256 or not 1 <= args.recovery_limit <= 600:
        return "--connections 1..256 and --recovery-limit 1..600 only"
    return None


def run_matrix(
    args: argparse.Namespace, workdir: Path, backends: list[str], databases: Databases
) -> Matrix:
    matrix = Matrix()
    kills = kill_rows(args, workdir, backends, databases, matrix)
    receivers = receiver_rows(args, workdir, matrix)
    resets = reset_rows(args, workdir, backends, databases, matrix)
    left = retention_row(workdir, matrix)
    add_promises(matrix, kills, receivers, resets, left)
    return matrix


# --- kill -9 under load --------------------------------------------------------------------------


@dataclass
class KillTotals:
    """Several kill -9 rounds on one backend and setting, added up."""

    label: str
    rounds: list[faults.KillFigures] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rounds)

    def arrived(self) -> tuple[int, int, int, int]:
        """(arrived, expected, duplicates, out of order) over the rounds."""
        return (
            sum(r.arrivals.arrived for r in self.rounds),
            sum(r.arrivals.expected for r in self.rounds),
            sum(r.arrivals.duplicates for r in self.rounds),
            sum(r.arrivals.out_of_order for r in self.rounds),
        )

    def slowest_recovery(self) -> float | None:
        return slowest([r.recovery_seconds for r in self.rounds])


def slowest(times: list[float | None]) -> float | None:
    """The longest time, None if one of them is None (not in time)."""
    known = [t for t in times if t is not None]
    return max(known) if len(known) == len(times) else None


def kill_settings(backends: list[str]) -> Iterator[tuple[str, str | None]]:
    """(backend, SQLite synchronous setting or None) for each kill row."""
    for backend in backends:
        if backend == "sqlite":
            yield from ((backend, setting) for setting in SQLITE_SETTINGS)
        else:
            yield backend, None


def kill_rows(
    args: argparse.Namespace,
    workdir: Path,
    backends: list[str],
    databases: Databases,
    matrix: Matrix,
) -> list[KillTotals]:
    rows, totals = [], []
    for backend, synchronous in kill_settings(backends):
        env = {"WAMM_SQLITE_SYNCHRONOUS": synchronous} if synchronous else None
        row: KillTotals | None = None
        for round_number in range(args.kills):
            directory = workdir / f"kill-{backend}-{synchronous or 'pg'}-{round_number}"
            directory.mkdir()
            with databases(backend, directory) as (url, pg_setting):
                setting = f"synchronous={synchronous}" if synchronous else pg_setting
                row = row or KillTotals(f"{backend}, {setting}")
                print(f"faults: kill -9 under load, {row.label}, round {round_number + 1}")
                row.rounds.append(
                    faults.kill_under_load(
                        directory,
                        url,
                        kill_after=args.kill_after,
                        connections=args.connections,
                        recovery_limit=args.recovery_limit,
                        env=env,
                    )
                )
        assert row is not None
        totals.append(row)
        rows.append(kill_table_row(row))
    matrix.tables.append(
        (
            f"kill -9 under load: {args.connections} sending connections, realtime clock, a "
            f"receiver answering after 0.2 s; SIGKILL after {args.kill_after:,} acknowledged "
            f"sends with webhooks in flight, then a restart on the same database "
            f"({args.kills} rounds per row, added up)",
            [
                "backend, durability setting",
                "acked",
                "found",
                "lost",
                "no answer",
                "leased at kill",
                "restart",
                "all statuses in",
                "statuses >= once",
                "dupl.",
                "out of order",
            ],
            rows,
        )
    )
    matrix.results["kill"] = [
        {"label": t.label, "rounds": [asdict(r) for r in t.rounds]} for t in totals
    ]
    return totals


def kill_table_row(row: KillTotals) -> list[str]:
    arrived, expected, duplicates, out_of_order = row.arrived()
    slowest = row.slowest_recovery()
    return [
        row.label,
        f"{row.total('acked'):,}",
        f"{row.total('found'):,}",
        f"{row.total('lost'):,}",
        f"{row.total('unanswered'):,}",
        f"{row.total('leased_at_kill'):,}",
        f"{max(r.restart_seconds for r in row.rounds):.1f} s",
        "not in time" if slowest is None else f"{slowest:.1f} s",
        f"{arrived:,}/{expected:,}",
        f"{duplicates:,}",
        f"{out_of_order:,}",
    ]


# --- the receiver fails --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiverRun:
    down: faults.ReceiverFigures
    errors: faults.ReceiverFigures
    slow: faults.SlowFigures

    def outcomes(self) -> dict[str, faults.ReceiverFigures]:
        return {"down": self.down, "errors": self.errors, "slow": self.slow.slow}


def receiver_rows(args: argparse.Namespace, workdir: Path, matrix: Matrix) -> ReceiverRun:
    def place(key: str) -> tuple[Path, str]:
        directory = workdir / f"receiver-{key}"
        directory.mkdir()
        print(f"faults: {RECEIVER_FAULTS[key]}")
        return directory, f"sqlite:///{directory / 'faults.db'}"

    run = ReceiverRun(
        down=faults.receiver_down_then_back(*place("down"), messages=args.messages),
        errors=faults.receiver_errors_then_ok(
            *place("errors"), messages=args.messages, failures=args.messages
        ),
        slow=faults.slow_receiver(*place("slow"), messages=args.messages),
    )
    outcomes = run.outcomes()
    rows = [
        receiver_table_row(label, outcomes[key].arrivals, outcomes[key].virtual_wait)
        for key, label in RECEIVER_FAULTS.items()
    ]
    other = run.slow.other_seconds
    matrix.tables.append(
        (
            f"receiver faults: SQLite, manual clock, {args.messages} messages; down for 600 "
            f"virtual seconds / 500 for the first {args.messages} POSTs / every POST answered "
            f"after 2 s with a 1 s timeout (a second app's healthy receiver had every status "
            f"after {'more than 5 s' if other is None else f'{other:.1f} s'})",
            ["fault", "statuses >= once", "dupl.", "out of order", "all in after (virtual)"],
            rows,
        )
    )
    matrix.results["receiver"] = asdict(run)
    return run


def receiver_table_row(label: str, arrivals: Arrivals, wait: float | None) -> list[str]:
    return [
        label,
        f"{arrivals.arrived:,}/{arrivals.expected:,}",
        f"{arrivals.duplicates:,}",
        f"{arrivals.out_of_order:,}",
        "not within an hour" if wait is None else f"{wait:.0f} s",
    ]


# --- reset under load, retention ----------------------------------------------------------------


def reset_rows(
    args: argparse.Namespace,
    workdir: Path,
    backends: list[str],
    databases: Databases,
    matrix: Matrix,
) -> list[faults.ResetFigures]:
    runs, rows = [], []
    for backend in backends:
        directory = workdir / f"reset-{backend}"
        directory.mkdir()
        print(f"faults: {args.resets} resets under load, {backend}")
        with databases(backend, directory) as (url, _):
            run = faults.reset_under_load(
                directory, url, resets=args.resets, connections=args.connections
            )
        runs.append(run)
        rows.append(
            [
                backend,
                f"{run.resets - run.reset_failures}/{run.resets}",
                f"{len(run.during.acked):,}",
                f"{run.during.by_status[503]:,}",
                f"{run.during.other_than(200, 503):,}",
                f"{run.after.other_than(200):,}",
                f"{run.after_found:,}/{len(run.after.acked):,}",
            ]
        )
    matrix.tables.append(
        (
            f"reset under load: {args.resets} resets to the same seed, 50 acknowledged sends "
            f"apart, {args.connections} sending connections; then 100 sends",
            [
                "backend",
                "resets ok",
                "acked during",
                "503 (code 2) during",
                "other errors during",
                "errors after",
                "after: found/acked",
            ],
            rows,
        )
    )
    matrix.results["reset"] = [reset_json(run) for run in runs]
    return runs


def reset_json(run: faults.ResetFigures) -> dict[str, Any]:
    """The figures as JSON (`asdict` would turn the status counters into lists of pairs)."""

    def tally(sends: LoadTally) -> dict[str, Any]:
        return {
            "acked": len(sends.acked),
            "by_status": {str(s): n for s, n in sends.by_status.items()},
        }

    return {
        "resets": run.resets,
        "reset_failures": run.reset_failures,
        "during": tally(run.during),
        "after": tally(run.after),
        "after_found": run.after_found,
    }


def retention_row(workdir: Path, matrix: Matrix) -> faults.RetentionFigures:
    directory = workdir / "retention"
    directory.mkdir()
    print("faults: retention")
    figures = faults.retention(directory, f"sqlite:///{directory / 'faults.db'}")
    matrix.results["retention"] = asdict(figures)
    return figures


# --- the promises ---------------------------------------------------------------------------------


def add_promises(
    matrix: Matrix,
    kills: list[KillTotals],
    receivers: ReceiverRun,
    resets: list[faults.ResetFigures],
    retention: faults.RetentionFigures,
) -> None:
    lost = sum(t.total("lost") for t in kills)
    acked = sum(t.total("acked") for t in kills)
    by_backend: dict[str, list[float | None]] = defaultdict(list)
    for row in kills:
        by_backend[row.label.split(",")[0]].append(row.slowest_recovery())
    recoveries = {backend: slowest(times) for backend, times in by_backend.items()}
    outcomes = receivers.outcomes()
    out_of_order = sum(o.arrivals.out_of_order for o in outcomes.values())
    other = receivers.slow.other_seconds
    errors = sum(r.during.other_than(200, 503) + r.after.other_than(200) for r in resets)
    reset_failures = sum(r.reset_failures for r in resets)
    matrix.promises += [
        ("no acknowledged send lost to kill -9", f"{lost} of {acked:,}", lost == 0),
        (
            f"every status delivered within {RECOVERY_PROMISE:.0f} s of a restart (item 14)",
            ", ".join(
                f"{backend} {'> limit' if s is None else f'{s:.1f} s'}"
                for backend, s in recoveries.items()
            ),
            all(s is not None and s <= RECOVERY_PROMISE for s in recoveries.values()),
        ),
        (
            "every status delivered at least once after a receiver fault",
            ", ".join(
                f"{key} {o.arrivals.arrived}/{o.arrivals.expected}" for key, o in outcomes.items()
            ),
            all(o.arrivals.complete for o in outcomes.values()),
        ),
        (
            "event order per message (item 6)",
            f"{out_of_order} messages out of order",
            out_of_order == 0,
        ),
        (
            "a slow receiver delays only its own app (item 7)",
            "not within 5 s" if other is None else f"other app's statuses after {other:.1f} s",
            other is not None and other < FAIR_PROMISE,
        ),
        (
            "sends racing resets: 200 or the transient 503 only (item 5)",
            f"{errors:,} other answers, {reset_failures} resets failed",
            errors == 0 and reset_failures == 0,
        ),
        (
            "delivered webhooks pruned after the retention period (item 11)",
            f"{retention.left} of {retention.delivered} rows left 400 days later",
            retention.left == 0,
        ),
    ]


@contextlib.contextmanager
def fault_database(backend: str, directory: Path) -> Iterator[tuple[str, str]]:
    """The matrix's databases: (URL, PostgreSQL's synchronous_commit; "" for SQLite)."""
    with database_for(backend, directory, "faults") as db:
        setting = (
            ""
            if db.kind == "sqlite"
            else f"synchronous_commit={db.pg_setting('synchronous_commit')}"
        )
        yield db.url, setting


def cmd_faults(args: argparse.Namespace, workdir: Path) -> tuple[bool, dict[str, Any]]:
    """Every backend there is (PostgreSQL when it answers), the tables, then the promises."""
    backends = ["sqlite"]
    if problem := postgres_problem():
        print(f"faults: PostgreSQL rows skipped, {problem}")
    else:
        backends.append("postgres")
    matrix = run_matrix(args, workdir, backends, fault_database)
    for title, headers, rows in matrix.tables:
        print(f"\n{title}")
        print_table(headers, rows)
    print("\npromises (docs/reliability.md)")
    passed = print_targets(matrix.promises)
    return passed, matrix.results
