"""wamm's benchmarks behind one entry point: send throughput against a bare ASGI ceiling, webhook
delivery, the PostgreSQL scaling curve, an RSS soak and a 1,000,000-message fill.

Every process (wamm, the webhook receiver, the load generator, the bare app) runs on loopback,
is started here and stopped by its PID; every load is bounded in count and time. The load
generator is bench/send_path.py's raw-socket client, in its own process; the receiver is
bench/webhooks.py's (it checks every X-Hub-Signature-256).

    python3 dev bench                          # = quick: SQLite vs bare, webhooks at 1,000/s
    python3 dev bench postgres                 # 1, 2 and 4 server processes on PostgreSQL
    python3 dev bench servers                  # bare app and wamm under uvicorn and granian
    python3 dev bench soak --minutes 10        # RSS every 10 s under a steady 1,000 sends/s
    python3 dev bench fill --messages 1000000  # throughput before and after 1M stored messages
    python3 dev bench faults                   # kill -9, receiver faults, resets under load
    python3 dev bench inspector-pages          # the inspector's pages with 1,000,000 messages
    python3 dev bench inspector-cost           # sends/s with 0 and 3 inspector pages following
    python3 dev bench all                      # quick, postgres (skipped without a server), servers

Webhook scheduling is on in every measured run: the seed's app is subscribed to the WABA with
a callback at the loopback receiver, so each send plans its sent/delivered/read statuses and
stores them in the outbox in the send's transaction. In the throughput runs the statuses fall
due an hour after the send (outside the window: the run measures the send path); the webhook,
soak and "live" runs use recipients that answer within ~1 s, so the statuses are delivered
while the sends go on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import faults as fm
import send_path as sp
from ab import add_command as add_ab_command
from ab import cmd_ab
from fill import cmd_fill
from postgres import cmd_postgres
from profiling import PROFILING, print_profiles, py_spy
from quick import cmd_quick
from report import machine_line, write_json
from server_choice import cmd_servers
from soak import cmd_soak

import inspector


def add_load_options(parser: argparse.ArgumentParser, requests: int, audience: int) -> None:
    parser.add_argument("--requests", type=int, default=requests, help="measured sends per run")
    parser.add_argument("--warmup", type=int, default=3_000, help="unmeasured sends first")
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections")
    parser.add_argument(
        "--duration-limit", type=float, default=60.0, help="seconds per phase before it stops"
    )
    parser.add_argument(
        "--audience", type=int, default=audience, help="distinct seeded recipients, cycled"
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="record the server with py-spy (PATH or WAMM_PYSPY) in each throughput window; "
        "stacks go to DIR, a summary is printed",
    )
    commands = parser.add_subparsers(dest="command")

    for name in ("quick", "all"):
        quick = commands.add_parser(
            name,
            help="SQLite vs bare, then webhooks at 1,000 sends/s"
            if name == "quick"
            else "quick, postgres, then servers: every target of the performance issue",
        )
        add_load_options(quick, 20_000, 20_000)
        quick.add_argument("--rate", type=float, default=1000.0, help="webhook run: sends/s")
        quick.add_argument(
            "--webhook-seconds", type=float, default=20.0, help="webhook run: measured seconds"
        )
        quick.add_argument("--batch-size", type=int, default=100, help="webhooks.batch_size")
        quick.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="wamm and bare measured alternately this many times; the best of each is kept",
        )
        if name == "all":
            quick.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
            quick.add_argument("--no-sqlite", action="store_true", help=argparse.SUPPRESS)
            quick.add_argument("--require-postgres", action="store_true")

    servers = commands.add_parser("servers", help="bare and wamm under uvicorn and granian")
    add_load_options(servers, 20_000, 20_000)
    servers.add_argument(
        "--rounds", type=int, default=3, help="rounds of the four runs; the best of each is kept"
    )
    postgres = commands.add_parser("postgres", help="the curve for 1, 2 and 4 server processes")
    add_load_options(postgres, 20_000, 20_000)
    postgres.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    postgres.add_argument("--no-sqlite", action="store_true", help="skip the SQLite reference row")
    postgres.add_argument(
        "--require-postgres", action="store_true", help="fail instead of skipping without a server"
    )

    soak = commands.add_parser("soak", help="RSS under a steady load")
    soak.add_argument("--minutes", type=float, default=10.0)
    soak.add_argument("--rate", type=float, default=1000.0, help="sends/s, paced")
    soak.add_argument("--sample-seconds", type=float, default=10.0, help="RSS sampling interval")
    soak.add_argument(
        "--settle-seconds", type=float, default=60.0, help="warm-up left out of the slope"
    )
    soak.add_argument("--tolerance-mb", type=float, default=16.0, help="allowed RSS growth")
    soak.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    soak.add_argument("--processes", type=int, default=1, help="server processes (PostgreSQL)")
    soak.add_argument("--batch-size", type=int, default=100)
    soak.add_argument("--connections", type=int, default=64)
    soak.add_argument("--audience", type=int, default=20_000)

    fill = commands.add_parser("fill", help="throughput before and after N stored messages")
    add_load_options(fill, 20_000, 50_000)
    fill.add_argument("--messages", type=int, default=1_000_000)
    fill.add_argument("--fill-limit", type=float, default=1800.0, help="seconds for the fill")
    fill.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    fill.add_argument("--processes", type=int, default=1, help="server processes (PostgreSQL)")

    add_ab_command(commands, add_load_options)

    fm.add_options(commands.add_parser("faults", help="the fault matrix (docs/reliability.md)"))
    for name, (add_options, _) in inspector.COMMANDS.items():
        add_options(commands.add_parser(f"inspector-{name}", help=INSPECTOR_HELP[name]))

    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "quick"])
    if problem := unbounded(args):
        parser.error(problem)
    return args


def unbounded(args: argparse.Namespace) -> str | None:
    """Why the run would not be bounded in time and size, or None."""
    if getattr(args, "minutes", 1) > 120 or getattr(args, "messages", 1) > 10_000_000:
        return "bounded runs only: --minutes <= 120, --messages <= 10,000,000"
    if not 1 <= getattr(args, "rounds", 1) <= 10:
        return "--rounds must be 1 to 10"
    return fm.bounded(args) if args.command == "faults" else None


COMMANDS = {
    "quick": cmd_quick,
    "postgres": cmd_postgres,
    "servers": cmd_servers,
    "soak": cmd_soak,
    "fill": cmd_fill,
    "faults": fm.cmd_faults,
    "ab": cmd_ab,
    **{f"inspector-{name}": command for name, (_, command) in inspector.COMMANDS.items()},
}
INSPECTOR_HELP = {
    "pages": "each inspector page and live poll with N stored messages",
    "cost": "send throughput with 0 and 3 inspector pages following",
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sp.ensure_project_python(__file__)
    print(machine_line(), flush=True)
    started = time.monotonic()
    if args.profile is not None:
        if py_spy() is None:
            sys.exit("--profile needs py-spy (pip install py-spy, or WAMM_PYSPY=/path/to/py-spy)")
        args.profile.mkdir(parents=True, exist_ok=True)
        PROFILING["dir"] = args.profile
    results: dict[str, Any] = {"machine": machine_line(), "command": sys.argv}
    passed = True
    with tempfile.TemporaryDirectory(prefix="wamm-bench-") as tmp:
        names = ["quick", "postgres", "servers"] if args.command == "all" else [args.command]
        for name in names:
            ok, results[name] = COMMANDS[name](args, Path(tmp))
            passed = passed and ok
            print_profiles()
            print(flush=True)
    print(f"{' '.join(names)}: {'PASS' if passed else 'FAIL'} ({time.monotonic() - started:.0f} s)")
    write_json(args.json, results)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
