"""PostgreSQL store: the same interface and SQL as SQLite, for several server processes and
webhook workers on one host or many.

- Migrations run under an advisory lock, so processes starting together apply them once.
- Sends are group-committed per process through a connection pool (psycopg 3, async).
- Deliveries are leased with `FOR UPDATE SKIP LOCKED`: each due row goes to exactly one worker.
  Each row names its owner, and each process holds an advisory lock on its owner name while it
  lives: the rows of a process that died go back to the others within seconds (see
  `owner_lock`), those of one that hangs when their lease expires.
- A catalog version counter, bumped by every change of read-mostly state, lets each process
  notice changes made elsewhere and reload its in-memory catalog.
- Rate-limit buckets live in a table, so limits hold across processes.
- A reset holds an advisory lock exclusively while it replaces the state and moves the reset
  epoch on; writes that must not outlive a reset (sends, sequence blocks) hold it shared and
  check the epoch they began under, so none commits across a reset, in any process.
- The send path's writes are pipelined: a group commit's fence, rows and COMMIT go out
  together, one network round trip (the fence refuses in SQL, `reset_fence`), and a batch of
  token takes is two statements sent together. A batch's rows are one statement per table
  (`Unnested`), not one per row.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import psycopg
from aiorwlock import RWLock
from psycopg_pool import AsyncConnectionPool

from wamm.core.errors import ResetDuringRequest
from wamm.core.media import Blob
from wamm.core.model import BlockedUser, InboundMessage, Message, User
from wamm.core.pricing import EntryPoint
from wamm.core.ratelimit import grant
from wamm.core.settings import Settings
from wamm.store import inbound, sql
from wamm.store.base import (
    Attempt,
    CatalogData,
    ClaimLimits,
    DayCountQuery,
    DayCounts,
    Delivery,
    DeliveryQuery,
    Entity,
    InboundQuery,
    Interaction,
    MessageQuery,
    Store,
    TokenRequest,
    new_lease_owner,
)
from wamm.store.batch import Batcher, GroupCommitter
from wamm.store.migrations import migrations_for
from wamm.store.owner_lock import OWNER_KEY, OwnerLock
from wamm.store.url import DatabaseUnavailable, hide_password

MIGRATION_LOCK = 7_220_001  # pg_advisory_lock key for schema migrations
RESET_LOCK = 7_220_002  # exclusive for a reset, shared for the writes it fences
BLOB_LOCK = 7_220_003  # one blob write at a time, so that the byte budget holds
# Holds the reset lock shared until the transaction ends; the current epoch, or SQLSTATE
# RESET_REFUSED if an epoch of the array is another (migration 0016).
FENCE = "SELECT reset_fence(%s::bigint[])"
RESET_REFUSED = "WR001"
# Errors about one item's rows, not the database: the group commit retries item by item.
_ROW_ERRORS = (psycopg.IntegrityError, psycopg.DataError, ResetDuringRequest)
_encode = msgspec.json.Encoder().encode
_NewMessage = tuple[Message, User | None, Sequence[Delivery], int]  # ..., reset epoch
_Finished = tuple[Sequence[Delivery], Sequence[Attempt]]
_Takes = tuple[TokenRequest, ...]  # taken in turn, each only if the ones before it were
_MESSAGE = msgspec.json.Decoder(Message)
_USER = msgspec.json.Decoder(User)
_BLOCKED = msgspec.json.Decoder(BlockedUser)
_INTERACTION = msgspec.json.Decoder(dict[str, object])
_BLOB = msgspec.json.Decoder(Blob)


def pg(statement: str) -> str:
    """The shared SQL with psycopg's placeholders."""
    return re.sub(r"\?", "%s", statement)


