"""Sequence numbers come from blocks reserved in the store. When a block runs out with many
requests in flight, one reservation serves them all: no block is reserved and thrown away, and
no burst of write transactions stalls the send path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from wamm.core.errors import ResetDuringRequest
from wamm.service.runtime import BLOCK_SIZES, DEFAULT_BLOCK, Runtime

COUNTER = "qr_code"  # reserved in blocks of DEFAULT_BLOCK
assert COUNTER not in BLOCK_SIZES


@pytest.fixture
async def runtime(durable_url: str) -> AsyncIterator[Runtime]:
    opened = await Runtime.open(durable_url)
    yield opened
    await opened.close()


async def test_requests_that_find_a_block_empty_share_one_reservation(runtime: Runtime) -> None:
    first = await runtime.ids.next(COUNTER)
    wanted = 3 * DEFAULT_BLOCK + 7  # runs through three blocks while all wait at once
    values = await asyncio.gather(*(runtime.ids.next(COUNTER) for _ in range(wanted)))
    assert sorted(values) == list(range(first + 1, first + 1 + wanted))
    # The store's counter moved by the blocks used, not one block per waiting request.
    used_blocks = -(-(wanted + 1) // DEFAULT_BLOCK)
    next_free = await runtime.store.reserve(COUNTER, 1, runtime.epoch)
    assert next_free == first + used_blocks * DEFAULT_BLOCK


async def test_a_reset_while_a_block_is_reserved_fails_every_waiting_request(
    runtime: Runtime,
) -> None:
    waiting = [asyncio.ensure_future(runtime.ids.next(COUNTER)) for _ in range(5)]
    await asyncio.sleep(0)  # the requests find no block and start the reservation
    await asyncio.sleep(0)  # the reservation is under way in the store
    runtime.ids.restart(runtime.epoch + 1)  # what a reset does, before the block arrives
    for request in waiting:
        with pytest.raises(ResetDuringRequest):
            await request


async def test_a_waiting_request_cancelled_leaves_the_reservation_to_the_others(
    runtime: Runtime,
) -> None:
    cancelled = asyncio.ensure_future(runtime.ids.next(COUNTER))
    others = [asyncio.ensure_future(runtime.ids.next(COUNTER)) for _ in range(3)]
    await asyncio.sleep(0)  # every request is waiting for the one reservation
    cancelled.cancel()
    values = await asyncio.gather(*others)
    assert len(set(values)) == 3
    assert cancelled.cancelled()
