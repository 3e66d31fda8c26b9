"""The deployment kit: `wamm migrate` (schema and a seed applied once), and the container
files of deploy/, checked for what they promise (no Docker engine runs the suite, so the
files are read, not run)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import run_cli
from wamm.core.seed import decode, load_file
from wamm.service.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def businesses(database: Path) -> list[str]:
    """The names of the businesses a database holds, as a server opening it sees them."""

    async def names() -> list[str]:
        runtime = await Runtime.open(f"sqlite:///{database}")
        try:
            return sorted(b.name for b in runtime.catalog.businesses.values())
        finally:
            await runtime.close()

    return asyncio.run(names())


def test_migrate_seeds_an_empty_database_once(tmp_path: Path) -> None:
    database = tmp_path / "wamm.db"
    url = f"sqlite:///{database}"
    seeded = run_cli("migrate", "--database", url, "--seed", str(DEPLOY / "seed.yaml"))
    assert (seeded.returncode, seeded.stderr) == (0, "")
    assert seeded.stdout == (f"database {database} is ready: seeded from {DEPLOY / 'seed.yaml'}\n")
    first = businesses(database)
    assert first
    again = run_cli("migrate", "--database", url)
    assert (
        again.stdout == f"database {database} is ready: it already holds a state, no seed applied\n"
    )
    assert businesses(database) == first


def test_migrate_applies_the_demo_seed_unless_told_not_to(tmp_path: Path) -> None:
    demo = run_cli("migrate", "--database", f"sqlite:///{tmp_path / 'demo.db'}")
    assert demo.stdout.endswith("is ready: seeded from the demo seed\n"), demo.stdout
    assert businesses(tmp_path / "demo.db") == ["Acme", "Globex", "Initech"]
    empty = run_cli("migrate", "--database", f"sqlite:///{tmp_path / 'empty.db'}", "--no-demo")
    assert (empty.returncode, empty.stdout) == (0, f"database {tmp_path / 'empty.db'} is ready\n")
    assert businesses(tmp_path / "empty.db") == []


def test_migrate_refuses_a_bad_seed_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("settings: {clock: sometimes}\n")
    url = f"sqlite:///{tmp_path / 'wamm.db'}"
    refused = run_cli("migrate", "--database", url, "--seed", str(tmp_path / "bad.yaml"))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        "Error: invalid seed: $.settings.clock: Invalid enum value 'sometimes'; expected one "
        "of accelerated, manual, realtime\n"
    )
    assert businesses(tmp_path / "wamm.db") == []


def dockerfile() -> list[list[str]]:
    """The Dockerfile's instructions, continuation lines joined, as [KEYWORD, rest]."""
    joined = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines()]
    return [line.split(None, 1) for line in lines if line and not line.startswith("#")]


def instructions(keyword: str) -> list[str]:
    return [rest for word, rest in dockerfile() if word == keyword]


def test_the_image_runs_as_a_user_with_the_database_on_a_volume() -> None:
    steps = [word for word, _ in dockerfile()]
    assert instructions("USER") == ["wamm"]
    assert steps.index("USER") > max(i for i, word in enumerate(steps) if word == "RUN")
    assert "useradd --system --uid 10001" in instructions("RUN")[0]
    assert instructions("VOLUME") == ['["/data"]']
    assert "WAMM_DATABASE_URL=sqlite:////data/wamm.db" in instructions("ENV")
    assert instructions("CMD") == ['["wamm", "serve", "--host", "0.0.0.0"]']
    copied = " ".join(instructions("COPY"))
    for needed in ("pyproject.toml", "README.md", "LICENSE", "src"):
        assert needed in copied
        assert (ROOT / needed).exists()


def test_the_build_context_leaves_out_environments_and_databases() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in (".git", ".venv", "*.db", "tests", "**/__pycache__"):
        assert pattern in ignored


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(
        (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    )
    return document


def test_compose_seeds_once_before_any_server_starts(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == "wamm migrate --seed /seed/seed.yaml"
    assert services["migrate"]["volumes"] == ["./seed.yaml:/seed/seed.yaml:ro"]
    for name in ("api", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
        assert "--seed" not in services[name]["command"]
    assert "--no-demo" in services["api"]["command"]
    decode(load_file(DEPLOY / "seed.yaml"))  # the seed it applies is valid


def test_compose_puts_a_load_balancer_in_front_of_the_api_replicas(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["lb"]["ports"] == ["8000:8000"]
    assert services["lb"]["volumes"] == ["./Caddyfile:/etc/caddy/Caddyfile:ro"]
    assert "ports" not in services["api"]
    assert services["api"]["expose"] == ["8000"]
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "dynamic a api 8000" in caddyfile
    assert "flush_interval -1" in caddyfile  # the inspector's Server-Sent Events
    database = "postgresql://wamm:wamm@postgres:5432/wamm"
    for name in ("migrate", "api", "worker"):
        assert services[name]["environment"]["WAMM_DATABASE_URL"] == database
