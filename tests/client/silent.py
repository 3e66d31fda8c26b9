"""A loopback TCP server that reads requests and never answers them: a send whose answer is
lost, or a server too slow for the client's timeout."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

ACCEPT_POLL = 0.05
READ_TIMEOUT = 5.0


@contextlib.contextmanager
def silent_server(*, hang_up: bool) -> Iterator[str]:
    """Yield the base URL of a server that reads each request, then hangs up (`hang_up`) or
    keeps the connection open without a word until the server is closed."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(ACCEPT_POLL)
    held: list[socket.socket] = []
    closing = threading.Event()

    def serve() -> None:
        while not closing.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.settimeout(READ_TIMEOUT)
            with contextlib.suppress(OSError):
                connection.recv(65536)
            if hang_up:
                connection.close()
            else:
                held.append(connection)

    thread = threading.Thread(target=serve, name="silent-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        closing.set()
        thread.join(timeout=READ_TIMEOUT)
        listener.close()
        for connection in held:
            connection.close()
