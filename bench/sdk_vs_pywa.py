"""The same marketing campaign through wamm's SDK and through pywa, against the same wamm.

One wamm process on loopback (`python -m wamm serve`, a temporary SQLite file, stopped by its
PID at the end), seeded with the demo world on a real-time clock and Acme's number raised to
10,000 messages/s, so that the server's throughput limit never answers 130429. Before each
client's run the server is reset to that seed (an empty message table for both).

- wamm SDK: `Client.send_campaign` over every recipient, `--concurrency` sends in flight
  (threads), no client-side pacing;
- pywa: `WhatsApp.send_template(..., use_mm_lite_api=True)` once per recipient, one after the
  other (pywa has no concurrent or batch send), its httpx session re-pointed at wamm.

Both send `max_price_promo` with one body value through /marketing_messages. Each run is
bounded by `--timeout` seconds: a run cut short says so and its rate counts what it sent.
Every accepted send is checked against wamm's message store (`GET /_wamm/messages`). The CPU
columns are the server process's and this (client) process's CPU use over the run (100% = one
core busy): on loopback, whichever side is saturated sets the rate.

Over loopback a request takes about a millisecond, far less than the 100 ms or more a request to
graph.facebook.com takes. `--latency SECONDS` adds that round trip to every request of both
clients (their httpx transport waits first), to compare them as they would behave against Meta.

    python3 bench/sdk_vs_pywa.py [--recipients 10000] [--concurrency 64] [--timeout 300]
                                 [--latency 0.1]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pywa import WhatsApp
from pywa.types import templates as pywa_templates
from webhooks import cpu_seconds

from wamm.client import RetryPolicy, TemplateMessage
from wamm.client import parameters as p
from wamm.testing.seeds import demo_seed
from wamm.testing.server import WammServer, running_wamm

TEMPLATE = "max_price_promo"  # "Our best prices of the season are here, {{1}}."
THROUGHPUT_MPS = 10_000


class DelayedTransport(httpx.HTTPTransport):
    """An httpx transport that waits `delay` seconds before each request: a network round
    trip, as far as a client can tell."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Wait, then send."""
        time.sleep(self.delay)
        return super().handle_request(request)


@dataclass(frozen=True)
class Run:
    """One client's campaign: how many it sent, how many wamm accepted and stored, how long,
    and the server's CPU use meanwhile."""

    client: str
    sent: int
    accepted: int
    seconds: float
    server_cpu: float | None
    client_cpu: float
    cut_short: bool

    @property
    def rate(self) -> float:
        """Accepted sends per second."""
        return self.accepted / self.seconds


