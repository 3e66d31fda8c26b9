"""Serving an ASGI app with uvicorn on a socket bound first, so that a port that is taken is
reported before anything else happens (`wamm serve`, `wamm webhooks listen`)."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from typing import Annotated, Any

import typer
import uvicorn

from wamm.cli.common import ListenError, UsageError

MAX_PORT = 65535
# uvicorn's exit code when the app did not start (its lifespan startup failed; uvicorn logged why).
STARTUP_FAILURE = 3


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


def serve_asgi(app: Any, sock: socket.socket, **options: Any) -> None:
    """Serve `app` on the listening socket `sock` (see `listening_socket`) until SIGINT or
    SIGTERM; `options` are uvicorn's. Exits with uvicorn's code 3 if the app failed to start."""
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options))
    with contextlib.suppress(KeyboardInterrupt), sock:
        server.run(sockets=[sock])
    if not server.started:
        raise typer.Exit(STARTUP_FAILURE)
