"""Send-path benchmark: wamm's POST /{phone}/marketing_messages against a bare ASGI app.

Each target runs alone as a subprocess under the same uvicorn options, on a free loopback port.
A load generator in a separate process drives it with the same pre-built template sends over
keep-alive connections: a warm-up (excluded from the figures), then the measured requests.
Afterwards wamm's SQLite file must hold one new message row per 200 answered (durability check).

    python3 bench/send_path.py [--requests 20000] [--concurrency 64] [--duration-limit 60]

(`python3 dev bench` runs bench/run.py, which reuses this load generator.)
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import http.client
import importlib.util
import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
HOST = "127.0.0.1"
API_VERSION = "v23.0"
TOKEN = "bench-token"
APP_ID = "900000000000001"
BUSINESS_ID = "800000000000001"
WABA_ID = "102290129340398"
PHONE_ID = "106540352242922"
TEMPLATE = "spring_sale"
SEND_PATH = f"/{API_VERSION}/{PHONE_ID}/marketing_messages"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


# --- what is sent --------------------------------------------------------------------------------


def recipients(count: int) -> list[str]:
    """Distinct, valid Brazilian mobile numbers: the campaign's audience."""
    return [f"55119{n:08d}" for n in range(count)]


def bench_seed(audience: list[str]) -> dict[str, Any]:
    """One signed business, its onboarded WABA, a high-throughput number, one marketing template,
    and the audience as known users (so sends measure the steady state, not user creation).
    Cycling an audience of thousands stays far below the pair rate limit (131056)."""
    template = {
        "name": TEMPLATE,
        "language": "en_US",
        "category": "MARKETING",
        "components": [
            {
                "type": "BODY",
                "text": "Hi {{1}}, spring prices start at {{2}} this week only!",
                "example": {"body_text": [["Ana", "$9"]]},
            }
        ],
    }
    waba = {
        "id": WABA_ID,
        "name": "Bench WA",
        "currency": "USD",
        "timezone_id": "1",
        "subscribed_apps": [APP_ID],
        "phone_numbers": [
            {
                "id": PHONE_ID,
                "display_phone_number": "15550783881",
                "verified_name": "Bench Co",
                # Far above Meta's 1,000: the bench measures wamm, not its emulated 130429 cap.
                "throughput_mps": 1_000_000,
            }
        ],
        "templates": [template],
    }
    return {
        "settings": {"clock": "realtime", "rng_seed": 1, "template_review": "auto"},
        "apps": [{"id": APP_ID, "secret": "bench-app-secret", "name": "bench"}],
        "businesses": [
            {"id": BUSINESS_ID, "name": "Bench Co", "mm_terms": "signed", "wabas": [waba]}
        ],
        "tokens": [
            {
                "value": TOKEN,
                "app_id": APP_ID,
                "scopes": ["whatsapp_business_messaging", "whatsapp_business_management"],
                "wabas": [WABA_ID],
            }
        ],
        "users": [{"phone": phone, "country": "BR"} for phone in audience],
    }


