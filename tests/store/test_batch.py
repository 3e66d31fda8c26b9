"""The batcher behind group commit and shared rate-limit takes."""

from __future__ import annotations

import asyncio

import pytest

from wamm.store.batch import Batcher, GroupCommitter


async def test_concurrent_submits_share_one_flush_and_get_their_own_result() -> None:
    flushes: list[list[int]] = []

    async def double(items: list[int]) -> list[int]:
        flushes.append(items)
        await asyncio.sleep(0)
        return [item * 2 for item in items]

    batcher: Batcher[int, int] = Batcher(double)
    results = await asyncio.gather(*(batcher.submit(n) for n in range(5)))
    assert results == [0, 2, 4, 6, 8]
    assert flushes == [[0, 1, 2, 3, 4]]
    assert batcher.flushes == 1


async def test_batches_are_capped() -> None:
    sizes: list[int] = []

    async def record(items: list[int]) -> None:
        sizes.append(len(items))

    committer: GroupCommitter[int] = GroupCommitter(record, max_batch=2)
    await asyncio.gather(*(committer.submit(n) for n in range(5)))
    assert sizes == [2, 2, 1]


async def test_a_failed_flush_reaches_every_waiter_of_its_batch() -> None:
    async def fail(items: list[int]) -> list[int]:
        raise OSError("disk full")

    batcher: Batcher[int, int] = Batcher(fail)
    outcomes = await asyncio.gather(*(batcher.submit(n) for n in range(3)), return_exceptions=True)
    assert [str(o) for o in outcomes] == ["disk full"] * 3


async def test_a_flush_answering_the_wrong_count_fails_its_waiters_instead_of_hanging() -> None:
    async def short(items: list[int]) -> list[int]:
        return items[:1]

    batcher: Batcher[int, int] = Batcher(short)
    with pytest.raises(ValueError):
        await asyncio.wait_for(asyncio.gather(batcher.submit(1), batcher.submit(2)), timeout=5)


class BadRow(Exception):
    """An error about one item's rows (a unique key taken, say)."""


async def test_a_bad_row_fails_only_its_own_submit_the_others_commit() -> None:
    committed: list[int] = []

    async def refuse_negative(items: list[int]) -> None:
        await asyncio.sleep(0)
        if any(n < 0 for n in items):
            raise BadRow(f"bad row in {items}")  # the transaction rolls back whole
        committed.extend(items)

    committer: GroupCommitter[int] = GroupCommitter(refuse_negative, isolate=(BadRow,))
    outcomes = await asyncio.gather(
        *(committer.submit(n) for n in (1, -2, 3, 4)), return_exceptions=True
    )
    assert [str(o) if o else None for o in outcomes] == [None, "bad row in [-2]", None, None]
    assert committed == [1, 3, 4]


async def test_an_error_that_is_not_about_a_row_is_not_retried_item_by_item() -> None:
    calls: list[list[int]] = []

    async def down(items: list[int]) -> None:
        calls.append(items)
        raise OSError("database unreachable")

    committer: GroupCommitter[int] = GroupCommitter(down, isolate=(BadRow,))
    outcomes = await asyncio.gather(
        *(committer.submit(n) for n in range(3)), return_exceptions=True
    )
    assert [str(o) for o in outcomes] == ["database unreachable"] * 3
    assert calls == [[0, 1, 2]]
