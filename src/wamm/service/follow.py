"""Keeping a process in step with the others that share its database.

Every change of read-mostly state (templates, WABAs, tokens, settings, the manual clock, custom
users, service windows) bumps a version in the store; each process polls it every
`POLL_SECONDS` and reloads its catalog when it moved. A change made by one process is therefore
seen by all the others within that interval (plus the reload time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from wamm.service.runtime import Runtime

log = logging.getLogger("wamm.follow")
POLL_SECONDS = float(os.environ.get("WAMM_CATALOG_POLL_SECONDS", "0.5"))


async def follow_changes(rt: Runtime, interval: float = POLL_SECONDS) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            if await rt.refresh_if_changed():
                log.debug("catalog reloaded at version %d", rt.version)
        except Exception:
            log.exception("checking for changes made by other processes failed")


@contextlib.asynccontextmanager
async def following(
    rt: Runtime, *, always: bool = False, interval: float | None = None
) -> AsyncIterator[None]:
    """Run `follow_changes` while the block runs: for shared stores, or `always` (a worker
    beside a server on any store)."""
    follows = always or rt.store.shared
    task = asyncio.create_task(follow_changes(rt, interval or POLL_SECONDS)) if follows else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
