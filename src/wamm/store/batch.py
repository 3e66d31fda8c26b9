"""Group commit: many concurrent writers share one transaction.

Each `submit` queues an item and waits; one flush at a time writes everything queued so far in a
single transaction, then wakes every waiter (or hands each the flush's exception). A request is
answered only after its rows are committed, yet the commit cost is paid once per batch.

A batch that fails with one of the `isolate` exceptions (an error about one item's rows, not
about the database) is written again item by item, so only the faulty item's caller fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Concurrent callers share one flush; each gets the flush's result for its own item.
    `flushes` counts the flushes run so far (for a `GroupCommitter`, its transactions)."""

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[list[R]]],
        max_batch: int = 1000,
        isolate: tuple[type[Exception], ...] = (),
    ) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._isolate = isolate
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None
        self.flushes = 0

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._commit(batch)
        finally:
            self._task = None

    async def _commit(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        self.flushes += 1
        try:
            results = await self._flush([item for item, _ in batch])
            answers = list(zip(batch, results, strict=True))
        except Exception as exc:
            if len(batch) > 1 and isinstance(exc, self._isolate):
                for single in batch:
                    await self._commit([single])
                return
            for _, future in batch:  # every waiter of the batch learns the failure
                if not future.done():
                    future.set_exception(exc)
        else:
            for (_, future), result in answers:
                if not future.done():
                    future.set_result(result)

    async def drain(self) -> None:
        """Wait until everything submitted so far is flushed (used at shutdown)."""
        while self._task is not None:
            await asyncio.shield(self._task)


class GroupCommitter(Batcher[T, None]):
    """A batcher whose flush writes everything in one transaction and returns nothing."""

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[None]],
        max_batch: int = 1000,
        isolate: tuple[type[Exception], ...] = (),
    ) -> None:
        async def flush_all(items: list[T]) -> list[None]:
            await flush(items)
            return [None] * len(items)

        super().__init__(flush_all, max_batch, isolate)
