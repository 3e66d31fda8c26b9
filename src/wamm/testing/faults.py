"""Fault scenarios against real `wamm serve` processes on loopback, each returning its figures:
kill -9 under load, a webhook receiver that is down, answers 500 or is slow, a reset under
load, and the retention of delivered webhooks.

tests/e2e/test_faults.py runs them small and asserts the figures; `python3 dev bench faults`
runs them larger and prints them (docs/reliability.md). Every scenario is bounded in sends and
time and stops every process it started by its PID.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from wamm.testing.arrivals import Arrivals, arrivals, wait_for_arrivals
from wamm.testing.load import LoadTally, SendLoad
from wamm.testing.seeds import demo_seed
from wamm.testing.server import WammServer, running_wamm, write_seed
from wamm.testing.threaded import ThreadedReceiver

HOUR = 3600.0
DAY = 86400.0
VERIFY_TOKEN = "wamm-faults-verify-token"
TIMEOUT_SECONDS = 1.0  # webhooks.timeout_seconds of every scenario
RETRY_SECONDS = 5.0  # wamm's first retry comes this long after a failed attempt
TEMPLATE = "max_price_promo"  # the demo's marketing template with one body parameter
FAST_RECIPIENTS = {  # every status due within a second of the send, every message read
    "sent_delay": {"distribution": "uniform", "min": 0.05, "max": 0.2},
    "delivery_delay": {"distribution": "uniform", "min": 0.1, "max": 0.3},
    "read_delay": {"distribution": "uniform", "min": 0.2, "max": 0.5},
    "read_probability": 1.0,
}
OTHER_APP = {"id": "900000000000002", "name": "second app", "secret": "second-app-secret"}
AUDIENCE = 10_000  # distinct recipients, cycled: far below the per-pair rate limit


# --- the world --------------------------------------------------------------------------------


def fault_seed(
    callback: str, *, clock: str = "manual", other_callback: str | None = None
) -> dict[str, Any]:
    """The demo world (its token, Acme's number, `TEMPLATE`), its app's callback at `callback`,
    fast recipients, no throughput cap that a test load could reach, a 1 s webhook timeout;
    with `other_callback`, a second app subscribed to Acme's WABA too."""
    document = demo_seed()
    settings = document["settings"]
    settings["clock"] = clock
    settings["recipients"] = FAST_RECIPIENTS
    settings["webhooks"] = {"timeout_seconds": TIMEOUT_SECONDS}
    acme = document["businesses"][0]["wabas"][0]
    acme["phone_numbers"][0]["throughput_mps"] = 10_000
    document["apps"][0]["webhook"] = {"url": callback, "verify_token": VERIFY_TOKEN}
    if other_callback is not None:
        other = {**OTHER_APP, "webhook": {"url": other_callback, "verify_token": VERIFY_TOKEN}}
        document["apps"].append(other)
        acme["subscribed_apps"] = [*acme["subscribed_apps"], OTHER_APP["id"]]
    return document


def app_secret(seed: Mapping[str, Any], index: int = 0) -> str:
    """The secret of the seed's app number `index`."""
    secret: str = seed["apps"][index]["secret"]
    return secret


def recipient(number: int) -> str:
    """A Brazilian mobile number per send, cycling through `AUDIENCE` of them."""
    return f"551190{number % AUDIENCE:07d}"


def send_body(number: int) -> dict[str, Any]:
    """The marketing send numbered `number` of a load (each to its own recipient)."""
    return {
        "messaging_product": "whatsapp",
        "to": recipient(number),
        "type": "template",
        "template": {
            "name": TEMPLATE,
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}],
        },
    }