# PLANNED_EACH_RUN: a statement that looks a batch of keys up in a table which grows (the rate
# buckets, the outbox, the messages of a batch of statuses) is never prepared. PostgreSQL
# plans a prepared statement once for any values (its generic plan) after five runs, and keeps
# that plan until the table is analysed again: made while a new schema's table was nearly
# empty, it scanned the whole table for every batch after, each batch slower as the table grew
# (docs/performance.md; autovacuum analyses a table a minute or more later, after the short
# runs of a test suite). Planned for its own values each time, it looks the keys up in the
# table's index.
class Unnested:
    """A shared one-row statement (`INSERT ... VALUES (?, ...)` or `UPDATE ... WHERE ...`) run
    for a batch of rows as one statement: each placeholder becomes a column of `unnest` over an
    array of that column's type (`types`, one per placeholder), so that PostgreSQL runs its
    executor once per batch instead of once per row (executemany). The arrays go in binary
    (`%b`): parsing them as text cost PostgreSQL more than the single statement saved. unnest
    yields the rows in array order, and the INSERT takes them in that order: BIGSERIAL ids
    follow the batch's."""

    def __init__(self, statement: str, *types: str) -> None:
        assert statement.count("?") == len(types), statement
        names = [f"batch_{index}" for index in range(len(types))]
        arrays = ", ".join(f"%b::{kind}[]" for kind in types)
        rows = f"unnest({arrays}) AS batch ({', '.join(names)})"
        named = iter(names)
        text = re.sub(r"\?", lambda _: next(named), statement)
        if text.startswith("INSERT"):
            text = re.sub(r" VALUES \((.*?)\)", rf" SELECT \1 FROM {rows}", text, count=1)
        else:
            text = text.replace(" WHERE ", f" FROM {rows} WHERE ", 1)
        self.statement = text
        self.prepare = text.startswith("INSERT")  # an UPDATE joins a table: PLANNED_EACH_RUN
        self.one_row = pg(statement)
        self._floats = [index for index, kind in enumerate(types) if kind == "float8"]

    def params(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """The arrays of `rows`, one per column. float8 columns as floats: psycopg types a list
        by its first value, and an int there would make it an integer array."""
        columns = [list(column) for column in zip(*rows, strict=True)]
        for index in self._floats:
            columns[index] = [None if value is None else float(value) for value in columns[index]]
        return columns

    async def queue(
        self, conn: psycopg.AsyncConnection[Any], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Queue the statement for `rows` in a `_pipelined` block (no rows: nothing). One row
        goes as the shared statement, which costs PostgreSQL less than unnesting arrays of one
        (measured: docs/performance.md)."""
        if len(rows) == 1:
            await _queue(conn, self.one_row, rows[0])
        elif rows:
            await _queue(conn, self.statement, self.params(rows), prepare=self.prepare)


# The send path's and the webhook workers' batches, each one statement per table; the types
# are the columns' (migrations/postgres).
INSERT_USERS = Unnested(sql.INSERT_USER_IF_NEW, "text", "text", "text", "bytea")
INSERT_MESSAGES = Unnested(
    sql.INSERT_MESSAGE,
    *("bigint", "text", "text", "text", "text", "text", "text", "text", "float8", "int"),
    *("text", "text", "text", "int", "int"),
    *("float8", "bigint") * len(sql.COUNTED_STATUSES),
    "bytea",
)
INSERT_DELIVERIES = Unnested(
    sql.INSERT_DELIVERY,
    *("text", "text", "text", "bytea", "text", "bigint", "int", "float8", "float8", "float8"),
    "text",
)
FINISH_DELIVERIES = Unnested(
    sql.FINISH_DELIVERY, "text", "int", "float8", "float8", "text", "bigint"
)
INSERT_ATTEMPTS = Unnested(
    sql.INSERT_ATTEMPT, "bigint", "float8", "float8", "text", "int", "float8", "text", "int"
)


# Full buckets for the keys (in key order) that have none yet.
CREATE_BUCKETS = (
    "INSERT INTO rate_buckets (key, tokens, updated_at) "
    "SELECT * FROM unnest(%s::text[], %s::float8[], %s::float8[]) ORDER BY 1 "
    "ON CONFLICT (key) DO NOTHING"
)
# Lock the buckets in key order (no deadlock between processes), then refill each by the time
# elapsed and take up to `wanted` whole tokens: `ratelimit.grant` in SQL, the same float8
# arithmetic. Answers (key, tokens granted, tokens left).
TAKE_TOKENS = (
    "WITH wanted AS (SELECT * FROM unnest(%s::text[], %s::int[], %s::float8[], %s::float8[], "
    "%s::float8[]) AS w (key, wanted, now, rate, capacity)), "
    "locked AS (SELECT key, tokens, updated_at FROM rate_buckets "
    "WHERE key IN (SELECT key FROM wanted) ORDER BY key FOR UPDATE), "
    "refilled AS (SELECT key, wanted, greatest(updated_at, now) AS updated, "
    "least(capacity, tokens + greatest(0, now - updated_at) * rate) AS available "
    "FROM locked JOIN wanted USING (key)), "
    "granted AS (SELECT key, updated, available, "
    "least(wanted, greatest(0, floor(available)))::int AS given FROM refilled) "
    "UPDATE rate_buckets AS b SET tokens = g.available - g.given, updated_at = g.updated "
    "FROM granted AS g WHERE b.key = g.key RETURNING b.key, g.given, b.tokens"
)
# Tokens a batch took for takes that were not to be made (`take_tokens`) go back. The bucket
# was refilled to at most its capacity and at least as many were taken: none overflows.
REFUND_TOKENS = (
    "UPDATE rate_buckets AS b SET tokens = b.tokens + r.back "
    "FROM unnest(%s::text[], %s::int[]) AS r (key, back) WHERE b.key = r.key"
)
# In-flight rows whose lease ran out, or whose owner's lock is free (the owner died: taking its
# lock succeeds), are due again.
RELEASE_ABANDONED = pg(
    "UPDATE outbox SET state = 'pending', lease_until = NULL, lease_owner = NULL "
    "WHERE state = 'inflight' AND (lease_until < ? OR lease_owner IN ("
    "SELECT owner FROM (SELECT DISTINCT lease_owner AS owner FROM outbox "
    "WHERE state = 'inflight' AND lease_owner <> ?) AS owners "
    f"WHERE pg_try_advisory_xact_lock({OWNER_KEY.format('owner')})))"
)


@asynccontextmanager
async def _pipelined(conn: psycopg.AsyncConnection[Any]) -> AsyncIterator[None]:
    """Statements on the (autocommit) `conn` sent together when the block ends, and run as one
    transaction: the implicit one that lasts until the pipeline's Sync, at the block's end
    (psycopg reads a result in between with a Flush, not a Sync). One round trip if no result
    is read inside the block; all of it commits, or none. A refusing `_fence` raises
    ResetDuringRequest."""
    try:
        async with conn.pipeline():
            yield
    except psycopg.Error as error:
        if error.sqlstate == RESET_REFUSED:
            raise ResetDuringRequest from None
        raise


async def _fence(
    conn: psycopg.AsyncConnection[Any], epochs: Iterable[int] = ()
) -> psycopg.AsyncCursor[Any]:
    """Hold off resets until the transaction ends; refuse writes of another epoch than the
    current one, which is the cursor's result (read it with `_epoch`)."""
    return await conn.execute(FENCE, (sorted(set(epochs)),))


async def _queue(
    conn: psycopg.AsyncConnection[Any],
    statement: str,
    params: Sequence[Any] = (),
    *,
    prepare: bool = True,
) -> psycopg.AsyncCursor[Any]:
    """`statement` queued in a `_pipelined` block after its `_fence`, prepared at once (as
    executemany does), not after psycopg's 5 runs: a statement that aborts the pipeline first
    (a refusing fence) makes the server skip the Parse of the statement psycopg then takes for
    prepared, and the statement's every later run on that connection would fail ("prepared
    statement does not exist"). Prepared at once, the Parse's result is checked.
    `prepare=False`: never prepared, planned for its own values at each run (PLANNED_EACH_RUN)."""
    return await conn.execute(statement, params, prepare=prepare)


async def _epoch(fence: psycopg.AsyncCursor[Any]) -> int:
    row = await fence.fetchone()
    assert row is not None  # the function answers one row
    return int(row[0])


class PostgresStore(Store):
    shared = True

    def __init__(
        self, conninfo: str, pool: AsyncConnectionPool, single: AsyncConnectionPool
    ) -> None:
        self.conninfo = conninfo
        self._pool = pool  # transactions of several statements
        # Autocommit: one statement, or a `_pipelined` batch of them, per round trip.
        self._single = single
        self._messages: GroupCommitter[_NewMessage] = GroupCommitter(
            self._flush_messages, isolate=_ROW_ERRORS
        )
        self._finished: GroupCommitter[_Finished] = GroupCommitter(self._flush_finished)
        self._tokens: Batcher[_Takes, list[tuple[bool, float]]] = Batcher(self._flush_tokens)
        self.lease_owner = new_lease_owner()
        self._owner_lock = OwnerLock(conninfo, self.lease_owner)
        # Changes of read-mostly state share the reader side; a catalog reload takes the writer.
        self._catalog_gate = RWLock(fast=True)

    @property
    def send_transactions(self) -> int:
        return self._messages.flushes

    @classmethod
    async def connect(cls, conninfo: str, max_connections: int = 10) -> PostgresStore:
        await _reachable(conninfo)
        pools = [
            AsyncConnectionPool(
                conninfo,
                min_size=1,
                max_size=max_connections,
                open=False,
                kwargs={"autocommit": autocommit},
            )
            for autocommit in (False, True)
        ]
        store = cls(conninfo, *pools)
        try:
            for pool in pools:
                await pool.open(wait=True, timeout=30)
            await store._migrate()
        except BaseException:
            await store._close_pools()
            raise
        return store

    async def _close_pools(self) -> None:
        await self._owner_lock.release()
        await self._pool.close()
        await self._single.close()

    # --- plumbing -----------------------------------------------------------------------

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[psycopg.AsyncCursor[Any]]:
        async with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            yield cur

    @asynccontextmanager
    async def _catalog_tx(self) -> AsyncIterator[psycopg.AsyncCursor[Any]]:
        """A transaction that changes read-mostly state and tells the other processes."""
        async with self._catalog_gate.reader, self._tx() as cur:
            yield cur
            await cur.execute(sql.BUMP_CATALOG_VERSION)

    @asynccontextmanager
    async def catalog_writes_held(self) -> AsyncIterator[None]:
        async with self._catalog_gate.writer:
            yield

    async def _fetchall(
        self, statement: str, params: Sequence[Any] = (), *, prepare: bool | None = None
    ) -> list[Any]:
        """Run one statement in its own (autocommit) transaction; `prepare=False` keeps it
        from becoming a prepared statement (psycopg prepares one run 5 times)."""
        async with self._single.connection() as conn, conn.cursor() as cur:
            await cur.execute(pg(statement), params, prepare=prepare)
            return await cur.fetchall()

    async def _migrate(self) -> None:
        async with self._tx() as cur:
            await cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
            )
            await cur.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in await cur.fetchall()}
            for migration in migrations_for("postgres"):
                if migration.version in done:
                    continue
                for statement in migration.statements():
                    await cur.execute(statement)
                await cur.execute(
                    "INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                    (migration.version, migration.name, time.time()),
                )

    async def schema_version(self) -> int:
        rows = await self._fetchall("SELECT max(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    # --- catalog ------------------------------------------------------------------------

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """A transaction-scoped advisory lock held while the block runs."""
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))
            yield

    async def ping(self) -> None:
        await self._fetchall("SELECT 1")

    async def load_catalog(self) -> CatalogData:
        data = CatalogData()
        async with self._tx() as cur:
            for table, kind in sql.CATALOG_TABLES.items():
                decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(kind)
                await cur.execute(f"SELECT data FROM {table}")
                getattr(data, table).extend(decoder.decode(row[0]) for row in await cur.fetchall())
            await cur.execute("SELECT key, value FROM settings")
            settings = dict(await cur.fetchall())
            await cur.execute("SELECT data FROM users WHERE custom = 1")
            data.custom_users = [_USER.decode(row[0]) for row in await cur.fetchall()]
            await cur.execute("SELECT phone_number_id, user_phone, opened_at FROM windows")
            data.windows = [(a, b, float(c)) for a, b, c in await cur.fetchall()]
            await cur.execute(sql.SELECT_ENTRY_POINTS)
            data.entry_points = [sql.entry_point_row(row) for row in await cur.fetchall()]
            await cur.execute(sql.SELECT_BLOCKED)
            data.blocked = [_BLOCKED.decode(row[0]) for row in await cur.fetchall()]
            await cur.execute(sql.SELECT_CATALOG_VERSION)
            row = await cur.fetchone()
            data.version = int(row[0]) if row else 0
            await cur.execute(sql.SELECT_EPOCH)
            row = await cur.fetchone()
            data.epoch = int(row[0]) if row else 0
        if "settings" in settings:
            data.settings = msgspec.json.decode(settings["settings"], type=Settings)
        if "clock_time" in settings:
            data.clock_time = float(settings["clock_time"])
        return data

    async def catalog_version(self) -> int:
        rows = await self._fetchall(sql.SELECT_CATALOG_VERSION)
        return int(rows[0][0]) if rows else 0

    async def write(
        self,
        entities: Sequence[Entity],
        *,
        settings: Settings | None = None,
        clock_time: float | None = None,
    ) -> None:
        async with self._catalog_tx() as cur:
            await self._upsert(cur, entities, settings, clock_time)

    async def advance_clock_time(self, seconds: float, current: float) -> float:
        async with self._catalog_tx() as cur:
            # The row may not exist yet: a lock of its own keeps two first advances in turn.
            await cur.execute("SELECT pg_advisory_xact_lock(hashtext('wamm-clock-time'))")
            await cur.execute(pg(sql.SELECT_CLOCK_TIME))
            row = await cur.fetchone()
            now = (current if row is None else float(row[0])) + seconds
            await cur.execute(pg(sql.UPSERT_SETTING), ("clock_time", repr(now)))
        return now

    @staticmethod
    async def _upsert(
        cur: psycopg.AsyncCursor[Any],
        entities: Sequence[Entity],
        settings: Settings | None,
        clock_time: float | None,
    ) -> None:
        """Write entities, settings and virtual time (in a `_catalog_tx`)."""
        for entity in entities:
            table, row = sql.entity_row(entity, _encode(entity))
            await cur.execute(pg(table.upsert), row)
        if settings is not None:
            await cur.execute(pg(sql.UPSERT_SETTING), ("settings", _encode(settings).decode()))
        if clock_time is not None:
            await cur.execute(pg(sql.UPSERT_SETTING), ("clock_time", repr(clock_time)))

    async def delete_subscription(self, waba_id: str, app_id: str) -> None:
        async with self._catalog_tx() as cur:
            await cur.execute(
                "DELETE FROM subscriptions WHERE waba_id = %s AND app_id = %s", (waba_id, app_id)
            )

    async def reset(
        self,
        entities: Sequence[Entity],
        *,
        settings: Settings,
        clock_time: float,
        counters: Mapping[str, int],
    ) -> int:
        async with self._catalog_tx() as cur:
            await cur.execute("SELECT pg_advisory_xact_lock(%s)", (RESET_LOCK,))
            # DELETE, not TRUNCATE: TRUNCATE's exclusive table locks, taken one table after
            # another, deadlock with a reader holding one table and waiting for the next (a
            # catalog reload), and readers take no reset lock. Row deletions wait for no reader.
            for table in (*sql.ALL_TABLES, "rate_buckets"):
                await cur.execute(f"DELETE FROM {table}")
            await cur.execute(sql.BUMP_EPOCH)
            row = await cur.fetchone()
            await self._upsert(cur, entities, settings, clock_time)
            await cur.executemany(pg(sql.SET_COUNTER), list(counters.items()))
        assert row is not None  # the migration created the row
        return int(row[0])

    async def reserve(self, counter: str, count: int, epoch: int) -> int:
        async with self._single.connection() as conn:
            async with _pipelined(conn):
                await _fence(conn, (epoch,))
                cur = await _queue(
                    conn,
                    "INSERT INTO counters (name, value) VALUES (%s, %s) ON CONFLICT (name) "
                    "DO UPDATE SET value = counters.value + EXCLUDED.value - 1 RETURNING value",
                    (counter, count + 1),
                )
            row = await cur.fetchone()
        assert row is not None  # an upsert with RETURNING answers one row
        return int(row[0]) - count

    # --- messages and users -------------------------------------------------------------

    async def add_message(
        self, message: Message, new_user: User | None, deliveries: Sequence[Delivery], epoch: int
    ) -> None:
        await self._messages.submit((message, new_user, deliveries, epoch))

    async def _flush_messages(self, batch: list[_NewMessage]) -> None:
        users = [(u.phone, u.bsuid, u.parent_bsuid, _encode(u)) for _, u, _, _ in batch if u]
        rows = [sql.message_row(m, _encode(m)) for m, _, _, _ in batch]
        deliveries = [sql.delivery_row(d) for _, _, ds, _ in batch for d in ds]
        entry_openings = sql.entry_opening_rows(m for m, _, _, _ in batch)
        async with self._single.connection() as conn, _pipelined(conn), conn.cursor() as cur:
            await _fence(conn, (epoch for *_, epoch in batch))
            await INSERT_USERS.queue(conn, users)
            await INSERT_MESSAGES.queue(conn, rows)
            await INSERT_DELIVERIES.queue(conn, deliveries)
            if entry_openings:  # rare (one answer per entry): tell the other processes
                await cur.executemany(pg(sql.OPEN_ENTRY_POINT), entry_openings)
                await _queue(conn, sql.BUMP_CATALOG_VERSION)

    async def count_marketing(self, phone: str, since: float) -> int:
        rows = await self._fetchall(sql.COUNT_MARKETING, (phone, since))
        return int(rows[0][0])

    async def find_user_by_bsuid(self, bsuid: str) -> User | None:
        rows = await self._fetchall(
            "SELECT data FROM users WHERE bsuid = ? OR parent_bsuid = ? LIMIT 1", (bsuid, bsuid)
        )
        return _USER.decode(rows[0][0]) if rows else None

    async def list_users(self, limit: int, after_phone: str | None) -> list[User]:
        rows = await self._fetchall(
            "SELECT data FROM users WHERE phone > ? ORDER BY phone LIMIT ?",
            (after_phone or "", limit),
        )
        return [_USER.decode(row[0]) for row in rows]

    async def list_messages(self, query: MessageQuery) -> list[Message]:
        statement, params = sql.list_messages(query)
        rows = await self._fetchall(statement, params)
        return [_MESSAGE.decode(row[0]) for row in rows]

    async def messages_by_seq(self, seqs: Sequence[int]) -> dict[int, Message]:
        if not seqs:
            return {}
        rows = await self._fetchall(  # PLANNED_EACH_RUN: a status batch's messages
            "SELECT seq, data FROM messages WHERE seq = ANY(?)", (list(seqs),), prepare=False
        )
        return {int(seq): _MESSAGE.decode(data) for seq, data in rows}

    async def get_message(self, wamid: str) -> Message | None:
        where, params = sql.message_filters(MessageQuery(wamid=wamid))
        rows = await self._fetchall(f"SELECT data FROM messages{where}", params)
        return _MESSAGE.decode(rows[0][0]) if rows else None

    async def day_counts(self, query: DayCountQuery) -> list[DayCounts]:
        statement, params = sql.day_counts(query)
        # Planned for its own values each time: a prepared statement's generic plan does not
        # know that the template holds most messages and walked the index 7 times slower.
        rows = await self._fetchall(statement, params, prepare=False)
        return [sql.day_counts_from_row(row) for row in rows]

    async def messages_with_status(self, waba_id: str, status: str) -> list[Message]:
        rows = await self._fetchall(sql.MESSAGES_WITH_STATUS, (waba_id, status))
        return [_MESSAGE.decode(row[0]) for row in rows]

    async def replace_messages(
        self, messages: Sequence[Message], deliveries: Sequence[Delivery]
    ) -> None:
        async with self._tx() as cur:
            await cur.executemany(
                pg(sql.UPDATE_MESSAGE), [sql.message_update_row(m, _encode(m)) for m in messages]
            )
            if deliveries:
                await cur.executemany(
                    pg(sql.INSERT_DELIVERY), [sql.delivery_row(d) for d in deliveries]
                )

    async def messages_between(
        self, waba_id: str, start: float, end: float, template_names: Sequence[str] | None = None
    ) -> list[Message]:
        statement, params = sql.messages_between(waba_id, start, end, template_names)
        rows = await self._fetchall(statement, params)
        return [_MESSAGE.decode(row[0]) for row in rows]

    async def change_blocks(
        self, blocked: Sequence[BlockedUser], unblocked: Sequence[tuple[str, str]]
    ) -> None:
        async with self._catalog_tx() as cur:
            rows = [sql.blocked_row(b, _encode(b)) for b in blocked]
            if rows:
                await cur.executemany(pg(sql.UPSERT_BLOCKED), rows)
            if unblocked:
                await cur.executemany(pg(sql.DELETE_BLOCKED), unblocked)

    async def open_window(
        self, phone_number_id: str, user_phone: str, at: float, entry: EntryPoint | None = None
    ) -> None:
        statement = sql.UPSERT_WINDOW if entry is None else sql.UPSERT_ENTRY_WINDOW
        async with self._catalog_tx() as cur:
            await cur.execute(pg(statement), sql.window_row(phone_number_id, user_phone, at, entry))

    # --- shared rate limits ---------------------------------------------------------------

    async def take_token(self, request: TokenRequest) -> tuple[bool, float]:
        return (await self._tokens.submit((request,)))[0]

    async def take_tokens(self, requests: Sequence[TokenRequest]) -> list[tuple[bool, float]]:
        return await self._tokens.submit(tuple(requests))

    async def _flush_tokens(self, chains: list[_Takes]) -> list[list[tuple[bool, float]]]:
        """All concurrent token takes in two statements sent together (CREATE_BUCKETS, then
        TAKE_TOKENS). Each take learns what its bucket holds after the whole batch. The takes
        of a chain (`take_tokens`) after a refused one were made with the batch: their tokens
        go back (REFUND_TOKENS, one more round trip, only then)."""
        taken = await self._take_all([request for chain in chains for request in chain])
        remaining = {key: given for key, (given, _) in taken.items()}
        outcomes = [[False] * len(chain) for chain in chains]
        for level in range(max(len(chain) for chain in chains)):
            for chain, outcome in zip(chains, outcomes, strict=True):
                if level < len(chain) and (level == 0 or outcome[level - 1]):
                    key = chain[level].key
                    outcome[level] = remaining[key] > 0
                    remaining[key] -= outcome[level]
        back = {key: count for key, count in remaining.items() if count}
        if back:
            async with self._single.connection() as conn:
                await conn.execute(REFUND_TOKENS, (list(back), list(back.values())), prepare=False)
        left = {key: tokens_left + back.get(key, 0) for key, (_, tokens_left) in taken.items()}
        return [
            [(ok, left[request.key]) for ok, request in zip(outcome, chain, strict=True)]
            for outcome, chain in zip(outcomes, chains, strict=True)
        ]

    async def _take_all(self, requests: list[TokenRequest]) -> dict[str, tuple[int, float]]:
        """Per bucket key: the tokens its requests were given (up to one each), and the tokens
        left after the batch."""
        wanted: dict[str, list[TokenRequest]] = {}
        for request in requests:
            wanted.setdefault(request.key, []).append(request)
        keys = sorted(wanted)
        # float(): float8 arrays; a rate or capacity may come as an int.
        nows = [float(max(request.now for request in wanted[key])) for key in keys]
        capacities = [float(wanted[key][0].capacity) for key in keys]
        counts = [len(wanted[key]) for key in keys]
        rates = [float(wanted[key][0].rate) for key in keys]
        async with self._single.connection() as conn, conn.cursor() as cur:
            async with conn.pipeline():
                await cur.execute(CREATE_BUCKETS, (keys, capacities, nows))
                take = (keys, counts, nows, rates, capacities)
                await cur.execute(TAKE_TOKENS, take, prepare=False)  # PLANNED_EACH_RUN
            taken = {key: (given, left) for key, given, left in await cur.fetchall()}
        for key, now, rate, capacity, count in zip(
            keys, nows, rates, capacities, counts, strict=True
        ):
            if key not in taken:  # a bucket a reset deleted between the statements starts full
                taken[key] = grant(capacity, now, now, rate, capacity, count)[:2]
        return taken

    # --- webhook outbox -----------------------------------------------------------------

    async def add_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        async with self._tx() as cur:
            await cur.executemany(
                pg(sql.INSERT_DELIVERY), [sql.delivery_row(d) for d in deliveries]
            )

    async def claim_deliveries(
        self, now: float, real_now: float, lease_seconds: float, limits: ClaimLimits
    ) -> list[Delivery]:
        await self._owner_lock.hold()  # before a row carries this owner's name
        statement, params = sql.claim(
            now, real_now, lease_seconds, limits, self.lease_owner, " FOR UPDATE SKIP LOCKED"
        )
        async with self._single.connection() as conn:
            async with _pipelined(conn):
                fence = await _fence(conn)
                claim = await _queue(conn, pg(statement), params)
            return sql.claimed(await claim.fetchall(), await _epoch(fence))

    async def reclaim_leases(self, real_now: float) -> int:
        await self._owner_lock.hold(check=True)
        async with self._single.connection() as conn, conn.cursor() as cur:
            await cur.execute(RELEASE_ABANDONED, (real_now, self.lease_owner))
            return cur.rowcount

    async def finish_deliveries(
        self, outcomes: Sequence[Delivery], attempts: Sequence[Attempt]
    ) -> None:
        await self._finished.submit((outcomes, attempts))

    async def _flush_finished(self, batch: list[_Finished]) -> None:
        # Two round trips: the outcomes to write depend on the epoch the fence reads.
        async with self._single.connection() as conn, _pipelined(conn):
            updates, attempts = sql.current_outcomes(batch, await _epoch(await _fence(conn)))
            # An UPDATE ... FROM changes a row once: each delivery's last outcome, the one
            # that one update per row would have left.
            last = {update[-1]: update for update in updates}
            await FINISH_DELIVERIES.queue(conn, list(last.values()))
            await INSERT_ATTEMPTS.queue(conn, attempts)

    async def prune_deliveries(self, before: float, limit: int) -> int:
        """One statement, so that a row another process prunes at once is not counted twice
        and leaves no attempts behind."""
        statement = (
            f"WITH gone AS (DELETE FROM outbox WHERE id IN ({sql.FINISHED_BEFORE} "
            "FOR UPDATE SKIP LOCKED) RETURNING id), "
            "swept AS (DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM gone)) "
            "SELECT count(*) FROM gone"
        )
        rows = await self._fetchall(statement, (before, limit))
        return int(rows[0][0])

    async def requeue_failed(self, query: DeliveryQuery, now: float) -> int:
        statement, params = sql.requeue(query, now)
        async with self._tx() as cur:
            await cur.execute(pg(statement), params)
            return cur.rowcount

    async def next_delivery_at(self) -> float | None:
        rows = await self._fetchall(sql.NEXT_READY_AT)
        return float(rows[0][0]) if rows else None

    async def deliveries_outstanding(self, now: float) -> bool:
        return bool(await self._fetchall(sql.ANY_OUTSTANDING, (now,)))

    async def list_deliveries(self, query: DeliveryQuery) -> list[Delivery]:
        where, params = sql.delivery_filters(query)
        rows = await self._fetchall(
            f"SELECT {sql.DELIVERY_COLUMNS} FROM outbox{where} ORDER BY id DESC LIMIT ?",
            (*params, query.limit),
        )
        return [sql.delivery_from_row(row) for row in rows]

    async def attempts_of(self, delivery_ids: Sequence[int]) -> list[Attempt]:
        if not delivery_ids:
            return []
        rows = await self._fetchall(
            f"SELECT {sql.ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = ANY(?) "
            "ORDER BY real_at",
            (list(delivery_ids),),
        )
        return [sql.attempt_from_row(row) for row in rows]

    async def delivery_counts(self) -> dict[str, int]:
        rows = await self._fetchall("SELECT state, count(*) FROM outbox GROUP BY state")
        return {state: int(count) for state, count in rows}

    # --- inbound messages ---------------------------------------------------------------

    async def add_inbound(self, message: InboundMessage) -> None:
        async with self._tx() as cur:
            await cur.execute(pg(inbound.INSERT), inbound.row(message, _encode))

    async def get_inbound(self, wamid: str) -> InboundMessage | None:
        rows = await self._fetchall(inbound.SELECT_BY_WAMID, (wamid,))
        return inbound.from_row(rows[0]) if rows else None

    async def list_inbound(self, query: InboundQuery) -> list[InboundMessage]:
        statement, params = inbound.select(query)
        return [inbound.from_row(found) for found in await self._fetchall(statement, params)]

    async def mark_inbound_read(self, message: InboundMessage, at: float, *, typing: bool) -> None:
        async with self._tx() as cur:
            await cur.execute(pg(inbound.MARK_READ), inbound.read_params(message, at))
            if typing:
                await cur.execute(pg(inbound.MARK_TYPING), (at, message.seq))

    # --- analytics inputs ---------------------------------------------------------------

    async def add_interaction(self, interaction: Interaction) -> None:
        async with self._tx() as cur:
            await cur.execute(pg(sql.INSERT_INTERACTION), sql.interaction_row(interaction, _encode))

    async def interactions_between(
        self, waba_id: str, start: float, end: float
    ) -> list[Interaction]:
        rows = await self._fetchall(sql.SELECT_INTERACTIONS, (waba_id, start, end))
        return [sql.interaction_from_row(waba_id, row, _INTERACTION.decode) for row in rows]

    # --- blobs ----------------------------------------------------------------------------

    async def put_blob(self, blob: Blob, content: bytes, budget: int) -> bool:
        async with self._tx() as cur:
            await cur.execute("SELECT pg_advisory_xact_lock(%s)", (BLOB_LOCK,))
            await cur.execute(pg(sql.DELETE_EXPIRED_BLOBS), (blob.created_at,))
            await cur.execute(pg(sql.BLOB_BYTES_BESIDE), (blob.id,))
            row = await cur.fetchone()
            if int(row[0] if row else 0) + len(content) > budget:
                return False
            await cur.execute(pg(sql.UPSERT_BLOB), sql.blob_row(blob, _encode(blob), content))
        return True

    async def get_blob(self, blob_id: str) -> Blob | None:
        rows = await self._fetchall(sql.SELECT_BLOB, (blob_id,))
        return _BLOB.decode(rows[0][0]) if rows else None

    async def blob_content(self, blob_id: str) -> bytes | None:
        rows = await self._fetchall(sql.SELECT_BLOB_CONTENT, (blob_id,))
        return bytes(rows[0][0]) if rows else None

    async def delete_blob(self, blob_id: str) -> bool:
        async with self._single.connection() as conn, conn.cursor() as cur:
            await cur.execute(pg(sql.DELETE_BLOB), (blob_id,))
            return cur.rowcount > 0

    async def close(self) -> None:
        await self._messages.drain()
        await self._finished.drain()
        await self._close_pools()


CONNECT_TIMEOUT_SECONDS = 5


async def _reachable(conninfo: str) -> None:
    """One connection first, with a short timeout, so that a wrong host, port, database or
    login is one line within seconds (libpq's own words), not a pool waiting 30 s."""
    try:
        connection = await psycopg.AsyncConnection.connect(
            conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
    except psycopg.Error as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        where = hide_password(conninfo)
        raise DatabaseUnavailable(f"cannot connect to {where}: {reason}") from None
    await connection.close()
