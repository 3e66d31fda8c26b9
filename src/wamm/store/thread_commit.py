"""Group commit driven from a store's database thread (the SQLite store's).

`batch.GroupCommitter` runs its flush loop as an event-loop task: every commit that finishes
has to wait for the loop to wake that task, settle the waiters and start the next flush, and
under load each wake-up waits behind a whole iteration of request handling (tens of
milliseconds at 64 connections). Here the database thread settles a batch's waiters with one
callback and goes straight on to the items that queued up meanwhile, so a commit is answered
one loop iteration after it ends and the thread never waits for the loop to give it work.

Items queued during one loop iteration are handed over together (a `call_soon` per
iteration, not per item), so batches keep the size group commit needs. As in `batch`, a batch
failing with an `isolate` exception is written again item by item: only the faulty item fails.

Given an `inline` gate, a batch commits on the event loop's thread itself whenever the gate
says the connection and the file's write lock are free at that moment. With 64 connections in
a closed loop, the thread's commit and the loop's request handling ran in lockstep: every
request waited for the batch in the thread, so the loop idled a third of the time, and each
hand-over paid a thread wake-up and GIL switches both ways. Inline, the loop goes from a
batch's commit straight to the requests that arrived meanwhile (docs/performance.md, ninth
session: 1.15x sends per second, 15 % less CPU per send). Only a batch that would have to
wait (a store call running on the thread, another process writing) goes to the thread, and
only after the loop's next iterations found the gate taken as well (`INLINE_TRIES` in all):
another process's commit holds the write lock for a millisecond or two, which the loop
spends on other requests (their sends join the batch); on the thread, the batch would also
wait for the thread's turn-around, and so would every batch queued behind it (a few per
cent more sends per second with `--workers 2`, docs/performance.md).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
_Waiter = asyncio.Future[None]
INLINE_TRIES = 32  # loop iterations a batch tries the inline gate in before the thread takes it


class InlineGate(Protocol):
    def try_begin(self) -> bool: ...  # the right to commit here, now, if free (never waits)
    def end(self) -> None: ...


class ThreadGroupCommitter(Generic[T]):
    """Concurrent `submit`s share one transaction, written by `flush` on `executor`'s thread;
    `flushes` counts the transactions run so far."""

    def __init__(
        self,
        executor: Executor,
        flush: Callable[[list[T]], None],
        max_batch: int = 1000,
        isolate: tuple[type[Exception], ...] = (),
        inline: InlineGate | None = None,
    ) -> None:
        self._executor = executor
        self._inline = inline
        self._inline_tries = 1  # of the batch being handed over
        self._flush = flush
        self._max_batch = max_batch
        self._isolate = isolate
        self._queue: deque[tuple[T, _Waiter]] = deque()
        self._lock = threading.Lock()
        self._handover_pending = False
        self._flushing = False  # a flush job is queued on or running in the executor
        self.flushes = 0  # written by whoever holds the connection

    async def submit(self, item: T) -> None:
        """Queue `item`; return once the transaction holding it has committed."""
        loop = asyncio.get_running_loop()
        waiter: _Waiter = loop.create_future()
        self._queue.append((item, waiter))
        if not self._handover_pending:
            self._hand_over_soon(loop)
        await waiter

    def _hand_over_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        self._handover_pending = True
        loop.call_soon(self._hand_over, loop)

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        self._handover_pending = False
        with self._lock:
            if self._flushing or not self._queue:
                return  # the running flush job picks the queue up when it finishes
            gate = self._inline
            held = gate if gate is not None and gate.try_begin() else None
            if held is None and gate is not None and self._inline_tries < INLINE_TRIES:
                self._inline_tries += 1
                self._hand_over_soon(loop)  # the loop's next iteration tries again
                return
            self._inline_tries = 1
            self._flushing = held is None
        if held is None:
            self._executor.submit(self._flush_job, loop)
        else:
            self._flush_inline(loop, held)

    def _flush_inline(self, loop: asyncio.AbstractEventLoop, gate: InlineGate) -> None:
        """On the event loop's thread, `gate` begun: one batch, settled at once."""
        try:
            outcomes = self._commit(self._next_batch())
        finally:
            gate.end()
        _settle(outcomes)
        if self._queue and not self._handover_pending:  # more than `max_batch` were queued
            self._hand_over_soon(loop)

    def _flush_job(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the database thread: one batch, its waiters settled, then the next batch (queued
        behind any other store call waiting for the thread)."""
        loop.call_soon_threadsafe(_settle, self._commit(self._next_batch()))
        with self._lock:
            self._flushing = bool(self._queue)
        if self._flushing:
            self._executor.submit(self._flush_job, loop)

    def _next_batch(self) -> list[tuple[T, _Waiter]]:
        queue = self._queue
        return [queue.popleft() for _ in range(min(len(queue), self._max_batch))]

    def _commit(self, batch: list[tuple[T, _Waiter]]) -> list[tuple[_Waiter, BaseException | None]]:
        """Each waiter of `batch` with its outcome: None once committed, else the error."""
        self.flushes += 1
        try:
            self._flush([item for item, _ in batch])
        except BaseException as exc:
            if len(batch) > 1 and isinstance(exc, self._isolate):
                return [outcome for single in batch for outcome in self._commit([single])]
            return [(waiter, exc) for _, waiter in batch]  # the whole batch learns the failure
        return [(waiter, None) for _, waiter in batch]

    async def drain(self) -> None:
        """Wait until everything submitted so far is committed (used at shutdown and reset)."""
        loop = asyncio.get_running_loop()
        while self._queue or self._flushing or self._handover_pending:
            await loop.run_in_executor(self._executor, _nothing)


def _settle(outcomes: list[tuple[_Waiter, BaseException | None]]) -> None:
    for waiter, error in outcomes:
        if waiter.done():
            continue
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error)


def _nothing() -> None:
    return None
