"""Fixtures for the SDK tests: clients bound to an in-process wamm, a fake clock, and a bridge
that lets the blocking `Client` talk to an in-process wamm running on its own event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from tests import seed_data as sd
from wamm.client import AsyncClient, Client, RetryPolicy
from wamm.server.app import build_app
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed

BASE_URL = "http://wamm.test"
T = TypeVar("T")


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def no_jitter(max_attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, jitter=0.0)


@pytest.fixture
def database_url() -> str:
    """The SDK does not depend on wamm's storage: one backend is enough."""
    return "sqlite://"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def aclient(runtime: Runtime, clock: FakeClock) -> AsyncIterator[AsyncClient]:
    """An AsyncClient on the seeded in-process wamm (ASGITransport, no sockets)."""
    transport = httpx.ASGITransport(app=build_app(runtime))
    async with AsyncClient(
        sd.TOKEN,
        base_url=BASE_URL,
        transport=transport,
        retry=no_jitter(),
        clock=clock,
        sleep=clock.asleep,
    ) as client:
        yield client


@pytest.fixture
async def control(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP to the same wamm, for the control API."""
    transport = httpx.ASGITransport(app=build_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


# --- the blocking client on an in-process wamm -----------------------------------------------


class LoopThread:
    """An event loop in a background thread, where an in-process wamm lives."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class ThreadedASGITransport(httpx.BaseTransport):
    """A blocking httpx transport that runs each request through an ASGI app on `LoopThread`."""

    def __init__(self, app: Any, loop: LoopThread) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            body = request.read()
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._inner.handle_async_request(forwarded)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._loop.run(call())


class SyncWamm:
    """A seeded in-process wamm for blocking clients: `client()` and `control(...)`."""

    def __init__(self, seed: dict[str, Any]) -> None:
        self.loop = LoopThread()
        self.runtime = self.loop.run(self._open(seed))
        self.transport = ThreadedASGITransport(build_app(self.runtime), self.loop)
        self.http = httpx.Client(transport=self.transport, base_url=BASE_URL)

    @staticmethod
    async def _open(seed: dict[str, Any]) -> Runtime:
        runtime = await Runtime.open("sqlite://")
        await apply_seed(runtime, seed)
        return runtime

    def client(self, clock: FakeClock, **options: Any) -> Client:
        options.setdefault("retry", no_jitter())
        return Client(
            sd.TOKEN,
            base_url=BASE_URL,
            transport=self.transport,
            clock=clock,
            sleep=clock.sleep,
            **options,
        )

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"/_wamm{path}", **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def close(self) -> None:
        self.http.close()
        self.loop.run(self.runtime.close())
        self.loop.close()


@pytest.fixture
def sync_wamm(seed_document: dict[str, Any]) -> Iterator[SyncWamm]:
    wamm = SyncWamm(seed_document)
    yield wamm
    wamm.close()


@pytest.fixture
def client(sync_wamm: SyncWamm, clock: FakeClock) -> Iterator[Client]:
    """A blocking Client on the seeded in-process wamm."""
    with sync_wamm.client(clock) as blocking:
        yield blocking
