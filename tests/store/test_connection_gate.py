"""The gate on a SQLite store's connection: the event loop may commit on it only when no store
call holds it and no other process holds the file's write lock (a separate open of the lock
file stands for that process: `flock` locks belong to the open file), and never waits for
either."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import message
from wamm.store import open_store
from wamm.store.base import MessageQuery
from wamm.store.connection_gate import ConnectionGate, DatabaseThread
from wamm.store.file_locks import WRITER_SUFFIX, WriterLock

HELD_SECONDS = 0.3  # how long another process holds the write lock in the store test
SAFETY_RELEASE_SECONDS = 5.0  # lets a frozen loop go, so a regression fails instead of hanging


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[WriterLock]:
    lock = WriterLock(str(tmp_path / "wamm.db"))
    yield lock
    lock.close()


def other_process_holds(tmp_path: Path) -> int:
    other = os.open(f"{tmp_path / 'wamm.db'}{WRITER_SUFFIX}", os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)
    return other


def lock_is_free(tmp_path: Path) -> bool:
    probe = os.open(f"{tmp_path / 'wamm.db'}{WRITER_SUFFIX}", os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(probe)
    return True


def test_a_free_gate_begins_and_ends_holding_the_write_lock_between(
    writer: WriterLock, tmp_path: Path
) -> None:
    gate = ConnectionGate(writer)
    assert gate.try_begin()
    assert not lock_is_free(tmp_path)
    assert not gate.try_begin()  # the connection is in use
    gate.end()
    assert lock_is_free(tmp_path)
    assert gate.try_begin()
    gate.end()


def test_the_gate_is_taken_while_a_job_runs_on_the_database_thread(writer: WriterLock) -> None:
    gate = ConnectionGate(writer)
    thread = DatabaseThread(gate)
    running, finish = threading.Event(), threading.Event()

    def hold_the_connection() -> None:
        running.set()
        finish.wait(5)

    job = thread.submit(hold_the_connection)
    try:
        assert running.wait(5)
        assert not gate.try_begin()
    finally:
        finish.set()
        job.result(5)
        thread.shutdown(wait=True)
    assert gate.try_begin()
    gate.end()


def test_the_gate_is_taken_while_another_process_writes_and_stays_usable(
    writer: WriterLock, tmp_path: Path
) -> None:
    gate = ConnectionGate(writer)
    other = other_process_holds(tmp_path)
    try:
        assert not gate.try_begin()
        assert gate.run(lambda: "the connection was left free") == "the connection was left free"
    finally:
        os.close(other)
    assert gate.try_begin()
    gate.end()


def test_a_transaction_inside_a_begun_batch_keeps_the_lock_until_the_batch_ends(
    writer: WriterLock, tmp_path: Path
) -> None:
    assert writer.try_take()
    with writer.held():
        pass
    assert not lock_is_free(tmp_path)
    writer.release()
    assert lock_is_free(tmp_path)


async def test_a_send_waits_for_another_writer_without_stopping_the_loop(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'wamm.db'}")
    other = other_process_holds(tmp_path)
    safety = threading.Timer(SAFETY_RELEASE_SECONDS, fcntl.flock, (other, fcntl.LOCK_UN))
    safety.start()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        send = asyncio.create_task(store.add_message(message(1, [(10.0, "sent")]), None, [], 0))
        done, _ = await asyncio.wait({send}, timeout=HELD_SECONDS)
        assert not done
        assert ticks >= 5  # the loop ran on while the commit waited on the database thread
        fcntl.flock(other, fcntl.LOCK_UN)
        await asyncio.wait_for(send, timeout=5)
        stored = await store.list_messages(MessageQuery())
        assert [m.wamid for m in stored] == ["wamid.1"]
    finally:
        safety.cancel()
        ticker.cancel()
        os.close(other)
        await store.close()
