"""`wamm audiences list|set|numbers` and the SDK's `Control` methods behind them, against an
in-process wamm served on loopback (the commands run in a thread: they block)."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests import seed_data as sd
from tests.webhook_fixtures import serving
from wamm.cli.main import app
from wamm.client.control import Control
from wamm.server.app import build_app
from wamm.service.runtime import Runtime

TINY = {"name": "tiny", "size": 3, "prefix": "4915112", "click_rate": 0.25}


@pytest.fixture
def database_url() -> str:
    """The commands do not depend on wamm's storage: one backend is enough."""
    return "sqlite://"


@pytest.fixture
def seed_document() -> dict[str, Any]:
    return sd.seed(audiences=[TINY])


@pytest.fixture
async def base_url(runtime: Runtime) -> AsyncIterator[str]:
    async with serving(build_app(runtime)) as url:
        yield url.removesuffix("/hook")


async def run(base_url: str, *args: str) -> Any:
    runner = CliRunner()
    return await asyncio.to_thread(
        runner.invoke, app, list(args), env={"WAMM_BASE_URL": base_url}, catch_exceptions=False
    )


async def wamm(base_url: str, *args: str) -> Any:
    """One `wamm ... --json` command aimed at the served wamm; its JSON answer."""
    result = await run(base_url, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def test_list_shows_the_seeded_audience(base_url: str) -> None:
    (listed,) = await wamm(base_url, "audiences", "list")
    assert (listed["name"], listed["size"], listed["click_rate"]) == ("tiny", 3, 0.25)
    table = await run(base_url, "audiences", "list")
    assert "tiny" in table.stdout and "click_rate=0.25" in table.stdout


async def test_set_replaces_the_audiences_from_a_file(base_url: str, tmp_path: Path) -> None:
    path = tmp_path / "audiences.yaml"
    path.write_text("audiences:\n  - {name: big, size: 100000, prefix: '4477009'}\n")
    stored = await wamm(base_url, "audiences", "set", str(path))
    assert [(a["name"], a["size"]) for a in stored] == [("big", 100_000)]
    control = Control(base_url)
    assert [a["name"] for a in await asyncio.to_thread(control.audiences)] == ["big"]


async def test_set_explains_a_refused_audience(base_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("audiences:\n  - {name: big, size: 0, prefix: '4477009'}\n")
    result = await run(base_url, "audiences", "set", str(path))
    assert result.exit_code == 2
    assert "Invalid seed at $.audiences[0].size: Expected `int` >= 1" in result.output
    (path.parent / "none.yaml").write_text("settings: {}\n")
    result = await run(base_url, "audiences", "set", str(path.parent / "none.yaml"))
    assert result.exit_code == 2 and "none.yaml has no `audiences` list" in result.output


async def test_numbers_print_and_write_a_recipients_file(base_url: str, tmp_path: Path) -> None:
    answer = await wamm(base_url, "audiences", "numbers", "tiny")
    assert answer == {
        "name": "tiny",
        "count": 3,
        "numbers": ["491511200000", "491511200001", "491511200002"],
    }
    out = tmp_path / "tiny.csv"
    written = await wamm(base_url, "audiences", "numbers", "tiny", "--limit", "2", "-o", str(out))
    assert written["count"] == 2
    with out.open(newline="") as file:
        assert list(csv.reader(file)) == [["phone"], ["491511200000"], ["491511200001"]]


async def test_the_sdk_pages_through_numbers(base_url: str) -> None:
    control = Control(base_url)
    await asyncio.to_thread(
        control.set_audiences, [{"name": "wide", "size": 25_000, "prefix": "4477009"}]
    )
    every = await asyncio.to_thread(control.audience_numbers, "wide")
    assert len(every) == 25_000 and len(set(every)) == 25_000
    assert await asyncio.to_thread(control.audience_numbers, "wide", 12_000) == every[:12_000]


async def test_an_unknown_audience_fails_plainly(base_url: str) -> None:
    result = await run(base_url, "audiences", "numbers", "nobody")
    assert result.exit_code != 0
    assert "No audience named nobody." in result.output
    assert "Traceback" not in result.output
