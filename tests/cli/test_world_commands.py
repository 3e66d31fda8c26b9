"""`wamm messages`, `wamm webhooks log|retry`, `wamm clock`, `wamm users` and `wamm inbound`: the
control API from the shell. The commands run in-process (Typer's runner) against a real server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import cli_env
from wamm.cli.clock import parse_duration
from wamm.cli.common import UsageError
from wamm.cli.main import app
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

ANA = "5511987654321"
SALE = ("-t", "summer_sale", "-p", "1=Ana", "-p", "2=20%", "-p", "button.0=summer")


class Shell:
    """`shell(*args)`: one `wamm` command, in-process, aimed at the test's server."""

    def __init__(self, server: WammServer) -> None:
        self.env = {**cli_env(server), "COLUMNS": "250"}
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Any:
        result = self.runner.invoke(app, list(args), env=self.env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def shell(wamm_server: WammServer) -> Shell:
    return Shell(wamm_server)


def test_messages_list_and_show_follow_the_clock(shell: Shell) -> None:
    wamid = shell.json("send", "--to", ANA, *SALE)["messages"][0]["id"]
    (listed,) = shell.json("messages", "list")
    assert (listed["wamid"], listed["status"]) == (wamid, "accepted")
    table = shell("messages", "list").stdout
    assert wamid in table and "summer_sale" in table and "1 message(s)" in table

    moved = shell.json("clock", "advance", "1h")
    assert moved["outbox"].get("pending", 0) == 0
    shown = shell.json("messages", "show", wamid)
    assert shown["status"] == "read"
    assert [e["status"] for e in shown["events"]] == ["sent", "delivered", "read"]
    text = shell("messages", "show", wamid).stdout
    assert "marketing_lite" in text and "delivered" in text
    assert shell.json("messages", "list", "--status", "accepted") == []


def test_messages_show_without_a_wamid_shows_the_newest(shell: Shell) -> None:
    nothing = shell.runner.invoke(app, ["messages", "show"], env=shell.env)
    assert nothing.exit_code == 1
    assert "no message yet: send one first" in nothing.output
    shell("send", "--to", ANA, *SALE)
    newest = shell.json(
        "send", "--to", ANA, "-t", "flash_deal", "-p", "first_name=Ana", "-p", "code=SAVE10"
    )
    assert shell.json("messages", "show")["wamid"] == newest["messages"][0]["id"]


def test_webhooks_log_shows_deliveries(
    shell: Shell, wamm_server: WammServer, wamm_webhooks: ThreadedReceiver
) -> None:
    wamid = shell.json("send", "--to", ANA, *SALE)["messages"][0]["id"]
    shell("clock", "advance", "1h")
    logged = shell.json("webhooks", "log", "--wamid", wamid)
    assert {(d["wamid"], d["state"]) for d in logged} == {(wamid, "delivered")}
    assert len(wamm_webhooks.statuses()) == 3
    assert len(logged) == len(wamm_server.control.webhooks(wamid=wamid))
    assert f"{len(logged)} delivery(ies)" in shell("webhooks", "log", "--wamid", wamid).stdout


def test_webhooks_retry_sends_failed_deliveries_again(
    shell: Shell, wamm_server: WammServer, wamm_webhooks: ThreadedReceiver
) -> None:
    quick_give_up = {"retry_initial_seconds": 10, "retry_window_seconds": 30}
    wamm_server.control.seed({"settings": {"webhooks": quick_give_up}})
    wamm_webhooks.receiver.fail_next = [500] * 3
    wamid = shell.json("send", "--to", ANA, *SALE)["messages"][0]["id"]
    assert shell.json("clock", "advance", "1h")["outbox"] == {"failed": 3}
    assert shell.json("webhooks", "retry", "--wamid", wamid) == {"success": True, "requeued": 3}
    assert "0 failed delivery(ies) re-queued" in shell("webhooks", "retry").stdout
    assert shell.json("clock", "advance", "1s")["outbox"] == {"delivered": 3}
    assert len(wamm_webhooks.statuses()) == 3


def test_clock_show_and_advance(shell: Shell) -> None:
    before = shell.json("clock", "show")
    assert before["mode"] == "manual"
    after = shell.json("clock", "advance", "1h30m", "--no-drain")
    assert after["now"] == before["now"] + 5400
    assert "outbox" not in after
    assert shell("clock", "show").stdout.startswith("now 2026-01-01 01:30:00 UTC")


def test_users_inbound_and_marketing(shell: Shell, wamm_server: WammServer) -> None:
    wrote = shell.json("inbound", "--from", ANA, "--text", "Hi there")
    assert wrote["from"] == ANA and wrote["phone_number_id"] == wamm_server.phone_number_id
    assert ANA in {u["phone"] for u in shell.json("users", "list")}
    stopped = shell.json("users", "marketing", ANA, "--stop")
    assert stopped == {"phone": ANA, "marketing_stopped": [wamm_server.waba_id]}
    assert "marketing resumed" in shell("users", "marketing", ANA, "--resume").stdout


def test_an_ad_entry_and_a_user_s_country(shell: Shell) -> None:
    referral = {"source_url": "https://fb.me/ad", "source_id": "120", "source_type": "ad"}
    wrote = shell.json("inbound", "--from", ANA, "--referral", json.dumps(referral))
    assert wrote["message"]["referral"] == referral
    assert wrote["entry_point"]["status"] == "awaiting_reply"
    line = shell("inbound", "--from", ANA, "--referral", json.dumps(referral)).stdout
    assert "UTC opens a free entry point window" in line
    assert shell.json("users", "country", ANA, "in")["country"] == "IN"
    assert shell("users", "country", ANA, "BR").stdout.strip() == f"{ANA}: BR"


def test_inbound_of_other_types(shell: Shell, tmp_path: Path) -> None:
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice")
    sent = shell.json(
        "inbound",
        "--from",
        ANA,
        "--type",
        "document",
        "--data-file",
        str(invoice),
        "--content",
        '{"filename": "invoice.pdf"}',
    )
    document = sent["message"]["document"]
    assert (document["filename"], document["mime_type"]) == ("invoice.pdf", "application/pdf")
    assert document["sha256"] == hashlib.sha256(b"%PDF-1.4 invoice").hexdigest()
    where = '{"latitude": 1.5, "longitude": 2.5}'
    located = shell("inbound", "--from", ANA, "--type", "location", "--content", where).stdout
    assert located.startswith(f"{ANA} sent a location message to ")
    changed = shell("inbound", "--from", ANA, "--type", "system").stdout
    assert changed.startswith(f"{ANA}: BSUID ")


def test_inbound_content_must_be_json(shell: Shell) -> None:
    result = shell.runner.invoke(
        app, ["inbound", "--from", ANA, "--type", "location", "--content", "{"], env=shell.env
    )
    assert result.exit_code == 2
    assert "not JSON" in result.output


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("7d", 604800), ("1h30m", 5400)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "1x", "-5", "1h-30m"])
def test_bad_durations_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="is not a duration"):
        parse_duration(text)
