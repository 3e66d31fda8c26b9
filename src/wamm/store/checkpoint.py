"""Copying the SQLite write-ahead log into the database file away from the writer.

SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages
by default): the store's thread copies megabytes and syncs the file while every send waiting
for the next group commit waits too, which was most of the send path's p99. Here a thread
with its own connection runs PASSIVE checkpoints (they never block the writer) a few times a
second. The writer keeps a larger automatic threshold as the backstop that also lets SQLite
start the log again from its beginning: by then nearly every page is already copied, so that
checkpoint is short.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("wamm.store")
INTERVAL_SECONDS = 0.2
WRITER_AUTOCHECKPOINT_PAGES = 4000  # the writer's own checkpoint: every ~16 MB of log


class WalCheckpointer:
    """A daemon thread checkpointing the WAL of the database at `path` every `interval` s."""

    def __init__(self, path: str, interval: float = INTERVAL_SECONDS) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="wamm-sqlite-checkpoint", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as exc:  # the writer's own checkpoint still bounds the log
                log.warning("background WAL checkpoint failed: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._db.close()
