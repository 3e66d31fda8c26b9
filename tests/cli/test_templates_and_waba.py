"""`wamm templates ...` and `wamm waba ...`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, no_traceback
from wamm.testing.server import WammServer

DEMO_TEMPLATES = {"summer_sale", "flash_deal", "max_price_promo", "order_update"}
SPRING = """\
name: spring_sale
language: en_US
category: MARKETING
components:
  - type: BODY
    text: "Hi {{1}}, spring prices start at {{2}} today"
    example: {body_text: [["Ana", "$5"]]}
"""


def test_list_prints_a_table_and_json(cli: Cli) -> None:
    table = cli("templates", "list")
    assert table.code == 0, table.stderr
    assert "summer_sale" in table.stdout and "4 template(s)" in table.stdout

    listed = cli("templates", "list", "--json", "--category", "UTILITY")
    assert listed.code == 0, listed.stderr
    assert [t["name"] for t in listed.json()] == ["order_update"]
    assert {t["name"] for t in cli("templates", "list", "--json").json()} == DEMO_TEMPLATES
    assert len(cli("templates", "list", "--json", "--limit", "2").json()) == 2


def test_create_show_and_delete(cli: Cli, tmp_path: Path, wamm_server: WammServer) -> None:
    (tmp_path / "spring.yaml").write_text(SPRING)
    created = cli("templates", "create", "spring.yaml", "--json")
    assert created.code == 0, created.stderr
    assert created.json()["status"] == "APPROVED"

    by_name = cli("templates", "show", "spring_sale", "--json").json()
    assert by_name["id"] == created.json()["id"]
    assert by_name["components"][0]["text"].startswith("Hi {{1}}")
    by_id = cli("templates", "show", created.json()["id"])
    assert by_id.code == 0 and "spring prices" in by_id.stdout

    deleted = cli("templates", "delete", "spring_sale", "--json")
    assert deleted.json() == {"name": "spring_sale", "success": True}
    gone = cli("templates", "show", "spring_sale")
    assert gone.code == 1
    assert f"no template named 'spring_sale' in WABA {wamm_server.waba_id}" in gone.stderr


def test_a_rejection_shows_metas_explanation(cli: Cli, tmp_path: Path) -> None:
    """`error_user_title` and `error_user_msg` are printed, in text and in JSON."""
    (tmp_path / "spring.yaml").write_text(SPRING)
    assert cli("templates", "create", "spring.yaml").code == 0
    again = cli("templates", "create", "spring.yaml")
    assert again.code == 1
    assert "error_user_title: Content in This Language Already Exists" in again.stderr
    assert "\n  error_user_msg: " in again.stderr
    as_json = cli("templates", "create", "spring.yaml", "--json").json()["error"]
    assert as_json["error_user_title"] == "Content in This Language Already Exists"
    assert as_json["error_user_msg"] in again.stderr


def test_a_definition_meta_would_reject_is_refused_locally(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(SPRING.replace("today", ""))  # ends with {{2}}
    refused = cli("templates", "create", "bad.yaml", "--json")
    assert refused.code == 1
    error = refused.json()["error"]
    assert (error["class"], error["code"], error["subcode"]) == ("ValidationError", 100, 2388299)


def test_definition_file_mistakes_are_usage_errors(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text(SPRING + "colour: blue\n")
    (tmp_path / "list.yaml").write_text("- a\n")
    for name, message in [("extra.yaml", "unknown keys ['colour']"), ("list.yaml", "mapping")]:
        result = cli("templates", "create", name)
        assert result.code == 2, result.stderr
        assert message in result.stderr
        no_traceback(result)
    assert cli("templates", "create", "missing.yaml").code == 2


BROKEN_YAML = "name: [spring_sale\nlanguage: en_US\n"
YAML_PROBLEM = (
    "line 2, column 9: expected ',' or ']', but got ':' (while parsing a flow sequence at "
    "line 1, column 7)"
)


@pytest.mark.parametrize(
    ("command", "what"),
    [(("templates", "create"), "template definition"), (("seed",), "seed file")],
    ids=["templates-create", "seed"],
)
def test_a_yaml_error_is_one_line_with_file_line_and_column(
    cli: Cli, tmp_path: Path, command: tuple[str, ...], what: str
) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN_YAML)
    message = f"cannot read {what} broken.yaml: {YAML_PROBLEM}"
    human = cli(*command, "broken.yaml")
    assert (human.code, human.stdout, human.stderr) == (2, "", f"Error: {message}\n")
    as_json = cli(*command, "broken.yaml", "--json")
    assert (as_json.code, as_json.stderr) == (2, "")
    assert as_json.json() == {"error": {"class": "UsageError", "message": message}}


def test_waba_show_and_set(cli: Cli, wamm_server: WammServer) -> None:
    shown = cli("waba", "show")
    assert shown.code == 0 and "ONBOARDED" in shown.stdout

    changed = cli(
        "waba",
        "set",
        "--no-marketing-on-cloud-api",
        "--creative-feature",
        "image_touchups=opt_in",
        "--json",
    )
    assert changed.code == 0, changed.stderr
    waba = changed.json()
    assert waba["id"] == wamm_server.waba_id
    assert waba["disable_marketing_messages_on_cloud_api"] is True
    (features,) = waba["degrees_of_freedom_spec"]["data"][0]["creative_features_spec"]
    assert features["image_touchups"] == "OPT_IN"
    assert cli("waba", "show", "--json").json()["disable_marketing_messages_on_cloud_api"]


def test_waba_set_needs_a_change(cli: Cli) -> None:
    result = cli("waba", "set")
    assert result.code == 2
    assert "nothing to change" in result.stderr


def test_the_banners_graph_url_works_as_the_base_url(cli: Cli, wamm_server: WammServer) -> None:
    """`WAMM_BASE_URL` pasted with the version `wamm serve` prints works for Graph commands
    and for commands of the control API alike."""
    graph_url = f"{wamm_server.base_url}/v25.0"
    listed = cli("templates", "list", "--json", WAMM_BASE_URL=graph_url)
    assert listed.code == 0, listed.stderr
    assert {t["name"] for t in listed.json()} == DEMO_TEMPLATES
    seeded = cli("reset", "--demo", "--json", WAMM_BASE_URL=graph_url)
    assert seeded.code == 0, seeded.stderr
