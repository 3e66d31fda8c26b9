"""End-to-end fixtures: a real `python -m wamm serve` process on a loopback port."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import seed_data

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.05


@dataclass(frozen=True)
class LiveServer:
    """A running wamm process, its base URL and where its output goes."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    database_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def reset(self, document: Mapping[str, Any]) -> None:
        """Wipe the server's state and apply `document` (POST /_wamm/reset)."""
        response = httpx.post(f"{self.base_url}/_wamm/reset", json=document, timeout=10)
        assert response.status_code == 200, f"{response.text}\n--- server log ---\n{self.log()}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_seed(directory: Path, document: Mapping[str, Any]) -> Path:
    path = directory / "seed.json"
    path.write_text(json.dumps(document))
    return path


def serve_command(port: int, database_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        *("-m", "wamm", "serve", "--host", "127.0.0.1", "--port", str(port)),
        *("--database", f"sqlite:///{database_path}"),
        *extra,
    ]


def subprocess_env() -> dict[str, str]:
    # A wide console keeps rich from wrapping banner lines in the log.
    return {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}


def wait_until_healthy(server: LiveServer, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll GET /_wamm/health until it answers; fail with the log on exit or timeout."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=server.base_url, timeout=1.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(
                    f"wamm exited with {server.process.returncode} before answering\n{server.log()}"
                )
            with contextlib.suppress(httpx.TransportError):
                if client.get("/_wamm/health").status_code == 200:
                    return
            time.sleep(POLL_INTERVAL)
    pytest.fail(f"wamm did not answer /_wamm/health within {timeout:.0f}s\n{server.log()}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop exactly this process: terminate, then kill if it does not exit in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def running_wamm(
    directory: Path, *extra: str, database_path: Path | None = None
) -> Iterator[LiveServer]:
    """Start `wamm serve` with `extra` arguments and stop it (by PID) on exit."""
    port = free_port()
    database_path = database_path or directory / "wamm.db"
    log_path = directory / f"wamm-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            serve_command(port, database_path, *extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=subprocess_env(),
        )
        server = LiveServer(f"http://127.0.0.1:{port}", process, log_path, database_path)
        try:
            wait_until_healthy(server)
            yield server
        finally:
            stop_process(process)


@pytest.fixture(scope="module")
def _wamm_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("wamm")
    seed_file = write_seed(directory, seed_data.seed())
    with running_wamm(directory, "--seed", str(seed_file)) as server:
        yield server


@pytest.fixture
def live_server(_wamm_process: LiveServer) -> LiveServer:
    """One server per module, reset to `tests.seed_data.seed()` before every test."""
    _wamm_process.reset(seed_data.seed())
    return _wamm_process


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the server log to the report of a failed test that used a live server."""
    report: pytest.TestReport = yield
    if report.failed:
        funcargs = getattr(item, "funcargs", {})
        servers = {id(v): v for v in funcargs.values() if isinstance(v, LiveServer)}
        for server in servers.values():
            report.sections.append((f"wamm server log ({server.base_url})", server.log()))
    return report
