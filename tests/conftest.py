"""Fixtures: a seeded wamm driven in-process through its public HTTP surface."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
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


@pytest.fixture
def seed_document() -> dict[str, Any]:
    return seed_data.seed()


@pytest.fixture
async def runtime(seed_document: dict[str, Any]) -> AsyncIterator[Runtime]:
    rt = await Runtime.open("sqlite://")
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