def bench_seed() -> dict[str, Any]:
    """The demo seed, real-time clock, Acme's number at 10,000 messages/s."""
    seed = demo_seed()
    seed["settings"]["clock"] = "realtime"
    seed["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = THROUGHPUT_MPS
    return seed


def audience(count: int) -> list[str]:
    """`count` distinct Brazilian mobile numbers."""
    return [f"55119{i:08d}" for i in range(count)]


@dataclass(frozen=True)
class Options:
    """The command line."""

    recipients: list[str]
    concurrency: int
    timeout: float
    latency: float


def sdk_run(server: WammServer, options: Options) -> tuple[int, int]:
    """`send_campaign` over every recipient, in chunks so that the timeout can cut it short;
    (sent, accepted)."""
    message = TemplateMessage(TEMPLATE, "en_US", [p.body(p.text("Ana"))])
    chunk = options.concurrency * 50
    recipients = options.recipients
    accepted = sent = 0
    started = time.perf_counter()
    transport = DelayedTransport(options.latency)
    retry = RetryPolicy(max_attempts=2)
    with server.client(rate_limit=None, retry=retry, transport=transport) as client:
        for start in range(0, len(recipients), chunk):
            if time.perf_counter() - started > options.timeout:
                break
            part = recipients[start : start + chunk]
            report = client.send_campaign(
                server.phone_number_id, message, part, concurrency=options.concurrency
            )
            sent += len(part)
            accepted += report.summary.accepted
    return sent, accepted


def pywa_run(server: WammServer, options: Options) -> tuple[int, int]:
    """pywa's `send_template`, one recipient after the other; (sent, accepted)."""
    # pywa declares BodyText.params without `self`, so a type checker reads "Ana" as the self.
    params = [pywa_templates.BodyText.params("Ana")]  # type: ignore[arg-type]
    accepted = sent = 0
    started = time.perf_counter()
    with httpx.Client(transport=DelayedTransport(options.latency)) as session:
        wa = WhatsApp(
            phone_id=server.phone_number_id,
            token=server.token,
            waba_id=server.waba_id,
            session=session,
        )
        server.point_pywa(wa)
        for to in _until(options.recipients, started, options.timeout):
            result = wa.send_template(
                to=to,
                name=TEMPLATE,
                language=pywa_templates.TemplateLanguage.ENGLISH_US,
                params=params,
                use_mm_lite_api=True,
            )
            sent += 1
            accepted += result.status == "accepted"
    return sent, accepted


def _until(items: list[str], started: float, timeout: float) -> Iterator[str]:
    for item in items:
        if time.perf_counter() - started > timeout:
            return
        yield item


def measure(
    server: WammServer,
    seed: dict[str, Any],
    label: str,
    campaign: Callable[[WammServer, Options], tuple[int, int]],
    options: Options,
) -> Run:
    """Reset the server to `seed`, time one client's campaign, check what was stored."""
    server.reset(seed)
    cpu_before = cpu_seconds(server.process.pid)
    client_before = time.process_time()
    started = time.perf_counter()
    sent, accepted = campaign(server, options)
    seconds = time.perf_counter() - started
    client_cpu = (time.process_time() - client_before) / seconds
    cpu_after = cpu_seconds(server.process.pid)
    stored = len(server.control.messages())
    if stored != accepted:
        raise SystemExit(f"{label}: {accepted} accepted but {stored} stored")
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) / seconds
    cut_short = sent < len(options.recipients)
    return Run(label, sent, accepted, seconds, cpu, client_cpu, cut_short)


def print_table(runs: list[Run], options: Options) -> None:
    """Both rates and their ratio."""
    latency = f"+{options.latency * 1000:.0f} ms per request" if options.latency else "loopback"
    print(
        f"{len(options.recipients):,}-recipient campaign against one wamm (SQLite, {latency}, "
        f"{os.cpu_count()} CPUs), template {TEMPLATE} via /marketing_messages"
    )
    print(
        f"{'client':<44} {'sent':>7} {'accepted':>9} {'seconds':>8} {'msgs/s':>8} "
        f"{'wamm CPU':>9} {'client CPU':>11}"
    )
    for run in runs:
        note = "  (cut short by --timeout)" if run.cut_short else ""
        cpu = "n/a" if run.server_cpu is None else f"{run.server_cpu:.0%}"
        print(
            f"{run.client:<44} {run.sent:>7,} {run.accepted:>9,} {run.seconds:>8.1f} "
            f"{run.rate:>8.0f} {cpu:>9} {run.client_cpu:>11.0%}{note}"
        )
    sdk, pywa = runs
    print(f"SDK / pywa: {sdk.rate / pywa.rate:.1f}x")


def main() -> None:
    """Run both campaigns and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per client")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    args = parser.parse_args()
    options = Options(audience(args.recipients), args.concurrency, args.timeout, args.latency)
    seed = bench_seed()
    with (
        tempfile.TemporaryDirectory(prefix="wamm-sdk-vs-pywa-") as directory,
        running_wamm(Path(directory), "--no-demo", "--log-level", "warning") as started,
    ):
        server = started.with_seed(seed)
        sdk_label = f"wamm SDK send_campaign ({options.concurrency} in flight)"
        sdk = measure(server, seed, sdk_label, sdk_run, options)
        pywa = measure(server, seed, "pywa send_template (sequential)", pywa_run, options)
    print_table([sdk, pywa], options)


if __name__ == "__main__":
    main()
