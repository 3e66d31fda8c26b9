"""Who may use the control API of a real `wamm serve`: open on loopback (the default), behind
an admin token anywhere else, generated and printed when none is given."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.conftest import LiveServer, free_port, run_cli, running_wamm

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ADMIN_TOKEN_LINE = re.compile(r"Admin token for the control API: (\S+) \(generated")


def state(server: LiveServer, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{server.base_url}/_wamm/state", headers=headers, timeout=10)


def test_off_loopback_without_a_token_a_generated_one_guards_the_control_api(
    tmp_path: Path,
) -> None:
    # The last --host wins: listening on every interface, reached here through loopback.
    with running_wamm(tmp_path, "--host", "0.0.0.0") as server:
        banner = server.log()
        printed = ADMIN_TOKEN_LINE.search(banner)
        assert printed is not None, banner
        token = printed.group(1)
        assert f"WAMM_ADMIN_TOKEN={token}" in banner
        anonymous, wrong, admin = state(server), state(server, "guess"), state(server, token)
        ready = httpx.get(f"{server.base_url}/_wamm/ready", timeout=10)
    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.json()["error"]["code"] == 190
    assert admin.status_code == 200, admin.text
    assert "wamm-demo-token" in {t["value"] for t in admin.json()["tokens"]}
    assert ready.status_code == 200  # health checks need no token


def test_on_loopback_without_a_token_the_control_api_stays_open(tmp_path: Path) -> None:
    with running_wamm(tmp_path) as server:
        assert "Admin token" not in server.log()
        assert state(server).status_code == 200


@pytest.mark.parametrize("placeholder", ["change-me", "CHANGEME", "secret"])
def test_a_placeholder_admin_token_is_refused_in_one_line(tmp_path: Path, placeholder: str) -> None:
    result = run_cli(
        *("serve", "--port", str(free_port()), "--database", f"sqlite:///{tmp_path / 'w.db'}"),
        *("--admin-token", placeholder),
    )
    message = (
        f"Error: Invalid value for --admin-token: {placeholder!r} is a placeholder: "
        "choose a secret of your own\n"
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


def test_the_compose_file_takes_the_admin_token_from_the_environment() -> None:
    """deploy/docker-compose.yml serves off loopback: no token written in it, and compose
    refuses to start without one."""
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["services"]["api"]["environment"]
    assert environment["WAMM_ADMIN_TOKEN"].startswith("${WAMM_ADMIN_TOKEN:?")
