"""`wamm worker`: the webhook dispatcher without the HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from wamm.service.delivery import Dispatcher
from wamm.service.follow import following
from wamm.service.runtime import Runtime


async def run_worker(database_url: str) -> None:
    """Deliver webhooks until SIGTERM or SIGINT."""
    runtime = await Runtime.open(database_url)
    dispatcher = Dispatcher(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(signum, stop.set)
    await dispatcher.start()
    try:
        async with following(runtime):
            await stop.wait()
    finally:
        await dispatcher.stop()
        await runtime.close()
