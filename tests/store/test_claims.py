"""Claims of webhook rows by processes sharing a database: every row goes to one claimer
only. On SQLite the search for ready rows runs before the write transaction and the lease
inside it takes only the rows still ready, looked up by id (a backlog of due rows must not be
walked while every other writer of the file waits)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.builders import deliveries
from wamm.store import open_store, sql
from wamm.store.base import ClaimLimits, Delivery

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


_BY_TIME = "SEARCH due USING INDEX outbox_due (state=? AND next_attempt_at<?)"
_TABLE_SCANS = ("SCAN due", "SCAN outbox", "SCAN earlier")  # the outbox, whole
# The outbox's statements and a step SQLite's plan for each must have: the lease looks its rows
# up by id; the searches by time walk the (state, next_attempt_at) index, and an in-flight row
# is found through (state, id), never by a scan of the table.
PLANS: list[tuple[str, str, Sequence[object], str]] = [
    (
        "lease",
        *sql.lease_ready([1, 2, 3], NOW, 1e9, 60, "owner"),
        "SEARCH due USING INTEGER PRIMARY KEY (rowid=?)",
    ),
    ("ready", *sql.ready(NOW, LIMITS), _BY_TIME),
    ("ready, an app capped", *sql.ready(NOW, ClaimLimits(per_app=25, apps={"a": 5})), _BY_TIME),
    ("next ready", sql.NEXT_READY_AT, (), "SEARCH due USING INDEX outbox_due (state=?)"),
    ("anything outstanding", sql.ANY_OUTSTANDING, (NOW,), _BY_TIME),
    (
        "in-flight owners",
        sql.INFLIGHT_OWNERS,
        (),
        "SEARCH outbox USING INDEX outbox_by_state (state=?)",
    ),
    (
        "prune",
        sql.FINISHED_BEFORE,
        (NOW, 100),
        "SEARCH outbox USING COVERING INDEX outbox_due (state=? AND next_attempt_at<?)",
    ),
]


@pytest.mark.parametrize(
    ("name", "statement", "params", "expected"), PLANS, ids=[plan[0] for plan in PLANS]
)
def test_each_outbox_statement_uses_its_index(
    tmp_path: Path, name: str, statement: str, params: Sequence[object], expected: str
) -> None:
    path = tmp_path / "wamm.db"
    asyncio.run(_create(path))
    connection = sqlite3.connect(path)
    plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", params)]
    connection.close()
    assert expected in plan, f"{name}: {plan}"
    assert not [step for step in plan if step.startswith(_TABLE_SCANS)], f"{name}: {plan}"


async def _create(path: Path) -> None:
    store = await open_store(f"sqlite:///{path}")
    await store.close()


def _three_apps_rows() -> list[Delivery]:
    """Four rows of each of apps a, b and c, due in turn (a's first, then b's, then c's)."""
    rows = deliveries(12)
    for i, row in enumerate(rows):
        row.app_id = "abc"[i // 4]
        row.due_at = row.next_attempt_at = 100.0 + i
    return rows


# (caps by app, rows looked at): the rows claimed, by app. An app's cap is its free POST
# slots times the batch size; an app without one (0) is skipped; an app not named, or capped
# at the rows looked at or more, is held only by the rows looked at (then no ranking by app
# is needed: the statement leaves it out).
CAPS: list[tuple[dict[str, int], int, dict[str, int]]] = [
    ({}, 12, {"a": 4, "b": 4, "c": 4}),
    ({}, 6, {"a": 4, "b": 2}),
    ({"a": 6, "b": 6}, 6, {"a": 4, "b": 2}),
    ({"a": 0}, 6, {"b": 4, "c": 2}),
    ({"a": 1}, 12, {"a": 1, "b": 4, "c": 4}),
    ({"a": 1, "b": 0, "c": 2}, 12, {"a": 1, "c": 2}),
    ({"a": 2, "b": 12}, 6, {"a": 2, "b": 2}),
]


@pytest.mark.parametrize(("caps", "per_app", "expected"), CAPS)
async def test_each_app_gets_at_most_its_cap_of_the_rows_looked_at(
    durable_url: str, caps: dict[str, int], per_app: int, expected: dict[str, int]
) -> None:
    rows = _three_apps_rows()
    store = await open_store(durable_url)
    try:
        await store.add_deliveries(rows)
        limits = ClaimLimits(per_app=per_app, apps=caps)
        claimed = await store.claim_deliveries(NOW, time.time(), 60, limits)
        by_app = Counter(delivery.app_id for delivery in claimed)
        assert by_app == expected
        earliest = sorted(claimed, key=lambda d: d.due_at)
        for app in by_app:  # each app's earliest rows
            assert [d.due_at for d in earliest if d.app_id == app] == sorted(
                d.due_at for d in rows if d.app_id == app
            )[: by_app[app]]
    finally:
        await store.close()
