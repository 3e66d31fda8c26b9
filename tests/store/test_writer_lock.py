"""The writer lock beside a SQLite file: a write transaction waits while another process
holds it (a separate open of the lock file stands for that process: `flock` locks belong to
the open file, not the process) and goes on as soon as it is let go."""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path

from tests.builders import deliveries
from wamm.store import open_store
from wamm.store.base import DeliveryQuery

NOT_BEFORE_RELEASE_SECONDS = 0.3  # how long the held-up write is watched before the release


async def test_a_write_waits_for_the_lock_another_process_holds(tmp_path: Path) -> None:
    database = tmp_path / "wamm.db"
    store = await open_store(f"sqlite:///{database}")
    other = os.open(f"{database}-writer", os.O_RDWR)  # the store created it
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        write = asyncio.create_task(store.add_deliveries(deliveries(1)))
        done, _ = await asyncio.wait({write}, timeout=NOT_BEFORE_RELEASE_SECONDS)
        assert not done

        fcntl.flock(other, fcntl.LOCK_UN)
        await write
        assert [d.wamid for d in await store.list_deliveries(DeliveryQuery())] == [
            "wamid.inbound-0"
        ]
    finally:
        os.close(other)
        await store.close()


async def test_an_in_memory_database_has_no_lock_file() -> None:
    before = set(Path.cwd().iterdir())
    store = await open_store("sqlite://")
    try:
        await store.add_deliveries(deliveries(1))
    finally:
        await store.close()
    assert set(Path.cwd().iterdir()) == before
