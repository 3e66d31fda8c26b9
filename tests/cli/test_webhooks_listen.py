"""`wamm webhooks listen`: a real delivery from the server, verified and printed."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import ANY

import httpx
import pytest

from tests.cli.conftest import cli_env, run_cli
from wamm.client import Client, TemplateMessage
from wamm.client import parameters as p
from wamm.testing.plugin import WammClock
from wamm.testing.process import free_port, running_process, wamm_command
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

VERIFY_TOKEN = "listen-verify-token"
START_TIMEOUT = 20.0
FLASH = TemplateMessage(
    "flash_deal",
    "en_US",
    [p.body(p.text("Ana", name="first_name"), p.text("X1", name="code"))],
)


@contextmanager
def listening(server: WammServer, output: Path, *extra: str) -> Iterator[str]:
    """Run `wamm webhooks listen` on a free port until it is the app's callback; yield its
    URL. On exit the receiver is stopped (SIGTERM) and has put the previous callback back."""
    port = free_port()
    command = wamm_command("webhooks", "listen", "--port", str(port), *extra)
    with running_process(command, output, env=cli_env(server)):
        wait_for_text(output, "as the webhook callback of app")
        yield f"http://127.0.0.1:{port}/"


def callback_of(server: WammServer) -> dict[str, str] | None:
    (app,) = [a for a in server.control.state()["apps"] if a["id"] == server.app_id]
    webhook: dict[str, str] | None = app["webhook"]
    return webhook


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


def test_listen_registers_itself_and_removes_itself_on_exit(
    wamm_server: WammServer, listen_log: Path
) -> None:
    assert callback_of(wamm_server) is None
    with listening(wamm_server, listen_log) as url:
        webhook = callback_of(wamm_server)
        assert webhook is not None
        assert webhook["url"] == url
        assert "warning" not in wamm_server.control("GET", "/webhooks")
    log = wait_for_text(listen_log, "removed the callback")
    assert f"registered {url} as the webhook callback of app {wamm_server.app_id}" in log
    assert f"removed the callback of app {wamm_server.app_id}" in log
    assert callback_of(wamm_server) is None
    assert "No app has a webhook callback" in wamm_server.control("GET", "/webhooks")["warning"]


def test_listen_restores_the_previous_callback(
    wamm_server: WammServer, wamm_webhooks: ThreadedReceiver, listen_log: Path
) -> None:
    before = callback_of(wamm_server)
    assert before is not None
    with listening(wamm_server, listen_log) as url:
        assert callback_of(wamm_server) == {"url": url, "verify_token": ANY}
    wait_for_text(listen_log, "restored the callback")
    assert callback_of(wamm_server) == before


def test_listen_keep_stays_the_callback(wamm_server: WammServer, listen_log: Path) -> None:
    with listening(wamm_server, listen_log, "--keep", "--verify-token", VERIFY_TOKEN) as url:
        pass
    assert callback_of(wamm_server) == {"url": url, "verify_token": VERIFY_TOKEN}
    log = listen_log.read_text()
    assert "removed the callback" not in log
    assert "restored the callback" not in log


def test_listen_names_the_app_when_there_are_several(
    tmp_path: Path, wamm_server: WammServer
) -> None:
    wamm_server.control.seed({"apps": [{"id": "900000000000777", "secret": "other"}]})
    result = run_cli("webhooks", "listen", "--port", str(free_port()), env=cli_env(wamm_server))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"Error: wamm has 2 apps ({wamm_server.app_id}, 900000000000777): choose one with --app-id"
    ), result.stderr
    result = run_cli(
        "webhooks", "listen", "--app-id", "42", "--port", str(free_port()), env=cli_env(wamm_server)
    )
    assert result.code == 2
    assert "wamm has no app 42" in result.stderr


def test_listen_without_registering_needs_its_secret(
    tmp_path: Path, wamm_server: WammServer
) -> None:
    result = run_cli(
        "webhooks", "listen", "--no-register", "--verify-token", "x", env=cli_env(wamm_server)
    )
    assert (result.code, result.stdout) == (2, "")
    assert "--app-secret is required with --no-register" in result.stderr


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
