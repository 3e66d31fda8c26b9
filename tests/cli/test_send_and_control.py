"""`wamm send`, `wamm seed`, `wamm reset`, and the exit codes: 1 API error, 2 usage error,
3 network error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from tests.cli.conftest import Cli, no_traceback
from wamm.cli.common import CliCommand
from wamm.cli.main import app
from wamm.testing.process import free_port
from wamm.testing.server import WammServer
from wamm.testing.threaded import ThreadedReceiver

ANA = "5511987654321"
ANA_BSUID = "BR.13491208655302741918"
SALE = ("-t", "summer_sale", "-p", "1=Ana", "-p", "2=20%", "-p", "button.0=summer")


def test_send_a_template_and_find_it_stored(cli: Cli, wamm_server: WammServer) -> None:
    sent = cli("send", "--to", ANA, *SALE, "--json")
    assert sent.code == 0, sent.stderr
    wamid = sent.json()["messages"][0]["id"]
    stored = wamm_server.control.message(wamid)
    assert (stored["endpoint"], stored["route"]) == ("marketing_messages", "marketing_messages")
    body = stored["payload"]["components"][0]["parameters"]
    assert [p["text"] for p in body] == ["Ana", "20%"]

    human = cli("send", "--to", ANA_BSUID, *SALE, "--endpoint", "messages")
    assert human.code == 0, human.stderr
    assert human.stdout.startswith("accepted wamid.")
    (latest, *_) = wamm_server.control.messages()
    assert (latest["endpoint"], latest["recipient"]["user_id"]) == ("messages", ANA_BSUID)


def test_send_named_values(cli: Cli) -> None:
    sent = cli("send", "--to", ANA, "-t", "flash_deal", "-p", "first_name=Ana", "-p", "code=X1")
    assert sent.code == 0, sent.stderr


def test_an_api_error_exits_1_with_code_details_and_trace(
    cli: Cli, wamm_server: WammServer
) -> None:
    initech = wamm_server.ids_for("Initech")  # marketing disabled on the Cloud API
    args: tuple[str, ...] = ("send", "--to", ANA, "-t", "summer_sale", "-p", "1=Ana", "-p", "2=20%")
    args += ("--endpoint", "messages", "--phone-number-id", initech.phone_number_id or "")
    refused = cli(*args)
    assert refused.code == 1
    assert "Error: 131063 OAuthException:" in refused.stderr
    assert "details: Your template is categorized as Marketing" in refused.stderr
    assert "fbtrace_id: " in refused.stderr
    no_traceback(refused)

    as_json = cli(*args, "--json")
    error = as_json.json()["error"]
    assert (error["code"], error["class"], error["http_status"]) == (
        131063,
        "MarketingTemplatesDisabledError",
        400,
    )
    assert error["fbtrace_id"] and error["details"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("send", "--to", ANA), {}, "give either --template or --text"),
        (("send", "--to", ANA, "-t", "x", "-p", "oops"), {}, "is not KEY=VALUE"),
        (("send", "--to", ANA, "-t", "x", "-p", "1=a", "-p", "name=b"), {}, "all named or all"),
        (("send", "--to", ANA, "--text", "hi", "--product-policy", "STRICT"), {}, "Cloud API"),
        (("send", "--to", ANA, *SALE), {"WAMM_TOKEN": ""}, "pass --token or set WAMM_TOKEN"),
        (("send", "--to", ANA, *SALE), {"WAMM_PHONE_NUMBER_ID": ""}, "--phone-number-id"),
        (("send", "--to", ANA, "--endpoint", "fax", *SALE), {}, "'fax' is not one of"),
        (("templates", "list", "--no-such-option"), {}, "No such option"),
    ],
)
def test_usage_errors_exit_2(
    cli: Cli, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    result = cli(*args, **env)
    assert result.code == 2, result.stderr
    assert message in result.stderr
    no_traceback(result)


HELP = "Try 'wamm {} --help' for help."
USAGE_MISTAKES = [
    pytest.param(
        ("send", "--to", ANA, *SALE),
        {"WAMM_TOKEN": ""},
        "no access token: pass --token or set WAMM_TOKEN",
        None,
        id="no-token",
    ),
    pytest.param(
        ("send", "--to", ANA, "-t", "x", "-p", "oops"),
        {},
        "'oops' is not KEY=VALUE (for example 1=Ana or first_name=Ana)",
        None,
        id="our-check-of-a-value",
    ),
    pytest.param(
        ("campaign", "-t", "summer_sale", "--recipients", "a.csv", "--concurrency", "0"),
        {},
        "Invalid value for '--concurrency': Input should be greater than or equal to 1",
        "campaign",
        id="bad-option-value",
    ),
    pytest.param(
        ("campaign", "-t", "summer_sale", "--recipients", "missing.csv"),
        {},
        "Invalid value for '--recipients': file 'missing.csv' does not exist.",
        "campaign",
        id="missing-file",
    ),
    pytest.param(
        ("campaign", "-t", "summer_sale", "--recipients", "bad.csv"),
        {},
        "bad.csv has no phone, to or recipient column (header: ['name'])",
        None,
        id="bad-csv",
    ),
    pytest.param(
        ("templates", "list", "--no-such-option"),
        {},
        "No such option: --no-such-option",
        "templates list",
        id="unknown-option",
    ),
    pytest.param(("send", "-t", "x"), {}, "Missing option '--to'.", "send", id="missing-option"),
    pytest.param(
        ("reset",),
        {"WAMM_BASE_URL": "localhost:8000"},
        "Invalid value for '--base-url' (env var: 'WAMM_BASE_URL'): 'localhost:8000' is not "
        "an http:// or https:// URL with a host, such as http://127.0.0.1:8000",
        "reset",
        id="bad-base-url",
    ),
    pytest.param(
        ("waba", "show"),
        {"WAMM_TOKEN": "wamm-demo-token\r"},
        "the token contains a control character (a line break?)",
        None,
        id="token-with-a-line-break",
    ),
]


@pytest.mark.parametrize(("args", "env", "message", "command"), USAGE_MISTAKES)
def test_usage_errors_are_one_line_or_a_json_document(
    cli: Cli,
    tmp_path: Path,
    args: tuple[str, ...],
    env: dict[str, str],
    message: str,
    command: str | None,
) -> None:
    (tmp_path / "a.csv").write_text(f"phone\n{ANA}\n")
    (tmp_path / "bad.csv").write_text("name\nAna\n")
    human = cli(*args, **env)
    hint = "" if command is None else HELP.format(command) + "\n"
    assert (human.code, human.stdout, human.stderr) == (2, "", f"Error: {message}\n{hint}")

    as_json = cli(*args, "--json", **env)
    assert (as_json.code, as_json.stderr) == (2, "")
    assert as_json.json() == {"error": {"class": "UsageError", "message": message}}


def test_every_command_with_json_output_reports_its_usage_errors_in_json() -> None:
    def commands(group: Any, path: str) -> Iterator[tuple[str, Any]]:
        for name, command in getattr(group, "commands", {}).items():
            yield f"{path} {name}", command
            yield from commands(command, f"{path} {name}")

    with_json = [
        (path, command)
        for path, command in commands(typer.main.get_command(app), "wamm")
        if any("--json" in param.opts for param in command.params)
    ]
    assert {"wamm send", "wamm templates list", "wamm messages list"} <= dict(with_json).keys()
    assert [path for path, command in with_json if not isinstance(command, CliCommand)] == []


def test_an_unreachable_server_exits_3(cli: Cli) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    for args in (("templates", "list"), ("reset",), ("send", "--to", ANA, *SALE)):
        result = cli(*args, "--base-url", nobody)
        assert result.code == 3, (args, result.stderr)
        assert f"cannot reach {nobody}" in result.stderr
        no_traceback(result)


def test_seed_and_reset(cli: Cli, tmp_path: Path, wamm_server: WammServer) -> None:
    seed = {"users": [{"phone": "447700900999", "name": "Ivy"}]}
    (tmp_path / "seed.json").write_text(json.dumps(seed))
    seeded = cli("seed", "seed.json", "--json")
    assert seeded.code == 0, seeded.stderr
    assert seeded.json()["applied"] == {"user": 1}
    phones = [u["phone"] for u in wamm_server.control("GET", "/users")["data"]]
    assert "447700900999" in phones

    emptied = cli("reset")
    assert emptied.code == 0, emptied.stderr
    assert wamm_server.control.state()["businesses"] == []

    demo = cli("reset", "--demo", "--json")
    assert demo.json()["applied"]["business"] == 3
    assert cli("templates", "list", "--json").code == 0


def test_reset_says_which_callbacks_it_dropped_and_can_keep_them(
    cli: Cli, wamm_server: WammServer, wamm_webhooks: ThreadedReceiver
) -> None:
    app_id = wamm_server.app_id
    callback = {"url": wamm_webhooks.url, "verify_token": wamm_webhooks.verify_token}
    kept = cli("reset", "--demo", "--keep-callbacks", "--json")
    assert kept.code == 0, kept.stderr
    assert kept.json()["callbacks"] == {"kept": [app_id], "dropped": []}
    assert kept.stderr == (f"the webhook callback of app {app_id}, {wamm_webhooks.url}, was kept\n")
    (app,) = wamm_server.control.state()["apps"]
    assert app["webhook"] == callback

    dropped = cli("reset", "--demo")
    assert dropped.code == 0, dropped.stderr
    assert dropped.stderr == (
        f"the webhook callback of app {app_id}, {wamm_webhooks.url}, was dropped "
        "(--keep-callbacks keeps it)\n"
    )
    (app,) = wamm_server.control.state()["apps"]
    assert app["webhook"] is None


@pytest.mark.parametrize("command", ["seed", "reset"])
def test_a_seed_the_server_refuses_exits_2_in_one_line_and_changes_nothing(
    cli: Cli, tmp_path: Path, wamm_server: WammServer, command: str
) -> None:
    (tmp_path / "wrong.yaml").write_text("settings: {clock: sometimes}\n")
    before = wamm_server.control.state()
    invalid = cli(command, "wrong.yaml")
    assert invalid.code == 2
    assert invalid.stderr.splitlines()[0] == (
        "Error: wrong.yaml: Invalid seed at $.settings.clock: Invalid enum value 'sometimes'; "
        "expected one of accelerated, manual, realtime"
    )
    assert wamm_server.control.state() == before
    assert before["businesses"]


def test_seed_mistakes(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "text.yaml").write_text("just words\n")
    assert cli("seed", "text.yaml").code == 2
    assert cli("reset", "text.yaml", "--demo").code == 2


def test_messages_conversion_records_a_conversion_after_a_click(
    cli: Cli, wamm_server: WammServer
) -> None:
    sent = cli("send", "--to", ANA, *SALE, "--json")
    wamid = sent.json()["messages"][0]["id"]
    refused = cli("messages", "conversion", wamid, "--type", "WEBSITE_PURCHASES")
    assert refused.code == 1 and "no link click" in refused.stderr
    wamm_server.control.settle(60)
    wamm_server.control.click(wamid)
    human = cli("messages", "conversion", wamid, "--type", "website_purchases", "--value", "12.5")
    assert human.code == 0, human.stderr
    assert human.stdout.strip() == f"recorded WEBSITE_PURCHASES for {wamid}"
    as_json = cli("messages", "conversion", wamid, "--type", "APP_ADD_TO_CART", "--json")
    assert as_json.json()["type"] == "APP_ADD_TO_CART"
