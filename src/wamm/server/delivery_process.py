"""The delivery process of a `wamm serve`: `wamm worker --for-server` on the same database,
started and stopped by the server, started again if it exits.

On a SQLite file the server's one process spends most of its core on sends; POSTing the status
webhooks in a second process puts that work on another core (WAL lets the two write the file in
turn). The server keeps time itself (template changes, pruning) and answers drains by watching
the outbox, so the control API behaves as with in-process delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

log = logging.getLogger("wamm.delivery")
STOP_SECONDS = 10.0  # for a clean exit (its POSTs in flight end or are cancelled) before SIGKILL
RESTART_SECONDS = 1.0  # between an unexpected exit and the next start


class DeliveryProcess:
    def __init__(self, database_url: str, log_level: str) -> None:
        self._command = (
            *(sys.executable, "-m", "wamm", "worker", "--for-server"),
            *("--database", database_url, "--log-level", log_level),
        )
        self._process: asyncio.subprocess.Process | None = None
        self._watch: asyncio.Task[None] | None = None
        self._signal: asyncio.BaseTransport | None = None
        self.delivering = False  # the running delivery process said it delivers

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        await self._spawn()
        self._watch = asyncio.create_task(self._keep_running(), name="wamm-delivery-process")

    async def _spawn(self) -> None:
        # Its stdin is a pipe from this process: when the server dies, even by SIGKILL, the
        # pipe closes and the delivery process stops by itself. It gets a session (so a process
        # group) of its own: a Ctrl-C (SIGINT to the terminal's group) arriving while it still
        # starts up would kill it mid-import ("Fatal Python error: init_import_site"); the
        # server stops it instead, by closing the pipe. It writes a byte on a second pipe once
        # it delivers (its start-up takes a second or two of CPU).
        self._close_signal()
        self.delivering = False
        read_end, write_end = os.pipe()
        try:
            self._process = await asyncio.create_subprocess_exec(
                *self._command,
                *("--ready-fd", str(write_end)),
                stdin=asyncio.subprocess.PIPE,
                start_new_session=True,
                pass_fds=(write_end,),
            )
        finally:
            os.close(write_end)
        loop = asyncio.get_running_loop()
        self._signal, _ = await loop.connect_read_pipe(
            lambda: _DeliveringSignal(self), os.fdopen(read_end, "rb", buffering=0)
        )
        log.info("delivery process started (pid %d)", self._process.pid)

    def _close_signal(self) -> None:
        if self._signal is not None:
            self._signal.close()
            self._signal = None

    async def _keep_running(self) -> None:
        while self._process is not None:
            code = await self._process.wait()
            self.delivering = False
            # A server that is stopping meanwhile (its `stop` closed the pipe) cancels this.
            await asyncio.sleep(RESTART_SECONDS)
            log.warning("the delivery process exited with code %s; starting another", code)
            await self._spawn()

    async def stop(self) -> None:
        """Close its pipe and wait for it to exit; SIGKILL it after `STOP_SECONDS`."""
        process = self._process
        self._close_signal()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()


class _DeliveringSignal(asyncio.Protocol):
    """The delivery process's byte on its readiness pipe (end of file first: it died early)."""

    def __init__(self, courier: DeliveryProcess) -> None:
        self._courier = courier

    def data_received(self, _data: bytes) -> None:
        self._courier.delivering = True
        log.info("delivery process delivering (pid %s)", self._courier.pid)
