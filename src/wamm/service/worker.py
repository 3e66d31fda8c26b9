"""`wamm worker`: the webhook dispatcher without the HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

from wamm.service.delivery import Dispatcher
from wamm.service.follow import following
from wamm.service.runtime import Runtime

# A delivery process looks for rows its server wrote this often (it is not woken by sends).
SERVER_POLL_SECONDS = 0.1
SERVER_FOLLOW_SECONDS = 0.1  # and for the server's changes (the manual clock above all)


async def run_worker(
    database_url: str, *, for_server: bool = False, ready_fd: int | None = None
) -> None:
    """Deliver webhooks until SIGTERM or SIGINT. `for_server`: the delivery process of one
    `wamm serve`, which keeps time itself; it also stops when the server's pipe on stdin
    closes, so that it never outlives its server (even one killed with SIGKILL). `ready_fd`:
    a pipe to write one byte to (then closed) once delivering."""
    # A worker is one of several processes on the database; a delivery process shares only
    # its server's outbox (its server keeps time and takes the rate-limit tokens).
    runtime = await Runtime.open(database_url, shared=not for_server)
    if for_server:
        dispatcher = Dispatcher(runtime, keep_time=False, poll_seconds=SERVER_POLL_SECONDS)
    else:
        dispatcher = Dispatcher(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # A delivery process (in a process group of its own) leaves Ctrl-C to its server, which
    # closes the pipe when it is done.
    on_interrupt = (lambda: None) if for_server else stop.set
    for signum, handler in ((signal.SIGTERM, stop.set), (signal.SIGINT, on_interrupt)):
        with contextlib.suppress(NotImplementedError):  # not on every platform
            loop.add_signal_handler(signum, handler)
    pipe = await _stop_at_end_of_input(stop) if for_server else None
    await dispatcher.start()
    if ready_fd is not None:
        _say_ready(ready_fd)
    try:
        interval = SERVER_FOLLOW_SECONDS if for_server else None
        async with following(runtime, always=True, interval=interval):
            await stop.wait()
    finally:
        if pipe is not None:
            pipe.close()
        await dispatcher.stop()
        await runtime.close(save_clock=not for_server)


def _say_ready(fd: int) -> None:
    with contextlib.suppress(OSError), os.fdopen(fd, "wb", buffering=0) as pipe:
        pipe.write(b"1")  # a server that no longer listens is no error


class _EndOfInput(asyncio.Protocol):
    """Sets `stop` when the server's end of the pipe closes (data on it is ignored)."""

    def __init__(self, stop: asyncio.Event) -> None:
        self._stop = stop

    def connection_lost(self, _exc: Exception | None) -> None:
        self._stop.set()


async def _stop_at_end_of_input(stop: asyncio.Event) -> asyncio.BaseTransport:
    """Watch stdin on the event loop, not in a thread: a thread blocked reading stdin when a
    signal (Ctrl-C reaches the whole process group) ends the process made the interpreter's
    shutdown fail ("could not acquire lock for <stdin>")."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.connect_read_pipe(lambda: _EndOfInput(stop), sys.stdin)
    return transport
