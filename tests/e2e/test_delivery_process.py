"""`wamm serve` on a SQLite file (by default, or with `--delivery-process`): status webhooks
are POSTed by a second process the server starts (`wamm worker --for-server`), which follows
the server's changes, is started again when it dies, and never outlives its server. The
server keeps the manual clock and answers drains by watching the outbox. Processes are
stopped by their PID only.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.e2e.conftest import (
    LiveServer,
    ThreadedReceiver,
    free_port,
    run_cli,
    running_wamm,
    webhook_seed,
    write_seed,
)
from wamm.testing.process import running_process
from wamm.testing.server import serve_command

HOUR = 3600
LIFE = ("sent", "delivered", "read")
STARTED = re.compile(r"delivery process started \(pid (\d+)\)")
WAIT_SECONDS = 15.0
SEVERAL_CPUS = len(os.sched_getaffinity(0)) > 1


@pytest.fixture
def server(tmp_path: Path, webhook_receiver: ThreadedReceiver) -> Iterator[LiveServer]:
    seed = write_seed(tmp_path, webhook_seed(webhook_receiver.url))
    with running_wamm(
        tmp_path, "--no-demo", "--seed", str(seed), "--delivery-process", "--log-level", "info"
    ) as live:
        yield live


def delivery_pids(server: LiveServer) -> list[int]:
    """The delivery processes the server's log names, oldest first."""
    return [int(pid) for pid in STARTED.findall(server.log())]


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def wait_until(condition: Callable[[], bool], what: str, log: Callable[[], str]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen\n{log()}")
        time.sleep(0.05)


def delivering(server: LiveServer) -> bool | None:
    value = httpx.get(f"{server.base_url}/_wamm/ready").json()["delivery_process_delivering"]
    assert value is None or isinstance(value, bool)
    return value


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/_wamm/ready").status_code == 200
    except httpx.TransportError:
        return False


def send_and_settle(server: LiveServer, phones: list[str]) -> tuple[set[str], dict[str, int]]:
    wamids = {
        server.graph(f"{sd.SIGNED_PHONE}/messages", template_send(to=phone))["messages"][0]["id"]
        for phone in phones
    }
    return wamids, server.control.settle(HOUR)


def life_of(wamids: set[str]) -> Counter[tuple[str, str]]:
    return Counter({(wamid, status): 1 for wamid in wamids for status in LIFE})


def arrived(receiver: ThreadedReceiver) -> Counter[tuple[str, str]]:
    return Counter((s["id"], s["status"]) for s in receiver.statuses())


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def test_the_delivery_process_posts_every_status_and_the_server_drains(
    server: LiveServer, webhook_receiver: ThreadedReceiver
) -> None:
    (courier,) = delivery_pids(server)
    assert parent_of(courier) == server.process.pid
    ready = httpx.get(f"{server.base_url}/_wamm/ready").json()
    assert (ready["dispatcher"], ready["delivery_process"]) == (True, courier)
    wait_until(lambda: delivering(server) is True, "the delivery process delivering", server.log)
    assert f"delivery process delivering (pid {courier})" in server.log()

    wamids, summary = send_and_settle(server, ["5511900007001", "5511900007002"])

    assert summary == {"delivered": 6}
    assert arrived(webhook_receiver) == life_of(wamids)
    assert webhook_receiver.rejected() == []  # signed with the app's secret


def test_it_follows_a_callback_changed_on_the_server(server: LiveServer, tmp_path: Path) -> None:
    with ThreadedReceiver(sd.APP_SECRET, "moved") as moved:
        server.control.set_webhook(server.app_id, moved.url, "moved")
        wamids, summary = send_and_settle(server, ["5511900007003"])
        assert summary == {"delivered": 3}
        assert arrived(moved) == life_of(wamids)


def test_a_killed_delivery_process_is_replaced(
    server: LiveServer, webhook_receiver: ThreadedReceiver
) -> None:
    (first,) = delivery_pids(server)
    assert parent_of(first) == server.process.pid
    wait_until(lambda: delivering(server) is True, "the delivery process delivering", server.log)
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: delivering(server) is False, "the dead one no longer delivering", server.log)
    wait_until(lambda: len(delivery_pids(server)) == 2, "a second delivery process", server.log)
    assert "the delivery process exited with code -9; starting another" in server.log()
    wait_until(lambda: delivering(server) is True, "the next one delivering", server.log)

    wamids, summary = send_and_settle(server, ["5511900007004"])

    assert summary == {"delivered": 3}
    assert arrived(webhook_receiver) == life_of(wamids)


