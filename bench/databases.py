"""The databases a benchmark runs on: a temporary SQLite file, or a fresh schema on PostgreSQL
dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import send_path as sp

POSTGRES_URL = os.environ.get(
    "WAMM_BENCH_POSTGRES_URL",
    os.environ.get("WAMM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1/test"),
)


@dataclass
class Database:
    """Where wamm stores: a temporary SQLite file or a fresh PostgreSQL schema."""

    url: str
    kind: str  # "sqlite" or "postgres"
    path: Path | None = None
    schema: str | None = None

    def _pg_query(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        import psycopg  # noqa: PLC0415 (only PostgreSQL runs need it)

        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            return connection.execute(statement, params).fetchall()

    def size_bytes(self) -> int:
        """SQLite: the file after a WAL checkpoint (plus what the WAL still holds).
        PostgreSQL: pg_total_relation_size (tables, indexes, TOAST) summed over the schema."""
        if self.kind == "sqlite":
            assert self.path is not None
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            wal = self.path.with_name(self.path.name + "-wal")
            return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        rows = self._pg_query(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'm')",
            (self.schema,),
        )
        return int(rows[0][0])

    def pg_setting(self, name: str) -> str:
        """`SHOW name` on the PostgreSQL server."""
        return str(self._pg_query(f"SHOW {name}")[0][0])

    def messages(self) -> int:
        if self.kind == "sqlite":
            assert self.path is not None
            return sp.count_messages(self.path)
        return int(self._pg_query(f'SELECT count(*) FROM "{self.schema}".messages')[0][0])

    def outbox(self) -> dict[str, int]:
        """Outbox rows by state (pending, inflight, delivered, failed)."""
        query = "SELECT state, count(*) FROM {}outbox GROUP BY state"
        if self.kind == "sqlite":
            assert self.path is not None
            uri = f"file:{self.path}?mode=ro"
            with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
                rows = db.execute(query.format("")).fetchall()
        else:
            rows = self._pg_query(query.format(f'"{self.schema}".'))
        return {state: int(count) for state, count in rows}


def postgres_problem() -> str | None:
    """Why PostgreSQL runs are skipped here, or None when a server answers."""
    try:
        import psycopg  # noqa: PLC0415
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL server at {POSTGRES_URL} ({error.__class__.__name__}: {error})"


@contextlib.contextmanager
def sqlite_database(workdir: Path, name: str) -> Iterator[Database]:
    path = workdir / f"{name}.db"
    yield Database(f"sqlite:///{path}", "sqlite", path=path)


@contextlib.contextmanager
def postgres_database() -> Iterator[Database]:
    """A fresh schema on the PostgreSQL server, dropped afterwards."""
    import psycopg  # noqa: PLC0415

    schema = f"wamm_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        yield Database(url, "postgres", schema=schema)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextlib.contextmanager
def database_for(backend: str, workdir: Path, name: str) -> Iterator[Database]:
    if backend == "postgres":
        if problem := postgres_problem():
            sys.exit(problem)
        with postgres_database() as db:
            yield db
    else:
        with sqlite_database(workdir, name) as db:
            yield db