def send_body(to: str) -> bytes:
    body = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": TEMPLATE,
            "language": {"code": "en_US"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Ana"},
                        {"type": "text", "text": "$9"},
                    ],
                }
            ],
        },
        "message_activity_sharing": True,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def http_request(port: int, body: bytes) -> bytes:
    head = (
        f"POST {SEND_PATH} HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        f"Authorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


# --- the load generator (runs in its own process) ------------------------------------------------
#
# A raw asyncio Protocol on uvloop: per request it writes pre-built bytes and parses only the
# status line and Content-Length. Measured against bare_app.py on a 2-core machine: ~16 us of
# generator CPU per request (asyncio streams cost the same), i.e. ~60k req/s on one core, about
# twice what the bare server answers, so the generator is not the bottleneck. A full client
# (aiohttp, httpx) builds request, header and response objects for every call and would only add
# cost. The generator's CPU share is printed with the results so saturation would show.


@dataclass(frozen=True)
class LoadPlan:
    port: int
    warmup: list[bytes]
    measured: list[bytes]
    concurrency: int
    duration_limit: float


@dataclass(frozen=True)
class LoadResult:
    warmup_statuses: dict[int, int]
    statuses: dict[int, int]  # measured phase; 0 counts connection failures
    elapsed: float
    p50_ms: float
    p99_ms: float
    cpu_share: float  # the generator's CPU seconds per wall second, measured phase


def parse_response(buffer: bytearray) -> tuple[int, int] | None:
    """(status, total bytes) once a whole response is buffered; None while incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    marker = head.find(b"\r\ncontent-length:")
    if marker < 0:
        raise ValueError(f"response without Content-Length: {head[:200]!r}")
    value_start = marker + len(b"\r\ncontent-length:")
    value_end = head.find(b"\r\n", value_start)
    total = end + 4 + int(head[value_start : value_end if value_end >= 0 else None])
    if len(buffer) < total:
        return None
    return int(head[9:12]), total


class Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection with one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        parsed = parse_response(self.buffer)
        if parsed is not None and self.waiter is not None:
            status, size = parsed
            del self.buffer[:size]
            self.waiter.set_result(status)
            self.waiter = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection lost: {exc}"))

    def request(self, raw: bytes) -> asyncio.Future[int]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return self.waiter


async def run_phase(
    connections: list[Connection], requests: list[bytes], limit: float
) -> tuple[Counter[int], list[float], float]:
    """Send `requests` over the connections; stop early once `limit` seconds have passed."""
    pending = iter(requests)  # shared: each worker takes the next request when it is free
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + limit

    async def worker(connection: Connection) -> None:
        for raw in pending:
            if time.perf_counter() > deadline:
                return
            sent = time.perf_counter()
            try:
                status = await connection.request(raw)
            except ConnectionError:
                statuses[0] += 1
                return
            latencies.append(time.perf_counter() - sent)
            statuses[status] += 1

    workers = asyncio.gather(*(worker(connection) for connection in connections))
    await asyncio.wait_for(workers, timeout=limit + 10)
    return statuses, latencies, time.perf_counter() - started


def percentile_ms(sorted_seconds: list[float], fraction: float) -> float:
    if not sorted_seconds:
        return float("nan")
    index = min(len(sorted_seconds) - 1, int(fraction * len(sorted_seconds)))
    return sorted_seconds[index] * 1000


async def drive(plan: LoadPlan) -> LoadResult:
    loop = asyncio.get_running_loop()
    connections = []
    for _ in range(plan.concurrency):
        _, protocol = await loop.create_connection(Connection, HOST, plan.port)
        connections.append(protocol)
    try:
        warmup, _, _ = await run_phase(connections, plan.warmup, plan.duration_limit)
        cpu_before = time.process_time()
        statuses, latencies, elapsed = await run_phase(
            connections, plan.measured, plan.duration_limit
        )
        cpu_share = (time.process_time() - cpu_before) / elapsed
    finally:
        for connection in connections:
            if connection.transport is not None:
                connection.transport.close()
    latencies.sort()
    return LoadResult(
        dict(warmup),
        dict(statuses),
        elapsed,
        percentile_ms(latencies, 0.50),
        percentile_ms(latencies, 0.99),
        cpu_share,
    )


def generate_load(plan: LoadPlan) -> LoadResult:
    """The load generator process's entry point."""
    try:
        import uvloop  # noqa: PLC0415

        return uvloop.run(drive(plan))
    except ImportError:
        return asyncio.run(drive(plan))


def measure(plan: LoadPlan) -> LoadResult:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(generate_load, plan)
        return future.result(timeout=2 * plan.duration_limit + 60)


# --- the servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def http_call(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited with {process.returncode}:\n{log_path.read_text()}")
        with contextlib.suppress(OSError):
            if http_call(port, "GET", "/_wamm/health")[0] == 200:
                return
        time.sleep(0.05)
    sys.exit(f"server not ready after {STARTUP_TIMEOUT:.0f}s:\n{log_path.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop exactly this process (by its PID): terminate, then kill if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def serving(
    command: list[str], port: int, log_path: Path, env: dict[str, str] | None = None
) -> Iterator[None]:
    env = {**(env or os.environ), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        try:
            wait_ready(process, port, log_path)
            yield
        except Exception:
            print(f"--- {log_path.name} ---\n{log_path.read_text()[-4000:]}", file=sys.stderr)
            raise
        finally:
            stop(process)


def wamm_command(port: int, database: Path, seed: Path) -> list[str]:
    return [
        sys.executable,
        *("-m", "wamm", "serve", "--host", HOST, "--port", str(port)),
        *("--database", f"sqlite:///{database}", "--seed", str(seed), "--no-access-log"),
    ]


def bare_command(port: int, body_bytes: int) -> list[str]:
    script = str(BENCH_DIR / "bare_app.py")
    return [sys.executable, script, "--port", str(port), "--body-bytes", str(body_bytes)]


def count_messages(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        count: int = db.execute("SELECT count(*) FROM messages").fetchone()[0]
        return count


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    requests: int
    concurrency: int
    duration_limit: float
    warmup: int
    audience: int


@dataclass(frozen=True)
class WammRun:
    result: LoadResult
    response_bytes: int
    stored: int  # new message rows during the load


def plan_for(port: int, options: Options) -> LoadPlan:
    """The same sends for every target: the audience in order, cycled if smaller."""
    per_recipient = [http_request(port, send_body(to)) for to in recipients(options.audience)]
    total = options.warmup + options.requests
    raw = [per_recipient[i % len(per_recipient)] for i in range(total)]
    return LoadPlan(
        port,
        raw[: options.warmup],
        raw[options.warmup :],
        options.concurrency,
        options.duration_limit,
    )


def probe_send(port: int) -> int:
    """One real send before the load: proves the setup works and gives the response size."""
    status, body = http_call(port, "POST", SEND_PATH, send_body("5511987654321"))
    if status != 200:
        sys.exit(f"probe send answered {status}: {body.decode(errors='replace')}")
    return len(body)


def run_wamm(workdir: Path, options: Options) -> WammRun:
    database, seed, port = workdir / "bench.db", workdir / "seed.json", free_port()
    seed.write_text(json.dumps(bench_seed(recipients(options.audience))))
    with serving(wamm_command(port, database, seed), port, workdir / "wamm.log"):
        response_bytes = probe_send(port)
        before = count_messages(database)
        result = measure(plan_for(port, options))
        # Counted while the server still runs: an answered 200 must already be committed.
        stored = count_messages(database) - before
    return WammRun(result, response_bytes, stored)


def run_bare(workdir: Path, options: Options, body_bytes: int) -> LoadResult:
    port = free_port()
    with serving(bare_command(port, body_bytes), port, workdir / "bare.log"):
        return measure(plan_for(port, options))


# --- the report --------------------------------------------------------------------------------


def ok_count(statuses: dict[int, int]) -> int:
    return statuses.get(200, 0)


def sends_per_second(result: LoadResult) -> float:
    return ok_count(result.statuses) / result.elapsed if result.elapsed else 0.0


def table_row(name: str, result: LoadResult) -> str:
    done = sum(result.statuses.values())
    errors = done - ok_count(result.statuses)
    return (
        f"{name:<6} {done:>9} {errors:>7} {sends_per_second(result):>10,.0f} "
        f"{result.p50_ms:>8.2f} {result.p99_ms:>8.2f} {result.cpu_share:>11.0%}"
    )


def print_notes(options: Options, results: dict[str, LoadResult]) -> None:
    for name, result in results.items():
        done = sum(result.statuses.values())
        if done < options.requests:
            print(f"note: {name} stopped early at the {options.duration_limit:.0f}s limit ({done})")
        if errors := {k: v for k, v in result.statuses.items() if k != 200}:
            print(f"note: {name} non-200 statuses {errors} (0 = connection lost)")


def report(options: Options, wamm: WammRun, bare: LoadResult) -> bool:
    """Print the results; True when the durability check passes."""
    print(
        f"\n{options.requests} template sends to {SEND_PATH} (+{options.warmup} warm-up), "
        f"{options.concurrency} keep-alive connections, response {wamm.response_bytes} bytes"
    )
    print(
        f"{'target':<6} {'requests':>9} {'errors':>7} {'sends/s':>10} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'loadgen CPU':>11}"
    )
    print(table_row("bare", bare))
    print(table_row("wamm", wamm.result))
    ratio = sends_per_second(wamm.result) / sends_per_second(bare) if ok_count(bare.statuses) else 0
    print(f"wamm/bare throughput ratio: {ratio:.2f}")
    print_notes(options, {"bare": bare, "wamm": wamm.result})
    answered = ok_count(wamm.result.warmup_statuses) + ok_count(wamm.result.statuses)
    durable = wamm.stored == answered
    verdict = "OK" if durable else "MISMATCH"
    print(f"messages stored: {wamm.stored} new rows for {answered} sends answered 200: {verdict}")
    return durable


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000, help="measured requests")
    parser.add_argument("--concurrency", type=int, default=64, help="keep-alive connections")
    parser.add_argument(
        "--duration-limit", type=float, default=60.0, help="seconds per phase before stopping"
    )
    parser.add_argument("--warmup", type=int, default=2_000, help="unmeasured requests first")
    parser.add_argument(
        "--audience",
        type=int,
        default=20_000,
        help="distinct recipients, seeded as known users (~150 us each at startup), cycled",
    )
    args = parser.parse_args(argv)
    positive = (args.requests, args.concurrency, args.duration_limit, args.audience)
    if min(positive) <= 0 or args.warmup < 0:
        parser.error("--requests, --concurrency, --duration-limit and --audience must be > 0")
    return Options(args.requests, args.concurrency, args.duration_limit, args.warmup, args.audience)


def ensure_project_python(script: str = __file__) -> None:
    """Plain `python3 bench/SCRIPT.py` re-runs the script under the project's .venv."""
    if all(importlib.util.find_spec(m) for m in ("wamm", "uvicorn", "aiohttp")):
        return
    venv = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if os.environ.get("WAMM_BENCH_REEXEC") or not venv.exists():
        sys.exit("wamm is not importable here: run `python3 dev bench` from the repository root")
    os.environ["WAMM_BENCH_REEXEC"] = "1"
    os.execv(venv, [str(venv), script, *sys.argv[1:]])


def main() -> int:
    options = parse_options()
    ensure_project_python()
    with tempfile.TemporaryDirectory(prefix="wamm-bench-") as tmp:
        workdir = Path(tmp)
        wamm = run_wamm(workdir, options)
        bare = run_bare(workdir, options, wamm.response_bytes)
        return 0 if report(options, wamm, bare) else 1


if __name__ == "__main__":
    sys.exit(main())
