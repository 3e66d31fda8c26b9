"""`AsyncClient`: the asyncio client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeVar

import httpx

from wamm.client.api import GraphApi
from wamm.client.models import Page
from wamm.client.transport import Call, Effect, Gather, Job, Program, Settled, Sleep, Stepper

T = TypeVar("T")
Item = TypeVar("Item")


class AsyncClient(GraphApi[httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]]):
    """The WhatsApp Cloud API + Marketing Messages API client, for asyncio.

        async with AsyncClient("TOKEN", base_url="http://localhost:8000") as client:
            await client.send_marketing(PHONE_ID, TemplateMessage("summer_sale"), to="55...")

    Every method is listed on `GraphApi`; each returns an awaitable (iterators: async ones).
    Campaigns run their sends as tasks.
    """

    is_async: ClassVar[Literal[True]] = True

    def _open(
        self,
        transport: httpx.AsyncBaseTransport | None,
        timeout: httpx.Timeout,
        sleep: Callable[[float], Awaitable[None]] | None,
    ) -> None:
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._sleep = sleep or asyncio.sleep

    async def _run(self, job: Job[T]) -> T:
        return await self._drive(job.program(self._engine))

    async def _pages(self, call: Call[Page[Item]]) -> AsyncIterator[Item]:
        page_call: Call[Page[Item]] | None = call
        while page_call is not None:
            page = await self._run(page_call)
            for item in page.data:
                yield item
            page_call = self._engine.next_page(page_call, page)

    async def _drive(self, program: Program[T]) -> T:
        step = Stepper(program)
        while step.effect is not None:
            step.feed(await self._perform(step.effect))
        return step.result

    async def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, Gather):
            slots = asyncio.Semaphore(effect.concurrency)
            return await asyncio.gather(*(self._settle(p, slots) for p in effect.programs))
        if isinstance(effect, Sleep):
            return await self._sleep(effect.seconds)
        try:
            return await self._http.send(effect.request)
        except httpx.TransportError as error:
            return error

    async def _settle(self, program: Program[Any], slots: asyncio.Semaphore) -> Settled[Any]:
        async with slots:
            try:
                return Settled(value=await self._drive(program))
            except Exception as error:  # recorded for its own recipient
                return Settled(error=error)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
