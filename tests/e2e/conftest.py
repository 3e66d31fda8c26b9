"""End-to-end fixtures: a real `python -m wamm serve` process on a loopback port, and a
webhook receiver served from its own thread so blocking test code never stalls it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiohttp import web

from tests import seed_data
from wamm.testing.receiver import Delivery, WebhookReceiver

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
POLL_INTERVAL = 0.05
CONTROL_TIMEOUT = 30.0
VERIFY_TOKEN = "e2e-verify-token"
T = TypeVar("T")


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

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the control API (`/_wamm{path}`); fail with the server log unless it answers 200."""
        response = httpx.request(
            method, f"{self.base_url}/_wamm{path}", timeout=CONTROL_TIMEOUT, **kwargs
        )
        assert response.status_code == 200, f"{response.text}\n--- server log ---\n{self.log()}"
        return response.json()

    def graph(self, path: str, body: Mapping[str, Any], token: str = seed_data.TOKEN) -> Any:
        """POST a Graph call (v23.0); fail with the server log unless it answers 200."""
        response = httpx.post(
            f"{self.base_url}/v23.0/{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=CONTROL_TIMEOUT,
        )
        assert response.status_code == 200, f"{response.text}\n--- server log ---\n{self.log()}"
        return response.json()

    def settle(self, seconds: float) -> dict[str, int]:
        """Advance the virtual clock, then wait until every due webhook is delivered or
        rescheduled; returns the outbox summary by state."""
        self.control("POST", "/clock/advance", json={"seconds": seconds})
        summary: dict[str, int] = self.control("POST", "/webhooks/drain", json={"timeout": 20})[
            "summary"
        ]
        return summary

    def kill(self) -> None:
        """Crash the server: SIGKILL exactly this process (no shutdown code runs) and reap it."""
        kill_process(self.process)


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


def kill_process(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL exactly this process (by its PID) and wait for it to be gone."""
    assert process.poll() is None, f"the process had already exited ({process.returncode})"
    process.kill()
    process.wait(timeout=STOP_TIMEOUT)
    if os.name == "posix":  # elsewhere kill() is TerminateProcess, with no signal to show
        assert process.returncode == -signal.SIGKILL, process.returncode


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


def webhook_seed(url: str, **overrides: Any) -> dict[str, Any]:
    """`tests.seed_data.seed(**overrides)` with the app's callback pointed at `url`."""
    document = seed_data.seed(**overrides)
    document["apps"][0]["webhook"] = {"url": url, "verify_token": VERIFY_TOKEN}
    return document


# --- a webhook receiver in its own thread --------------------------------------------------------


class ThreadedReceiver:
    """A `WebhookReceiver` served by an event loop in a background thread.

    The tests drive wamm with blocking calls (httpx, process start and stop); a receiver on the
    test's own loop would stall meanwhile. Here it answers whenever wamm posts. The recorded
    deliveries are read from the test thread through snapshots.
    """

    def __init__(self, app_secret: str, verify_token: str = VERIFY_TOKEN) -> None:
        self.receiver = WebhookReceiver(app_secret=app_secret, verify_token=verify_token)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="webhook-receiver", daemon=True
        )
        self._thread.start()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(STOP_TIMEOUT)

    @property
    def url(self) -> str:
        return self.receiver.url

    def start(self) -> None:
        """Listen (again, on the same port once it has been started before)."""
        self._call(self.receiver.start())

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until `start`."""
        self._call(self.receiver.stop())

    def deliveries(self) -> list[Delivery]:
        async def snapshot() -> list[Delivery]:
            return list(self.receiver.deliveries)

        return self._call(snapshot())

    def statuses(self) -> list[dict[str, Any]]:
        return [s for d in self.deliveries() for s in d.statuses()]

    def rejected(self) -> list[str]:
        async def snapshot() -> list[str]:
            return list(self.receiver.rejected)

        return self._call(snapshot())

    @property
    def verifications(self) -> int:
        return self.receiver.verifications

    def close(self) -> None:
        try:
            self.stop()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(STOP_TIMEOUT)
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()


@contextlib.contextmanager
def threaded_receiver(app_secret: str = seed_data.APP_SECRET) -> Iterator[ThreadedReceiver]:
    receiver = ThreadedReceiver(app_secret)
    try:
        receiver.start()
        yield receiver
    finally:
        receiver.close()


@pytest.fixture
def webhook_receiver() -> Iterator[ThreadedReceiver]:
    """A started receiver for the seed app's secret and `VERIFY_TOKEN`, closed after the test."""
    with threaded_receiver() as receiver:
        yield receiver


# --- the shared server -------------------------------------------------------------------------


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


# --- several processes: any command, and a receiver that can hold POSTs ---------------------------


def wamm_command(*args: str) -> list[str]:
    """`python -m wamm ARGS` with this interpreter."""
    return [sys.executable, "-m", "wamm", *args]


@contextlib.contextmanager
def running_process(command: list[str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command` (output to `log_path`) and stop exactly it, by its PID, on exit; a
    process left suspended (SIGSTOP) is continued first so it can terminate."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=subprocess_env(),
        )
        try:
            yield process
        finally:
            if process.poll() is None and os.name == "posix":
                process.send_signal(signal.SIGCONT)
            stop_process(process)


@dataclass
class HoldingReceiver(WebhookReceiver):
    """A `WebhookReceiver` that can hold POSTs: while holding, each POST waits unanswered (its
    sender keeps the rows leased) and is kept apart in `held`, never recorded as a delivery;
    `release` answers the held ones 503 (not acknowledged). Verification GETs are not held."""

    holding: bool = False
    held: list[bytes] = field(default_factory=list)
    _released: asyncio.Event | None = None

    async def hold(self) -> None:
        self._released = asyncio.Event()
        self.holding = True

    async def release(self) -> None:
        self.holding = False
        if self._released is not None:
            self._released.set()

    async def _receive(self, request: web.Request) -> web.Response:
        if not self.holding or self._released is None:
            return await super()._receive(request)
        released = self._released
        self.held.append(await request.read())
        await released.wait()
        return web.Response(status=503, text="held, not acknowledged")


class ThreadedHoldingReceiver(ThreadedReceiver):
    """`ThreadedReceiver` around a `HoldingReceiver`."""

    def __init__(self, app_secret: str, verify_token: str = VERIFY_TOKEN) -> None:
        super().__init__(app_secret, verify_token)
        self.receiver: HoldingReceiver = HoldingReceiver(
            app_secret=app_secret, verify_token=verify_token
        )

    def hold(self) -> None:
        self._call(self.receiver.hold())

    def release(self) -> None:
        self._call(self.receiver.release())

    def held(self) -> list[bytes]:
        async def snapshot() -> list[bytes]:
            return list(self.receiver.held)

        return self._call(snapshot())


@contextlib.contextmanager
def threaded_holding_receiver(
    app_secret: str = seed_data.APP_SECRET,
) -> Iterator[ThreadedHoldingReceiver]:
    receiver = ThreadedHoldingReceiver(app_secret)
    try:
        receiver.start()
        yield receiver
    finally:
        receiver.close()
