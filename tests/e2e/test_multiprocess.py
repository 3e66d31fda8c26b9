"""Several processes on one database (PostgreSQL, or a SQLite file), end to end: `wamm serve
--workers 2 --no-dispatch` (two server processes behind one port, load-balanced by the kernel)
and two `wamm worker`s delivering the webhooks.

The clock is manual, so statuses fall due only when the test advances it through the control
API. Checked: every status webhook arrives exactly once, correctly signed, although two workers
compete for the rows; a template created through one request becomes usable by the next
requests to any process once it has polled the catalog (docs: every 0.5 s); a number's
throughput limit holds across the server processes; a worker killed with SIGKILL while it holds
leased rows loses nothing: the other worker delivers them within seconds, long before the leases
(`2 x webhooks.timeout_seconds + 30` real seconds, 32 s here) would run out, because the killed
worker's hold on its lease-owner name (PostgreSQL's advisory lock, the `flock` of its owner file
beside a SQLite file) went with it. Every process is stopped by its PID.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import hmac
import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import postgres_schema
from tests.e2e.conftest import (
    STARTUP_TIMEOUT,
    ThreadedHoldingReceiver,
    free_port,
    kill_process,
    running_process,
    threaded_holding_receiver,
    wamm_command,
    webhook_seed,
    write_seed,
)

HOUR = 3600
SERVER_PROCESSES = 2
LIMITED_PHONE = "106540352242930"  # a second number of the signed WABA, throughput_mps 5
AUDIENCE = [f"55119000020{i:02d}" for i in range(8)]
LIFE = ("sent", "delivered", "read")
TIMEOUT_SECONDS = 1.0
LEASE_SECONDS = 2 * TIMEOUT_SECONDS + 30  # wamm.service.delivery: timeout * 2 + 30
KNOWN_WITHIN = 30.0  # seconds: a new template reaches every process long before this
CLOCK_LOOKS, CLOCK_LOOK_SECONDS = 20, 0.05  # a clock advance seen by every process: 1 s
NEW_TEMPLATE_NAME = "multiprocess_flash_sale"
NEW_TEMPLATE = {
    **sd.SUMMER_SALE,
    "name": NEW_TEMPLATE_NAME,
    "components": [
        {
            "type": "BODY",
            "text": "Hi {{1}}, flash sale: {{2}} off today",
            "example": {"body_text": [["Ana", "30%"]]},
        }
    ],
}


def cluster_seed(receiver_url: str) -> dict[str, Any]:
    document = webhook_seed(receiver_url)
    document["settings"]["webhooks"] = {"timeout_seconds": TIMEOUT_SECONDS}
    document["businesses"][0]["wabas"][0]["phone_numbers"].append(
        {
            "id": LIMITED_PHONE,
            "display_phone_number": "15550783890",
            "verified_name": "Acme limited",
            "throughput_mps": 5,
        }
    )
    document["users"] += [
        {"phone": phone, "country": "BR", "name": f"User {index}"}
        for index, phone in enumerate(AUDIENCE)
    ]
    return document


@dataclass
class Cluster:
    """The server (a uvicorn supervisor and its processes) and the two workers."""

    base_url: str
    server: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]
    logs: list[Path]

    def log(self) -> str:
        """Each process's log so far (a worker not started yet has none)."""
        return "\n".join(
            f"--- {p.name} ---\n{p.read_text(errors='replace')}" for p in self.logs if p.exists()
        )

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, f"{self.base_url}/_wamm{path}", timeout=30, **kwargs)
        assert response.status_code == 200, f"{response.text}\n{self.log()}"
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """A Graph POST on a new connection, so consecutive calls spread over the processes."""
        return httpx.post(
            f"{self.base_url}/v23.0/{path}",
            json=body,
            headers={"Authorization": f"Bearer {sd.TOKEN}"},
            timeout=30,
        )

    def send(self, to: str, phone: str = sd.SIGNED_PHONE, template: str = "summer_sale") -> str:
        response = self.post(f"{phone}/marketing_messages", template_send(name=template, to=to))
        assert response.status_code == 200, f"{response.text}\n{self.log()}"
        wamid: str = response.json()["messages"][0]["id"]
        return wamid

    def outbox(self) -> dict[str, int]:
        summary: dict[str, int] = self.control("GET", "/webhooks", params={"limit": 1})["summary"]
        return summary


