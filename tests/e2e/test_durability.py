"""Crash durability of a real `wamm serve`: what a 200 promised survives SIGKILL and a restart on
the same SQLite file, and webhooks the receiver missed arrive once it is back.

The clock is manual, so no status event is due until a test advances it: a kill right after the
sends cannot race the dispatcher, and every delivery the receiver gets comes from the restarted
process. Processes are stopped by their PID only (`LiveServer.kill`, `running_wamm`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests import seed_data as sd
from tests.builders import template_send
from tests.e2e.conftest import (
    LiveServer,
    ThreadedReceiver,
    running_wamm,
    webhook_seed,
    write_seed,
)

HOUR = 3600
AUDIENCE = [f"55119000010{i:02d}" for i in range(6)]
FULL_LIFE = ["sent", "delivered", "read"]
ORDER = {status: index for index, status in enumerate([*FULL_LIFE, "failed"])}


def durability_seed(url: str) -> dict[str, Any]:
    document = webhook_seed(url)
    document["users"] += [
        {"phone": phone, "country": "BR", "name": f"User {index}"}
        for index, phone in enumerate(AUDIENCE)
    ]
    return document


def start_args(directory: Path, url: str) -> tuple[str, ...]:
    return ("--seed", str(write_seed(directory, durability_seed(url))), "--no-demo")


def send(server: LiveServer, endpoint: str, to: str) -> str:
    answer = server.graph(f"{sd.SIGNED_PHONE}/{endpoint}", template_send(to=to))
    wamid: str = answer["messages"][0]["id"]
    return wamid


def webhook_log(server: LiveServer) -> dict[str, Any]:
    log: dict[str, Any] = server.control("GET", "/webhooks", params={"limit": 1000})
    assert "paging" not in log, "more deliveries than one page"
    return log


def statuses_by_wamid(receiver: ThreadedReceiver) -> dict[str, list[str]]:
    """What arrived, per wamid, in life-cycle order (concurrent POSTs may overtake each other,
    as Meta's may)."""
    seen: dict[str, list[str]] = defaultdict(list)
    for status in receiver.statuses():
        seen[status["id"]].append(status["status"])
    return {wamid: sorted(found, key=ORDER.__getitem__) for wamid, found in seen.items()}


def status_of(row: dict[str, Any]) -> str:
    """The status a webhook log row carries."""
    status: str = row["payload"]["entry"][0]["changes"][0]["value"]["statuses"][0]["status"]
    return status


def assert_signed_with_the_app_secret(receiver: ThreadedReceiver) -> None:
    assert receiver.rejected() == []
    for delivery in receiver.deliveries():
        digest = hmac.new(sd.APP_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
        assert delivery.signature == f"sha256={digest}"


def test_sends_answered_before_a_sigkill_get_all_their_webhooks_after_a_restart(
    tmp_path: Path, webhook_receiver: ThreadedReceiver
) -> None:
    database = tmp_path / "crash.db"
    args = start_args(tmp_path, webhook_receiver.url)
    expected: dict[str, list[str]] = {}
    pricing: dict[str, str] = {}  # wamid -> the category its `sent` status must carry
    with running_wamm(tmp_path, *args, database_path=database) as first:
        for phone in AUDIENCE:
            for endpoint, category in (
                ("marketing_messages", "marketing_lite"),
                ("messages", "marketing"),
            ):
                wamid = send(first, endpoint, phone)
                expected[wamid], pricing[wamid] = FULL_LIFE, category
        expected[send(first, "marketing_messages", sd.US_PHONE)] = ["failed"]  # 131049
        queued = webhook_log(first)
        assert queued["summary"] == {"pending": 3 * 2 * len(AUDIENCE) + 1}
        assert {row["attempt_count"] for row in queued["data"]} == {0}
        first.kill()  # before anything is due: the manual clock has not moved
    assert webhook_receiver.deliveries() == []

    with running_wamm(tmp_path, "--no-demo", database_path=database) as second:
        assert second.control("GET", "/clock") == {"mode": "manual", "now": sd.CLOCK_START}
        for wamid in expected:
            assert second.control("GET", f"/messages/{wamid}")["wamid"] == wamid
        assert webhook_log(second)["summary"] == {"pending": 3 * 2 * len(AUDIENCE) + 1}
        summary = second.settle(2 * HOUR)
        log = webhook_log(second)

    assert summary == {"delivered": 3 * 2 * len(AUDIENCE) + 1}
    assert statuses_by_wamid(webhook_receiver) == expected
    assert len(webhook_receiver.statuses()) == sum(map(len, expected.values()))  # no duplicates
    assert_signed_with_the_app_secret(webhook_receiver)
    assert webhook_receiver.verifications == 1  # only the restarted process ever called back
    assert {row["attempt_count"] for row in log["data"]} == {1}
    for status in webhook_receiver.statuses():
        if status["status"] == "sent":
            assert status["pricing"]["category"] == pricing[status["id"]], status
        if status["status"] == "failed":
            assert status["errors"][0]["code"] == 131049


def test_deliveries_that_failed_before_a_crash_arrive_after_restart_and_receiver_return(
    tmp_path: Path, webhook_receiver: ThreadedReceiver
) -> None:
    database = tmp_path / "outage.db"
    args = start_args(tmp_path, webhook_receiver.url)
    audience = AUDIENCE[:4]
    with running_wamm(tmp_path, *args, database_path=database) as first:
        wamids = [send(first, "marketing_messages", phone) for phone in audience]
        webhook_receiver.stop()
        assert first.settle(2 * HOUR) == {"pending": 3 * len(audience)}  # first attempts fail
        assert first.settle(5) == {"pending": 3 * len(audience)}  # the 5 s retry fails too
        failed_at = first.control("GET", "/clock")["now"]
        before = webhook_log(first)
        first.kill()
    # Only each message's `sent` was tried; `delivered` and `read` wait behind it.
    tried = {(status_of(row), row["attempt_count"]) for row in before["data"]}
    assert tried == {("sent", 2), ("delivered", 0), ("read", 0)}
    assert webhook_receiver.deliveries() == []

    webhook_receiver.start()  # back on the same port, the URL wamm has on file
    with running_wamm(tmp_path, "--no-demo", database_path=database) as second:
        assert second.control("GET", "/clock")["now"] == failed_at  # virtual time resumed
        assert webhook_log(second)["summary"] == {"pending": 3 * len(audience)}
        summary = second.settle(60)  # past the 10 s backoff of the third attempt
        after = webhook_log(second)

    assert summary == {"delivered": 3 * len(audience)}
    assert statuses_by_wamid(webhook_receiver) == dict.fromkeys(wamids, FULL_LIFE)
    assert len(webhook_receiver.statuses()) == 3 * len(audience)
    assert_signed_with_the_app_secret(webhook_receiver)
    assert {row["wamid"] for row in after["data"]} == set(wamids)
    for row in after["data"]:
        assert row["state"] == "delivered"
        attempts = row["attempts"]
        assert {a["url"] for a in attempts} == {webhook_receiver.url}
        assert attempts[-1]["error"] is None
        assert attempts[-1]["at"] == failed_at + 60
        if status_of(row) != "sent":
            assert [a["status_code"] for a in attempts] == [200], attempts
            continue
        assert [a["status_code"] for a in attempts] == [None, None, 200], attempts
        for failed in attempts[:2]:
            assert failed["error"].startswith("callback verification failed"), failed
            assert "ClientConnectorError" in failed["error"], failed
        times = [a["at"] for a in attempts]
        assert times == sorted(times) and times[1] - times[0] == 5
