"""Instructions per send: the figure that stays put when a shared machine's timings move.

Runs bench/in_process.py's send phase (template sends through the ASGI app, in process, on a
temporary SQLite file, webhook scheduling on) under valgrind's callgrind twice, with `--small`
and `--large` sends after the same warm-up, and prints (large - small) / (large - small sends):
the instructions of one send, both threads, with the seeding, imports and warm-up cancelled out.
Needs valgrind (`apt-get install valgrind`); takes a minute or two.

    python3 bench/instructions.py [--small 300] [--large 900] [--warmup 300]
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
from measure import seed_document

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
UNUSED_PORT = 9  # the discard port: the sends' webhooks are only stored, never delivered


async def sends_only(workdir: Path, warmup: int, count: int, concurrency: int) -> None:
    from wamm.core import seed as schema  # noqa: PLC0415 - after ensure_project_python
    from wamm.server.app import build_app  # noqa: PLC0415
    from wamm.service.runtime import Runtime, settle_heap  # noqa: PLC0415
    from wamm.service.seeding import apply_seed  # noqa: PLC0415

    document = seed_document(
        warmup + count, UNUSED_PORT, deferred=True, batch_size=100, concurrency=32
    )
    document["settings"]["clock"] = "manual"
    runtime = await Runtime.open(f"sqlite:///{workdir / 'instructions.db'}")
    try:
        await apply_seed(runtime, schema.parse_text(json.dumps(document).encode()))
        settle_heap()
        app = build_app(runtime)
        bodies = [sp.send_body(to) for to in sp.recipients(warmup + count)]
        await ip.send_phase(app, bodies, 0, warmup, concurrency)
        await ip.send_phase(app, bodies, warmup, count, concurrency)
    finally:
        await runtime.close()


def counted(args: argparse.Namespace, count: int) -> int:
    """Instructions of a child run of `count` measured sends, under callgrind."""
    with tempfile.TemporaryDirectory(prefix="wamm-callgrind-") as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={tmp}/callgrind.out",
            sys.executable,
            __file__,
            "--child",
            str(count),
            "--warmup",
            str(args.warmup),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        found = COLLECTED.search(done.stderr)
        if done.returncode != 0 or found is None:
            sys.exit(f"callgrind run of {count} sends failed:\n{done.stderr[-2000:]}")
        return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=300, help="measured sends, first run")
    parser.add_argument("--large", type=int, default=900, help="measured sends, second run")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured sends in both")
    parser.add_argument("--concurrency", type=int, default=16, help="sends in flight")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sp.ensure_project_python(__file__)
    import uvloop  # noqa: PLC0415

    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="wamm-instructions-") as tmp:
            uvloop.run(sends_only(Path(tmp), args.warmup, args.child, args.concurrency))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
