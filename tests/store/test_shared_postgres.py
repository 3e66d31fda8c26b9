"""Several processes on one PostgreSQL database. Each `PostgresStore` / `Runtime` here has its
own connection pool, so they behave like separate processes towards the database."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest

from tests import seed_data as sd
from tests.builders import deliveries, message, template_send
from tests.conftest import postgres_schema
from wamm.core.errors import ResetDuringRequest
from wamm.core.ratelimit import TokenBuckets, grant
from wamm.core.settings import Settings
from wamm.server.app import build_app
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed
from wamm.store.base import ClaimLimits, MessageQuery, TokenRequest
from wamm.store.migrations import migrations_for
from wamm.store.postgres import PostgresStore


@pytest.fixture
def url() -> Iterator[str]:
    with postgres_schema() as schema_url:
        yield schema_url


@pytest.fixture
async def stores(url: str) -> AsyncIterator[list[PostgresStore]]:
    opened = [await PostgresStore.connect(url) for _ in range(2)]
    yield opened
    for store in opened:
        await store.close()


LIMITS = ClaimLimits(per_app=100)


async def test_each_due_delivery_is_leased_by_exactly_one_worker(
    stores: list[PostgresStore],
) -> None:
    await stores[0].add_deliveries(deliveries(400))
    claimed: list[list[int]] = [[], []]

    async def worker(store: PostgresStore, mine: list[int]) -> None:
        # An empty claim may only mean that the other worker had locked the rows this one looked
        # at: each goes on until every row is leased (a row leased twice ends it early).
        while sum(map(len, claimed)) < 400:
            batch = await store.claim_deliveries(200.0, time.time(), 60, ClaimLimits(per_app=25))
            mine.extend(d.id for d in batch)
            await asyncio.sleep(0)

    workers = (worker(store, mine) for store, mine in zip(stores, claimed, strict=True))
    await asyncio.wait_for(asyncio.gather(*workers), timeout=60)
    first, second = claimed
    assert not set(first) & set(second)
    assert len(first) + len(second) == 400
    assert first and second  # both workers got a share


async def test_not_due_rows_stay(stores: list[PostgresStore]) -> None:
    await stores[0].add_deliveries(deliveries(3, due=500.0))
    assert await stores[1].claim_deliveries(200.0, time.time(), 60, LIMITS) == []
    assert await stores[1].next_delivery_at() == 500.0


async def test_counters_never_hand_out_a_number_twice(stores: list[PostgresStore]) -> None:
    starts = await asyncio.gather(*(stores[i % 2].reserve("message", 10, 0) for i in range(40)))
    numbers = [n for start in starts for n in range(start, start + 10)]
    assert len(numbers) == len(set(numbers)) == 400


async def test_migrations_run_once_when_processes_start_together(url: str) -> None:
    opened = await asyncio.gather(*(PostgresStore.connect(url) for _ in range(4)))
    try:
        assert {await s.schema_version() for s in opened} == {
            migrations_for("postgres")[-1].version
        }
    finally:
        for store in opened:
            await store.close()


async def test_a_send_begun_before_another_process_reset_is_refused_alone(
    stores: list[PostgresStore],
) -> None:
    """The fence goes out with the rows and the commit: the stale send of a group commit is
    refused (and written again alone), the current one is stored."""
    epoch = await stores[0].reset([], settings=Settings(), clock_time=0.0, counters={})
    stale, current = message(1, [(10.0, "sent")]), message(2, [(10.0, "sent")])
    outcomes = await asyncio.gather(
        stores[1].add_message(stale, None, deliveries(2), epoch - 1),
        stores[1].add_message(current, None, deliveries(2), epoch),
        return_exceptions=True,
    )
    assert isinstance(outcomes[0], ResetDuringRequest)
    assert outcomes[1] is None
    stored = await stores[0].list_messages(MessageQuery(limit=10))
    assert [m.wamid for m in stored] == [current.wamid]
    assert (await stores[0].delivery_counts()) == {"pending": 2}


async def test_token_takes_in_sql_grant_what_the_python_buckets_grant(
    stores: list[PostgresStore],
) -> None:
    """Concurrent takes of one bucket from two processes, then a refill: the same tokens as
    `grant`, one take at a time."""
    rate, capacity, now = 0.5, 3, 100.0
    firsts = await asyncio.gather(
        *(stores[i % 2].take_token(TokenRequest("pair:a", now, rate, capacity)) for i in range(5))
    )
    assert sorted(taken for taken, _ in firsts) == [False, False, True, True, True]
    assert min(left for _, left in firsts) == 0.0
    later = await stores[1].take_token(TokenRequest("pair:a", now + 3.0, rate, capacity))
    assert later == (True, grant(0.0, now, now + 3.0, rate, capacity, 1)[1])


async def test_chained_takes_grant_what_taking_in_turn_grants(
    stores: list[PostgresStore],
) -> None:
    """Concurrent chains (a number's token, then its pair's only if the number's was taken) in
    one batch get what taking them one after the other gets, and leave the buckets as it
    would: a chain cut short gives back the pair token the batch took for it."""
    now, pairs = 100.0, "aabcb"

    def chain(pair: str) -> list[TokenRequest]:
        return [TokenRequest("number:n", now, 0.0, 3), TokenRequest(f"pair:{pair}", now, 0.0, 1)]

    results = await asyncio.gather(*(stores[0].take_tokens(chain(pair)) for pair in pairs))

    model = TokenBuckets()
    expected = []
    for pair in pairs:
        number = model.take("n", now, 0.0, 3)[0]
        expected.append([number, number and model.take(pair, now, 0.0, 1)[0]])
    assert [[taken for taken, _ in result] for result in results] == expected
    assert expected == [[True, True], [True, False], [True, True], [False, False], [False, False]]
    for pair in "abc":  # c's token went back; a's and b's were taken once each
        later = await stores[1].take_token(TokenRequest(f"pair:{pair}", now, 0.0, 1))
        assert later[0] == model.take(pair, now, 0.0, 1)[0]


async def test_rate_buckets_are_unlogged_they_need_not_survive_a_crash(
    stores: list[PostgresStore], url: str
) -> None:
    await stores[0].take_token(TokenRequest("number:1", 100.0, 1.0, 1))
    async with await psycopg.AsyncConnection.connect(url) as connection:
        persistence = await connection.execute(
            "SELECT relpersistence FROM pg_class WHERE oid = 'rate_buckets'::regclass"
        )
        assert await persistence.fetchone() == ("u",)


@contextlib.asynccontextmanager
async def two_runtimes(url: str, *, shared: bool = False) -> AsyncIterator[list[Runtime]]:
    """Two processes' runtimes on `url`, seeded (the signed number at 5 messages per second);
    `shared`: a SQLite file's (`Runtime.open`)."""
    document = sd.seed()
    document["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 5
    first = await Runtime.open(url, shared=shared)
    await apply_seed(first, document)
    second = await Runtime.open(url, shared=shared)
    yield [first, second]
    for runtime in (first, second):
        await runtime.close()


@pytest.fixture
async def runtimes(url: str) -> AsyncIterator[list[Runtime]]:
    async with two_runtimes(url) as opened:
        yield opened


async def _send_from(runtime: Runtime, to: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=build_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        return await http.post(
            f"/v23.0/{sd.SIGNED_PHONE}/messages",
            json=template_send(to=to),
            headers={"Authorization": f"Bearer {sd.TOKEN}"},
        )


async def test_number_throughput_holds_across_processes(runtimes: list[Runtime]) -> None:
    responses = [await _send_from(runtimes[i % 2], f"551190000{i:04d}") for i in range(8)]
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 5
    assert {r.json()["error"]["code"] for r in responses if r.status_code != 200} == {130429}


async def test_pair_limit_holds_across_processes(runtimes: list[Runtime]) -> None:
    await apply_seed(runtimes[0], {"settings": {"pair_limit": {"burst": 2}}})
    await runtimes[1].refresh_if_changed()
    codes = [(await _send_from(runtimes[i % 2], sd.BR_PHONE)).status_code for i in range(3)]
    assert codes == [200, 200, 400]


async def test_a_change_in_one_process_reaches_the_other(runtimes: list[Runtime]) -> None:
    first, second = runtimes
    transport = httpx.ASGITransport(app=build_app(first))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        created = await http.post(
            f"/v23.0/{sd.SIGNED_WABA}/message_templates",
            json={**sd.SUMMER_SALE, "name": "made_elsewhere"},
            headers={"Authorization": f"Bearer {sd.TOKEN}"},
        )
    assert created.status_code == 200
    assert await second.refresh_if_changed() is True
    assert await second.refresh_if_changed() is False
    template = second.catalog.templates[created.json()["id"]]
    assert template.name == "made_elsewhere"
    response = await _send_from(second, sd.BR_PHONE)
    assert response.status_code == 200


async def test_manual_clock_is_shared(runtimes: list[Runtime]) -> None:
    first, second = runtimes
    await first.advance_clock(3600)
    await second.refresh_if_changed()
    assert second.now() == first.now() == sd.CLOCK_START + 3600


async def test_advances_through_two_processes_add_up(runtimes: list[Runtime]) -> None:
    """The second process advances before it has seen the first's advance: from the shared
    time, not from its own older one."""
    first, second = runtimes
    await first.advance_clock(3600)
    assert await second.advance_clock(3600) == sd.CLOCK_START + 7200
    await first.refresh_if_changed()
    assert first.now() == second.now() == sd.CLOCK_START + 7200


async def test_a_process_that_closes_leaves_the_shared_clock_as_it_is(
    url: str, runtimes: list[Runtime], open_runtime: Callable[[str], Awaitable[Runtime]]
) -> None:
    behind = await open_runtime(url)  # opened before the advance: its clock stays older
    await runtimes[0].advance_clock(3600)
    await behind.close()
    later = await open_runtime(url)
    try:
        assert later.now() == sd.CLOCK_START + 3600
    finally:
        await later.close()


@pytest.fixture
def open_runtime() -> Callable[[str], Awaitable[Runtime]]:
    """How a process of the tests opens its runtime on the shared database."""
    return Runtime.open


async def test_processes_seeding_together_do_not_duplicate(
    url: str, open_runtime: Callable[[str], Awaitable[Runtime]]
) -> None:
    opened = [await open_runtime(url) for _ in range(3)]
    try:
        await asyncio.gather(*(apply_seed(rt, sd.seed()) for rt in opened))
        data = await opened[0].store.load_catalog()
        keys = [(t.waba_id, t.name, t.language) for t in data.templates]
        assert len(keys) == len(set(keys)) == 21
    finally:
        for runtime in opened:
            await runtime.close()


async def test_business_use_case_calls_count_across_processes(runtimes: list[Runtime]) -> None:
    limit = {"calls_per_hour": 3, "active_calls_per_hour": 3}
    await apply_seed(runtimes[0], {"settings": {"business_use_case": limit}})
    await runtimes[1].refresh_if_changed()
    codes = []
    for i in range(4):
        transport = httpx.ASGITransport(app=build_app(runtimes[i % 2]))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get(
                f"/v23.0/{sd.SIGNED_WABA}", headers={"Authorization": f"Bearer {sd.TOKEN}"}
            )
        codes.append(response.json()["error"]["code"] if response.status_code != 200 else 200)
    assert codes == [200, 200, 200, 80008]


async def _until_a_query_waits_on_a_lock(url: str) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as watcher:
        for _ in range(500):
            cursor = await watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            )
            row = await cursor.fetchone()
            if row is not None and row[0] > 0:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("the reload never reached the locked table")


# A change this process makes while a reload is held, and how to see it was kept.
LOCAL_CHANGES: dict[str, tuple[str, dict[str, Any], Callable[[Runtime], bool]]] = {
    "phone PIN": (
        f"/v23.0/{sd.SIGNED_PHONE}",
        {"pin": "424242"},
        lambda rt: rt.catalog.phone_numbers[sd.SIGNED_PHONE].pin == "424242",
    ),
    "clock advance": (
        "/_wamm/clock/advance",
        {"seconds": 3600},
        lambda rt: rt.now() == sd.CLOCK_START + 60 + 3600,
    ),
}


@pytest.mark.parametrize("change_name", LOCAL_CHANGES)
async def test_a_reload_never_undoes_a_change_this_process_made_meanwhile(
    url: str, runtimes: list[Runtime], change_name: str
) -> None:
    """A reload reads table after table; a change this process commits between two reads
    (and applies in memory at once) must not be replaced by the older rows the reload read."""
    path, body, kept = LOCAL_CHANGES[change_name]
    first, second = runtimes
    await first.advance_clock(60)  # a change made elsewhere: `second` reloads
    async with await psycopg.AsyncConnection.connect(url) as blocker:
        # The reload reads the numbers and settings, then waits on the windows table.
        await blocker.execute("LOCK TABLE windows IN ACCESS EXCLUSIVE MODE")
        reload = asyncio.create_task(second.refresh_if_changed())
        await _until_a_query_waits_on_a_lock(url)
        transport = httpx.ASGITransport(app=build_app(second))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            headers = {"Authorization": f"Bearer {sd.TOKEN}"}
            change = asyncio.create_task(http.post(path, json=body, headers=headers))
            # Unguarded, the change commits now, while the reload is held.
            await asyncio.wait({change}, timeout=0.5)
            await blocker.rollback()
            assert await reload is True
            assert (await change).status_code == 200
    assert kept(second)
