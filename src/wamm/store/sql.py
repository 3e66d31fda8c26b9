"""SQL shared by the backends: one table per entity kind, key columns plus a msgspec JSON `data`.

Entities are stored whole as JSON so a new optional field needs no migration; the key columns
exist only for lookups. Statements use `?` placeholders (the PostgreSQL store rewrites them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from msgspec.structs import replace

from wamm.core import ids
from wamm.core.analytics.values import day_floor
from wamm.core.errors import ResetDuringRequest
from wamm.core.model import (
    App,
    BlockedUser,
    Business,
    Message,
    PhoneNumber,
    Template,
    Token,
    User,
    Waba,
)
from wamm.core.pricing import EntryPoint
from wamm.store.base import (
    Attempt,
    ClaimLimits,
    DayCountQuery,
    DayCounts,
    Delivery,
    Entity,
    Interaction,
    Subscription,
)


@dataclass(frozen=True)
class Table:
    name: str
    keys: tuple[str, ...]  # primary key columns
    columns: tuple[str, ...]  # all columns but `data`, keys first
    values: Callable[[Any], tuple[Any, ...]]

    @property
    def upsert(self) -> str:
        cols = (*self.columns, "data")
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in self.keys)
        return (
            f"INSERT INTO {self.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT ({', '.join(self.keys)}) DO UPDATE SET {updates}"
        )


TABLES: dict[type, Table] = {
    App: Table("apps", ("id",), ("id",), lambda e: (e.id,)),
    Business: Table("businesses", ("id",), ("id",), lambda e: (e.id,)),
    Waba: Table("wabas", ("id",), ("id", "business_id"), lambda e: (e.id, e.business_id)),
    PhoneNumber: Table("phone_numbers", ("id",), ("id", "waba_id"), lambda e: (e.id, e.waba_id)),
    Token: Table("tokens", ("value",), ("value",), lambda e: (e.value,)),
    Template: Table(
        "templates",
        ("id",),
        ("id", "waba_id", "seq", "name", "language", "status"),
        lambda e: (e.id, e.waba_id, e.seq, e.name, e.language, e.status),
    ),
    User: Table(
        "users",
        ("phone",),
        ("phone", "bsuid", "parent_bsuid", "custom"),
        lambda e: (e.phone, e.bsuid, e.parent_bsuid, 1),
    ),
    Subscription: Table(
        "subscriptions",
        ("waba_id", "app_id"),
        ("waba_id", "app_id"),
        lambda e: (e.waba_id, e.app_id),
    ),
}

CATALOG_TABLES: dict[str, type] = {
    "apps": App,
    "businesses": Business,
    "wabas": Waba,
    "phone_numbers": PhoneNumber,
    "tokens": Token,
    "templates": Template,
    "subscriptions": Subscription,
}

ALL_TABLES = (
    "settings",
    "counters",
    "apps",
    "businesses",
    "wabas",
    "phone_numbers",
    "tokens",
    "templates",
    "users",
    "subscriptions",
    "messages",
    "windows",
    "blocked_users",
    "outbox",
    "attempts",
    "interactions",
    "inbound_messages",
    "blobs",
)

# The reset epoch lives in its own table, which resets leave in place.
SELECT_EPOCH = "SELECT epoch FROM reset_epoch WHERE id = 1"
BUMP_EPOCH = "UPDATE reset_epoch SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch"
SET_COUNTER = "INSERT INTO counters (name, value) VALUES (?, ?)"


def check_epoch(current: int, epochs: Iterable[int]) -> None:
    """Refuse a write begun under an older reset epoch than the store's `current` one."""
    if any(epoch != current for epoch in epochs):
        raise ResetDuringRequest


def claimed(rows: Iterable[Sequence[Any]], epoch: int) -> list[Delivery]:
    """Claimed rows as deliveries of reset epoch `epoch`, in the order they are due."""
    deliveries = [delivery_from_row(row) for row in rows]
    for delivery in deliveries:
        delivery.epoch = epoch
    return sorted(deliveries, key=lambda d: (d.next_attempt_at, d.id))


