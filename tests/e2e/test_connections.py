"""Slow, idle and too many connections against a real `wamm serve`: each is closed or refused
in time, and legitimate requests are still answered."""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LiveServer, free_port, running_process, running_wamm
from wamm.testing.server import WammServer, serve_command, wait_until_healthy

SLOW_CLIENTS = 40
CLOSE_WAIT = 15.0  # far beyond the 1 s request timeout the servers here run with
CAP = 3


@contextlib.contextmanager
def connections(
    server: LiveServer, count: int, first_bytes: bytes
) -> Iterator[list[socket.socket]]:
    """`count` connections to `server` that each sent `first_bytes` and then nothing more."""
    host, port = server.base_url.removeprefix("http://").split(":")
    opened = [socket.create_connection((host, int(port)), timeout=CLOSE_WAIT) for _ in range(count)]
    try:
        for sock in opened:
            if first_bytes:
                sock.sendall(first_bytes)
        yield opened
    finally:
        for sock in opened:
            sock.close()


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes `sock` without answering, within `CLOSE_WAIT` seconds."""
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


SLOW_REQUESTS = {
    "idle": b"",
    "slow headers": b"GET /_wamm/health HTTP/1.1\r\nHost: wamm\r\nX-Slow: ",
    "slow body": (
        b"POST /_wamm/clock/advance HTTP/1.1\r\nHost: wamm\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"sec'
    ),
    "slow Graph body": (
        b"POST /v23.0/106540352242922/messages HTTP/1.1\r\nHost: wamm\r\n"
        b"Authorization: Bearer wamm-demo-token\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
        b"messaging_product=whatsapp&to=5511"
    ),
}


@pytest.mark.parametrize("first_bytes", SLOW_REQUESTS.values(), ids=SLOW_REQUESTS.keys())
def test_connections_without_a_whole_request_are_closed_after_the_request_timeout(
    tmp_path: Path, first_bytes: bytes
) -> None:
    with (
        running_wamm(tmp_path, "--request-timeout", "1") as server,
        connections(server, SLOW_CLIENTS, first_bytes) as slow,
    ):
        served = httpx.get(f"{server.base_url}/_wamm/health", timeout=CLOSE_WAIT)
        assert (served.status_code, served.json()) == (200, {"status": "ok"})
        started = time.monotonic()
        closed = [closed_by_server(sock) for sock in slow]
        waited = time.monotonic() - started
        assert closed == [True] * SLOW_CLIENTS
        assert waited < CLOSE_WAIT
        assert "Traceback" not in server.log()


HEALTH = b"GET /_wamm/health HTTP/1.1\r\nHost: wamm\r\n\r\n"


def read_answer(sock: socket.socket) -> bytes:
    """One whole answer to a health check (a small body, sent with its length)."""
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_the_deadline_runs_from_each_request_start_on_a_kept_alive_connection(
    tmp_path: Path,
) -> None:
    """Whole requests on one connection keep it open, and a request begun later on it gets the
    whole timeout from its own start: the connection's watch, due one timeout after it opened,
    waits on instead of closing it."""
    with (
        running_wamm(tmp_path, "--request-timeout", "1") as server,
        connections(server, 1, b"") as (sock,),
    ):
        for _ in range(3):
            sock.sendall(HEALTH)
            assert read_answer(sock).endswith(b'{"status":"ok"}')
        time.sleep(0.5)  # the request below starts half-way to the connection's first deadline
        sock.sendall(SLOW_REQUESTS["slow headers"])
        started = time.monotonic()
        assert closed_by_server(sock)
        assert 0.8 < time.monotonic() - started < CLOSE_WAIT


def test_requests_beyond_the_connection_cap_get_a_503_graph_error(tmp_path: Path) -> None:
    with running_wamm(tmp_path, "--max-connections", str(CAP)) as server:
        partial = b"GET /_wamm/health HTTP/1.1\r\nHost: wamm\r\n"
        with connections(server, CAP, partial):
            refused = httpx.get(f"{server.base_url}/_wamm/health", timeout=CLOSE_WAIT)
        trace = refused.headers["x-fb-trace-id"]
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/json"
        assert refused.headers["connection"] == "close"
        assert refused.json() == {
            "error": {
                "message": "(#2) Service temporarily unavailable",
                "type": "OAuthException",
                "code": 2,
                "error_data": {
                    "messaging_product": "whatsapp",
                    "details": f"wamm serves at most {CAP} connections at once; retry later.",
                },
                "fbtrace_id": trace,
            }
        }
        assert _eventually_served(server)


def _eventually_served(server: LiveServer) -> bool:
    """Whether a request is answered 200 once the connections above are gone (the server
    notices the closes within moments)."""
    deadline = time.monotonic() + CLOSE_WAIT
    while time.monotonic() < deadline:
        if httpx.get(f"{server.base_url}/_wamm/health", timeout=CLOSE_WAIT).status_code == 200:
            return True
    return False


# Starts a command with the soft open-file limit lowered to 256 (as a shell's `ulimit -Sn`).
WITH_LOW_SOFT_LIMIT = (
    "import os, sys; from resource import RLIMIT_NOFILE as FILES, getrlimit, setrlimit; "
    "setrlimit(FILES, (256, getrlimit(FILES)[1])); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="reads /proc/PID/limits")
def test_serve_raises_the_soft_open_file_limit_to_the_hard_limit(tmp_path: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-c",
        WITH_LOW_SOFT_LIMIT,
        *serve_command(port, f"sqlite:///{tmp_path / 'w.db'}"),
    ]
    with running_process(command, tmp_path / "wamm.log") as process:
        server = WammServer(f"http://127.0.0.1:{port}", process, tmp_path / "wamm.log", tmp_path)
        wait_until_healthy(server)
        limits = Path(f"/proc/{process.pid}/limits").read_text()
    soft, hard = re.search(r"Max open files\s+(\S+)\s+(\S+)", limits).groups()  # type: ignore[union-attr]
    assert hard != "256"
    assert soft == hard