@contextlib.contextmanager
def serving(
    directory: Path,
    database_url: str,
    seed: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[WammServer]:
    """`wamm serve` on `database_url`, seeded with `seed` (None: the database as it is)."""
    extra = ["--no-demo", "--log-level", "warning"]
    if seed is not None:
        extra += ["--seed", str(write_seed(directory, seed, "fault-seed.json"))]
    with running_wamm(directory, *extra, database_url=database_url, env=env) as server:
        yield server


def send_load(server: WammServer, connections: int = 8, max_sends: int = 100_000) -> SendLoad:
    """A load of marketing sends to `server`'s demo number (not started)."""
    url = f"{server.graph_url}/{server.phone_number_id}/marketing_messages"
    return SendLoad(url, server.token, send_body, connections=connections, max_sends=max_sends)


def send_all(server: WammServer, count: int) -> list[str]:
    """`count` sends, four at a time; the wamids (every one must be acknowledged)."""
    tally = send_load(server, connections=4, max_sends=count).start().finish()
    if len(tally.acked) != count:
        raise AssertionError(f"{len(tally.acked)} of {count} sends acknowledged: {tally}")
    return tally.acked


def found(server: WammServer, wamids: Collection[str]) -> int:
    """How many of these messages the server has stored."""
    stored = {message["wamid"] for message in server.control.messages()}
    return len(stored & set(wamids))


def outbox(server: WammServer) -> dict[str, int]:
    """The outbox's rows by state (pending, inflight, delivered, failed)."""
    summary: dict[str, int] = server.control("GET", "/webhooks", params={"limit": 1})["summary"]
    return summary


def step_until(
    server: WammServer, done: Callable[[], bool], step: float, limit: float
) -> float | None:
    """Advance the manual clock by `step` and deliver what is due, until `done()`; the virtual
    seconds it took, or None when `limit` virtual seconds were not enough."""
    waited = 0.0
    while not done():
        if waited >= limit:
            return None
        server.settle(step)
        waited += step
    return waited


# --- kill -9 under load -------------------------------------------------------------------------


@dataclass(frozen=True)
class KillFigures:
    """Sends acknowledged before a SIGKILL and what the restarted process made of them."""

    acked: int  # sends answered 200 before the kill
    found: int  # of those, stored after the restart
    unanswered: int  # requests on the wire at the kill (may or may not be stored)
    leased_at_kill: int  # webhook rows in flight just before the kill
    restart_seconds: float  # from the restart until the server answers
    recovery_seconds: float | None  # from the restart until every status arrived; None: not
    arrivals: Arrivals  # the acknowledged sends' statuses at the receiver

    @property
    def lost(self) -> int:
        """Acknowledged sends not found after the restart."""
        return self.acked - self.found


def kill_under_load(
    directory: Path,
    database_url: str,
    *,
    kill_after: int = 300,
    connections: int = 8,
    recovery_limit: float = 10.0,
    env: Mapping[str, str] | None = None,
) -> KillFigures:
    """Sends on `connections` connections with a realtime clock while the receiver answers
    slowly (so webhooks are in flight); SIGKILL once `kill_after` sends are acknowledged and a
    webhook row is leased; restart on the same database with a fast receiver."""
    with ThreadedReceiver(app_secret(demo_seed()), VERIFY_TOKEN) as receiver:
        receiver.set_delay(0.2)
        seed = fault_seed(receiver.url, clock="realtime")
        with (
            serving(directory, database_url, seed, env) as first,
            send_load(first, connections) as load,
        ):
            load.wait_for_acked(kill_after)
            leased = wait_for_leases(first)
            first.kill()
            tally = load.stop()
        receiver.set_delay(0)
        restarted = time.monotonic()
        with serving(directory, database_url, env=env) as second:
            restart_seconds = time.monotonic() - restarted
            stored = found(second, tally.acked)
            recovery = wait_for_arrivals(receiver, tally.acked, restarted, recovery_limit)
        return KillFigures(
            acked=len(tally.acked),
            found=stored,
            unanswered=tally.unanswered,
            leased_at_kill=leased,
            restart_seconds=restart_seconds,
            recovery_seconds=recovery,
            arrivals=arrivals(receiver.statuses(), tally.acked),
        )


def wait_for_leases(server: WammServer, timeout: float = 5.0) -> int:
    """Until some webhook row is in flight (leased); how many (0 if none within `timeout`)."""
    deadline = time.monotonic() + timeout
    while (leased := outbox(server).get("inflight", 0)) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    return leased


# --- the receiver fails --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiverFigures:
    """How deliveries fared when the receiver came back (or answered again)."""

    arrivals: Arrivals
    virtual_wait: float | None  # virtual seconds from its return until every status arrived


def receiver_down_then_back(
    directory: Path, database_url: str, *, messages: int = 20, outage: float = 600.0
) -> ReceiverFigures:
    """Manual clock: the receiver is down while the statuses fall due and for `outage` virtual
    seconds of retries (the clock moves 10 s at a time), then back."""
    with (
        ThreadedReceiver(app_secret(demo_seed()), VERIFY_TOKEN) as receiver,
        serving(directory, database_url, fault_seed(receiver.url)) as server,
    ):
        wamids = send_all(server, messages)
        receiver.stop()
        step_until(server, lambda: False, 10.0, outage)  # every retry of the outage fails
        receiver.start()
        wait = step_until(server, complete(receiver, wamids), 10.0, HOUR)
        return ReceiverFigures(arrivals(receiver.statuses(), wamids), wait)


def receiver_errors_then_ok(
    directory: Path, database_url: str, *, messages: int = 20, failures: int = 20
) -> ReceiverFigures:
    """Manual clock: the receiver answers its first `failures` POSTs with 500, then 200."""
    with (
        ThreadedReceiver(app_secret(demo_seed()), VERIFY_TOKEN) as receiver,
        serving(directory, database_url, fault_seed(receiver.url)) as server,
    ):
        wamids = send_all(server, messages)
        receiver.fail_next(*[500] * failures)
        server.settle(1.0)
        wait = step_until(server, complete(receiver, wamids), RETRY_SECONDS, HOUR)
        return ReceiverFigures(arrivals(receiver.statuses(), wamids), wait)


@dataclass(frozen=True)
class SlowFigures:
    """One app's receiver answers after the webhook timeout; another app's answers at once."""

    other_seconds: float | None  # until the healthy app had every status; None: not in time
    slow: ReceiverFigures  # the slow app's statuses once its receiver is fast again


def slow_receiver(
    directory: Path,
    database_url: str,
    *,
    messages: int = 40,
    delay: float = 2 * TIMEOUT_SECONDS,
    limit: float = 5.0,
) -> SlowFigures:
    """Manual clock, two apps subscribed to the WABA: the first app's receiver answers each
    POST after `delay` (past the timeout), the other's at once. How long the healthy app waits
    for its statuses (at most `limit` real seconds), then the slow app's once it is fast."""
    seed = demo_seed()
    with (
        ThreadedReceiver(app_secret(seed), VERIFY_TOKEN) as slow,
        ThreadedReceiver(str(OTHER_APP["secret"]), VERIFY_TOKEN) as healthy,
        serving(
            directory, database_url, fault_seed(slow.url, other_callback=healthy.url)
        ) as server,
    ):
        wamids = send_all(server, messages)
        slow.set_delay(delay)
        started = time.monotonic()
        server.control.advance(1.0)
        other_seconds = wait_for_arrivals(healthy, wamids, started, limit)
        slow.set_delay(0)
        wait = step_until(server, complete(slow, wamids), RETRY_SECONDS, HOUR)
        return SlowFigures(other_seconds, ReceiverFigures(arrivals(slow.statuses(), wamids), wait))


def complete(receiver: ThreadedReceiver, wamids: Collection[str]) -> Callable[[], bool]:
    """A condition: every status of these messages reached the receiver."""
    return lambda: arrivals(receiver.statuses(), wamids).complete


# --- reset under load ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResetFigures:
    """Sends while `POST /_wamm/reset` runs, and sends after the last reset."""

    resets: int
    reset_failures: int  # resets not answered 200
    during: LoadTally
    after: LoadTally
    after_found: int  # sends acknowledged after the resets and stored


def reset_under_load(
    directory: Path,
    database_url: str,
    *,
    resets: int = 5,
    sends_between: int = 50,
    sends_after: int = 100,
    connections: int = 8,
) -> ResetFigures:
    """Resets to the same seed while sends go on, `sends_between` acknowledged sends apart;
    then `sends_after` sends once the resets are over."""
    with ThreadedReceiver(app_secret(demo_seed()), VERIFY_TOKEN) as receiver:
        seed = fault_seed(receiver.url)
        with serving(directory, database_url, seed) as server:
            failures = 0
            with send_load(server, connections) as load:
                for _ in range(resets):
                    load.wait_for_acked(len(load.tally().acked) + sends_between)
                    answer = httpx.post(f"{server.base_url}/_wamm/reset", json=seed, timeout=60)
                    failures += answer.status_code != 200
            during = load.tally()
            after = send_load(server, connections, sends_after).start().finish()
            return ResetFigures(resets, failures, during, after, found(server, after.acked))


# --- retention ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionFigures:
    """Webhook rows delivered, and rows left once the retention period passed."""

    delivered: int  # webhook rows delivered
    left: int  # of those rows, how many are still stored a few real seconds after the clock moved


def retention(
    directory: Path, database_url: str, *, messages: int = 10, age: float = 400 * DAY
) -> RetentionFigures:
    """Manual clock: every status delivered, then the clock moves `age` forward; how many
    status rows are still stored after a few real seconds. (Moving a year on also archives the
    unused templates: their fresh `message_template_status_update` rows are not counted.)"""
    with (
        ThreadedReceiver(app_secret(demo_seed()), VERIFY_TOKEN) as receiver,
        serving(directory, database_url, fault_seed(receiver.url)) as server,
    ):
        send_all(server, messages)
        delivered = server.settle(1.0).get("delivered", 0)
        server.control.advance(age)
        deadline = time.monotonic() + 10.0
        while (left := status_rows(server)) and time.monotonic() < deadline:
            time.sleep(0.1)
        return RetentionFigures(delivered, left)


def status_rows(server: WammServer) -> int:
    """The outbox rows of message statuses (up to 1,000: the scenarios here send fewer)."""
    page = server.control("GET", "/webhooks", params={"field": "messages", "limit": 1000})
    return len(page["data"])
