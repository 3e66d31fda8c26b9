"""A real `python -m wamm serve` process on a free loopback port, for tests and benchmarks.

with running_wamm(tmp_path, "--no-demo") as server:
    server.control.reset(demo_seed())
    ...
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx

from wamm.client import DEFAULT_API_VERSION, AsyncClient, Client
from wamm.client.control import CONTROL_TIMEOUT, Control
from wamm.testing.process import (
    LOOPBACK,
    free_port,
    kill_process,
    running_process,
    subprocess_env,
    wamm_command,
)
from wamm.testing.seeds import WammIds, demo_seed
from wamm.testing.threaded import ThreadedReceiver

STARTUP_TIMEOUT = 20.0
POLL_INTERVAL = 0.05
VERIFY_TOKEN = "wamm-testing-verify-token"
DEMO_IDS = WammIds.from_seed(demo_seed())


class ServerStartError(RuntimeError):
    """wamm exited, or did not answer its health check in time; the message has its log."""


@dataclass(frozen=True)
class WammServer:
    """A running wamm process: where it listens, its log and database, and the ids of the
    seed it runs with (`ids`, `seed`), with helpers for the control and Graph APIs."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    database_path: Path | None  # None: not a SQLite file (`running_wamm(database_url=...)`)
    ids: WammIds = DEMO_IDS
    seed: Mapping[str, Any] | None = field(default=None, compare=False)
    api_version: str = DEFAULT_API_VERSION

    @property
    def graph_url(self) -> str:
        """The versioned Graph API base URL, e.g. `http://127.0.0.1:PORT/v25.0`."""
        return f"{self.base_url}/{self.api_version}"

    @cached_property
    def control(self) -> Control:
        """The control API (`/_wamm`): reset, seed, advance, drain, messages, webhooks..."""
        return Control(self.base_url)

    @property
    def token(self) -> str:
        """The seed's access token for `waba_id`."""
        return _required(self.ids.token, "token")

    @property
    def business_id(self) -> str:
        """The seed's first business portfolio."""
        return _required(self.ids.business_id, "business")

    @property
    def waba_id(self) -> str:
        """That business's first WABA."""
        return _required(self.ids.waba_id, "WABA")

    @property
    def phone_number_id(self) -> str:
        """That WABA's first business phone number."""
        return _required(self.ids.phone_number_id, "phone number")

    @property
    def app_id(self) -> str:
        """The seed's first app."""
        return _required(self.ids.app_id, "app")

    @property
    def app_secret(self) -> str:
        """The secret that app's webhooks are signed with."""
        return _required(self.ids.app_secret, "app secret")

    def ids_for(self, business: str) -> WammIds:
        """The ids of another business of the seed, by name or id."""
        return WammIds.from_seed(self.seed or {}, business)

    def with_seed(self, seed: Mapping[str, Any]) -> WammServer:
        """This server described with `seed` (its ids); nothing is sent to the server."""
        return replace(self, ids=WammIds.from_seed(seed), seed=seed)

    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(errors="replace")

    def reset(self, seed: Mapping[str, Any] | None = None) -> None:
        """Wipe the server's state and apply `seed` (`POST /_wamm/reset`)."""
        self.control.reset(seed)

    def settle(self, seconds: float) -> dict[str, int]:
        """Advance the virtual clock, then wait until every due webhook is delivered or
        rescheduled; returns the outbox summary by state."""
        return self.control.settle(seconds)

    def graph(self, path: str, body: Mapping[str, Any], token: str | None = None) -> Any:
        """POST a Graph call with the seed's token (or `token`); fail with the server log
        unless it answers 200."""
        response = httpx.post(
            f"{self.graph_url}/{path}",
            json=body,
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=CONTROL_TIMEOUT,
        )
        if response.status_code != 200:
            raise AssertionError(f"{response.text}\n--- server log ---\n{self.log()}")
        return response.json()

    def client(self, **options: Any) -> Client:
        """The SDK's blocking `Client` with the seed's token, bound to this server; `options`
        are `Client`'s (`retry`, `rate_limit`, ...)."""
        return Client(self.token, base_url=self.base_url, api_version=self.api_version, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """The SDK's `AsyncClient`, bound to this server. It keeps no connection open between
        requests, so any event loop may use it, and closing it is optional."""
        limits = httpx.Limits(max_keepalive_connections=0)
        transport = httpx.AsyncHTTPTransport(limits=limits)
        return AsyncClient(
            self.token,
            base_url=self.base_url,
            api_version=self.api_version,
            transport=transport,
            **options,
        )

    @contextlib.contextmanager
    def receive_webhooks(self, verify_token: str = VERIFY_TOKEN) -> Iterator[ThreadedReceiver]:
        """A webhook receiver on a free loopback port (in a background thread), registered as
        the seed app's callback (after wamm's `hub.challenge` handshake); closed on exit."""
        with ThreadedReceiver(self.app_secret, verify_token) as hooks:
            self.control.set_webhook(self.app_id, hooks.url, verify_token)
            yield hooks

    def point_pywa(self, wa: Any) -> Any:
        """Re-point a pywa `WhatsApp` client at this server (pywa has no base-URL option: its
        httpx session's base URL is replaced). Returns `wa`."""
        wa.api._session.base_url = self.graph_url
        return wa

    def kill(self) -> None:
        """Crash the server: SIGKILL exactly this process (no shutdown code runs) and reap it."""
        kill_process(self.process)


def _required(value: str | None, what: str) -> str:
    if value is None:
        raise LookupError(f"the seed this server runs with has no {what}")
    return value


def write_seed(directory: Path, document: Mapping[str, Any], name: str = "seed.json") -> Path:
    """Write `document` as a JSON seed file in `directory`."""
    path = directory / name
    path.write_text(json.dumps(document))
    return path


def serve_command(port: int, database_url: str, *extra: str) -> list[str]:
    """`python -m wamm serve` on `port` of the loopback interface with that database."""
    return wamm_command(
        *("serve", "--host", LOOPBACK, "--port", str(port)),
        *("--database", database_url),
        *extra,
    )


def wait_until_healthy(server: WammServer, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll `GET /_wamm/health` until it answers; `ServerStartError` with the log if the
    process exits or the time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise ServerStartError(f"wamm exited with {code} before answering\n{server.log()}")
        if Control(server.base_url, timeout=1.0).health():
            return
        time.sleep(POLL_INTERVAL)
    raise ServerStartError(f"wamm did not answer within {timeout:.0f}s\n{server.log()}")


@contextlib.contextmanager
def running_wamm(
    directory: Path,
    *extra: str,
    database_path: Path | None = None,
    database_url: str | None = None,
    ids: WammIds = DEMO_IDS,
    env: Mapping[str, str] | None = None,
) -> Iterator[WammServer]:
    """Start `wamm serve` (on `database_url`, else the SQLite file `database_path`, else
    `wamm.db` in `directory`) with `extra` arguments and `env` added to the environment, wait
    until it answers, and stop it (by its PID) on exit. `ids` describe the seed it runs with
    (the demo's by default)."""
    port = free_port()
    if database_url is None:
        database_path = database_path or directory / "wamm.db"
        database_url = f"sqlite:///{database_path}"
    else:
        database_path = None
    log_path = directory / f"wamm-{port}.log"
    command = serve_command(port, database_url, *extra)
    with running_process(command, log_path, subprocess_env(**(env or {}))) as process:
        server = WammServer(f"http://{LOOPBACK}:{port}", process, log_path, database_path, ids)
        wait_until_healthy(server)
        yield server
