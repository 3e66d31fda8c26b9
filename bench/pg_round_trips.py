"""Round trips and statements per send on PostgreSQL: the figure that bounds a send's latency
when neither wamm nor the server is short of CPU.

Runs template sends through the ASGI app, in process, on a fresh PostgreSQL schema (as
bench/instructions.py does on SQLite), with libpq's protocol trace on every connection wamm
opens during the measured sends, and prints per send:

- round trips: the times a connection sent something and then read the server's answer (a run
  of frontend messages followed by backend ones in the trace);
- statements: the statements the server ran (a simple Query's statements or an extended
  protocol Bind, one per row of an executemany);
- transactions: the BEGINs;
- pg CPU µs: the user + system CPU time of the PostgreSQL backends serving those connections
  (from /proc; a connection opened during the sends counts its start-up too).

`--concurrency 1` gives one send's own figures; higher concurrency shows the group commit
sharing them between the sends in flight.

    python3 bench/pg_round_trips.py [--sends 200] [--warmup 100] [--concurrency 1 16]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import databases
import in_process as ip
import procstat
import send_path as sp
from measure import seed_document

UNUSED_PORT = 9  # the discard port: the sends' webhooks are only stored, never delivered


class Tracer:
    """libpq's trace of every connection psycopg opens while `on`, one file each."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.connections: list[Any] = []
        self.files: list[Any] = []
        self.backends: list[int] = []
        self.cpu_at_start = 0.0

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        import psycopg  # noqa: PLC0415

        connect = psycopg.AsyncConnection.connect.__func__  # type: ignore[attr-defined]

        async def traced_connect(cls: Any, *args: Any, **kwargs: Any) -> Any:
            connection = await connect(cls, *args, **kwargs)
            self.connections.append(connection)
            if self.files:  # opened while the measured sends run
                self._trace(connection)
            return connection

        psycopg.AsyncConnection.connect = classmethod(traced_connect)  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            psycopg.AsyncConnection.connect = classmethod(connect)  # type: ignore[method-assign,assignment]

    def start(self) -> None:
        for connection in self.connections:
            if not connection.closed:
                self._trace(connection)
        self.cpu_at_start = procstat.cpu_of(self.backends)

    def _trace(self, connection: Any) -> None:
        trace = open(self.folder / f"{len(self.files)}.trace", "w")  # noqa: SIM115 - see stop
        self.files.append(trace)
        self.backends.append(connection.info.backend_pid)
        connection.pgconn.trace(trace.fileno())

    def stop(self) -> Counter[str]:
        for connection in self.connections:
            if not connection.closed:
                connection.pgconn.untrace()
        for trace in self.files:
            trace.close()
        # Whole microseconds: a Counter of ints, like the trace's counts.
        cpu = procstat.cpu_of(self.backends) - self.cpu_at_start
        totals: Counter[str] = Counter({"pg CPU µs": round(cpu * 1e6)})
        for path in self.folder.glob("*.trace"):
            totals += count_trace(path.read_text().splitlines())
        return totals


def count_trace(lines: list[str]) -> Counter[str]:
    """Round trips, statements and transactions of one connection's libpq trace."""
    counts: Counter[str] = Counter()
    previous = ""
    for line in lines:
        fields = line.split("\t")
        if len(fields) < 4:
            continue
        direction, message = fields[1], fields[3]
        if direction == "B" and previous == "F":
            counts["round trips"] += 1
        previous = direction
        if direction != "F":
            continue
        text = fields[4] if len(fields) > 4 else ""
        if message == "Query":
            counts["statements"] += text.count(";") + 1
            counts["transactions"] += text.startswith('"BEGIN')
        elif message == "Bind":
            counts["statements"] += 1
    return counts


async def measure(url: str, sends: int, warmup: int, concurrency: int, folder: Path) -> None:
    from wamm.core import seed as schema  # noqa: PLC0415 - after ensure_project_python
    from wamm.server.app import build_app  # noqa: PLC0415
    from wamm.service.runtime import Runtime  # noqa: PLC0415

    document = seed_document(
        warmup + sends, UNUSED_PORT, deferred=True, batch_size=100, concurrency=32
    )
    document["settings"]["clock"] = "manual"
    tracer = Tracer(folder)
    with tracer.installed():
        runtime = await Runtime.open(url)
        try:
            from wamm.service.seeding import apply_seed  # noqa: PLC0415

            await apply_seed(runtime, schema.parse_text(json.dumps(document).encode()))
            app = build_app(runtime)
            bodies = [sp.send_body(to) for to in sp.recipients(warmup + sends)]
            await ip.send_phase(app, bodies, 0, warmup, concurrency)
            tracer.start()
            await ip.send_phase(app, bodies, warmup, sends, concurrency)
            counts = tracer.stop()
        finally:
            await runtime.close()
    figures = ", ".join(f"{counts[name] / sends:.2f} {name}" for name in sorted(counts))
    print(f"concurrency {concurrency:>3}: per send {figures}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=200, help="measured sends")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured sends first")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    args = parser.parse_args()
    sp.ensure_project_python(__file__)
    import uvloop  # noqa: PLC0415

    if problem := databases.postgres_problem():
        sys.exit(problem)
    for concurrency in args.concurrency:
        with databases.postgres_database() as db, tempfile.TemporaryDirectory() as tmp:
            uvloop.run(measure(db.url, args.sends, args.warmup, concurrency, Path(tmp)))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
