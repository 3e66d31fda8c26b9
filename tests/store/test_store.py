"""The SQLite store: migrations, durability across reopen, group commit under concurrency."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import psycopg
import pytest

from tests import seed_data as sd
from tests.builders import deliveries, template_send
from tests.conftest import postgres_schema
from wamm.core import ids
from wamm.core.model import ROUTE_MM, Message
from wamm.server.app import build_app
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed
from wamm.store import open_store
from wamm.store.base import (
    ClaimLimits,
    DayCountQuery,
    Delivery,
    DeliveryQuery,
    MessageQuery,
)
from wamm.store.migrations import migrations_for
from wamm.store.sqlite import SqliteStore
from wamm.store.url import DatabaseUrlError, parse_database_url


@pytest.fixture
def seed_document() -> dict[str, Any]:
    """The test seed with a number fast enough for bursts of hundreds of sends."""
    document = sd.seed()
    document["businesses"][0]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 1000
    return document


@pytest.mark.parametrize(
    ("url", "backend", "target"),
    [
        ("sqlite://", "sqlite", ":memory:"),
        ("sqlite:///wamm.db", "sqlite", "wamm.db"),
        ("sqlite:////var/tmp/wamm.db", "sqlite", "/var/tmp/wamm.db"),
        ("postgresql://u@localhost/db", "postgresql", "postgresql://u@localhost/db"),
        ("postgres://u@localhost/db", "postgresql", "postgresql://u@localhost/db"),
        ("postgresql+psycopg://u@h:5433/db", "postgresql", "postgresql://u@h:5433/db"),
    ],
)
def test_database_urls(url: str, backend: str, target: str) -> None:
    parsed = parse_database_url(url)
    assert (parsed.backend, parsed.target) == (backend, target)


@pytest.mark.parametrize("url", ["wamm.db", "mysql://x/y", "sqlite:relative.db"])
def test_bad_database_urls_explain_themselves(url: str) -> None:
    with pytest.raises(DatabaseUrlError):
        parse_database_url(url)


def test_password_is_hidden_in_display() -> None:
    assert parse_database_url("postgresql://u:pw@h/db").display == "postgresql://u:***@h/db"


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = str(tmp_path / "m.db")
    for _ in range(2):
        store = SqliteStore(path)
        latest = migrations_for("sqlite")[-1].version
        assert store.schema_version() == latest
        rows = store.execute("SELECT count(*) FROM schema_migrations")
        assert rows == [(len(migrations_for("sqlite")),)]
        asyncio.run(store.close())


async def _send(rt: Runtime, count: int) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=build_app(rt))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        headers = {"Authorization": f"Bearer {sd.TOKEN}"}
        return await asyncio.gather(
            *(
                http.post(
                    f"/v23.0/{sd.SIGNED_PHONE}/marketing_messages",
                    json=template_send(to=f"55119{i:08d}"),
                    headers=headers,
                )
                for i in range(count)
            )
        )


async def test_everything_accepted_survives_a_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wamm.db'}"
    rt = await Runtime.open(url)
    await apply_seed(rt, sd.seed())
    responses = await _send(rt, 50)
    wamids = {r.json()["messages"][0]["id"] for r in responses}
    assert len(wamids) == 50
    await rt.advance_clock(120)
    await rt.close()

    reopened = await Runtime.open(url)
    try:
        assert reopened.now() == sd.CLOCK_START + 120
        assert sd.SIGNED_WABA in reopened.catalog.wabas
        stored = await reopened.store.list_messages(MessageQuery(limit=100))
        assert {m.wamid for m in stored} == wamids
        more = await _send(reopened, 5)
        assert not {r.json()["messages"][0]["id"] for r in more} & wamids
    finally:
        await reopened.close()


async def test_concurrent_sends_share_transactions(runtime: Runtime) -> None:
    store = runtime.store
    before = store.send_transactions
    responses = await _send(runtime, 200)
    assert all(r.status_code == 200 for r in responses)
    stored = await store.list_messages(MessageQuery(limit=1000))
    assert len(stored) == 200
    assert 1 <= store.send_transactions - before < 200


async def test_a_send_whose_rows_are_refused_fails_alone(runtime: Runtime) -> None:
    """Sends committed together: the one whose message number is taken already fails; the
    others' messages and webhook rows are stored."""
    store = runtime.store
    await _send(runtime, 1)
    [sent] = await store.list_messages(MessageQuery(limit=10))

    def copy(seq: int) -> tuple[Message, list[Delivery]]:
        wamid = ids.wamid(seq, sent.recipient_phone or "")
        rows = [
            Delivery(
                app_id=sd.APP_ID,
                waba_id=sent.waba_id,
                field="messages",
                value=b"",
                wamid=wamid,
                event_index=index,
                event_at=event.at,
                due_at=event.at,
                next_attempt_at=event.at,
            )
            for index, event in enumerate(sent.events)
        ]
        return msgspec.structs.replace(sent, seq=seq, wamid=wamid), rows

    sends = [copy(sent.seq + 1000), copy(sent.seq), copy(sent.seq + 1001)]
    outcomes = await asyncio.gather(
        *(store.add_message(m, None, rows, runtime.ids.epoch) for m, rows in sends),
        return_exceptions=True,
    )
    assert [outcome is None for outcome in outcomes] == [True, False, True]
    stored = await store.messages_by_seq([m.seq for m, _ in sends])
    assert sorted(stored) == [sent.seq, sent.seq + 1000, sent.seq + 1001]
    for message, rows in (sends[0], sends[2]):
        assert stored[message.seq] == message
        kept = await store.list_deliveries(DeliveryQuery(wamid=message.wamid))
        assert [(d.message_seq, d.event_index, d.due_at) for d in reversed(kept)] == [
            (message.seq, d.event_index, d.due_at) for d in rows
        ]


