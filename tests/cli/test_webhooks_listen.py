"""`wamm webhooks listen`: a real delivery from the server, verified and printed."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.cli.conftest import cli_env, run_cli
from wamm.client import Client, TemplateMessage
from wamm.client import parameters as p
from wamm.testing.control import ControlError
from wamm.testing.plugin import WammClock
from wamm.testing.process import free_port, running_process, wamm_command
from wamm.testing.server import WammServer

VERIFY_TOKEN = "listen-verify-token"
START_TIMEOUT = 20.0
FLASH = TemplateMessage(
    "flash_deal",
    "en_US",
    [p.body(p.text("Ana", name="first_name"), p.text("X1", name="code"))],
)


@contextmanager
def listening(server: WammServer, output: Path, *extra: str) -> Iterator[str]:
    """Run `wamm webhooks listen` on a free port, make it the app's callback, yield its URL."""
    port = free_port()
    command = wamm_command(
        *("webhooks", "listen", "--port", str(port), "--verify-token", VERIFY_TOKEN), *extra
    )
    env = cli_env(server, WAMM_APP_SECRET=server.app_secret)
    with running_process(command, output, env=env):
        url = f"http://127.0.0.1:{port}/hook"
        register(server, url)
        yield url


def register(server: WammServer, url: str) -> None:
    """Set the callback once the receiver answers wamm's handshake."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            server.control.set_webhook(server.app_id, url, VERIFY_TOKEN)
            return
        except ControlError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_for_text(path: Path, text: str) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while text not in (content := path.read_text()):
        assert time.monotonic() < deadline, content
        time.sleep(0.05)
    return content


@pytest.fixture
def listen_log(tmp_path: Path) -> Path:
    return tmp_path / "listen.log"


def test_listen_verifies_and_prints_a_real_delivery(
    wamm_server: WammServer, wamm_client: Client, wamm_clock: WammClock, listen_log: Path
) -> None:
    with listening(wamm_server, listen_log) as url:
        sent = wamm_client.send_marketing(wamm_server.phone_number_id, FLASH, to="5511987654321")
        wamm_clock.advance(3600)
        forged = httpx.post(url, content=b"{}", headers={"X-Hub-Signature-256": "sha256=00"})
        assert forged.status_code == 401
        log = wait_for_text(listen_log, "refused a POST: HTTP 401")
    assert "listening for webhooks on http://127.0.0.1:" in log
    for status in ("sent", "delivered", "read"):
        assert f"status {status} {sent.wamid} to 5511987654321" in log
    assert "route marketing_messages pricing marketing_lite" in log


def test_listen_prints_json_lines(
    wamm_server: WammServer, wamm_client: Client, wamm_clock: WammClock, listen_log: Path
) -> None:
    with listening(wamm_server, listen_log, "--json"):
        sent = wamm_client.send_marketing(wamm_server.phone_number_id, FLASH, to="16505551234")
        wamm_clock.advance(60)
        wait_for_text(listen_log, '"status": "failed"')
    lines = [json.loads(line) for line in listen_log.read_text().splitlines() if line[:1] == "{"]
    (failed,) = [u for u in lines if u["status"]["id"] == sent.wamid]
    assert failed["type"] == "StatusUpdate"
    assert failed["status"]["errors"][0]["code"] == 131049  # no marketing to US numbers


def test_listen_needs_its_secret(tmp_path: Path, wamm_server: WammServer) -> None:
    env = {k: v for k, v in cli_env(wamm_server).items() if k != "WAMM_APP_SECRET"}
    done = subprocess.run(
        wamm_command("webhooks", "listen", "--verify-token", "x"),
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "--app-secret" in done.stderr


LISTEN = ("webhooks", "listen", "--app-secret", "s", "--verify-token", "v")


@pytest.mark.parametrize(
    ("command", "port", "bound"),
    [
        (LISTEN, "99999", "less than or equal to 65535"),
        (LISTEN, "0", "greater than or equal to 1"),
        (("serve",), "70000", "less than or equal to 65535"),
    ],
)
def test_a_port_outside_1_to_65535_is_refused_at_once(
    tmp_path: Path, wamm_server: WammServer, command: tuple[str, ...], port: str, bound: str
) -> None:
    result = run_cli(*command, "--port", port, env=cli_env(wamm_server), cwd=tmp_path)
    name = " ".join(command[:2])
    assert (result.code, result.stdout, result.stderr) == (
        2,
        "",
        f"Error: Invalid value for '--port': Input should be {bound}\n"
        f"Try 'wamm {name} --help' for help.\n",
    )


@pytest.mark.parametrize("command", [LISTEN, ("serve", "--database", "sqlite://")])
def test_a_port_in_use_exits_3(
    tmp_path: Path, wamm_server: WammServer, command: tuple[str, ...]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli(*command, "--port", str(port), env=cli_env(wamm_server), cwd=tmp_path)
    assert (result.code, result.stdout, result.stderr) == (
        3,
        "",
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use (another process "
        "listens there: stop it, or pick another --port)\n",
    )


def test_a_port_in_use_with_json(tmp_path: Path, wamm_server: WammServer) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli(*LISTEN, "--port", str(port), "--json", env=cli_env(wamm_server))
    assert (result.code, result.stderr) == (3, "")
    assert result.json()["error"]["class"] == "ListenError"
