"""`Client`: the blocking client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeVar

import httpx

from wamm.client.api import GraphApi
from wamm.client.models import Page
from wamm.client.transport import Call, Effect, Gather, Job, Program, Settled, Sleep, Stepper

T = TypeVar("T")
Item = TypeVar("Item")


class Client(GraphApi[httpx.BaseTransport, Callable[[float], None]]):
    """The WhatsApp Cloud API + Marketing Messages API client, blocking.

        with Client("TOKEN", base_url="http://localhost:8000") as client:
            client.send_marketing(PHONE_ID, TemplateMessage("summer_sale"), to="5511987654321")

    Every method is listed on `GraphApi`. Campaigns run their sends on a thread pool.
    """

    is_async: ClassVar[Literal[False]] = False

    def _open(
        self,
        transport: httpx.BaseTransport | None,
        timeout: httpx.Timeout,
        sleep: Callable[[float], None] | None,
    ) -> None:
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self._sleep = sleep or time.sleep

    def _run(self, job: Job[T]) -> T:
        return self._drive(job.program(self._engine))

    def _pages(self, call: Call[Page[Item]]) -> Iterator[Item]:
        page_call: Call[Page[Item]] | None = call
        while page_call is not None:
            page = self._run(page_call)
            yield from page.data
            page_call = self._engine.next_page(page_call, page)

    def _drive(self, program: Program[T]) -> T:
        step = Stepper(program)
        while step.effect is not None:
            step.feed(self._perform(step.effect))
        return step.result

    def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, Gather):
            with ThreadPoolExecutor(max_workers=effect.concurrency) as pool:
                return list(pool.map(self._settle, effect.programs))
        if isinstance(effect, Sleep):
            return self._sleep(effect.seconds)
        try:
            return self._http.send(effect.request)
        except httpx.TransportError as error:
            return error

    def _settle(self, program: Program[Any]) -> Settled[Any]:
        try:
            return Settled(value=self._drive(program))
        except Exception as error:  # recorded for its own recipient
            return Settled(error=error)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
