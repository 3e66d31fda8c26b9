"""Serving an ASGI app with uvicorn on a socket bound first, so that a port that is taken is
reported before anything else happens (`wamm serve`, `wamm webhooks listen`)."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Annotated, Any

import typer
import uvicorn

from wamm.cli.common import ListenError, UsageError

MAX_PORT = 65535
# uvicorn's exit code when the app did not start (its lifespan startup failed; uvicorn logged why).
STARTUP_FAILURE = 3
STARTED_POLL_SECONDS = 0.01


PortOption = Annotated[int, typer.Option(min=1, max=MAX_PORT, help="TCP port to listen on.")]


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on `host`:`port`. `ListenError` if the port is taken (or the
    address is not this machine's); `UsageError` if `host` is not a known name."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(f"{host!r}: {error.strerror}", param_hint="--host") from None
    try:
        return socket.create_server((host, port), family=found[0][0])
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        if error.errno == errno.EADDRINUSE:
            reason += " (another process listens there: stop it, or pick another --port)"
        raise ListenError(f"cannot listen on {host}:{port}: {reason}") from None


def serve_asgi(
    app: Any, sock: socket.socket, *, when_started: Callable[[], None] | None = None, **options: Any
) -> None:
    """Serve `app` on the listening socket `sock` (see `listening_socket`) until SIGINT or
    SIGTERM; `options` are uvicorn's. Exits with uvicorn's code 3 if the app failed to start.

    `when_started` runs in a thread once the app serves; if it raises, the server stops and
    its exception is raised here."""
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options))
    failures: list[Exception] = []
    if when_started is not None:
        threading.Thread(
            target=_once_started, args=(server, when_started, failures), daemon=True
        ).start()
    with contextlib.suppress(KeyboardInterrupt), sock:
        server.run(sockets=[sock])
    if failures:
        raise failures[0]
    if not server.started:
        raise typer.Exit(STARTUP_FAILURE)


def _once_started(
    server: uvicorn.Server, action: Callable[[], None], failures: list[Exception]
) -> None:
    while not server.started:  # uvicorn has no "started" callback
        if server.should_exit:
            return
        time.sleep(STARTED_POLL_SECONDS)
    try:
        action()
    except Exception as error:
        failures.append(error)
        server.should_exit = True


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within: SIGTERM ends `serve_asgi` as Ctrl-C does, so the code after it still runs
    (uvicorn raises the signal again once it has shut down)."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
