"""SQL of the messages users sent to business numbers (`inbound_messages`), shared by the
backends: one row per message, its webhook content as JSON, its read state as columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from wamm.core.model import InboundMessage
from wamm.store.base import InboundQuery
from wamm.store.sql import where_clause

COLUMNS = "seq, wamid, phone_number_id, waba_id, user_phone, received_at, read_at, typing_at, data"
INSERT = f"INSERT INTO inbound_messages ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
SELECT_BY_WAMID = f"SELECT {COLUMNS} FROM inbound_messages WHERE wamid = ?"
# Meta: marking a message read marks the earlier messages of the conversation read too.
MARK_READ = (
    "UPDATE inbound_messages SET read_at = ? "
    "WHERE phone_number_id = ? AND user_phone = ? AND seq <= ? AND read_at IS NULL"
)


def read_params(message: InboundMessage, at: float) -> tuple[Any, ...]:
    return (at, message.phone_number_id, message.user_phone, message.seq)


MARK_TYPING = "UPDATE inbound_messages SET typing_at = ? WHERE seq = ?"


def row(message: InboundMessage, encode: Callable[[Any], bytes]) -> tuple[Any, ...]:
    return (
        message.seq,
        message.wamid,
        message.phone_number_id,
        message.waba_id,
        message.user_phone,
        message.received_at,
        message.read_at,
        message.typing_at,
        encode(message.content),
    )


_content = msgspec.json.Decoder(dict[str, Any])


def from_row(values: Sequence[Any]) -> InboundMessage:
    return InboundMessage(
        seq=int(values[0]),
        wamid=values[1],
        phone_number_id=values[2],
        waba_id=values[3],
        user_phone=values[4],
        received_at=values[5],
        read_at=values[6],
        typing_at=values[7],
        content=_content.decode(bytes(values[8])),
    )


def select(query: InboundQuery) -> tuple[str, list[Any]]:
    """Newest first, one page of messages matching `query`."""
    extra = [("seq < ?", [query.after_seq])] if query.after_seq is not None else []
    equal = [("phone_number_id", query.phone_number_id), ("user_phone", query.user_phone)]
    where, params = where_clause(equal, *extra)
    return (
        f"SELECT {COLUMNS} FROM inbound_messages{where} ORDER BY seq DESC LIMIT ?",
        [*params, query.limit],
    )
