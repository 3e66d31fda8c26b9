"""The CPU budget of a throughput target: could this machine carry the target rate at the CPU
per send a run measured, and what would wamm's CPU per send have to be?

Two bounds, both from the run's own figures:
- the machine: wamm, PostgreSQL (its runs) and the load generator share the cores, so the
  target rate times their CPU per send must fit in `os.cpu_count()` cores (a lower bound: the
  live runs' webhook receiver and the kernel's own work come on top);
- one event loop: a server process answers on one thread, which can use one core at most, so
  with N processes the target rate times the busiest thread's CPU per send must fit in N.

A target beyond the first bound cannot be met on this machine by any number of processes at
today's CPU per send; one beyond the second only by more processes.

On SQLite, one process also meets a third bound: at 64 connections in a closed loop all the
sends in flight wait in the same group commit, so the event loop's work and the database
thread's commit run one after the other, and the rate is at most one send per (loop CPU +
database thread CPU) per send. With webhooks delivered during the run (live), the lines also
give its delivery process's CPU per send and each of that process's busy threads' share of a
core: the live run's busiest thread is often there (its database thread), not in the server.
"""

from __future__ import annotations

import os

from measure import STATUSES_PER_SEND, Throughput


def _micros(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} us"


def _cut(allowed: float, today: float) -> str:
    """How far `today` is from `allowed` (a cut needed, or headroom)."""
    if allowed <= 0:
        return "impossible: the other processes alone exceed the machine"
    change = allowed / today - 1
    return f"{change:+.0%} from {_micros(today)}"


def budget_lines(run: Throughput, target: float, name: str) -> list[str]:
    """The budget of `target` sends/s (`name`: which target) at `run`'s CPU per send."""
    usage = run.usage
    if usage is None or not run.sends_per_second:
        return [f"CPU budget of {name}: no CPU figures for {run.label}"]
    rate, cores = run.sends_per_second, os.cpu_count() or 1
    wamm, others = usage.wamm_cpu / rate, run.loadgen_cpu / rate
    parts = f"wamm {_micros(wamm)}, load generator {_micros(others)}"
    if run.backend == "postgres":
        postgres = usage.postgres_cpu / rate
        others += postgres
        parts += f", PostgreSQL {_micros(postgres)}"
    needed = target * (wamm + others)
    loops = run.processes
    # One process: its own busiest thread (a delivery process beside it has threads of its own).
    busiest = (
        usage.server_threads[0] if loops == 1 and usage.server_threads else usage.busiest_thread
    )
    loop = busiest / rate
    return [
        f"CPU budget of {name}: {target:,.0f} sends/s at {run.label}'s CPU per send ({parts}) "
        f"takes {needed:.2f} of {cores} cores: "
        + ("within the machine" if needed <= cores else "beyond the machine")
        + f"; wamm's CPU per send must be at most {_micros(cores / target - others)} "
        f"({_cut(cores / target - others, wamm)}) with every core used",
        f"  one event loop per process: the busiest server thread used {busiest:.0%} of a "
        f"core ({_micros(loop)} per send, idle or waiting the rest of the run); "
        f"{loops} such loop{'s' if loops > 1 else ''} carr{'y' if loops > 1 else 'ies'} "
        f"{target:,.0f} sends/s at {_micros(loops / target)} per send at most "
        f"({_cut(loops / target, loop)}), busy all the time",
        *_series_line(run, target),
        *_delivery_line(run),
    ]


def _series_line(run: Throughput, target: float) -> list[str]:
    """One SQLite process: the loop and its group commits in lockstep (see the docstring)."""
    usage = run.usage
    if usage is None or run.backend != "sqlite" or run.processes != 1:
        return []
    rate = run.sends_per_second
    loop, commit = (share / rate for share in [*usage.server_threads, 0.0, 0.0][:2])
    ceiling = 1 / (loop + commit)
    return [
        f"  in series with its group commit: the server's loop ({_micros(loop)}) and database "
        f"thread ({_micros(commit)} per send) one after the other carry at most {ceiling:,.0f} "
        f"sends/s; {target:,.0f} needs both at most {_micros(1 / target)} per send "
        f"({_cut(1 / target, loop + commit)})"
    ]


def _delivery_line(run: Throughput) -> list[str]:
    """One SQLite server delivering live: its delivery process's share of the CPU per send."""
    usage = run.usage
    if usage is None or run.deferred or run.backend != "sqlite" or run.processes != 1:
        return []
    busy = [share for share in usage.child_threads if share >= 0.01]
    if not busy:
        return []
    threads = ", ".join(f"{share:.0%}" for share in busy)
    per_send = sum(usage.child_threads) / run.sends_per_second
    return [
        f"  the delivery process: {_micros(per_send)} of CPU per send "
        f"({_micros(per_send / STATUSES_PER_SEND)} per status update), its threads at {threads} "
        "of a core"
    ]


def live_bound_line(live: Throughput, sends: Throughput, target: float, bare: float) -> str:
    """A live run makes the sends of the send-only run (one server process, the same load) and
    delivers their statuses besides: it cannot carry more sends/s than that run did."""
    verdict = (
        "below the target, which a live run cannot pass before the send path alone does"
        if sends.sends_per_second < target
        else "above the target: the deliveries' own cost decides"
    )
    return (
        f"  bound: {live.label} makes {sends.label}'s sends and delivers their statuses besides, "
        f"so it carries at most that run's {sends.sends_per_second:,.0f} sends/s "
        f"({sends.sends_per_second / bare:.3f} of bare): {verdict}"
    )


def print_budget(run: Throughput, target: float, name: str) -> None:
    print("\n".join(budget_lines(run, target, name)))
