"""PostgreSQL: the statements that look a batch of keys up in a table which grows (the rate
buckets, the outbox, the messages) find their rows through the table's index however small
the table was when the store started. A prepared statement's plan, made once on a new
schema's nearly empty table, scanned the whole table for every later batch
(docs/performance.md).

What the tests read is PostgreSQL's own count of sequential scans per table, which each server
process reports when its connection closes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import msgspec
import psycopg
import pytest

from tests.builders import deliveries
from tests.conftest import postgres_schema
from wamm.store import open_store
from wamm.store.base import ClaimLimits, Store, TokenRequest

pytestmark = pytest.mark.postgres

# Enough batches for a plan of any value to be made while the table is nearly empty: psycopg
# prepares a statement on its 5th run, and PostgreSQL makes that plan after 5 more.
EARLY_BATCHES = 15
LATER_BATCHES = 30
BATCH = 5
GROWN_TO = 20_000  # rows: far more than a plan for a nearly empty table expects
STATS_SECONDS = 10.0  # for the closed connections' counts to arrive


GROW_BUCKETS = "INSERT INTO rate_buckets SELECT 'g' || n, 1, 0 FROM generate_series(1, %s) n"
GROW_OUTBOX = (
    "INSERT INTO outbox (app_id, waba_id, field, value, event_at, due_at, next_attempt_at, "
    "state) SELECT 'a', 'w', 'messages', '', 1e9, 1e9, 1e9, 'pending' FROM generate_series(1, %s)"
)
GROW_MESSAGES = (
    "INSERT INTO messages (seq, wamid, phone_number_id, waba_id, route, status, created_at, "
    "data) SELECT 1000000 + n, 'wamid.' || n, 'p', 'w', 'marketing_messages', 'sent', 0, '' "
    "FROM generate_series(1, %s) AS n"
)


async def take_tokens(store: Store, number: int) -> None:
    """One batch of token takes (taken together, as concurrent sends take them)."""
    now = time.time()
    keys = [f"batch-{number}:{index}" for index in range(BATCH)]
    await asyncio.gather(*(store.take_token(TokenRequest(key, now, 1.0, 10.0)) for key in keys))


async def deliver_batch(store: Store, number: int) -> None:
    """A batch of webhook rows added, claimed and finished as delivered."""
    now = 100.0 + number
    await store.add_deliveries(deliveries(BATCH, due=now))
    claimed = await store.claim_deliveries(now, time.time(), 60, ClaimLimits(per_app=BATCH))
    assert len(claimed) == BATCH
    done = [msgspec.structs.replace(row, state="delivered", attempts=1) for row in claimed]
    await store.finish_deliveries(done, [])


async def look_messages_up(store: Store, _number: int) -> None:
    """A batch of statuses' messages looked up (none stored: the lookup is what counts)."""
    assert await store.messages_by_seq([1, 2, 3]) == {}


async def scans_around_growth(
    table: str, batch: Callable[[Store, int], Awaitable[None]], growth: str, added: int
) -> int:
    """`table`'s sequential scans through EARLY_BATCHES batches, its growth by GROWN_TO rows
    (`growth`), then LATER_BATCHES batches, each adding `added` rows to it."""
    batches = EARLY_BATCHES + LATER_BATCHES
    with postgres_schema() as url:
        store = await open_store(url)
        try:
            for number in range(batches):
                if number == EARLY_BATCHES:
                    with psycopg.connect(url, autocommit=True) as connection:
                        connection.execute(growth, (GROWN_TO,))
                await batch(store, number)
        finally:
            await store.close()
        return sequential_scans(url, table, GROWN_TO + added * batches)


def sequential_scans(url: str, table: str, inserted: int) -> int:
    """The table's sequential scans so far, once every closed connection's counts are in
    (they are when the table's inserted rows are all counted)."""
    deadline = time.monotonic() + STATS_SECONDS
    with psycopg.connect(url, autocommit=True) as connection:
        while True:
            connection.execute("SELECT pg_stat_clear_snapshot()")
            row = connection.execute(
                "SELECT seq_scan, n_tup_ins FROM pg_stat_user_tables WHERE relid = %s::regclass",
                (table,),
            ).fetchone()
            assert row is not None
            if row[1] >= inserted:
                return int(row[0])
            assert time.monotonic() < deadline, f"{table}: {row[1]} of {inserted} inserts counted"
            time.sleep(0.05)


async def test_token_batches_find_their_buckets_by_key_after_the_table_grew() -> None:
    scans = await scans_around_growth("rate_buckets", take_tokens, GROW_BUCKETS, BATCH)
    # A batch scans the table twice at most while it is nearly empty, never once it has grown.
    assert scans <= 2 * EARLY_BATCHES


async def test_finished_batches_find_their_rows_by_id_after_the_outbox_grew() -> None:
    scans = await scans_around_growth("outbox", deliver_batch, GROW_OUTBOX, BATCH)
    # The claims and finishes of a batch on a nearly empty outbox scan it twice at most.
    assert scans <= 2 * EARLY_BATCHES


async def test_status_batches_find_their_messages_by_seq_after_the_table_grew() -> None:
    scans = await scans_around_growth("messages", look_messages_up, GROW_MESSAGES, 0)
    assert scans <= EARLY_BATCHES
