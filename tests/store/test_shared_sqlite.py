"""Several processes on one SQLite file (`wamm serve --workers N`). Each store here is opened
`shared`, with its own connection, database thread and file descriptors, so towards the file,
its locks and its bucket file the two behave like separate processes.

The tests that hold for any database several processes share are PostgreSQL's
(test_shared_postgres.py), imported and run here on SQLite; the bucket file has its own tests
(test_shared_buckets.py)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.builders import message
from tests.store.test_shared_postgres import (  # noqa: F401 - collected here, on SQLite
    test_a_change_in_one_process_reaches_the_other,
    test_a_process_that_closes_leaves_the_shared_clock_as_it_is,
    test_a_send_begun_before_another_process_reset_is_refused_alone,
    test_advances_through_two_processes_add_up,
    test_business_use_case_calls_count_across_processes,
    test_chained_takes_grant_what_taking_in_turn_grants,
    test_counters_never_hand_out_a_number_twice,
    test_each_due_delivery_is_leased_by_exactly_one_worker,
    test_manual_clock_is_shared,
    test_not_due_rows_stay,
    test_number_throughput_holds_across_processes,
    test_pair_limit_holds_across_processes,
    test_processes_seeding_together_do_not_duplicate,
    test_token_takes_in_sql_grant_what_the_python_buckets_grant,
    two_runtimes,
)
from wamm.core.settings import Settings
from wamm.service.runtime import Runtime
from wamm.store.base import TokenRequest
from wamm.store.sqlite import SqliteStore


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shared.db'}"


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[list[SqliteStore]]:
    opened = [SqliteStore(str(tmp_path / "shared.db"), shared=True) for _ in range(2)]
    yield opened
    for store in opened:
        await store.close()


@pytest.fixture
def open_runtime() -> Callable[[str], Awaitable[Runtime]]:
    return functools.partial(Runtime.open, shared=True)


@pytest.fixture
async def runtimes(url: str) -> AsyncIterator[list[Runtime]]:
    async with two_runtimes(url, shared=True) as opened:
        yield opened


async def test_a_store_of_one_process_keeps_no_shared_buckets(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "alone.db"))
    try:
        assert store.shared is False
        with pytest.raises(NotImplementedError):
            await store.take_token(TokenRequest("number:n", 0.0, 1.0, 1))
        assert not (tmp_path / "alone.db-buckets").exists()
    finally:
        await store.close()


async def test_a_reset_fills_every_processes_buckets_again(stores: list[SqliteStore]) -> None:
    request = TokenRequest("number:n", 100.0, 0.0, 1)
    assert (await stores[0].take_token(request))[0] is True
    assert (await stores[1].take_token(request))[0] is False
    await stores[1].reset([], settings=Settings(), clock_time=0.0, counters={})
    assert (await stores[0].take_token(request))[0] is True


async def test_named_locks_hold_across_processes(stores: list[SqliteStore]) -> None:
    order: list[str] = []

    async def hold(store: SqliteStore, name: str) -> None:
        async with store.exclusive("wamm-seed"):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(hold(stores[0], "first"), hold(stores[1], "second"))
    assert order in (
        ["first in", "first out", "second in", "second out"],
        ["second in", "second out", "first in", "first out"],
    )


async def test_a_cancelled_wait_for_a_named_lock_leaves_it_free(
    stores: list[SqliteStore],
) -> None:
    async with stores[0].exclusive("wamm-template-clock"):
        waiter = asyncio.create_task(_enter(stores[1], "wamm-template-clock"))
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    await asyncio.wait_for(_enter(stores[1], "wamm-template-clock"), timeout=5)


async def _enter(store: SqliteStore, name: str) -> None:
    async with store.exclusive(name):
        pass


async def test_a_message_another_process_updated_is_read_as_it_is_now(
    stores: list[SqliteStore],
) -> None:
    """A process that sent a message must not answer for it from a copy of its own once
    another process updated the row (a held send released by the other's template clock)."""
    sent, released = message(7, []), message(7, [(10.0, "sent"), (20.0, "delivered")])
    await stores[0].add_message(sent, None, [], 0)
    await stores[1].replace_messages([released], [])
    found = await stores[0].messages_by_seq([7])
    assert [event.status for event in found[7].events] == ["sent", "delivered"]
