"""`bench ab`: two or more variants of wamm measured in alternating rounds, the same load each.

A variant is a name and the environment its server runs with: `base:` (as it is), or
`name:KEY=VALUE,KEY=VALUE`. The environment reaches every process of the server (its delivery
process too), so a variant can be an experiment's switch (`WAMM_SQLITE_SYNCHRONOUS=FULL`), or
another source tree: `PYTHONPATH=/path/to/other/checkout/src` runs that tree's wamm instead of
this one's (e.g. a `git worktree` of the commit to compare with).

Rounds alternate the variants (A B A B ...), so that a machine whose speed drifts during the
run (another tenant, a frequency change) slows every variant alike; each variant's runs are
printed, then its median and best, each median's ratio to the first variant's, and the
median of wamm's CPU per send (its whole process tree, µs): steadier than the rate on a busy
machine.

    python3 dev bench ab base: full:WAMM_SQLITE_SYNCHRONOUS=FULL
    python3 dev bench ab --live --rounds 5 base: old:PYTHONPATH=/tmp/old/src
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from databases import database_for
from measure import Load, Throughput, run_wamm


@dataclass(frozen=True)
class Variant:
    name: str
    environment: dict[str, str]


def variant(text: str) -> Variant:
    """`name:KEY=VALUE,...` (argparse type)."""
    name, colon, assignments = text.partition(":")
    if not name or not colon:
        raise argparse.ArgumentTypeError(f"{text!r}: expected name:KEY=VALUE,... (or name:)")
    environment: dict[str, str] = {}
    for assignment in filter(None, assignments.split(",")):
        key, equals, value = assignment.partition("=")
        if not key or not equals:
            raise argparse.ArgumentTypeError(f"{assignment!r} in {text!r}: expected KEY=VALUE")
        environment[key] = value
    return Variant(name, environment)


def add_command(
    commands: Any, add_load_options: Callable[[argparse.ArgumentParser, int, int], None]
) -> None:
    """`ab` among bench/run.py's commands, with the load options every throughput run takes."""
    parser = commands.add_parser("ab", help="variants of wamm (environments), alternating rounds")
    add_load_options(parser, 20_000, 20_000)
    parser.add_argument("variants", type=variant, nargs="+", metavar="NAME:KEY=VALUE,...")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each variant, alternating")
    parser.add_argument(
        "--live", action="store_true", help="statuses delivered during the run (quick's live row)"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--processes", type=int, default=1, help="server processes (`--workers N`)")


def cpu_per_send(result: Throughput) -> float:
    """wamm's CPU (its whole process tree) per send in the window, in microseconds."""
    if result.usage is None or not result.sends_per_second:
        return 0.0
    return result.usage.wamm_cpu / result.sends_per_second * 1e6


def measure_variant(
    args: argparse.Namespace, workdir: Path, run: Variant, round_: int
) -> tuple[float, float]:
    """One run of `run`: its sends per second and wamm's CPU per send (µs)."""
    label = f"{run.name} {round_}"
    with (
        mock.patch.dict(os.environ, run.environment),
        database_for(args.backend, workdir, label) as db,
    ):
        result: Throughput = run_wamm(
            workdir,
            db,
            label,
            Load.from_args(args),
            deferred=not args.live,
            processes=args.processes,
        )
    cpu = cpu_per_send(result)
    print(
        f"round {round_} {run.name:<12} {result.sends_per_second:>8,.0f} sends/s  "
        f"{cpu:5.0f} us CPU per send  p99 {result.p99_ms:6.1f} ms  "
        f"errors {sum(result.errors.values())}  every 200 stored: {result.durable}",
        flush=True,
    )
    return result.sends_per_second, cpu


def cmd_ab(args: argparse.Namespace, workdir: Path) -> tuple[bool, dict[str, Any]]:
    names = [run.name for run in args.variants]
    if len(set(names)) != len(names):
        raise SystemExit(f"variant names must differ: {names}")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_ in range(1, args.rounds + 1):
        for run in args.variants:
            runs[run.name].append(measure_variant(args, workdir, run, round_))
    first = statistics.median(rate for rate, _ in runs[names[0]])
    print(f"\n{'variant':<12} {'median':>8} {'best':>8} {'x ' + names[0]:>10} {'CPU us':>7}  runs")
    for name, measured in runs.items():
        rates = [rate for rate, _ in measured]
        median = statistics.median(rates)
        cpu = statistics.median(cpu for _, cpu in measured)
        listed = " ".join(f"{rate:,.0f}" for rate in rates)
        print(
            f"{name:<12} {median:>8,.0f} {max(rates):>8,.0f} {median / first:>10.3f} "
            f"{cpu:>7.0f}  {listed}"
        )
    return True, {"runs": runs}
