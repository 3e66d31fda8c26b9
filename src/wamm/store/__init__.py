"""Persistence backends behind one interface."""

from __future__ import annotations

from wamm.store.base import Store
from wamm.store.url import parse_database_url


async def open_store(url: str) -> Store:
    """Open (and migrate) the store a database URL names."""
    parsed = parse_database_url(url)
    if parsed.backend == "sqlite":
        from wamm.store.sqlite import SqliteStore  # noqa: PLC0415 - backends load on demand

        return SqliteStore(parsed.target)
    from wamm.store.postgres import PostgresStore  # noqa: PLC0415 - needs psycopg installed

    return await PostgresStore.connect(parsed.target)
