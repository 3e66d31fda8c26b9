"""SQLite store: the zero-set-up default (a file, or memory with `sqlite://`).

Every database call runs on one dedicated thread with one connection: SQLite's C code runs
beside the Python code, and the single connection serialises transactions (so `sqlite://`
memory databases work too). Sends are group-committed: while one batch commits, the next one
accumulates. A batch commits on the event loop's own thread instead when the connection and
the file's write lock are free at that moment (`connection_gate`, `thread_commit`): the loop
never waits for a lock, and WAL checkpoints run on their own thread (`checkpoint`).
A committed message survives a crash of the process; `synchronous=FULL` (env
WAMM_SQLITE_SYNCHRONOUS=FULL) extends that to power loss at a cost in throughput, and keeps
every commit, with its fsync, on the database thread.

Opened `shared` (by each process of `wamm serve --workers N`), the store shares with the other
processes what one keeps in memory: rate-limit buckets, named locks and the catalog-reload
gate (`sqlite_shared`).
"""

from __future__ import annotations

import asyncio
import functools
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import msgspec

from wamm.core.errors import ResetDuringRequest
from wamm.core.media import Blob
from wamm.core.model import BlockedUser, InboundMessage, Message, User
from wamm.core.pricing import EntryPoint
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
from wamm.store.checkpoint import WRITER_AUTOCHECKPOINT_PAGES, WalCheckpointer
from wamm.store.connection_gate import ConnectionGate, DatabaseThread
from wamm.store.file_locks import OwnerFiles, WriterLock
from wamm.store.migrations import migrations_for
from wamm.store.recent import CAPACITY, RecentMessages
from wamm.store.thread_commit import ThreadGroupCommitter

if TYPE_CHECKING:
    from wamm.store.sqlite_shared import ProcessSharing

_encode = msgspec.json.Encoder().encode
_NewMessage = tuple[Message, User | None, Sequence[Delivery], int]  # ..., reset epoch
_Finished = tuple[Sequence[Delivery], Sequence[Attempt]]
_INTERACTION = msgspec.json.Decoder(dict[str, object])
_MESSAGE = msgspec.json.Decoder(Message)
_USER = msgspec.json.Decoder(User)
_BLOB = msgspec.json.Decoder(Blob)
_BLOCKED = msgspec.json.Decoder(BlockedUser)
# Errors about one item's rows, not the database: the group commit retries item by item.
_ROW_ERRORS = (sqlite3.IntegrityError, sqlite3.DataError, ResetDuringRequest)
P = ParamSpec("P")
R = TypeVar("R")


def _bound_as_is(value: bytes | None) -> bytes | None:
    return value


# CPython's sqlite3 binds int, float and str values directly; any other value, None and bytes
# included, first looks for an adapter, and without one (before 3.12) raises and clears an
# AttributeError about its protocol type: some 3,000 instructions per value, ten and more per
# send. Adapters for the other types we bind make that a dictionary lookup and a call.
sqlite3.register_adapter(type(None), _bound_as_is)
sqlite3.register_adapter(bytes, _bound_as_is)
sqlite3.register_adapter(bool, int)


