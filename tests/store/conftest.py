"""What the store tests of state surviving a restart share: a database on disk on each backend,
and a Graph client on an app over a runtime opened on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Graph, postgres_schema
from wamm.server.app import build_app
from wamm.service.runtime import Runtime


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that outlives the runtimes opened on it: a SQLite file, or a fresh schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wamm.db'}"
        return
    with postgres_schema() as schema_url:
        yield schema_url


def graph_of(runtime: Runtime) -> Graph:
    transport = httpx.ASGITransport(app=build_app(runtime))
    return Graph(httpx.AsyncClient(transport=transport, base_url="http://wamm.test"))
