"""Group commit run from the SQLite store's database thread, or on the event loop's thread
when its inline gate is free."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from wamm.store.thread_commit import INLINE_TRIES, ThreadGroupCommitter


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1)
    yield pool
    pool.shutdown(wait=True)


class Gate:
    """An inline gate that is free or taken as a test sets it (or free from its `free_from`th
    try on), and counts its uses."""

    def __init__(self, free: bool, free_from: int | None = None) -> None:
        self.free, self.free_from = free, free_from
        self.tries = self.begun = self.ended = 0

    def try_begin(self) -> bool:
        self.tries += 1
        if self.free_from is not None and self.tries >= self.free_from:
            self.free = True
        self.begun += self.free
        return self.free

    def end(self) -> None:
        self.ended += 1


@pytest.fixture(params=[None, "free gate"])
def inline(request: pytest.FixtureRequest) -> Gate | None:
    """No inline gate (every flush on the thread), or a free one (every flush inline)."""
    return None if request.param is None else Gate(free=True)


async def test_submits_of_one_loop_iteration_share_one_flush_on_the_thread(
    executor: ThreadPoolExecutor,
) -> None:
    flushes: list[tuple[list[int], str]] = []

    def record(items: list[int]) -> None:
        flushes.append((items, threading.current_thread().name))

    committer = ThreadGroupCommitter[int](executor, record)
    await asyncio.gather(*(committer.submit(n) for n in range(5)))
    assert [items for items, _ in flushes] == [[0, 1, 2, 3, 4]]
    assert flushes[0][1] != threading.current_thread().name
    assert committer.flushes == 1


async def test_items_queued_during_a_flush_go_in_the_next_one_in_order(
    executor: ThreadPoolExecutor,
) -> None:
    flushes: list[list[int]] = []
    first_started, release = threading.Event(), threading.Event()

    def slow_first(items: list[int]) -> None:
        flushes.append(items)
        if len(flushes) == 1:
            first_started.set()
            release.wait(5)

    committer = ThreadGroupCommitter[int](executor, slow_first)
    first = asyncio.ensure_future(committer.submit(0))
    await asyncio.get_running_loop().run_in_executor(None, first_started.wait, 5)
    later = [asyncio.ensure_future(committer.submit(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0.01)
    assert not any(task.done() for task in (first, *later))
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *later), timeout=5)
    assert flushes == [[0], [1, 2, 3]]


async def test_batches_are_capped(executor: ThreadPoolExecutor, inline: Gate | None) -> None:
    sizes: list[int] = []
    committer = ThreadGroupCommitter[int](
        executor, lambda items: sizes.append(len(items)), 2, inline=inline
    )
    await asyncio.gather(*(committer.submit(n) for n in range(5)))
    assert sizes == [2, 2, 1]


async def test_a_failed_flush_reaches_every_waiter_of_its_batch_only(
    executor: ThreadPoolExecutor, inline: Gate | None
) -> None:
    def fail_odd_batches(items: list[int]) -> None:
        if items[0] % 2:
            raise OSError(f"disk full at {items[0]}")

    committer = ThreadGroupCommitter[int](executor, fail_odd_batches, max_batch=2, inline=inline)
    outcomes = await asyncio.gather(
        *(committer.submit(n) for n in (1, 3, 4, 6)), return_exceptions=True
    )
    assert [str(o) if o else None for o in outcomes] == ["disk full at 1"] * 2 + [None] * 2


class BadRow(Exception):
    """An error about one item's rows (a unique key taken, say)."""


async def test_a_bad_row_fails_only_its_own_submit_the_others_commit(
    executor: ThreadPoolExecutor, inline: Gate | None
) -> None:
    committed: list[int] = []

    def refuse_negative(items: list[int]) -> None:
        if any(n < 0 for n in items):
            raise BadRow(f"bad row in {items}")  # the transaction rolls back whole
        committed.extend(items)

    committer = ThreadGroupCommitter[int](
        executor, refuse_negative, isolate=(BadRow,), inline=inline
    )
    outcomes = await asyncio.gather(
        *(committer.submit(n) for n in (1, -2, 3, 4)), return_exceptions=True
    )
    assert [str(o) if o else None for o in outcomes] == [None, "bad row in [-2]", None, None]
    assert committed == [1, 3, 4]


async def test_drain_waits_for_everything_submitted(
    executor: ThreadPoolExecutor, inline: Gate | None
) -> None:
    done: list[int] = []
    committer = ThreadGroupCommitter[int](executor, done.extend, inline=inline)
    tasks = [asyncio.ensure_future(committer.submit(n)) for n in range(3)]
    await asyncio.sleep(0)  # the submits are queued, not yet handed over
    await committer.drain()
    assert done == [0, 1, 2]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)


async def test_a_cancelled_waiter_does_not_stop_the_others(executor: ThreadPoolExecutor) -> None:
    done: list[int] = []
    committer = ThreadGroupCommitter[int](executor, done.extend)
    cancelled = asyncio.ensure_future(committer.submit(1))
    kept = asyncio.ensure_future(committer.submit(2))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.wait_for(kept, timeout=5)
    assert done == [1, 2]  # queued before the cancel, so written even though no one waits


@pytest.mark.parametrize(
    ("free", "on_the_loop", "uses"),
    [(True, True, (1, 1, 1)), (False, False, (INLINE_TRIES, 0, 0))],
    ids=["free gate: on the loop's thread", "taken gate: on the database thread"],
)
async def test_the_gate_decides_which_thread_commits_a_batch(
    executor: ThreadPoolExecutor, free: bool, on_the_loop: bool, uses: tuple[int, int, int]
) -> None:
    threads: list[str] = []
    gate = Gate(free=free)
    committer = ThreadGroupCommitter[int](
        executor, lambda _: threads.append(threading.current_thread().name), inline=gate
    )
    await asyncio.gather(*(committer.submit(n) for n in range(5)))
    assert len(threads) == 1 == committer.flushes
    assert (threads[0] == threading.current_thread().name) is on_the_loop
    assert (gate.tries, gate.begun, gate.ended) == uses


async def test_a_batch_tries_the_gate_again_in_the_next_loop_iterations(
    executor: ThreadPoolExecutor,
) -> None:
    threads: list[str] = []
    flushed: list[list[int]] = []
    gate = Gate(free=False, free_from=3)

    def record(items: list[int]) -> None:
        threads.append(threading.current_thread().name)
        flushed.append(items)

    committer = ThreadGroupCommitter[int](executor, record, inline=gate)
    first = asyncio.ensure_future(committer.submit(1))
    await asyncio.sleep(0)  # the first try fails: a send of the next iteration joins the batch
    await asyncio.gather(first, committer.submit(2))
    assert threads == [threading.current_thread().name]
    assert flushed == [[1, 2]]
    assert (gate.tries, gate.begun, gate.ended) == (3, 1, 1)


async def test_an_inline_flush_that_fails_still_ends_the_gate(
    executor: ThreadPoolExecutor,
) -> None:
    def disk_full(items: list[int]) -> None:
        raise OSError("disk full")

    gate = Gate(free=True)
    committer = ThreadGroupCommitter[int](executor, disk_full, inline=gate)
    with pytest.raises(OSError, match="disk full"):
        await committer.submit(1)
    assert (gate.begun, gate.ended) == (1, 1)