def wait_until_serving(cluster: Cluster, log_path: Path) -> None:
    """Both server processes started (uvicorn logs one line per process) and /_wamm/ready
    answers."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        for process in (cluster.server, *cluster.workers):
            if process.poll() is not None:
                pytest.fail(f"a process exited with {process.returncode}\n{cluster.log()}")
        started = log_path.read_text(errors="replace").count("Application startup complete")
        with contextlib.suppress(httpx.TransportError):
            ready = httpx.get(f"{cluster.base_url}/_wamm/ready", timeout=2)
            if started >= SERVER_PROCESSES and ready.status_code == 200:
                return
        time.sleep(0.05)
    pytest.fail(f"the server did not start {SERVER_PROCESSES} processes\n{cluster.log()}")


@contextlib.contextmanager
def running_cluster(directory: Path, database_url: str, receiver_url: str) -> Iterator[Cluster]:
    seed = write_seed(directory, cluster_seed(receiver_url))
    port = free_port()
    serve_log = directory / "serve.log"
    serve = wamm_command(
        *("serve", "--host", "127.0.0.1", "--port", str(port), "--database", database_url),
        *("--seed", str(seed), "--no-demo", "--workers", str(SERVER_PROCESSES), "--no-dispatch"),
    )
    worker_logs = [directory / f"worker-{n}.log" for n in range(2)]
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(running_process(serve, serve_log))
        cluster = Cluster(f"http://127.0.0.1:{port}", server, [], [serve_log, *worker_logs])
        # The workers start once the server has migrated and seeded the database.
        wait_until_serving(cluster, serve_log)
        for log_path in worker_logs:
            command = wamm_command("worker", "--database", database_url)
            cluster.workers.append(stack.enter_context(running_process(command, log_path)))
        yield cluster


def statuses_by_wamid(receiver: ThreadedHoldingReceiver) -> Counter[tuple[str, str]]:
    return Counter((s["id"], s["status"]) for s in receiver.statuses())


def wait_for_statuses(
    receiver: ThreadedHoldingReceiver, cluster: Cluster, wamids: set[str], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = statuses_by_wamid(receiver)
        if all((wamid, status) in seen for wamid in wamids for status in LIFE):
            return
        time.sleep(0.1)
    missing = {w for w in wamids if any((w, s) not in statuses_by_wamid(receiver) for s in LIFE)}
    pytest.fail(
        f"statuses missing for {sorted(missing)}\n{outbox_rows(cluster, missing)}\n{cluster.log()}"
    )


def outbox_rows(cluster: Cluster, wamids: set[str]) -> str:
    """The outbox rows of the given messages (state, lease, attempts): why they were not sent."""
    rows = []
    for wamid in sorted(wamids):
        page = cluster.control("GET", "/webhooks", params={"wamid": wamid, "limit": 10})
        rows += [json.dumps(row, sort_keys=True) for row in page["data"]]
    return "--- outbox rows ---\n" + "\n".join(rows)


def assert_each_status_exactly_once(receiver: ThreadedHoldingReceiver, wamids: set[str]) -> None:
    seen = statuses_by_wamid(receiver)
    assert set(seen) == {(wamid, status) for wamid in wamids for status in LIFE}
    duplicates = {key: count for key, count in seen.items() if count != 1}
    assert duplicates == {}, f"delivered more than once: {duplicates}"


def assert_signed(receiver: ThreadedHoldingReceiver) -> None:
    assert receiver.rejected() == []
    for delivery in receiver.deliveries():
        digest = hmac.new(sd.APP_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
        assert delivery.signature == f"sha256={digest}"


def wait_for_outbox(cluster: Cluster, delivered: int, timeout: float = 20.0) -> dict[str, int]:
    """Until the outbox holds exactly `delivered` rows, all delivered (the workers record an
    acknowledged POST right after the receiver answers it)."""
    deadline = time.monotonic() + timeout
    summary = cluster.outbox()
    while summary != {"delivered": delivered} and time.monotonic() < deadline:
        time.sleep(0.1)
        summary = cluster.outbox()
    return summary


def send_with_new_template(cluster: Cluster, created_at: float) -> list[str]:
    """Nine sends of the new template, each on a new connection, each repeated while the process
    that answers has not polled the catalog since the template was created (132001): every
    other answer is a failure, and so is a template still unknown `KNOWN_WITHIN` seconds after
    its creation (a generous bound: the processes poll every 0.5 s)."""
    path = f"{sd.SIGNED_PHONE}/marketing_messages"
    wamids: list[str] = []
    for phone in [AUDIENCE[0], *AUDIENCE[:8]]:
        body = template_send(name=NEW_TEMPLATE_NAME, to=phone)
        while (response := cluster.post(path, body)).status_code != 200:
            assert response.json()["error"]["code"] == 132001, response.text
            if time.monotonic() - created_at > KNOWN_WITHIN:
                pytest.fail(
                    f"{NEW_TEMPLATE_NAME} still unknown to a server process {KNOWN_WITHIN:.0f} s "
                    f"after its creation\n{cluster.log()}"
                )
            time.sleep(0.05)
        wamids.append(response.json()["messages"][0]["id"])
    return wamids


def advance_the_clock(cluster: Cluster) -> None:
    """An hour on, through one process, and seen by all before the test goes on: a process
    learns of another's change when it next polls (docs: every 0.5 s), and until then it
    dates the sends it answers by its own, older time. Every answer of a run of looks spread
    over new connections (so over the processes), longer than that interval, must give the
    new time."""
    now = cluster.control("POST", "/clock/advance", json={"seconds": HOUR})["now"]
    deadline = time.monotonic() + KNOWN_WITHIN
    consistent = 0
    while consistent < CLOCK_LOOKS:
        with httpx.Client(timeout=10) as fresh:  # a new connection: any process may answer
            seen = fresh.get(f"{cluster.base_url}/_wamm/clock").json()["now"]
        consistent = consistent + 1 if seen == now else 0
        if time.monotonic() > deadline:
            pytest.fail(f"a process still answers {seen}, not {now}\n{cluster.log()}")
        time.sleep(CLOCK_LOOK_SECONDS)


def rapid_sends_to_the_limited_number(cluster: Cluster) -> list[httpx.Response]:
    """Eight sends at once, each on its own connection (so both server processes answer some),
    all within one virtual second: the clock is manual and does not move."""
    bodies = [template_send(to=f"551190003{i:04d}") for i in range(8)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [
            pool.submit(cluster.post, f"{LIMITED_PHONE}/marketing_messages", body)
            for body in bodies
        ]
        return [future.result(timeout=30) for future in futures]


@pytest.mark.postgres
def test_two_servers_and_two_workers_share_one_postgres_database(tmp_path: Path) -> None:
    with postgres_schema() as database_url:
        check_cluster(tmp_path, database_url)


def test_two_servers_and_two_workers_share_one_sqlite_file(tmp_path: Path) -> None:
    check_cluster(tmp_path, f"sqlite:///{tmp_path / 'cluster.db'}")


def check_cluster(tmp_path: Path, database_url: str) -> None:
    with (
        threaded_holding_receiver() as receiver,
        running_cluster(tmp_path, database_url, receiver.url) as cluster,
    ):
        ready = httpx.get(f"{cluster.base_url}/_wamm/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert (body["status"], body["shared_store"]) == ("ready", True)
        assert body["dispatcher"] is False  # --no-dispatch: the workers deliver
        assert cluster.control("GET", "/clock") == {"mode": "manual", "now": sd.CLOCK_START}

        # The throughput limit is shared (a table, or the SQLite file's bucket file): 5 of 8,
        # whichever process answers.
        responses = rapid_sends_to_the_limited_number(cluster)
        codes = Counter(r.status_code for r in responses)
        assert codes == {200: 5, 400: 3}, [r.text for r in responses]
        rejected = [r.json()["error"] for r in responses if r.status_code != 200]
        assert {(e["code"], e["error_subcode"]) for e in rejected} == {(130429, 2494055)}
        wamids = {r.json()["messages"][0]["id"] for r in responses if r.status_code == 200}

        # A template created through one request (one process) is usable by the next ones.
        created = cluster.post(f"{sd.SIGNED_WABA}/message_templates", NEW_TEMPLATE)
        created_at = time.monotonic()
        assert created.status_code == 200, created.text
        assert created.json()["status"] == "APPROVED"
        wamids |= set(send_with_new_template(cluster, created_at))

        # Both workers deliver; no status twice, every POST signed with the app secret.
        wamids |= {cluster.send(phone) for phone in AUDIENCE}
        advance_the_clock(cluster)
        wait_for_statuses(receiver, cluster, wamids, timeout=30)
        assert_each_status_exactly_once(receiver, wamids)
        assert_signed(receiver)
        template_updates = len(receiver.receiver.changes("message_template_status_update"))
        assert template_updates == 1  # the new template's APPROVED, once
        first_phase = wait_for_outbox(cluster, 3 * len(wamids) + template_updates)
        assert first_phase == {"delivered": 3 * len(wamids) + template_updates}

        # Worker 1 is suspended; worker 2 claims the next due rows and POSTs, the receiver
        # holds the POSTs unanswered, and worker 2 is killed while it holds the leases.
        survivor, victim = cluster.workers
        survivor.send_signal(signal.SIGSTOP)
        later = {cluster.send(phone) for phone in AUDIENCE}
        receiver.hold()
        cluster.control("POST", "/clock/advance", json={"seconds": HOUR})
        deadline = time.monotonic() + 15
        while not receiver.held() and time.monotonic() < deadline:
            time.sleep(0.05)
        held = receiver.held()
        assert held, f"the worker never posted\n{cluster.log()}"
        held_seen = time.time()  # the victim's lease started before this
        kill_process(victim)
        receiver.release()
        survivor.send_signal(signal.SIGCONT)

        wait_for_statuses(receiver, cluster, wamids | later, timeout=LEASE_SECONDS)
        assert_each_status_exactly_once(receiver, wamids | later)
        assert_signed(receiver)
        total = 3 * len(wamids | later) + template_updates
        assert wait_for_outbox(cluster, total) == {"delivered": total}
        # What the killed worker had posted came back when the survivor looked (every 5 s), not
        # when the leases ran out: half the lease tells the two apart with room to spare.
        held_statuses = {
            (status["id"], status["status"])
            for body in held
            for entry in json.loads(body)["entry"]
            for change in entry["changes"]
            for status in change["value"].get("statuses", [])
        }
        assert held_statuses and held_statuses <= {(w, s) for w in later for s in LIFE}
        arrived = {
            (status["id"], status["status"]): delivery.received_at
            for delivery in receiver.deliveries()
            for status in delivery.statuses()
        }
        redelivered_after = min(arrived[key] for key in held_statuses) - held_seen
        assert redelivered_after < LEASE_SECONDS / 2, (
            f"rows leased by the killed worker came back after {redelivered_after:.1f} s, "
            f"not before their lease ({LEASE_SECONDS:.0f} s) could run out"
        )
