"""Instructions per send and per delivered update: the figures that stay put when a shared
machine's timings move.

Runs bench/in_process.py's send phase (template sends through the ASGI app, in process, on a
temporary SQLite file, webhook scheduling on) under valgrind's callgrind twice, with `--small`
and `--large` sends after the same warm-up, and prints (large - small) / (large - small sends):
the instructions of one send, both threads, with the seeding, imports and warm-up cancelled out.
Both runs seed the same audience and build the same request bodies (warm-up + `--large`), so
that neither recipient's seeding nor its body's encoding counts as part of a send.
With `--updates`, two more runs also deliver every planned status (3 per send) to
bench/webhooks.py's receiver (its own process, not counted) after the sends, and the
difference to the send-only runs, per update, is the instructions of one delivered update
(claim, payload, signature, POST, outcome). Needs valgrind (`apt-get install valgrind`); takes
a few minutes (twice as long with `--updates`).

    python3 bench/instructions.py [--small 300] [--large 900] [--warmup 300] [--updates]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import in_process as ip
import send_path as sp
import webhooks as wh
from measure import DEFERRED_SECONDS, seed_document

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
UNUSED_PORT = 9  # the discard port: the sends' webhooks are only stored, never delivered
UPDATES_PER_SEND = 3  # sent, delivered, read
DRAIN_SECONDS = 600.0  # callgrind runs the drain some 50 times slower than natively


async def sends_only(
    workdir: Path,
    audience: int,
    warmup: int,
    count: int,
    concurrency: int,
    receiver_port: int | None = None,
) -> None:
    """Seed `audience` recipients, warm up, then `count` sends; with a `receiver_port`, then
    deliver every status."""
    from wamm.core import seed as schema  # noqa: PLC0415 - after ensure_project_python
    from wamm.server.app import build_app  # noqa: PLC0415
    from wamm.service.delivery import Dispatcher  # noqa: PLC0415
    from wamm.service.runtime import Runtime, settle_heap  # noqa: PLC0415
    from wamm.service.seeding import apply_seed  # noqa: PLC0415

    document = seed_document(
        audience, receiver_port or UNUSED_PORT, deferred=True, batch_size=100, concurrency=32
    )
    document["settings"]["clock"] = "manual"
    runtime = await Runtime.open(f"sqlite:///{workdir / 'instructions.db'}")
    try:
        await apply_seed(runtime, schema.parse_text(json.dumps(document).encode()))
        settle_heap()
        app = build_app(runtime)
        bodies = [sp.send_body(to) for to in sp.recipients(audience)]
        await ip.send_phase(app, bodies, 0, warmup, concurrency)
        await ip.send_phase(app, bodies, warmup, count, concurrency)
        if receiver_port is not None:
            dispatcher = Dispatcher(runtime)
            await dispatcher.start()
            try:
                runtime.clock.advance(4 * DEFERRED_SECONDS)  # past every planned status
                counts = await dispatcher.drain(DRAIN_SECONDS)
            finally:
                await dispatcher.stop()
            if counts != {"delivered": UPDATES_PER_SEND * (warmup + count)}:
                sys.exit(f"outbox after the drain: {counts}")
    finally:
        await runtime.close()


def callgrind_count(arguments: list[str], what: str) -> int:
    """The instructions callgrind counts in a run of `python <arguments>` (`what` names the
    run if it fails)."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        *arguments,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"callgrind run of {what} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def counted(args: argparse.Namespace, count: int, receiver_port: int | None = None) -> int:
    """Instructions of a child run of `count` measured sends (and their deliveries to
    `receiver_port`), under callgrind."""
    arguments = [
        __file__,
        "--child",
        str(count),
        "--warmup",
        str(args.warmup),
        "--audience",
        str(args.warmup + args.large),
        *(("--deliver-to", str(receiver_port)) if receiver_port else ()),
    ]
    return callgrind_count(arguments, f"{count} sends")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=300, help="measured sends, first run")
    parser.add_argument("--large", type=int, default=900, help="measured sends, second run")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured sends in both")
    parser.add_argument("--concurrency", type=int, default=16, help="sends in flight")
    parser.add_argument(
        "--updates", action="store_true", help="also count the instructions per delivered update"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--audience", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--deliver-to", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sp.ensure_project_python(__file__)
    import uvloop  # noqa: PLC0415

    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="wamm-instructions-") as tmp:
            uvloop.run(
                sends_only(
                    Path(tmp),
                    args.audience or args.warmup + args.child,
                    args.warmup,
                    args.child,
                    args.concurrency,
                    args.deliver_to,
                )
            )
        return 0
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    if args.large <= args.small:
        sys.exit("--large must be more than --small")
    small, large = counted(args, args.small), counted(args, args.large)
    per_send = (large - small) / (args.large - args.small)
    print(f"callgrind, in process, SQLite: {args.small:,} sends {small:,} instructions, ")
    print(f"  {args.large:,} sends {large:,} instructions")
    print(f"instructions per send: {per_send:,.0f}")
    if args.updates:
        print(f"instructions per delivered update: {per_update(args, small, large):,.0f}")
    return 0


def per_update(args: argparse.Namespace, sends_small: int, sends_large: int) -> float:
    """The same two runs with every status delivered, minus the send-only runs, per update."""
    with tempfile.TemporaryDirectory(prefix="wamm-receiver-") as tmp:
        port = sp.free_port()
        with wh.receiving(port, Path(tmp) / "receiver.log"):
            small = counted(args, args.small, port) - sends_small
            large = counted(args, args.large, port) - sends_large
    updates: int = UPDATES_PER_SEND * (args.large - args.small)
    print(f"delivering every status: {small:,} / {large:,} more instructions")
    return (large - small) / updates


if __name__ == "__main__":
    sys.exit(main())
