"""Smoke tests of the `wamm` command line as a user runs it: real processes, real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import LiveServer, free_port, running_wamm, subprocess_env
from wamm import __version__

DEMO_TOKEN = "wamm-demo-token"
DEMO_WABA = "102290129340398"
CLI_TIMEOUT = 30


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wamm", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        env=subprocess_env(),
        check=False,
    )


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
        assert DEMO_WABA in banner, banner
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
