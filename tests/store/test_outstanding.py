"""`Store.deliveries_outstanding`: what a drain in a process that does not deliver waits for,
asked of a store other than the one the rows were written and claimed through."""

from __future__ import annotations

import time

import msgspec

from wamm.store import open_store
from wamm.store.base import ClaimLimits, Delivery, Store

MESSAGE = 7


def status(event_index: int, due: float, message_seq: int = MESSAGE) -> Delivery:
    return Delivery(
        app_id="a",
        waba_id="w",
        field="messages",
        value=b"",
        wamid=f"wamid.{message_seq}",
        message_seq=message_seq,
        event_index=event_index,
        event_at=due,
        due_at=due,
        next_attempt_at=due,
    )


async def claim_one(store: Store, now: float) -> Delivery:
    (claimed,) = await store.claim_deliveries(now, time.time(), 60, ClaimLimits(per_app=10))
    return claimed


async def deliver(store: Store, claimed: Delivery, now: float) -> None:
    done = msgspec.structs.replace(claimed, state="delivered", attempts=1, delivered_at=now)
    await store.finish_deliveries([done], [])


async def test_held_or_ready_rows_are_outstanding_one_held_back_alone_is_not(
    durable_url: str,
) -> None:
    worker, watcher = await open_store(durable_url), await open_store(durable_url)
    try:
        await worker.add_deliveries([status(0, 100.0), status(1, 100.0), status(0, 500.0, 8)])
        assert not await watcher.deliveries_outstanding(50.0)  # nothing due yet
        assert await watcher.deliveries_outstanding(100.0)

        held = await claim_one(worker, 200.0)
        assert await watcher.next_delivery_at() == 500.0  # the second update waits for the first
        assert await watcher.deliveries_outstanding(200.0)  # ... which is held

        await deliver(worker, held, 200.0)
        assert await watcher.deliveries_outstanding(200.0)  # the second update is ready now

        await deliver(worker, await claim_one(worker, 200.0), 200.0)
        assert not await watcher.deliveries_outstanding(200.0)
        assert await watcher.deliveries_outstanding(500.0)
    finally:
        await worker.close()
        await watcher.close()
