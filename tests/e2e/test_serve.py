"""Smoke tests of the `wamm` command line as a user runs it: real processes, real files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import LiveServer, free_port, run_cli, running_wamm
from wamm import __version__

DEMO_TOKEN = "wamm-demo-token"
DEMO_WABA = "102290129340398"


def graph(server: LiveServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(
        method,
        f"{server.base_url}/v23.0/{path}",
        headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
        timeout=10,
        **kwargs,
    )


def test_serve_on_an_empty_database_prints_the_banner_and_serves_the_demo(
    tmp_path: Path,
) -> None:
    database = tmp_path / "empty.db"
    database.touch()
    with running_wamm(tmp_path, database_path=database) as server:
        banner = server.log()
        assert f"listening on {server.base_url}" in banner, banner
        assert f"Graph API base URL: {server.base_url}/v" in banner, banner
        assert f"Access token: {DEMO_TOKEN}" in banner, banner
        assert f"Inspector (open in a browser): {server.base_url}/_wamm/ui/" in banner, banner
        assert DEMO_WABA in banner, banner
        assert (
            "Webhooks: No app has a webhook callback, so no webhook is delivered: run `wamm "
            in banner
        )
        response = graph(server, "GET", DEMO_WABA, params={"fields": "name"})
    assert response.status_code == 200, response.text
    assert response.json() == {"name": "Acme WA", "id": DEMO_WABA}


def test_version_prints_the_package_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wamm {__version__}"


def test_unsupported_database_url_exits_with_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("serve", "--port", str(free_port()), "--database", "foo://x")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Invalid value for --database" in result.stderr
    assert "unsupported database scheme 'foo'" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def create_template(server: LiveServer, name: str) -> str:
    body = {
        "name": name,
        "language": "en_US",
        "category": "MARKETING",
        "components": [{"type": "BODY", "text": "Back in stock this week!"}],
    }
    response = graph(server, "POST", f"{DEMO_WABA}/message_templates", json=body)
    assert response.status_code == 200, response.text
    template_id: str = response.json()["id"]
    return template_id


def test_a_restart_on_the_same_database_keeps_created_templates(tmp_path: Path) -> None:
    database = tmp_path / "persistent.db"
    with running_wamm(tmp_path, database_path=database) as first:
        template_id = create_template(first, "restock_alert")
    assert first.process.returncode is not None
    with running_wamm(tmp_path, database_path=database) as second:
        by_id = graph(second, "GET", template_id, params={"fields": "name,status"})
        listed = graph(second, "GET", f"{DEMO_WABA}/message_templates", params={"name": "restock"})
    assert by_id.status_code == 200, by_id.text
    assert by_id.json() == {"name": "restock_alert", "status": "APPROVED", "id": template_id}
    assert [t["id"] for t in listed.json()["data"]] == [template_id]


@pytest.mark.parametrize(
    ("command", "seed", "message"),
    [
        (
            "serve",
            "settings: {clock: sundial}\n",
            "Error: invalid seed: $.settings.clock: Invalid enum value 'sundial'; "
            "expected one of accelerated, manual, realtime",
        ),
        (
            "serve",
            "tokens: [{value: t, wabas: ['404']}]\n",
            "Error: invalid seed: $.tokens[0].wabas[0]: unknown WABA 404",
        ),
        (
            "serve",
            "businesses: [\n",
            "Error: invalid seed: $: not valid YAML or JSON: line 2, column 1: expected the node "
            "content, but found '<stream end>' (while parsing a flow node)",
        ),
        (
            "serve",
            "settings: {pair_limit: {interval_seconds: 0}}\n",
            "Error: invalid seed: $.settings.pair_limit.interval_seconds: Expected `float` > 0.0",
        ),
        (
            "serve",
            None,
            "Error: invalid --log-level 'bogus': use debug, info, warning, error",
        ),
        (
            "worker",
            None,
            "Error: invalid --log-level 'bogus': use debug, info, warning, error",
        ),
    ],
)
def test_startup_mistakes_are_one_line_and_exit_code_2(
    tmp_path: Path, command: str, seed: str | None, message: str
) -> None:
    args = [command, "--database", f"sqlite:///{tmp_path / 'wamm.db'}"]
    if seed is None:
        args += ["--log-level", "bogus"]
    else:
        (tmp_path / "bad.yaml").write_text(seed, encoding="utf-8")
        args += ["--port", str(free_port()), "--seed", str(tmp_path / "bad.yaml")]
    result = run_cli(*args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")


def test_a_json_seed_file_is_read_as_json(tmp_path: Path) -> None:
    """As YAML, `1e3` would be a string and `clock_factor` the first error."""
    seed = tmp_path / "seed.json"
    seed.write_text('{"settings": {"clock_factor": 1e3, "clock": "sundial"}}', encoding="utf-8")
    port = str(free_port())
    result = run_cli("serve", "--database", "sqlite://", "--port", port, "--seed", str(seed))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: invalid seed: $.settings.clock: Invalid enum value")


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_sqlite_file_in_a_missing_folder_is_one_line_and_creates_nothing(
    tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    database = f"sqlite:///{missing / 'wamm.db'}"
    args = [command, "--database", database]
    if command == "serve":
        args += ["--port", str(free_port())]
    result = run_cli(*args)
    message = f"Error: --database: cannot open {missing / 'wamm.db'}: no folder {missing}\n"
    assert (result.returncode, result.stderr) == (2, message)
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_postgresql_server_that_does_not_answer_is_one_line_within_seconds(
    command: str,
) -> None:
    url = f"postgresql://127.0.0.1:{free_port()}/wamm"
    args = [command, "--database", url]
    if command == "serve":
        args += ["--port", str(free_port())]
    started = time.monotonic()
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: --database: cannot connect to {url}: "), line
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 20  # libpq's timeout is 5 s; the default pool waited 30
