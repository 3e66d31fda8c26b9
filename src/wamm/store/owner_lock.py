"""A process's hold on its lease-owner name in PostgreSQL: a session-level advisory lock, taken
on a connection of its own and kept while the process lives.

A process that dies, even by SIGKILL, loses its connection and with it the lock. Any other
process can then take the lock: that is how `reclaim_leases` tells a dead owner from a live
one, and makes the rows the dead one had in flight due again within seconds instead of when
their lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib

import psycopg

# The 64-bit advisory-lock key of an owner name (PostgreSQL's own hash, so SQL can compute it).
OWNER_KEY = "hashtextextended({}, 0)"


class OwnerLock:
    def __init__(self, conninfo: str, owner: str) -> None:
        self._conninfo = conninfo
        self._owner = owner
        self._connection: psycopg.AsyncConnection[object] | None = None
        self._taking = asyncio.Lock()  # hold and release, one at a time
        self._released = False

    async def hold(self, check: bool = False) -> None:
        """Take the lock unless it is held; `check` also makes sure the connection holding
        it is still alive (and takes the lock again on a new one if not)."""
        async with self._taking:
            if self._released:
                return
            if self._connection is not None and not self._connection.closed:
                if not check:
                    return
                try:
                    await self._connection.execute("SELECT 1")
                    return
                except psycopg.Error:
                    await self._connection.close()
            connection = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            try:
                await connection.execute(
                    f"SELECT pg_advisory_lock({OWNER_KEY.format('%s')})", (self._owner,)
                )
            except BaseException:
                await connection.close()
                raise
            self._connection = connection

    async def release(self) -> None:
        """Close the connection: the lock goes with it. A `hold` under way finishes first, so
        that no connection it opens outlives the store."""
        async with self._taking:
            self._released = True
            if self._connection is not None:
                # Unlock first: the server frees a closed session's locks only once its backend
                # has exited, a moment later, and another process may look before that.
                with contextlib.suppress(psycopg.Error):
                    await self._connection.execute("SELECT pg_advisory_unlock_all()")
                await self._connection.close()
                self._connection = None
