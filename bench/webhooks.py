"""Webhook throughput benchmark: status webhooks delivered per accepted send, at a target rate.

Three processes on loopback, each stopped by its PID at the end:
  - wamm (`python -m wamm serve`, SQLite temp file, realtime clock) seeded with one onboarded
    WABA, a number without a throughput cap, and an app whose callback is the receiver; the
    simulated recipients answer fast (sent, delivered and read all due within ~1 s of the send);
  - a minimal receiver (raw asyncio, its own process) that checks every X-Hub-Signature-256 and
    counts the statuses per 100 ms; its CPU share is printed so a saturated receiver would show;
  - the load generator (bench/send_path.py's raw-socket client, in its own process) sending MM
    template sends at a fixed rate: a warm-up, then the measured window.

Per run: sends/s and send latency, status updates received per second inside the measured
window, updates per accepted send (steady state: 3, sent + delivered + read), the backlog (due
but undelivered rows, and all pending rows) when the window closes, and the time until every
expected status has arrived.

    python3 bench/webhooks.py [--rate 1000] [--duration 20] [--batch-size 100 1] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import hashlib
import hmac
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import send_path as sp

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
APP_SECRET = "bench-app-secret"  # the secret of send_path.bench_seed's app
VERIFY_TOKEN = "bench-verify-token"
WEBHOOK_PATH = "/webhook"
STATS_PATH = "/stats"
BUCKETS_PER_SECOND = 10
LATE_AFTER = 0.010  # a send issued this much after its scheduled time counts as late
STATUSES_PER_SEND = 3  # sent, delivered, read: every recipient reads (read_probability 1)
# Meta asks receivers to handle 3x the outgoing rate in status webhooks; wamm should produce them.
TARGET_RATIO = 3.0
EDGE_TOLERANCE = 0.01  # window edges cut a few in-flight statuses either way
DRAIN_LIMIT = 60.0  # seconds to wait, after the load, for the last expected statuses
SAMPLE_INTERVAL = 0.25  # seconds between CPU samples of wamm and the receiver


# --- the receiver (runs in its own process) ----------------------------------------------------
#
# A raw asyncio Protocol: per POST it finds the headers, checks the HMAC-SHA256 signature of the
# body (a few microseconds) and counts `"status":"` in the body (every status object has exactly
# one such key; nothing else in a `messages` change does). No JSON parsing, no framework.


@dataclass
class ReceiverState:
    secret: bytes
    posts: int = 0
    statuses: int = 0
    bad_signatures: int = 0
    handling_seconds: float = 0.0
    verifications: int = 0

    def __post_init__(self) -> None:
        self.buckets: Counter[int] = Counter()  # int(wall time * 10) -> statuses received

    def stats(self) -> bytes:
        body = {
            "posts": self.posts,
            "statuses": self.statuses,
            "bad_signatures": self.bad_signatures,
            "verifications": self.verifications,
            "handling_seconds": self.handling_seconds,
            "cpu_seconds": time.process_time(),
            "wall": time.time(),
            "buckets": self.buckets,
        }
        return json.dumps(body).encode()

    def handle(
        self, method: bytes, target: bytes, headers: dict[bytes, bytes], body: bytes
    ) -> bytes:
        url = urlsplit(target.decode("latin-1"))
        if method == b"POST" and url.path == WEBHOOK_PATH:
            started = time.perf_counter()
            given = headers.get(b"x-hub-signature-256", b"").decode("latin-1")
            digest = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(given, "sha256=" + digest):
                self.bad_signatures += 1
                return response(401, b"bad signature")
            count = body.count(b'"status":"')
            self.posts += 1
            self.statuses += count
            self.buckets[int(time.time() * BUCKETS_PER_SECOND)] += count
            self.handling_seconds += time.perf_counter() - started
            return response(200, b"ok")
        if method == b"GET" and url.path == WEBHOOK_PATH:
            query = parse_qs(url.query)
            if query.get("hub.verify_token") == [VERIFY_TOKEN]:
                self.verifications += 1
                return response(200, query.get("hub.challenge", [""])[0].encode())
            return response(403, b"verification token mismatch")
        if method == b"GET" and url.path == STATS_PATH:
            return response(200, self.stats(), b"application/json")
        return response(404, b"not found")


def response(status: int, body: bytes, content_type: bytes = b"text/plain") -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n".encode()
        + b"Content-Type: "
        + content_type
        + b"\r\n\r\n"
    )
    return head + body


class ReceiverProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive, Content-Length bodies only (what wamm's aiohttp client sends)."""

    def __init__(self, state: ReceiverState) -> None:
        self.state = state
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            lines = bytes(self.buffer[:end]).split(b"\r\n")
            method, target, _ = lines[0].split(b" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            total = end + 4 + int(headers.get(b"content-length", b"0"))
            if len(self.buffer) < total:
                return
            body = bytes(self.buffer[end + 4 : total])
            del self.buffer[:total]
            assert self.transport is not None
            self.transport.write(self.state.handle(method, target, headers, body))


async def serve_receiver(port: int, secret: str) -> None:
    loop = asyncio.get_running_loop()
    state = ReceiverState(secret.encode())
    server = await loop.create_server(lambda: ReceiverProtocol(state), sp.HOST, port)
    async with server:
        await server.serve_forever()


def run_receiver(port: int, secret: str) -> None:
    """The receiver process's entry point (`webhooks.py --receiver PORT`)."""
    try:
        import uvloop  # noqa: PLC0415

        uvloop.run(serve_receiver(port, secret))
    except ImportError:
        asyncio.run(serve_receiver(port, secret))


def receiver_stats(port: int) -> dict[str, Any]:
    status, body = sp.http_call(port, "GET", STATS_PATH)
    if status != 200:
        raise RuntimeError(f"receiver stats answered {status}")
    stats: dict[str, Any] = json.loads(body)
    stats["buckets"] = {int(k): v for k, v in stats["buckets"].items()}
    return stats


@contextlib.contextmanager
def receiving(port: int, log_path: Path) -> Iterator[None]:
    """Run the receiver process; stop it by its PID on exit."""
    command = [sys.executable, __file__, "--receiver", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + sp.STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    sys.exit(f"receiver exited with {process.returncode}:\n{log_path.read_text()}")
                with contextlib.suppress(OSError):
                    receiver_stats(port)
                    break
                if time.monotonic() > deadline:
                    sys.exit(f"receiver not ready:\n{log_path.read_text()}")
                time.sleep(0.05)
            yield
        finally:
            sp.stop(process)


@contextlib.contextmanager
def wamm_serving(port: int, database: Path, seed: Path, log_path: Path) -> Iterator[int]:
    """send_path's wamm command, readiness check and PID-only stop; yields the PID (whose CPU
    time the report shows)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            sp.wamm_command(port, database, seed),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        try:
            sp.wait_ready(process, port, log_path)
            yield process.pid
        except Exception:
            print(f"--- {log_path.name} ---\n{log_path.read_text()[-4000:]}", file=sys.stderr)
            raise
        finally:
            sp.stop(process)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    wall: float
    wamm_cpu: float | None
    receiver_cpu: float
    receiver_posts: int
    receiver_handling: float


class Sampler:
    """Samples wamm's and the receiver's CPU time every SAMPLE_INTERVAL in a thread while the
    load runs, so the CPU shares cover the measured window only."""

    def __init__(self, wamm_pid: int, receiver_port: int) -> None:
        self.wamm_pid, self.receiver_port = wamm_pid, receiver_port
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _take(self) -> Sample:
        stats = receiver_stats(self.receiver_port)
        return Sample(
            time.time(),
            cpu_seconds(self.wamm_pid),
            stats["cpu_seconds"],
            stats["posts"],
            stats["handling_seconds"],
        )

    def _run(self) -> None:
        while True:
            self.samples.append(self._take())
            if self._stop.wait(SAMPLE_INTERVAL):
                self.samples.append(self._take())
                return

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def span(self, window: tuple[float, float]) -> tuple[Sample, Sample]:
        """The first and last samples inside the window (the whole run's if it is too short)."""
        inside = [s for s in self.samples if window[0] <= s.wall <= window[1]]
        chosen = inside if len(inside) >= 2 else self.samples
        return chosen[0], chosen[-1]


# --- the paced load generator (runs in its own process) ------------------------------------------
#
# send_path's Connection (one keep-alive connection, one request in flight, raw bytes) drives the
# sends; here they are issued on a schedule, request i at start + i / rate, on whichever
# connection is free. A send that finds every connection busy waits, and counts as late.


@dataclass(frozen=True)
class PacedPlan:
    port: int
    requests: list[bytes]  # cycled
    rate: float
    warmup: float
    duration: float
    connections: int


@dataclass(frozen=True)
class PacedResult:
    statuses: dict[int, int]  # measured sends; 0 counts connection failures
    warmup_ok: int
    window: tuple[float, float]  # wall-clock start and end of the measured sends
    elapsed: float
    p50_ms: float
    p99_ms: float
    late: int
    cpu_share: float


async def paced(plan: PacedPlan) -> PacedResult:
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[sp.Connection] = asyncio.Queue()
    opened = []
    for _ in range(plan.connections):
        _, connection = await loop.create_connection(sp.Connection, sp.HOST, plan.port)
        opened.append(connection)
        idle.put_nowait(connection)
    first_measured = int(plan.rate * plan.warmup)
    total = first_measured + int(plan.rate * plan.duration)
    statuses: Counter[int] = Counter()
    warmup_ok, latencies, late = 0, [], 0
    pending: set[asyncio.Task[None]] = set()

    async def send(index: int, connection: sp.Connection) -> None:
        nonlocal warmup_ok
        sent = time.perf_counter()
        try:
            status = await connection.request(plan.requests[index % len(plan.requests)])
        except ConnectionError:
            status = 0
        else:
            idle.put_nowait(connection)
        if index >= first_measured:
            latencies.append(time.perf_counter() - sent)
            statuses[status] += 1
        elif status == 200:
            warmup_ok += 1

    try:
        start = time.perf_counter()
        window_start, cpu_before, measured_from = time.time(), 0.0, start
        for index in range(total):
            scheduled = start + index / plan.rate
            if (wait := scheduled - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            connection = await asyncio.wait_for(idle.get(), timeout=30)
            if index == first_measured:
                window_start, cpu_before = time.time(), time.process_time()
                measured_from = time.perf_counter()
            if index >= first_measured and time.perf_counter() - scheduled > LATE_AFTER:
                late += 1
            task = asyncio.create_task(send(index, connection))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.wait_for(asyncio.gather(*pending), timeout=30)
        elapsed = time.perf_counter() - measured_from
        window = (window_start, time.time())
        cpu_share = (time.process_time() - cpu_before) / elapsed
    finally:
        for connection in opened:
            if connection.transport is not None:
                connection.transport.close()
    latencies.sort()
    return PacedResult(
        dict(statuses),
        warmup_ok,
        window,
        elapsed,
        sp.percentile_ms(latencies, 0.50),
        sp.percentile_ms(latencies, 0.99),
        late,
        cpu_share,
    )


def generate_paced_load(plan: PacedPlan) -> PacedResult:
    """The load generator process's entry point."""
    try:
        import uvloop  # noqa: PLC0415

        return uvloop.run(paced(plan))
    except ImportError:
        return asyncio.run(paced(plan))


def measure(plan: PacedPlan) -> PacedResult:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(generate_paced_load, plan)
        return future.result(timeout=plan.warmup + plan.duration + 120)


# --- one run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    rate: float
    duration: float
    warmup: float
    batch_sizes: list[int]
    concurrency: int
    connections: int
    audience: int


@dataclass(frozen=True)
class Run:
    batch_size: int
    load: PacedResult
    window_updates: int  # statuses the receiver got inside the measured window
    due_backlog: int  # rows due but not delivered when the window closed
    pending: int  # every pending or in-flight row then (most not due yet)
    drain_seconds: float | None  # after the window, until every expected status arrived
    expected: int
    received: int
    bad_signatures: int
    outbox: dict[str, int]
    receiver_cpu_share: float
    wamm_cpu_share: float | None  # wamm's CPU seconds per wall second during the load
    receiver_us_per_post: float
    posts: int


def webhook_seed(options: Options, batch_size: int, receiver_port: int) -> dict[str, Any]:
    document = sp.bench_seed(sp.recipients(options.audience))
    document["settings"]["recipients"] = {
        "sent_delay": {"distribution": "uniform", "min": 0.05, "max": 0.2},
        "delivery_delay": {"distribution": "uniform", "min": 0.1, "max": 0.3},
        "read_delay": {"distribution": "uniform", "min": 0.2, "max": 0.5},
    }
    document["settings"]["webhooks"] = {
        "batch_size": batch_size,
        "concurrency": options.concurrency,
    }
    url = f"http://{sp.HOST}:{receiver_port}{WEBHOOK_PATH}"
    document["apps"][0]["webhook"] = {"url": url, "verify_token": VERIFY_TOKEN}
    assert document["apps"][0]["secret"] == APP_SECRET
    return document


def outbox_backlog(database: Path) -> tuple[int, int]:
    """(due and undelivered, all pending or in flight). The clock is realtime: due means
    next_attempt_at <= now."""
    query = (
        "SELECT coalesce(sum(next_attempt_at <= ?), 0), count(*) FROM outbox "
        "WHERE state IN ('pending', 'inflight')"
    )
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        due, pending = db.execute(query, (time.time(),)).fetchone()
        return int(due), int(pending)


def wait_for_statuses(port: int, expected: int, limit: float) -> tuple[dict[str, Any], bool]:
    deadline = time.monotonic() + limit
    while True:
        stats = receiver_stats(port)
        if stats["statuses"] >= expected or time.monotonic() > deadline:
            return stats, stats["statuses"] >= expected
        time.sleep(0.05)


def in_window(buckets: dict[int, int], window: tuple[float, float]) -> int:
    first = int(window[0] * BUCKETS_PER_SECOND)
    last = int(window[1] * BUCKETS_PER_SECOND)
    return sum(count for bucket, count in buckets.items() if first <= bucket < last)


def run_once(workdir: Path, options: Options, batch_size: int) -> Run:
    wamm_port, receiver_port = sp.free_port(), sp.free_port()
    database, seed = workdir / f"bench-{batch_size}.db", workdir / f"seed-{batch_size}.json"
    seed.write_text(json.dumps(webhook_seed(options, batch_size, receiver_port)))
    with (
        receiving(receiver_port, workdir / f"receiver-{batch_size}.log"),
        wamm_serving(wamm_port, database, seed, workdir / f"wamm-{batch_size}.log") as wamm_pid,
    ):
        sp.probe_send(wamm_port)  # proves the pipeline (and does the callback handshake)
        _, probed = wait_for_statuses(receiver_port, STATUSES_PER_SEND, 15)
        if not probed:
            sys.exit("the probe send's statuses did not reach the receiver")
        requests = [
            sp.http_request(wamm_port, sp.send_body(to)) for to in sp.recipients(options.audience)
        ]
        plan = PacedPlan(
            wamm_port,
            requests,
            options.rate,
            options.warmup,
            options.duration,
            options.connections,
        )
        with Sampler(wamm_pid, receiver_port) as sampler:
            load = measure(plan)
            due, pending = outbox_backlog(database)
        after = receiver_stats(receiver_port)
        accepted = 1 + load.warmup_ok + load.statuses.get(200, 0)
        expected = STATUSES_PER_SEND * accepted
        ended = time.monotonic()
        final, drained = wait_for_statuses(receiver_port, expected, DRAIN_LIMIT)
        drain_seconds = time.monotonic() - ended if drained else None
        status, body = sp.http_call(wamm_port, "GET", "/_wamm/webhooks?limit=1")
        outbox: dict[str, int] = json.loads(body)["summary"] if status == 200 else {}
    first, last = sampler.span(load.window)
    wall = last.wall - first.wall
    wamm_cpu = None
    if first.wamm_cpu is not None and last.wamm_cpu is not None:
        wamm_cpu = (last.wamm_cpu - first.wamm_cpu) / wall
    posts = last.receiver_posts - first.receiver_posts
    return Run(
        batch_size=batch_size,
        load=load,
        window_updates=in_window(after["buckets"], load.window),
        due_backlog=due,
        pending=pending,
        drain_seconds=drain_seconds,
        expected=expected,
        received=final["statuses"],
        bad_signatures=final["bad_signatures"],
        outbox=outbox,
        receiver_cpu_share=(last.receiver_cpu - first.receiver_cpu) / wall,
        wamm_cpu_share=wamm_cpu,
        receiver_us_per_post=(last.receiver_handling - first.receiver_handling)
        / max(posts, 1)
        * 1e6,
        posts=posts,
    )


# --- the report --------------------------------------------------------------------------------


def row(run: Run) -> str:
    load = run.load
    ok = load.statuses.get(200, 0)
    errors = sum(load.statuses.values()) - ok
    sends_per_second = ok / load.elapsed
    window = load.window[1] - load.window[0]
    updates_per_second = run.window_updates / window
    ratio = run.window_updates / ok if ok else 0.0
    drain = f"{run.drain_seconds:.1f}" if run.drain_seconds is not None else "timeout"
    wamm_cpu = f"{run.wamm_cpu_share:.0%}" if run.wamm_cpu_share is not None else "n/a"
    return (
        f"{run.batch_size:>5} {ok:>7} {errors:>6} {sends_per_second:>8,.0f} {load.p50_ms:>7.2f} "
        f"{load.p99_ms:>7.2f} {updates_per_second:>10,.0f} {ratio:>8.2f} {run.due_backlog:>8} "
        f"{run.pending:>8} {drain:>8} {wamm_cpu:>9} {run.receiver_cpu_share:>9.0%} "
        f"{load.cpu_share:>8.0%}"
    )


def report(options: Options, runs: list[Run]) -> bool:
    """Print the table; True when every run delivered exactly what was expected."""
    print(
        f"\nMM template sends at {options.rate:,.0f}/s: {options.warmup:.0f} s warm-up, then "
        f"{options.duration:.0f} s measured; {options.connections} sender connections; "
        f"webhooks.concurrency {options.concurrency}; {os.cpu_count()} CPUs"
    )
    print(
        f"{'batch':>5} {'sends':>7} {'errors':>6} {'sends/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'updates/s':>10} {'upd/send':>8} {'due':>8} {'pending':>8} {'drain s':>8} "
        f"{'wamm CPU':>9} {'recv CPU':>9} {'gen CPU':>8}"
    )
    for run in runs:
        print(row(run))
    print(
        "updates/s and upd/send: statuses received inside the measured window (steady state 3 "
        "per send);\ndue / pending: outbox rows due but undelivered / all pending, when the "
        "window closed;\ndrain s: from the window's end until every expected status arrived; CPU: "
        "seconds per wall second (100% = one core)."
    )
    complete = True
    for run in runs:
        load = run.load
        window_sends = sum(load.statuses.values())
        late = f"{load.late / window_sends:.1%}" if window_sends else "n/a"
        print(
            f"batch {run.batch_size}: {run.posts} POSTs in the window "
            f"({run.receiver_us_per_post:.0f} us of receiver work each); sends issued late "
            f"(>{LATE_AFTER * 1000:.0f} ms): {late}; statuses received {run.received} of "
            f"{run.expected} expected; bad signatures {run.bad_signatures}; outbox {run.outbox}"
        )
        ok = load.statuses.get(200, 0)
        ratio = run.window_updates / ok if ok else 0.0
        verdict = "met" if ratio >= TARGET_RATIO * (1 - EDGE_TOLERANCE) else "NOT met"
        print(f"  updates per accepted send {ratio:.3f}: target >= {TARGET_RATIO:g} {verdict}")
        if errors := {k: v for k, v in load.statuses.items() if k != 200}:
            print(f"  non-200 send statuses {errors} (0 = connection lost)")
        exact = run.received == run.expected and run.bad_signatures == 0
        complete = complete and exact and run.outbox.get("delivered") == run.expected
    print("every accepted send's statuses delivered, once, correctly signed:", complete)
    return complete


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000.0, help="target sends per second")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument(
        "--batch-size",
        type=int,
        nargs="+",
        default=[100],
        help="webhooks.batch_size (updates per POST); several values run one after the other",
    )
    parser.add_argument(
        "--concurrency", type=int, default=32, help="webhooks.concurrency (POSTs in flight)"
    )
    parser.add_argument(
        "--connections", type=int, default=64, help="load generator keep-alive connections"
    )
    parser.add_argument(
        "--audience", type=int, default=20_000, help="distinct recipients (seeded), cycled"
    )
    parser.add_argument("--receiver", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.receiver is not None:
        run_receiver(args.receiver, APP_SECRET)
        sys.exit(0)
    if args.duration > 600 or args.warmup > 60:
        parser.error("--duration is limited to 600 s and --warmup to 60 s")
    positive = (args.rate, args.duration, args.concurrency, args.connections, args.audience)
    if min(positive) <= 0 or args.warmup < 0 or min(args.batch_size) <= 0:
        parser.error("every option must be positive (--warmup may be 0)")
    return Options(
        args.rate,
        args.duration,
        args.warmup,
        args.batch_size,
        args.concurrency,
        args.connections,
        args.audience,
    )


def main() -> int:
    options = parse_options()
    sp.ensure_project_python(__file__)
    with tempfile.TemporaryDirectory(prefix="wamm-webhook-bench-") as tmp:
        runs = [run_once(Path(tmp), options, size) for size in options.batch_sizes]
        return 0 if report(options, runs) else 1


if __name__ == "__main__":
    sys.exit(main())
