"""`wamm worker`: the webhook dispatcher without the HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading

from wamm.service.delivery import Dispatcher
from wamm.service.follow import following
from wamm.service.runtime import Runtime

# A delivery process looks for rows its server wrote this often (it is not woken by sends).
SERVER_POLL_SECONDS = 0.1
SERVER_FOLLOW_SECONDS = 0.1  # and for the server's changes (the manual clock above all)


async def run_worker(database_url: str, *, for_server: bool = False) -> None:
    """Deliver webhooks until SIGTERM or SIGINT. `for_server`: the delivery process of one
    `wamm serve`, which keeps time itself; it also stops when the server's pipe on stdin
    closes, so that it never outlives its server (even one killed with SIGKILL)."""
    runtime = await Runtime.open(database_url)
    if for_server:
        dispatcher = Dispatcher(runtime, keep_time=False, poll_seconds=SERVER_POLL_SECONDS)
    else:
        dispatcher = Dispatcher(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(signum, stop.set)
    if for_server:
        _stop_at_end_of_input(loop, stop)
    await dispatcher.start()
    try:
        interval = SERVER_FOLLOW_SECONDS if for_server else None
        async with following(runtime, always=True, interval=interval):
            await stop.wait()
    finally:
        await dispatcher.stop()
        await runtime.close(save_clock=not for_server)


def _stop_at_end_of_input(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def wait_for_end() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_end, name="wamm-server-pipe", daemon=True).start()