def current_outcomes(
    batch: Iterable[tuple[Sequence[Delivery], Sequence[Attempt]]], epoch: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Delivery updates and attempt rows of the outcomes claimed in reset epoch `epoch`."""
    live = [(ds, attempts) for ds, attempts in batch if all(d.epoch == epoch for d in ds)]
    updates = [finish_row(d) for ds, _ in live for d in ds]
    return updates, [attempt_row(a) for _, attempts in live for a in attempts]


INSERT_MESSAGE = (
    "INSERT INTO messages (seq, wamid, phone_number_id, waba_id, recipient_phone, "
    "recipient_bsuid, route, status, created_at, counts_marketing, template_name, template_id, "
    "pricing_category, in_window, entry_point, sent_at, sent_day, delivered_at, delivered_day, "
    "read_at, read_day, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The status events template analytics count, each as its time and day (None when unplanned).
COUNTED_STATUSES = ("sent", "delivered", "read")
COUNT_MARKETING = (
    "SELECT count(*) FROM messages WHERE recipient_phone = ? AND counts_marketing = 1 "
    "AND created_at > ?"
)


def message_row(m: Any, data: bytes) -> tuple[Any, ...]:
    return (
        m.seq,
        m.wamid,
        m.phone_number_id,
        m.waba_id,
        m.recipient_phone,
        m.recipient_bsuid,
        m.route,
        m.status,
        m.created_at,
        int(m.counts_marketing),
        m.template_name,
        m.template_id,
        m.pricing_category,
        int(m.in_window),
        int(m.entry_point_until is not None),
        *event_columns(m),
        data,
    )


def event_columns(m: Any) -> tuple[float | int | None, ...]:
    """(time, day) of each counted status event of a message, in COUNTED_STATUSES order."""
    times: dict[str, float] = {event.status: event.at for event in m.events}
    columns: list[float | int | None] = []
    for status in COUNTED_STATUSES:
        at = times.get(status)
        columns += (at, None if at is None else day_floor(at))
    return tuple(columns)


UPDATE_MESSAGE = (
    "UPDATE messages SET status = ?, counts_marketing = ?, sent_at = ?, sent_day = ?, "
    "delivered_at = ?, delivered_day = ?, read_at = ?, read_day = ?, data = ? WHERE seq = ?"
)
MESSAGES_WITH_STATUS = "SELECT data FROM messages WHERE waba_id = ? AND status = ? ORDER BY seq"


def message_update_row(m: Any, data: bytes) -> tuple[Any, ...]:
    return (m.status, int(m.counts_marketing), *event_columns(m), data, m.seq)


def message_documents(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, bytes]]:
    """(seq, stored document) of `message_row` rows."""
    return ((row[0], row[-1]) for row in rows)


INSERT_USER_IF_NEW = (
    "INSERT INTO users (phone, bsuid, parent_bsuid, data) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (phone) DO NOTHING"
)
SELECT_CLOCK_TIME = "SELECT value FROM settings WHERE key = 'clock_time'"
UPSERT_SETTING = (
    "INSERT INTO settings (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
UPSERT_WINDOW = (
    "INSERT INTO windows (phone_number_id, user_phone, opened_at) VALUES (?, ?, ?) "
    "ON CONFLICT (phone_number_id, user_phone) DO UPDATE SET opened_at = excluded.opened_at"
)
UPSERT_ENTRY_WINDOW = (
    "INSERT INTO windows (phone_number_id, user_phone, opened_at, referral_at, entry_opened_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone_number_id, user_phone) DO UPDATE SET "
    "opened_at = excluded.opened_at, referral_at = excluded.referral_at, "
    "entry_opened_at = excluded.entry_opened_at"
)
SELECT_ENTRY_POINTS = (
    "SELECT phone_number_id, user_phone, referral_at, entry_opened_at FROM windows "
    "WHERE referral_at IS NOT NULL"
)
# The answer that opens a free entry point window, written with the message (`add_message`).
OPEN_ENTRY_POINT = (
    "UPDATE windows SET entry_opened_at = ? WHERE phone_number_id = ? AND user_phone = ?"
)


def window_row(
    phone_number_id: str, user_phone: str, at: float, entry: EntryPoint | None
) -> tuple[Any, ...]:
    """The parameters of UPSERT_WINDOW, or of UPSERT_ENTRY_WINDOW with an entry."""
    if entry is None:
        return (phone_number_id, user_phone, at)
    return (phone_number_id, user_phone, at, entry.referral_at, entry.opened_at)


def entry_opening_rows(messages: Iterable[Message]) -> list[tuple[Any, ...]]:
    """OPEN_ENTRY_POINT parameters for the answers among `messages` that open a window."""
    opening = (m for m in messages if m.opens_entry_point)
    return [(m.created_at, m.phone_number_id, m.recipient_phone) for m in opening]


def entry_point_row(row: Sequence[Any]) -> tuple[str, str, float, float | None]:
    phone_number_id, user_phone, referral_at, opened_at = row
    opened = None if opened_at is None else float(opened_at)
    return (str(phone_number_id), str(user_phone), float(referral_at), opened)


UPSERT_BLOCKED = (
    "INSERT INTO blocked_users (phone_number_id, user_phone, seq, data) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (phone_number_id, user_phone) DO UPDATE SET seq = excluded.seq, "
    "data = excluded.data"
)
DELETE_BLOCKED = "DELETE FROM blocked_users WHERE phone_number_id = ? AND user_phone = ?"
SELECT_BLOCKED = "SELECT data FROM blocked_users"


def blocked_row(block: BlockedUser, data: bytes) -> tuple[Any, ...]:
    return (block.phone_number_id, block.phone, block.seq, data)


def entity_row(entity: Entity, data: bytes) -> tuple[Table, tuple[Any, ...]]:
    table = TABLES[type(entity)]
    return table, (*table.values(entity), data)


def where_clause(
    equal: Iterable[tuple[str, Any]], *extra: tuple[str, list[Any]]
) -> tuple[str, list[Any]]:
    """` WHERE a = ? AND ...` for the pairs whose value is not None, plus extra conditions."""
    clauses = [f"{column} = ?" for column, value in equal if value is not None]
    params = [value for _, value in equal if value is not None]
    for clause, values in extra:
        clauses.append(clause)
        params += values
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def list_messages(query: Any) -> tuple[str, list[Any]]:
    """The statement (newest first) and parameters of a MessageQuery. A recipient is a phone
    number or a BSUID: each is looked for along its own index, newest first, at most a page of
    each (one OR would walk every stored message for a recipient with few of them)."""
    if query.recipient is None:
        where, params = message_filters(query)
        return f"SELECT data FROM messages{where} ORDER BY seq DESC LIMIT ?", [*params, query.limit]
    parts, values = [], []
    for column in ("recipient_phone", "recipient_bsuid"):
        where, params = message_filters(query, (f"{column} = ?", [query.recipient]))
        parts.append(
            f"SELECT * FROM (SELECT seq, data FROM messages{where} "
            f"ORDER BY seq DESC LIMIT ?) AS by_{column}"
        )
        values += [*params, query.limit]
    statement = f"SELECT data FROM ({' UNION '.join(parts)}) AS found ORDER BY seq DESC LIMIT ?"
    return statement, [*values, query.limit]


def message_filters(query: Any, *more: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    """WHERE clause (possibly empty) and parameters for a MessageQuery (and `more` clauses); its
    recipient is `list_messages`' to look up."""
    extra = list(more)
    if query.after_seq is not None:
        extra.append(("seq < ?", [query.after_seq]))
    if query.wamid is not None:
        extra.append(_by_wamid("seq", query.wamid))
    equal = [
        ("phone_number_id", query.phone_number_id),
        ("route", query.route),
        ("template_name", query.template),
    ]
    return where_clause(equal, *extra)


def messages_between(
    waba_id: str, start: float, end: float, template_names: Sequence[str] | None
) -> tuple[str, tuple[Any, ...]]:
    """The statement of `Store.messages_between` and its parameters."""
    statement = "SELECT data FROM messages WHERE waba_id = ? AND created_at >= ? AND created_at < ?"
    names = tuple(template_names or ())
    if template_names is not None:
        statement += f" AND template_name IN ({', '.join('?' * len(names)) or 'NULL'})"
    return statement + " ORDER BY seq", (waba_id, start, end, *names)


# Template analytics' counts: the covering index `messages_template_days` is walked in its
# order (so the GROUP BY needs no sort) and each group says how many of its events count by now.
DAY_COUNTS = (
    "SELECT template_id, pricing_category, in_window, entry_point, sent_day, delivered_day, "
    "read_day, "
    "count(*) FILTER (WHERE sent_at <= ?), count(*) FILTER (WHERE delivered_at <= ?), "
    "count(*) FILTER (WHERE read_at <= ? AND read_at <= created_at + ?) "
    "FROM messages WHERE waba_id = ? AND template_name IN ({names}) AND route = ? "
    "AND template_id IN ({ids}) AND created_at >= ? AND created_at < ? "
    "GROUP BY template_id, pricing_category, in_window, entry_point, sent_day, delivered_day, "
    "read_day"
)


def day_counts(query: DayCountQuery) -> tuple[str, tuple[Any, ...]]:
    """The statement of `Store.day_counts` and its parameters."""
    names, ids = query.template_names, query.template_ids
    statement = DAY_COUNTS.format(
        names=", ".join("?" * len(names)) or "NULL", ids=", ".join("?" * len(ids)) or "NULL"
    )
    now = query.now
    params = (now, now, now, query.read_within, query.waba_id, *names, query.route, *ids)
    return statement, (*params, query.created_from, query.created_to)


def day_counts_from_row(row: Sequence[Any]) -> DayCounts:
    return DayCounts(
        template_id=row[0],
        pricing_category=row[1],
        in_window=bool(row[2]),
        entry_point=bool(row[3]),
        sent_day=row[4],
        delivered_day=row[5],
        read_day=row[6],
        sent=int(row[7]),
        delivered=int(row[8]),
        read=int(row[9]),
    )


def _by_wamid(sequence_column: str, wamid: str) -> tuple[str, list[Any]]:
    """Find a wamid through the sequence it carries (indexed), checked against the text."""
    seq = ids.wamid_sequence(wamid)
    if seq is None:
        return "wamid = ?", [wamid]
    return f"{sequence_column} = ? AND wamid = ?", [seq, wamid]


DELIVERY_COLUMNS = (
    "id, app_id, waba_id, field, value, wamid, event_at, due_at, next_attempt_at, state, "
    "attempts, delivered_at, last_error, message_seq, event_index"
)
INSERT_DELIVERY = (
    "INSERT INTO outbox (app_id, waba_id, field, value, wamid, message_seq, event_index, "
    "event_at, due_at, next_attempt_at, order_key, state) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')"
)
# A pending row waits while an earlier update to its app about the same message (by
# `message_seq`), or of the same non-message field of its WABA (by `order_key`), is unfinished
# (pending or in flight): a later event goes out once the earlier ones are delivered or finally
# failed. Both lookups are indexed; message rows need no index of their own.
_EARLIER = (
    "earlier.state IN ('pending', 'inflight') "
    "AND (earlier.due_at < due.due_at OR (earlier.due_at = due.due_at AND earlier.id < due.id))"
)
_UNBLOCKED = (
    "NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.message_seq = due.message_seq "
    f"AND earlier.app_id = due.app_id AND {_EARLIER}) "
    "AND NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.order_key = due.order_key "
    f"AND {_EARLIER})"
)
# Ready rows (pending, due, unblocked) come off the (state, next_attempt_at) index, at most one
# app's worth of them looked at; each app gets at most its cap of those (its free POST slots
# times the batch size), and apps without a free slot are skipped.
_DUE = (
    "FROM outbox AS due WHERE state = 'pending' AND next_attempt_at <= ? AND "
    + _UNBLOCKED
    + "{excluded} ORDER BY next_attempt_at LIMIT ?{lock}"
)
READY = (
    "SELECT id FROM (SELECT id, app_id, "
    "row_number() OVER (PARTITION BY app_id ORDER BY next_attempt_at, id) AS place FROM ("
    "SELECT id, app_id, next_attempt_at " + _DUE + ") AS ready) AS ranked WHERE place <= {cap}"
)
# With no app capped below the rows looked at, the ranking would keep every row: left out.
READY_UNRANKED = "SELECT id " + _DUE
_LEASE = "UPDATE outbox AS due SET state = 'inflight', lease_until = ?, lease_owner = ? WHERE "
# SQLite finds the ready rows (READY) before its write transaction, then leases those still
# ready inside it: the search only reads, and every writer of the file waits while one writes.
# The rows are looked up by id: `+` keeps the planner off the (state, next_attempt_at) index,
# which would walk every due row of a backlog.
LEASE_READY = (
    _LEASE
    + "id IN ({ids}) AND +state = 'pending' AND +next_attempt_at <= ? AND "
    + _UNBLOCKED
    + " RETURNING "
    + DELIVERY_COLUMNS
)
SELECT_CATALOG_VERSION = "SELECT version FROM catalog_version WHERE id = 1"
BUMP_CATALOG_VERSION = "UPDATE catalog_version SET version = version + 1 WHERE id = 1"
NEXT_READY_AT = (
    "SELECT next_attempt_at FROM outbox AS due WHERE state = 'pending' AND "
    + _UNBLOCKED
    + " ORDER BY next_attempt_at LIMIT 1"
)
# In one statement, so one snapshot: asked as two questions, a row finished between them (its
# next update not ready at the first, nothing held at the second) would look like an idle outbox.
ANY_OUTSTANDING = (
    "SELECT 1 WHERE EXISTS (SELECT 1 FROM outbox WHERE state = 'inflight') "  # outbox_by_state
    "OR EXISTS (SELECT 1 FROM outbox AS due WHERE state = 'pending' AND next_attempt_at <= ? AND "
    + _UNBLOCKED
    + ")"
)
# SQLite: rows whose lease ran out (the worker holding them hangs), or whose owner died (the
# owners listed, found dead by their owner files), are due again. An empty list is allowed.
RELEASE_OWNERS = (
    "UPDATE outbox SET state = 'pending', lease_until = NULL, lease_owner = NULL "
    "WHERE state = 'inflight' AND (lease_until < ? OR lease_owner IS NULL "
    "OR lease_owner IN ({owners}))"
)
INFLIGHT_OWNERS = "SELECT DISTINCT lease_owner FROM outbox WHERE state = 'inflight'"


def ready(now: float, limits: ClaimLimits, lock: str = "") -> tuple[str, tuple[Any, ...]]:
    """The statement that finds the rows ready by virtual time `now`, within `limits`, and its
    parameters. `lock` is PostgreSQL's `FOR UPDATE SKIP LOCKED`."""
    full = [app for app, cap in limits.apps.items() if cap <= 0]
    capped = [(app, cap) for app, cap in limits.apps.items() if 0 < cap < limits.per_app]
    excluded = f" AND app_id NOT IN ({', '.join('?' * len(full))})" if full else ""
    if not capped:
        statement = READY_UNRANKED.format(excluded=excluded, lock=lock)
        return statement, (now, *full, limits.per_app)
    cap = f"CASE app_id {' '.join('WHEN ? THEN ?' for _ in capped)} ELSE ? END"
    statement = READY.format(excluded=excluded, lock=lock, cap=cap)
    caps = [value for pair in capped for value in pair]
    return statement, (now, *full, limits.per_app, *caps, limits.per_app)


def claim(
    now: float,
    real_now: float,
    lease_seconds: float,
    limits: ClaimLimits,
    owner: str,
    lock: str = "",
) -> tuple[str, tuple[Any, ...]]:
    """The claim statement and its parameters: ready rows by virtual time, leased by real
    time to `owner`, in one statement."""
    statement, params = ready(now, limits, lock)
    claim_statement = _LEASE + "id IN (" + statement + ") RETURNING " + DELIVERY_COLUMNS
    return claim_statement, (real_now + lease_seconds, owner, *params)


def lease_ready(
    ids: Sequence[int], now: float, real_now: float, lease_seconds: float, owner: str
) -> tuple[str, tuple[Any, ...]]:
    """LEASE_READY for the rows `ids` found ready: those still ready are leased to `owner`."""
    statement = LEASE_READY.format(ids=", ".join("?" * len(ids)))
    return statement, (real_now + lease_seconds, owner, *ids, now)


def field_order_key(app_id: str, waba_id: str, field: str, wamid: str | None) -> str | None:
    """What an update of a non-message field keeps its place behind: the earlier updates of
    that field of its WABA to the same app. Message updates go by their message instead, and an
    inbound message stands alone."""
    return None if wamid is not None else f"{app_id}/{waba_id}/{field}"


FINISH_DELIVERY = (
    "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, delivered_at = ?, "
    "last_error = ?, lease_until = NULL, lease_owner = NULL WHERE id = ?"
)
# The oldest finished rows, off the (state, next_attempt_at) index: a finished row's
# next_attempt_at is the time of its last attempt.
FINISHED_BEFORE = (
    "SELECT id FROM outbox WHERE state IN ('delivered', 'failed') AND next_attempt_at < ? "
    "ORDER BY next_attempt_at LIMIT ?"
)
REQUEUE_FAILED = (
    "UPDATE outbox SET state = 'pending', attempts = 0, due_at = ?, next_attempt_at = ?"
)
INSERT_ATTEMPT = (
    "INSERT INTO attempts (delivery_id, at, real_at, url, status_code, latency_ms, error, "
    "batch_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def delivery_row(d: Any) -> tuple[Any, ...]:
    seq = d.message_seq
    if seq is None and d.wamid:
        seq = ids.wamid_sequence(d.wamid)
    return (
        d.app_id,
        d.waba_id,
        d.field,
        d.value,
        d.wamid,
        seq,
        d.event_index,
        d.event_at,
        d.due_at,
        d.next_attempt_at,
        field_order_key(d.app_id, d.waba_id, d.field, d.wamid),
    )


def requeue(query: Any, now: float) -> tuple[str, list[Any]]:
    """The statement that makes the failed deliveries matching `query` due again at `now`."""
    where, params = delivery_filters(replace(query, state="failed", after_id=None))
    return REQUEUE_FAILED + where, [now, now, *params]


def delivery_filters(query: Any) -> tuple[str, list[Any]]:
    extra = [("id < ?", [query.after_id])] if query.after_id is not None else []
    if query.wamid is not None:
        extra.append(_by_wamid("message_seq", query.wamid))
    equal = [
        ("id", query.id),
        ("state", query.state),
        ("app_id", query.app_id),
        ("field", query.field),
    ]
    return where_clause(equal, *extra)


ATTEMPT_COLUMNS = "delivery_id, at, real_at, url, status_code, latency_ms, error, batch_size"
INSERT_INTERACTION = (
    "INSERT INTO interactions (waba_id, wamid, kind, at, data) VALUES (?, ?, ?, ?, ?)"
)
SELECT_INTERACTIONS = (
    "SELECT wamid, kind, at, data FROM interactions WHERE waba_id = ? AND at >= ? AND at < ? "
    "ORDER BY at"
)


def delivery_from_row(row: Sequence[Any]) -> Delivery:
    return Delivery(
        id=row[0],
        app_id=row[1],
        waba_id=row[2],
        field=row[3],
        value=bytes(row[4]),
        wamid=row[5],
        event_at=row[6],
        due_at=row[7],
        next_attempt_at=row[8],
        state=row[9],
        attempts=row[10],
        delivered_at=row[11],
        last_error=row[12],
        message_seq=row[13],
        event_index=row[14],
    )


def finish_row(d: Delivery) -> tuple[Any, ...]:
    return (d.state, d.attempts, d.next_attempt_at, d.delivered_at, d.last_error, d.id)


def attempt_row(a: Attempt) -> tuple[Any, ...]:
    return (
        a.delivery_id,
        a.at,
        a.real_at,
        a.url,
        a.status_code,
        a.latency_ms,
        a.error,
        a.batch_size,
    )


def attempt_from_row(row: Sequence[Any]) -> Attempt:
    return Attempt(
        delivery_id=row[0],
        at=row[1],
        real_at=row[2],
        url=row[3],
        status_code=row[4],
        latency_ms=row[5],
        error=row[6],
        batch_size=row[7],
    )


def interaction_row(i: Interaction, encode: Callable[[Any], bytes]) -> tuple[Any, ...]:
    return (i.waba_id, i.wamid, i.kind, i.at, encode(i.data))


def interaction_from_row(
    waba_id: str, row: Sequence[Any], decode: Callable[[bytes], dict[str, object]]
) -> Interaction:
    return Interaction(
        waba_id=waba_id, wamid=row[0], kind=row[1], at=row[2], data=decode(bytes(row[3]))
    )


# Blobs: the description as JSON (`info`) beside the bytes (`content`).
DELETE_EXPIRED_BLOBS = "DELETE FROM blobs WHERE expires_at <= ?"
BLOB_BYTES_BESIDE = "SELECT coalesce(sum(size), 0) FROM blobs WHERE id <> ?"
UPSERT_BLOB = (
    "INSERT INTO blobs (id, owner, kind, expires_at, size, info, content) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, "
    "kind = excluded.kind, expires_at = excluded.expires_at, size = excluded.size, "
    "info = excluded.info, content = excluded.content"
)
SELECT_BLOB = "SELECT info FROM blobs WHERE id = ?"
SELECT_BLOB_CONTENT = "SELECT content FROM blobs WHERE id = ?"
DELETE_BLOB = "DELETE FROM blobs WHERE id = ?"


def blob_row(blob: Any, info: bytes, content: bytes) -> tuple[Any, ...]:
    return (blob.id, blob.owner, blob.kind, blob.expires_at, len(content), info, content)
