"""Group commit: many concurrent writers share one transaction.

Each `submit` queues an item and waits; one flush at a time writes everything queued so far in a
single transaction, then wakes every waiter (or hands each the flush's exception). A request is
answered only after its rows are committed, yet the commit cost is paid once per batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommitter(Generic[T]):
    def __init__(self, flush: Callable[[list[T]], Awaitable[None]], max_batch: int = 1000) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._pending: list[tuple[T, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                try:
                    await self._flush([item for item, _ in batch])
                except Exception as exc:  # every waiter of the batch learns the failure
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._task = None

    async def drain(self) -> None:
        """Wait until everything submitted so far is flushed (used at shutdown)."""
        while self._task is not None:
            await asyncio.shield(self._task)
