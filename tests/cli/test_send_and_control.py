"""`wamm send`, `wamm seed`, `wamm reset`, and the exit codes: 1 API error, 2 usage error,
3 network error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, no_traceback
from wamm.testing.process import free_port
from wamm.testing.server import WammServer

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
    args = ("send", "--to", ANA, "-t", "summer_sale", "-p", "1=Ana", "-p", "2=20%")
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


def test_seed_mistakes(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "wrong.yaml").write_text("settings: {clock: sometimes}\n")
    invalid = cli("seed", "wrong.yaml")
    assert invalid.code == 1
    assert "WammSeedError" in invalid.stderr and "$.settings.clock" in invalid.stderr
    (tmp_path / "text.yaml").write_text("just words\n")
    assert cli("seed", "text.yaml").code == 2
    assert cli("reset", "text.yaml", "--demo").code == 2
