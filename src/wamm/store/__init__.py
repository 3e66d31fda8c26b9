"""Persistence backends behind one interface."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from wamm.store.base import Store
from wamm.store.url import DatabaseUnavailable, parse_database_url


async def open_store(url: str, *, shared: bool = False) -> Store:
    """Open (and migrate) the store a database URL names; `DatabaseUnavailable` when it
    cannot be opened. No folder is created for a SQLite file: a missing one is a mistake.
    `shared`: a SQLite file served by several processes (a PostgreSQL store always is)."""
    parsed = parse_database_url(url)
    if parsed.backend == "sqlite":
        from wamm.store.sqlite import SqliteStore  # noqa: PLC0415 - backends load on demand

        folder = Path(parsed.target).parent
        if parsed.target != ":memory:" and not folder.is_dir():
            raise DatabaseUnavailable(f"cannot open {parsed.target}: no folder {folder}")
        try:
            # Shared through POSIX file locks; elsewhere one process per file (the CLI refuses
            # --workers there, and a `wamm worker` works as before).
            return SqliteStore(parsed.target, shared=shared and os.name == "posix")
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"cannot open {parsed.target}: {error}") from None
    from wamm.store.postgres import PostgresStore  # noqa: PLC0415 - needs psycopg installed

    return await PostgresStore.connect(parsed.target)
