"""Claims of webhook rows by processes sharing a database: every row goes to one claimer
only. On SQLite the search for ready rows runs before the write transaction and the lease
inside it takes only the rows still ready, looked up by id (a backlog of due rows must not be
walked while every other writer of the file waits)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from tests.builders import deliveries
from wamm.store import open_store, sql
from wamm.store.base import ClaimLimits

LIMITS = ClaimLimits(per_app=25)
NOW = 200.0


async def test_concurrent_claimers_never_take_the_same_row(durable_url: str) -> None:
    first, second = await open_store(durable_url), await open_store(durable_url)
    try:
        await first.add_deliveries(deliveries(300))
        taken: list[int] = []
        for _ in range(100):  # claimers that searched the same snapshot: one gets the rows
            rounds = await asyncio.gather(
                *(store.claim_deliveries(NOW, time.time(), 60, LIMITS) for store in (first, second))
            )
            taken += [delivery.id for claimed in rounds for delivery in claimed if delivery.id]
            if len(taken) >= 300:
                break
        assert len(taken) == 300
        assert len(set(taken)) == 300
    finally:
        await first.close()
        await second.close()


async def test_a_row_claimed_between_search_and_lease_is_not_leased_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wamm.db"
    store = await open_store(f"sqlite:///{path}")
    try:
        await store.add_deliveries(deliveries(5))
        connection = sqlite3.connect(path, isolation_level=None)
        found = [row[0] for row in connection.execute(*sql.ready(NOW, LIMITS))]
        assert len(found) == 5
        claimed = await store.claim_deliveries(NOW, time.time(), 60, LIMITS)  # another claimer
        assert sorted(d.id for d in claimed) == sorted(found)
        statement, params = sql.lease_ready(found, NOW, time.time(), 60, "late")
        assert connection.execute(statement, params).fetchall() == []
        connection.close()
    finally:
        await store.close()


def test_the_lease_looks_rows_up_by_id(tmp_path: Path) -> None:
    path = tmp_path / "wamm.db"
    asyncio.run(_create(path))
    statement, params = sql.lease_ready([1, 2, 3], NOW, time.time(), 60, "owner")
    connection = sqlite3.connect(path)
    plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", params)]
    connection.close()
    assert plan[0] == "SEARCH due USING INTEGER PRIMARY KEY (rowid=?)"


async def _create(path: Path) -> None:
    store = await open_store(f"sqlite:///{path}")
    await store.close()
