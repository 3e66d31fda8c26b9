"""Fixtures: a seeded wamm driven in-process through its public HTTP surface."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
import pytest

from tests import seed_data
from wamm.server.app import build_app
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed


class Graph:
    """A thin Graph client for tests: versioned paths, bearer token, raw httpx responses."""

    def __init__(self, http: httpx.AsyncClient, version: str = "v23.0") -> None:
        self.http = http
        self.version = version

    def _url(self, path: str) -> str:
        return f"/{self.version}/{path.lstrip('/')}" if self.version else f"/{path.lstrip('/')}"

    def _headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def get(
        self, path: str, token: str | None = seed_data.TOKEN, **params: Any
    ) -> httpx.Response:
        return await self.http.get(self._url(path), params=params, headers=self._headers(token))

    async def post(
        self, path: str, body: Any = None, token: str | None = seed_data.TOKEN, **kwargs: Any
    ) -> httpx.Response:
        return await self.http.post(
            self._url(path), json=body, headers=self._headers(token), **kwargs
        )

    async def delete(
        self, path: str, token: str | None = seed_data.TOKEN, **params: Any
    ) -> httpx.Response:
        return await self.http.delete(self._url(path), params=params, headers=self._headers(token))


PROCESS_TEST_DIRS = frozenset({"e2e", "cli", "testing"})  # their tests start real processes


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that start processes, so `dev test --fast` can leave them out."""
    root = Path(__file__).parent
    for item in items:
        if item.path.relative_to(root).parts[0] in PROCESS_TEST_DIRS:
            item.add_marker(pytest.mark.subprocess)


POSTGRES_URL = os.environ.get("WAMM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1/test")
BACKENDS = os.environ.get("WAMM_TEST_BACKENDS", "sqlite,postgres").split(",")


@cache
def postgres_problem() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when a server answers."""
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL server at {POSTGRES_URL} ({error.__class__.__name__}: {error})"


def require(what: str, problem: str | None, mandatory_when: str) -> None:
    """Go on when `problem` is None; else skip with it, or fail when the environment variable
    `mandatory_when` is set (CI makes PostgreSQL and the browser mandatory)."""
    if problem is None:
        return
    if os.environ.get(mandatory_when):
        pytest.fail(f"{what} is required ({mandatory_when} is set) but {problem}")
    pytest.skip(problem)


def require_postgres() -> None:
    """Skip with the reason, or fail when CI says PostgreSQL is mandatory."""
    require("PostgreSQL", postgres_problem(), "WAMM_REQUIRE_POSTGRES")


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose tables live in a fresh schema, dropped afterwards."""
    require_postgres()
    schema = f"wamm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test that opens a runtime runs on each backend (SQLite and PostgreSQL)."""
    if request.param == "sqlite":
        yield "sqlite://"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def seed_document() -> dict[str, Any]:
    return seed_data.seed()


@pytest.fixture
async def runtime(database_url: str, seed_document: dict[str, Any]) -> AsyncIterator[Runtime]:
    rt = await Runtime.open(database_url)
    await apply_seed(rt, seed_document)
    yield rt
    await rt.close()


@pytest.fixture
async def http(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://wamm.test") as client:
        yield client


@pytest.fixture
def graph(http: httpx.AsyncClient) -> Graph:
    return Graph(http)


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The `error` object, after checking the envelope has a trace id."""
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert isinstance(error.pop("fbtrace_id"), str)
    return error


def whatsapp_error(code: int, title: str, details: str) -> dict[str, Any]:
    """Meta's envelope (without the trace id) of a WhatsApp error with its details."""
    return {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
    }


def invalid_parameter_error(details: str) -> dict[str, Any]:
    """Meta's code 100 envelope (without the trace id) for a bad parameter. A missing one
    ("The parameter x is required.") is Graph's: named in `message`, no `error_data`."""
    if details.startswith("The parameter ") and details.endswith(" is required."):
        return {"message": f"(#100) {details}", "type": "OAuthException", "code": 100}
    return whatsapp_error(100, "Invalid parameter", details)


def error_text(error: dict[str, Any]) -> str:
    """What an error says about its cause: `error_data.details`, else the `message`."""
    details: str = error.get("error_data", {}).get("details", "")
    return details or str(error["message"])
