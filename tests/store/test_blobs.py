"""Blobs (media bytes) in both stores: round trip, deletion, the byte budget with expired blobs
making room, and media that outlive the process (and are shared by processes) on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests import seed_data as sd
from tests.conftest import postgres_schema
from wamm.core.media import Blob
from wamm.server.app import build_app
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed
from wamm.store.base import Store

CONTENT = bytes(range(256)) * 3  # NUL bytes and every other byte value


def blob(blob_id: str, created_at: float = 100.0, expires_at: float = 200.0) -> Blob:
    return Blob(
        id=blob_id,
        owner="waba",
        kind="media",
        mime_type="image/png",
        created_at=created_at,
        expires_at=expires_at,
        size=len(CONTENT),
        length=len(CONTENT),
    )


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    runtime = await Runtime.open(database_url)
    yield runtime.store
    await runtime.close()


async def test_a_blob_comes_back_whole_and_goes(store: Store) -> None:
    assert await store.put_blob(blob("1"), CONTENT, budget=10_000)
    assert await store.get_blob("1") == blob("1")
    assert await store.blob_content("1") == CONTENT
    assert await store.delete_blob("1")
    assert (await store.get_blob("1"), await store.blob_content("1")) == (None, None)
    assert not await store.delete_blob("1")


async def test_the_budget_refuses_a_blob_until_expired_ones_make_room(store: Store) -> None:
    budget = 2 * len(CONTENT)
    assert await store.put_blob(blob("1"), CONTENT, budget)
    assert await store.put_blob(blob("2", expires_at=500.0), CONTENT, budget)
    assert not await store.put_blob(blob("3"), CONTENT, budget)
    assert await store.get_blob("3") is None
    assert await store.put_blob(blob("3", created_at=200.0), CONTENT, budget)  # "1" expired
    assert await store.get_blob("1") is None
    assert await store.put_blob(blob("2", created_at=200.0, expires_at=500.0), CONTENT, budget)


@pytest.mark.postgres
async def test_media_outlive_the_process_and_are_shared_on_postgresql() -> None:
    with postgres_schema() as url:
        first = await Runtime.open(url)
        await apply_seed(first, sd.seed())
        async with _graph(first) as graph:
            uploaded = await graph.post(
                f"/v23.0/{sd.SIGNED_PHONE}/media",
                data={"messaging_product": "whatsapp", "type": "image/png"},
                files={"file": ("a.png", CONTENT, "image/png")},
            )
        media_id = uploaded.json()["id"]
        second = await Runtime.open(url)  # another process on the same database
        await first.close()
        async with _graph(second) as graph:
            url_of = (await graph.get(f"/v23.0/{media_id}")).json()["url"]
            downloaded = await graph.get(url_of)
        await second.close()
    assert (downloaded.status_code, downloaded.content) == (200, CONTENT)


def _graph(runtime: Runtime) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_app(runtime)),
        base_url="http://wamm.test",
        headers={"Authorization": f"Bearer {sd.TOKEN}"},
    )
