"""The SQLite store's background WAL checkpoints."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from wamm.store.checkpoint import WRITER_AUTOCHECKPOINT_PAGES, WalCheckpointer
from wamm.store.sqlite import SqliteStore


def _writer(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer copies pages
    db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB)")
    return db


def _wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_committed_pages_reach_the_database_file_without_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    writer = _writer(path)
    size_before = path.stat().st_size
    writer.executemany("INSERT INTO rows (data) VALUES (?)", [(b"x" * 1000,) for _ in range(500)])
    assert path.stat().st_size == size_before  # everything is still in the log
    checkpointer = WalCheckpointer(str(path), interval=0.05)
    try:
        assert _wait_for(lambda: path.stat().st_size > size_before + 400_000)
    finally:
        checkpointer.close()
        writer.close()


async def test_the_writer_keeps_a_larger_automatic_checkpoint(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "store.db"))
    try:
        assert store.execute("PRAGMA wal_autocheckpoint") == [(WRITER_AUTOCHECKPOINT_PAGES,)]
    finally:
        await store.close()
    assert not (tmp_path / "store.db-wal").exists()  # the last connection folded the log in


async def test_a_memory_store_opens_and_closes_without_a_checkpointer() -> None:
    store = SqliteStore(":memory:")
    assert store.execute("SELECT 1") == [(1,)]
    await store.close()