def on_store_thread(
    method: Callable[Concatenate[SqliteStore, P], R],
) -> Callable[Concatenate[SqliteStore, P], Coroutine[Any, Any, R]]:
    """Run a synchronous store method on the store's database thread."""

    async def run(self: SqliteStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        call = functools.partial(method, self, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._thread, call)

    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run


def catalog_change(
    method: Callable[Concatenate[SqliteStore, P], R],
) -> Callable[Concatenate[SqliteStore, P], Coroutine[Any, Any, R]]:
    """`on_store_thread` for a change of read-mostly state: a shared store's process makes
    none while it reloads its catalog (`catalog_writes_held`)."""
    on_thread = on_store_thread(method)

    async def run(self: SqliteStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        sharing = self._sharing
        async with nullcontext() if sharing is None else sharing.catalog_gate.reader:
            return await on_thread(self, *args, **kwargs)

    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run


class SqliteStore(Store):
    shared = False  # one process: limits and caches live in memory

    def __init__(self, path: str, *, shared: bool = False) -> None:
        self.path = path
        self.shared = shared
        self._sharing: ProcessSharing | None = None
        if shared:
            from wamm.store.sqlite_shared import ProcessSharing  # noqa: PLC0415 - POSIX only

            self._sharing = ProcessSharing(path)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._writer = WriterLock(path)
        gate = ConnectionGate(self._writer)
        self._thread = DatabaseThread(gate)
        synchronous = os.environ.get("WAMM_SQLITE_SYNCHRONOUS", "NORMAL").upper()
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "busy_timeout=10000"):
            self._db.execute(f"PRAGMA {pragma}")
        self._migrate()
        self._checkpointer: WalCheckpointer | None = None
        if path != ":memory:":
            self._db.execute(f"PRAGMA wal_autocheckpoint={WRITER_AUTOCHECKPOINT_PAGES}")
            self._checkpointer = WalCheckpointer(path)
        inline = None if synchronous == "FULL" else gate  # an fsync per commit: not on the loop
        self._messages = ThreadGroupCommitter[_NewMessage](
            self._thread, self._flush_messages, isolate=_ROW_ERRORS, inline=inline
        )
        self._finished = ThreadGroupCommitter[_Finished](
            self._thread, self._flush_finished, inline=inline
        )
        self._recent = self._new_recent()
        self.lease_owner = new_lease_owner()
        self._owners = OwnerFiles(path, self.lease_owner)
        self._release_abandoned(time.time())

    def _new_recent(self) -> RecentMessages:
        """Copies of the messages just written; none where other processes update them too."""
        return RecentMessages(capacity=0 if self.shared else CAPACITY)

    @property
    def send_transactions(self) -> int:
        return self._messages.flushes

    # --- plumbing -----------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._writer.held():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
            )
            done = {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
            for migration in migrations_for("sqlite"):
                if migration.version in done:
                    continue
                for statement in migration.statements():
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    (migration.version, migration.name, time.time()),
                )

    def schema_version(self) -> int:
        row = self._db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # --- catalog ------------------------------------------------------------------------

    @on_store_thread
    def ping(self) -> None:
        self._db.execute("SELECT 1").fetchone()

    @on_store_thread
    def load_catalog(self) -> CatalogData:
        # The version first: a change committed while the rest is read is reloaded next time.
        data = CatalogData(version=self._version(self._db))
        for table, kind in sql.CATALOG_TABLES.items():
            decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(kind)
            rows = self._db.execute(f"SELECT data FROM {table}")
            getattr(data, table).extend(decoder.decode(row[0]) for row in rows)
        settings = dict(self._db.execute("SELECT key, value FROM settings").fetchall())
        if "settings" in settings:
            data.settings = msgspec.json.decode(settings["settings"], type=Settings)
        if "clock_time" in settings:
            data.clock_time = float(settings["clock_time"])
        rows = self._db.execute("SELECT data FROM users WHERE custom = 1")
        data.custom_users = [_USER.decode(row[0]) for row in rows]
        rows = self._db.execute("SELECT phone_number_id, user_phone, opened_at FROM windows")
        data.windows = [(str(a), str(b), float(c)) for a, b, c in rows]
        rows = self._db.execute(sql.SELECT_ENTRY_POINTS)
        data.entry_points = [sql.entry_point_row(row) for row in rows]
        data.blocked = [_BLOCKED.decode(row[0]) for row in self._db.execute(sql.SELECT_BLOCKED)]
        data.epoch = self._epoch(self._db)
        return data

    @staticmethod
    def _epoch(db: sqlite3.Connection) -> int:
        return int(db.execute(sql.SELECT_EPOCH).fetchone()[0])

    @staticmethod
    def _version(db: sqlite3.Connection) -> int:
        return int(db.execute(sql.SELECT_CATALOG_VERSION).fetchone()[0])

    @on_store_thread
    def catalog_version(self) -> int:
        return self._version(self._db)

    @contextmanager
    def _catalog_transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction that changes read-mostly state and tells a delivery process."""
        with self._transaction() as db:
            yield db
            db.execute(sql.BUMP_CATALOG_VERSION)

    @catalog_change
    def write(
        self,
        entities: Sequence[Entity],
        *,
        settings: Settings | None = None,
        clock_time: float | None = None,
    ) -> None:
        with self._catalog_transaction() as db:
            self._upsert(db, entities, settings, clock_time)

    @staticmethod
    def _upsert(
        db: sqlite3.Connection,
        entities: Sequence[Entity],
        settings: Settings | None,
        clock_time: float | None,
    ) -> None:
        for entity in entities:
            table, row = sql.entity_row(entity, _encode(entity))
            db.execute(table.upsert, row)
        if settings is not None:
            db.execute(sql.UPSERT_SETTING, ("settings", _encode(settings).decode()))
        if clock_time is not None:
            db.execute(sql.UPSERT_SETTING, ("clock_time", repr(clock_time)))

    @catalog_change
    def advance_clock_time(self, seconds: float, current: float) -> float:
        with self._catalog_transaction() as db:
            row = db.execute(sql.SELECT_CLOCK_TIME).fetchone()
            now = (current if row is None else float(row[0])) + seconds
            db.execute(sql.UPSERT_SETTING, ("clock_time", repr(now)))
        return now

    @catalog_change
    def delete_subscription(self, waba_id: str, app_id: str) -> None:
        with self._catalog_transaction() as db:
            db.execute(
                "DELETE FROM subscriptions WHERE waba_id = ? AND app_id = ?", (waba_id, app_id)
            )

    @catalog_change
    def reset(
        self,
        entities: Sequence[Entity],
        *,
        settings: Settings,
        clock_time: float,
        counters: Mapping[str, int],
    ) -> int:
        with self._catalog_transaction() as db:
            for table in sql.ALL_TABLES:
                db.execute(f"DELETE FROM {table}")
            epoch = int(db.execute(sql.BUMP_EPOCH).fetchone()[0])
            self._upsert(db, entities, settings, clock_time)
            db.executemany(sql.SET_COUNTER, counters.items())
        self._recent = self._new_recent()  # sequence numbers start again
        if self._sharing is not None:
            self._sharing.buckets.clear()  # as PostgreSQL empties its bucket table
        return epoch

    @on_store_thread
    def reserve(self, counter: str, count: int, epoch: int) -> int:
        with self._transaction() as db:
            sql.check_epoch(self._epoch(db), (epoch,))
            row = db.execute("SELECT value FROM counters WHERE name = ?", (counter,)).fetchone()
            start = int(row[0]) if row else 1
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (counter, start + count),
            )
        return start

    # --- messages and users -------------------------------------------------------------

    def add_message(
        self, message: Message, new_user: User | None, deliveries: Sequence[Delivery], epoch: int
    ) -> Coroutine[Any, Any, None]:
        return self._messages.submit((message, new_user, deliveries, epoch))  # no own frame

    def _flush_messages(self, batch: list[_NewMessage]) -> None:
        users = [(u.phone, u.bsuid, u.parent_bsuid, _encode(u)) for _, u, _, _ in batch if u]
        rows = [sql.message_row(m, _encode(m)) for m, _, _, _ in batch]
        deliveries = [sql.delivery_row(d) for _, _, ds, _ in batch for d in ds]
        entry_openings = sql.entry_opening_rows(m for m, _, _, _ in batch)
        with self._transaction() as db:
            sql.check_epoch(self._epoch(db), (epoch for *_, epoch in batch))
            if users:
                db.executemany(sql.INSERT_USER_IF_NEW, users)
            db.executemany(sql.INSERT_MESSAGE, rows)
            if deliveries:
                db.executemany(sql.INSERT_DELIVERY, deliveries)
            if entry_openings:  # rare (one answer per entry): tell a delivery process
                db.executemany(sql.OPEN_ENTRY_POINT, entry_openings)
                db.execute(sql.BUMP_CATALOG_VERSION)
        self._recent.remember(sql.message_documents(rows))

    # --- webhook outbox -----------------------------------------------------------------

    def _release_abandoned(self, real_now: float) -> int:
        """In-flight rows whose lease ran out, or whose owner died (its owner file is free),
        are due again; a live process's (a delivery process, a worker) stay its own."""
        with self._transaction() as db:
            owners = [row[0] for row in db.execute(sql.INFLIGHT_OWNERS)]
            dead = [owner for owner in owners if not self._owners.alive(owner)]
            statement = sql.RELEASE_OWNERS.format(owners=", ".join("?" * len(dead)))
            return db.execute(statement, (real_now, *dead)).rowcount

    @on_store_thread
    def add_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        with self._transaction() as db:
            db.executemany(sql.INSERT_DELIVERY, [sql.delivery_row(d) for d in deliveries])

    @on_store_thread
    def claim_deliveries(
        self, now: float, real_now: float, lease_seconds: float, limits: ClaimLimits
    ) -> list[Delivery]:
        # The search reads a snapshot (WAL) before the write transaction: the server's sends
        # wait for every transaction a delivery process writes, not for the search.
        ids = [row[0] for row in self._db.execute(*sql.ready(now, limits))]
        if not ids:
            return []
        statement, params = sql.lease_ready(ids, now, real_now, lease_seconds, self.lease_owner)
        with self._transaction() as db:
            rows, epoch = db.execute(statement, params).fetchall(), self._epoch(db)
        return sql.claimed(rows, epoch)  # built once the other writers may go on

    @on_store_thread
    def reclaim_leases(self, real_now: float) -> int:
        return self._release_abandoned(real_now)

    async def finish_deliveries(
        self, outcomes: Sequence[Delivery], attempts: Sequence[Attempt]
    ) -> None:
        await self._finished.submit((outcomes, attempts))

    def _flush_finished(self, batch: list[_Finished]) -> None:
        with self._transaction() as db:
            updates, attempts = sql.current_outcomes(batch, self._epoch(db))
            db.executemany(sql.FINISH_DELIVERY, updates)
            db.executemany(sql.INSERT_ATTEMPT, attempts)

    @on_store_thread
    def prune_deliveries(self, before: float, limit: int) -> int:
        with self._transaction() as db:
            finished = f"({sql.FINISHED_BEFORE})"
            db.execute(f"DELETE FROM attempts WHERE delivery_id IN {finished}", (before, limit))
            gone = db.execute(f"DELETE FROM outbox WHERE id IN {finished}", (before, limit))
        return gone.rowcount

    @on_store_thread
    def requeue_failed(self, query: DeliveryQuery, now: float) -> int:
        statement, params = sql.requeue(query, now)
        with self._transaction() as db:
            return db.execute(statement, params).rowcount

    @on_store_thread
    def next_delivery_at(self) -> float | None:
        row = self._db.execute(sql.NEXT_READY_AT).fetchone()
        return None if row is None else float(row[0])

    @on_store_thread
    def deliveries_outstanding(self, now: float) -> bool:
        return self._db.execute(sql.ANY_OUTSTANDING, (now,)).fetchone() is not None

    @on_store_thread
    def list_deliveries(self, query: DeliveryQuery) -> list[Delivery]:
        where, params = sql.delivery_filters(query)
        rows = self._db.execute(
            f"SELECT {sql.DELIVERY_COLUMNS} FROM outbox{where} ORDER BY id DESC LIMIT ?",
            (*params, query.limit),
        )
        return [sql.delivery_from_row(row) for row in rows]

    @on_store_thread
    def attempts_of(self, delivery_ids: Sequence[int]) -> list[Attempt]:
        if not delivery_ids:
            return []
        marks = ", ".join("?" * len(delivery_ids))
        rows = self._db.execute(
            f"SELECT {sql.ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id IN ({marks}) "
            "ORDER BY real_at",
            tuple(delivery_ids),
        )
        return [sql.attempt_from_row(row) for row in rows]

    @on_store_thread
    def delivery_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT state, count(*) FROM outbox GROUP BY state")
        return {state: int(count) for state, count in rows}

    # --- inbound messages ---------------------------------------------------------------

    @on_store_thread
    def add_inbound(self, message: InboundMessage) -> None:
        with self._transaction() as db:
            db.execute(inbound.INSERT, inbound.row(message, _encode))

    @on_store_thread
    def get_inbound(self, wamid: str) -> InboundMessage | None:
        found = self._db.execute(inbound.SELECT_BY_WAMID, (wamid,)).fetchone()
        return inbound.from_row(found) if found else None

    @on_store_thread
    def list_inbound(self, query: InboundQuery) -> list[InboundMessage]:
        statement, params = inbound.select(query)
        return [inbound.from_row(found) for found in self._db.execute(statement, params)]

    @on_store_thread
    def mark_inbound_read(self, message: InboundMessage, at: float, *, typing: bool) -> None:
        with self._transaction() as db:
            db.execute(inbound.MARK_READ, inbound.read_params(message, at))
            if typing:
                db.execute(inbound.MARK_TYPING, (at, message.seq))

    # --- analytics inputs ---------------------------------------------------------------

    @on_store_thread
    def add_interaction(self, interaction: Interaction) -> None:
        with self._transaction() as db:
            db.execute(sql.INSERT_INTERACTION, sql.interaction_row(interaction, _encode))

    @on_store_thread
    def interactions_between(self, waba_id: str, start: float, end: float) -> list[Interaction]:
        rows = self._db.execute(sql.SELECT_INTERACTIONS, (waba_id, start, end))
        return [sql.interaction_from_row(waba_id, row, _INTERACTION.decode) for row in rows]

    @on_store_thread
    def messages_between(
        self, waba_id: str, start: float, end: float, template_names: Sequence[str] | None = None
    ) -> list[Message]:
        statement, params = sql.messages_between(waba_id, start, end, template_names)
        rows = self._db.execute(statement, params)
        return [_MESSAGE.decode(row[0]) for row in rows]

    @on_store_thread
    def day_counts(self, query: DayCountQuery) -> list[DayCounts]:
        statement, params = sql.day_counts(query)
        return [sql.day_counts_from_row(row) for row in self._db.execute(statement, params)]

    @on_store_thread
    def messages_with_status(self, waba_id: str, status: str) -> list[Message]:
        rows = self._db.execute(sql.MESSAGES_WITH_STATUS, (waba_id, status))
        return [_MESSAGE.decode(row[0]) for row in rows]

    @on_store_thread
    def replace_messages(self, messages: Sequence[Message], deliveries: Sequence[Delivery]) -> None:
        documents = [(m, _encode(m)) for m in messages]
        with self._transaction() as db:
            db.executemany(sql.UPDATE_MESSAGE, [sql.message_update_row(m, d) for m, d in documents])
            db.executemany(sql.INSERT_DELIVERY, [sql.delivery_row(d) for d in deliveries])
        self._recent.remember((m.seq, d) for m, d in documents)

    @on_store_thread
    def messages_by_seq(self, seqs: Sequence[int]) -> dict[int, Message]:
        found, missing = self._recent.split(seqs)
        if missing:
            marks = ", ".join("?" * len(missing))
            rows = self._db.execute(
                f"SELECT seq, data FROM messages WHERE seq IN ({marks})", missing
            )
            found.update((int(seq), _MESSAGE.decode(data)) for seq, data in rows)
        return found

    @on_store_thread
    def get_message(self, wamid: str) -> Message | None:
        where, params = sql.message_filters(MessageQuery(wamid=wamid))
        row = self._db.execute(f"SELECT data FROM messages{where}", params).fetchone()
        return _MESSAGE.decode(row[0]) if row else None

    @on_store_thread
    def count_marketing(self, phone: str, since: float) -> int:
        row = self._db.execute(sql.COUNT_MARKETING, (phone, since)).fetchone()
        return int(row[0])

    @on_store_thread
    def find_user_by_bsuid(self, bsuid: str) -> User | None:
        row = self._db.execute(
            "SELECT data FROM users WHERE bsuid = ? OR parent_bsuid = ? LIMIT 1", (bsuid, bsuid)
        ).fetchone()
        return _USER.decode(row[0]) if row else None

    @on_store_thread
    def list_users(self, limit: int, after_phone: str | None) -> list[User]:
        rows = self._db.execute(
            "SELECT data FROM users WHERE phone > ? ORDER BY phone LIMIT ?",
            (after_phone or "", limit),
        )
        return [_USER.decode(row[0]) for row in rows]

    @on_store_thread
    def list_messages(self, query: MessageQuery) -> list[Message]:
        statement, params = sql.list_messages(query)
        rows = self._db.execute(statement, params)
        return [_MESSAGE.decode(row[0]) for row in rows]

    @catalog_change
    def open_window(
        self, phone_number_id: str, user_phone: str, at: float, entry: EntryPoint | None = None
    ) -> None:
        statement = sql.UPSERT_WINDOW if entry is None else sql.UPSERT_ENTRY_WINDOW
        with self._catalog_transaction() as db:
            db.execute(statement, sql.window_row(phone_number_id, user_phone, at, entry))

    # --- blobs ----------------------------------------------------------------------------

    @on_store_thread
    def put_blob(self, blob: Blob, content: bytes, budget: int) -> bool:
        with self._transaction() as db:
            db.execute(sql.DELETE_EXPIRED_BLOBS, (blob.created_at,))
            held = int(db.execute(sql.BLOB_BYTES_BESIDE, (blob.id,)).fetchone()[0])
            if held + len(content) > budget:
                return False
            db.execute(sql.UPSERT_BLOB, sql.blob_row(blob, _encode(blob), content))
        return True

    @on_store_thread
    def get_blob(self, blob_id: str) -> Blob | None:
        row = self._db.execute(sql.SELECT_BLOB, (blob_id,)).fetchone()
        return _BLOB.decode(row[0]) if row else None

    @on_store_thread
    def blob_content(self, blob_id: str) -> bytes | None:
        row = self._db.execute(sql.SELECT_BLOB_CONTENT, (blob_id,)).fetchone()
        return bytes(row[0]) if row else None

    @on_store_thread
    def delete_blob(self, blob_id: str) -> bool:
        with self._transaction() as db:
            return db.execute(sql.DELETE_BLOB, (blob_id,)).rowcount > 0

    @catalog_change
    def change_blocks(
        self, blocked: Sequence[BlockedUser], unblocked: Sequence[tuple[str, str]]
    ) -> None:
        with self._catalog_transaction() as db:
            db.executemany(sql.UPSERT_BLOCKED, [sql.blocked_row(b, _encode(b)) for b in blocked])
            db.executemany(sql.DELETE_BLOCKED, unblocked)

    # --- what processes sharing the file share ------------------------------------------

    async def take_token(self, request: TokenRequest) -> tuple[bool, float]:
        return (await self.take_tokens([request]))[0]

    async def take_tokens(self, requests: Sequence[TokenRequest]) -> list[tuple[bool, float]]:
        if self._sharing is None:
            return await super().take_tokens(requests)
        return self._sharing.buckets.take_chain(requests)  # microseconds: no thread hop

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        sharing = self._sharing
        async with nullcontext() if sharing is None else sharing.named_lock(name):
            yield

    @asynccontextmanager
    async def catalog_writes_held(self) -> AsyncIterator[None]:
        sharing = self._sharing
        async with nullcontext() if sharing is None else sharing.catalog_gate.writer:
            yield

    async def close(self) -> None:
        await self._messages.drain()
        await self._finished.drain()
        if self._checkpointer is not None:
            self._checkpointer.close()
        await self._close_connection()
        self._thread.shutdown(wait=True)

    @on_store_thread
    def _close_connection(self) -> None:
        self._db.close()
        self._writer.close()
        self._owners.close()
        if self._sharing is not None:
            self._sharing.close()

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Raw read access for diagnostics and tests."""
        return list(self._db.execute(statement, params))