def test_the_delivery_process_never_outlives_its_server(server: LiveServer) -> None:
    (courier,) = delivery_pids(server)
    assert parent_of(courier) == server.process.pid
    server.kill()  # SIGKILL: no shutdown code runs; the pipe on the courier's stdin closes
    wait_until(lambda: parent_of(courier) in (None, 1), "the delivery process's exit", server.log)


@pytest.mark.parametrize(
    ("arguments", "separate"),
    [
        ((), SEVERAL_CPUS),  # a SQLite file: the default where a second CPU can run it
        (("--no-delivery-process",), False),
        (("--database", "sqlite://"), False),  # nothing another process could open
    ],
)
def test_a_sqlite_file_gets_a_delivery_process_by_default(
    tmp_path: Path, arguments: tuple[str, ...], separate: bool
) -> None:
    with running_wamm(tmp_path, "--no-demo", "--log-level", "info", *arguments) as live:
        ready = httpx.get(f"{live.base_url}/_wamm/ready").json()
        assert ready["dispatcher"] is True
        started = delivery_pids(live)
        assert len(started) == separate
        assert ready["delivery_process"] == (started[0] if separate else None)


def test_one_cpu_gets_no_delivery_process_by_default(tmp_path: Path) -> None:
    """On a single CPU a second process would only add work (docs/performance.md)."""
    port = free_port()
    serve = serve_command(port, f"sqlite:///{tmp_path / 'wamm.db'}", "--log-level", "info")
    log_path = tmp_path / "wamm.log"
    with running_process(["taskset", "-c", "0", *serve], log_path):
        wait_until(lambda: answers(port), "the server's start", log_path.read_text)
        ready = httpx.get(f"http://127.0.0.1:{port}/_wamm/ready").json()
    assert (ready["dispatcher"], ready["delivery_process"]) == (True, None)
    assert ready["delivery_process_delivering"] is None
    assert not STARTED.findall(log_path.read_text())


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (("--database", "sqlite://"), "no delivery process with an in-memory database"),
        (("--workers", "2"), "no delivery process with several server processes"),
    ],
)
def test_refused_where_no_second_process_can_share_the_database(
    arguments: tuple[str, ...], reason: str
) -> None:
    port = str(free_port())  # never bound: the options are refused first
    result = run_cli("serve", "--port", port, "--delivery-process", *arguments)
    assert result.returncode == 2
    assert reason in " ".join(result.stderr.split())


def test_several_server_processes_need_a_database_file() -> None:
    port = str(free_port())  # never bound: the option is refused first
    result = run_cli("serve", "--port", port, "--database", "sqlite://", "--workers", "2")
    assert result.returncode == 2
    stderr = " ".join(result.stderr.split())
    assert "several server processes need a database file or PostgreSQL" in stderr
    assert "an in-memory database lives in one process" in stderr


@pytest.mark.parametrize(
    ("signum", "reach"),
    [(signal.SIGINT, "group"), (signal.SIGTERM, "group"), (signal.SIGTERM, "every process")],
)
def test_a_signal_stops_the_server_and_its_delivery_process_cleanly(
    tmp_path: Path, signum: int, reach: str
) -> None:
    """Ctrl-C in a terminal (SIGINT to the server's process group), a group SIGTERM, or a
    service manager signalling every process of the service (systemd): both processes exit,
    nothing is restarted, nothing fails on the way. The delivery process has a process group of
    its own, so a signal to the server's group while it is still starting up (as here: right
    after the server announces it) cannot kill it mid-import."""
    port = free_port()
    command = serve_command(port, f"sqlite:///{tmp_path / 'wamm.db'}", "--log-level", "info")
    log_path = tmp_path / "wamm.log"
    with running_process(command, log_path, new_session=True) as group:
        wait_until(lambda: answers(port), "the server's start", log_path.read_text)
        (courier,) = [int(pid) for pid in STARTED.findall(log_path.read_text())]
        assert os.getpgid(courier) != os.getpgid(group.pid)
        if reach == "group":
            os.killpg(group.pid, signum)
        else:
            os.kill(courier, signum)
            os.kill(group.pid, signum)
        # uvicorn ends a graceful shutdown on SIGTERM by raising the signal again
        assert group.wait(timeout=WAIT_SECONDS) in (0, -signum)
    wait_until(lambda: parent_of(courier) in (None, 1), "its exit", log_path.read_text)
    output = log_path.read_text()
    assert "Fatal Python error" not in output
    assert "starting another" not in output
    assert "Finished server process" in output
