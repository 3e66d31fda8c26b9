"""Leases of in-flight deliveries among the processes sharing a database, on both backends:
a live owner's rows stay its own (a store opening beside it, a reclaim), a dead owner's are
due again at once, a hung one's when its lease ends. An owner is alive while its store is
open: PostgreSQL knows by an advisory lock, SQLite by a locked file beside the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import deliveries
from wamm.store import open_store
from wamm.store.base import ClaimLimits, DeliveryQuery

LIMITS = ClaimLimits(per_app=100)


async def in_flight(url: str) -> int:
    store = await open_store(url)
    try:
        return len(await store.list_deliveries(DeliveryQuery(state="inflight")))
    finally:
        await store.close()


async def test_rows_of_a_dead_worker_go_to_the_others_at_once(durable_url: str) -> None:
    other, dying = await open_store(durable_url), await open_store(durable_url)
    try:
        await other.add_deliveries(deliveries(10))
        held = await dying.claim_deliveries(200.0, time.time(), 60, LIMITS)
        assert len(held) == 10
        assert await other.reclaim_leases(time.time()) == 0  # its owner is alive
        assert await in_flight(durable_url) == 10  # a store opening beside it leaves them be
        assert await other.claim_deliveries(200.0, time.time(), 60, LIMITS) == []
        await dying.close()  # its owner's lock goes with it, as when it is killed
        assert await other.reclaim_leases(time.time()) == 10  # long before the lease ends
        taken = await other.claim_deliveries(200.0, time.time(), 60, LIMITS)
        assert sorted(d.id for d in taken) == sorted(d.id for d in held)
    finally:
        await other.close()


async def test_rows_of_a_hung_worker_go_to_the_others_when_the_lease_ends(
    durable_url: str,
) -> None:
    hung, other = await open_store(durable_url), await open_store(durable_url)
    try:
        await hung.add_deliveries(deliveries(10))
        held = await hung.claim_deliveries(200.0, time.time(), 30, LIMITS)
        assert await other.reclaim_leases(time.time()) == 0
        assert await other.reclaim_leases(time.time() + 31) == 10  # the lease is real time
        taken = await other.claim_deliveries(200.0, time.time(), 60, LIMITS)
        assert sorted(d.id for d in taken) == sorted(d.id for d in held)
    finally:
        await hung.close()
        await other.close()


CLAIM_AND_WAIT = """
import asyncio, sys, time
from wamm.store import open_store
from wamm.store.base import ClaimLimits

async def main():
    store = await open_store(sys.argv[1])
    held = await store.claim_deliveries(200.0, time.time(), 60, ClaimLimits(per_app=100))
    print(len(held), flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


@pytest.mark.subprocess
async def test_a_sqlite_owner_killed_with_sigkill_is_found_dead(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wamm.db'}"
    store = await open_store(url)
    try:
        await store.add_deliveries(deliveries(10))
        command = [sys.executable, "-c", CLAIM_AND_WAIT, url]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as worker:
            try:
                assert worker.stdout is not None
                assert worker.stdout.readline().strip() == "10"
                assert await store.reclaim_leases(time.time()) == 0
            finally:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        assert await store.reclaim_leases(time.time()) == 10  # its lock died with it
        assert sorted(path.name for path in tmp_path.iterdir() if "-owner-" in path.name) == [
            f"wamm.db-owner-{store.lease_owner}"  # the dead one's file is gone
        ]
    finally:
        await store.close()
    assert not [path for path in tmp_path.iterdir() if "-owner-" in path.name]