async def test_outcomes_finished_together_leave_each_delivery_its_last(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    try:
        await store.add_deliveries(deliveries(2))
        claimed = await store.claim_deliveries(200.0, 1.0, 60, ClaimLimits(per_app=10))
        retried = [
            msgspec.structs.replace(d, state="pending", attempts=1, next_attempt_at=260.0)
            for d in claimed
        ]
        failed = msgspec.structs.replace(retried[0], state="failed", attempts=2, last_error="x")
        delivered = msgspec.structs.replace(retried[1], state="delivered", delivered_at=201.0)
        await asyncio.gather(
            store.finish_deliveries([failed], []),
            store.finish_deliveries(retried, []),
            store.finish_deliveries([delivered], []),
        )
        rows = await store.list_deliveries(DeliveryQuery())
        assert sorted((d.id, d.state, d.attempts, d.next_attempt_at) for d in rows) == [
            (failed.id, "pending", 1, 260.0),
            (delivered.id, "delivered", 1, 260.0),
        ]
    finally:
        await store.close()


async def test_messages_stored_before_the_template_column_are_found_by_template(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wamm.db"
    rt = await Runtime.open(f"sqlite:///{path}")
    await apply_seed(rt, sd.seed())
    await _send(rt, 2)
    await rt.close()
    with contextlib.closing(sqlite3.connect(path)) as db:  # the schema before migration 13
        _before_event_columns(db)
        db.execute("DROP INDEX messages_by_template")
        db.execute("DROP INDEX messages_by_waba_template")
        db.execute("ALTER TABLE messages DROP COLUMN template_name")
        db.execute("DELETE FROM schema_migrations WHERE version = 13")
        db.commit()

    reopened = await Runtime.open(f"sqlite:///{path}")
    try:
        found = await reopened.store.list_messages(MessageQuery(limit=10, template="summer_sale"))
        assert len(found) == 2
        assert await reopened.store.list_messages(MessageQuery(limit=10, template="x")) == []
    finally:
        await reopened.close()


EVENT_COLUMNS = (
    "template_id",
    "pricing_category",
    "in_window",
    "entry_point",
    "sent_at",
    "sent_day",
    "delivered_at",
    "delivered_day",
    "read_at",
    "read_day",
)


def _before_event_columns(db: sqlite3.Connection) -> None:
    """Rewind a database to the schema before migration 15."""
    db.execute("DROP INDEX messages_template_days")
    for column in EVENT_COLUMNS:
        db.execute(f"ALTER TABLE messages DROP COLUMN {column}")
    db.execute(
        "CREATE INDEX messages_by_waba_template ON messages (waba_id, template_name, created_at)"
    )
    db.execute("DROP INDEX messages_by_bsuid")
    db.execute("DROP INDEX messages_by_route")
    db.execute("DROP INDEX outbox_by_state")
    db.execute("DELETE FROM schema_migrations WHERE version = 15")


def _pg_before_event_columns(url: str) -> None:
    """Rewind a PostgreSQL schema to the one before its migration 12."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP INDEX messages_template_days")
        for column in EVENT_COLUMNS:
            db.execute(f"ALTER TABLE messages DROP COLUMN {column}")
        db.execute(
            "CREATE INDEX messages_by_waba_template ON messages "
            "(waba_id, template_name, created_at)"
        )
        db.execute("DROP INDEX messages_by_bsuid")
        db.execute("DROP INDEX messages_by_route")
        db.execute("DROP INDEX outbox_by_state")
        db.execute("DELETE FROM schema_migrations WHERE version = 12")


def _sqlite_before_event_columns(url: str) -> None:
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        _before_event_columns(db)
        db.commit()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_messages_stored_before_the_event_columns_are_counted_alike(
    tmp_path: Path, backend: str
) -> None:
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            url, rewind = f"sqlite:///{tmp_path / 'wamm.db'}", _sqlite_before_event_columns
        else:
            url, rewind = stack.enter_context(postgres_schema()), _pg_before_event_columns
        await _counted_alike_after_migrating(url, rewind)


async def _counted_alike_after_migrating(url: str, rewind: Callable[[str], None]) -> None:
    rt = await Runtime.open(url)
    await apply_seed(rt, sd.seed())
    await _send(rt, 3)
    await rt.advance_clock(7200)
    query = DayCountQuery(
        waba_id=sd.SIGNED_WABA,
        template_names=("summer_sale",),
        template_ids=tuple(t.id for t in rt.catalog.templates.values() if t.name == "summer_sale"),
        route=ROUTE_MM,
        created_from=0,
        created_to=2e9,
        now=rt.now(),
        read_within=7 * 86400,
    )
    counted = await rt.store.day_counts(query)
    await rt.close()
    rewind(url)

    reopened = await Runtime.open(url)
    try:
        assert sum(group.sent for group in counted) == 3
        assert await reopened.store.day_counts(query) == counted
    finally:
        await reopened.close()


async def test_messages_between_can_keep_only_some_templates(runtime: Runtime) -> None:
    await _send(runtime, 2)
    between = functools.partial(runtime.store.messages_between, sd.SIGNED_WABA, 0, 2e9)
    assert len(await between()) == len(await between(["summer_sale", "x"])) == 2
    assert await between(["order_update"]) == await between([]) == []
