"""The webhook wire format, in one place: the envelope, its field names, its bytes, its signature.

Every POST wamm makes, and every body the SDK reads, is one notification (Meta's webhooks docs):

    {"object": "whatsapp_business_account",
     "entry": [{"id": "<WABA id>",
                "changes": [{"value": {...}, "field": "messages"}, ...],
                "time": <unix seconds; on entries carrying a field other than `messages`>}]}

one entry per WABA, one change per update. A value is serialised once, when its update is queued
(`encode_value`, plain UTF-8 JSON), and spliced into the envelope as it is (`envelope_bytes`),
which then spells the whole body as Meta does (`_meta_spelling`); the signature covers exactly
the bytes posted. A receiver that re-serialises the parsed body before checking the signature
fails here as it fails at Meta.
"""

from __future__ import annotations

import codecs
import hashlib
import hmac
from collections.abc import Iterable
from json.encoder import encode_basestring_ascii
from typing import Any, Final, Generic, Protocol, TypeVar

import msgspec

OBJECT = "whatsapp_business_account"
SIGNATURE_HEADER = "X-Hub-Signature-256"
_SIGNATURE_PREFIX = "sha256="


class Field:
    """`changes[].field`: what kind of update the value is."""

    MESSAGES: Final = "messages"
    USER_PREFERENCES: Final = "user_preferences"
    TEMPLATE_STATUS: Final = "message_template_status_update"
    TEMPLATE_QUALITY: Final = "message_template_quality_update"
    TEMPLATE_CATEGORY: Final = "template_category_update"
    TEMPLATE_COMPONENTS: Final = "message_template_components_update"
    ACCOUNT_UPDATE: Final = "account_update"
    PHONE_QUALITY: Final = "phone_number_quality_update"
    ACCOUNT_ALERTS: Final = "account_alerts"
    BUSINESS_CAPABILITY: Final = "business_capability_update"


# The fields whose value has the `messages` shape (metadata, contacts, then the updates).
MESSAGES_SHAPED = frozenset({Field.MESSAGES, Field.USER_PREFERENCES})

ValueT = TypeVar("ValueT")


class Change(msgspec.Struct, Generic[ValueT]):
    value: ValueT
    field: str


class Entry(msgspec.Struct, Generic[ValueT], omit_defaults=True):
    id: str  # the WABA
    changes: list[Change[ValueT]]
    time: int | None = None


class Notification(msgspec.Struct, Generic[ValueT]):
    object: str
    entry: list[Entry[ValueT]]


class QueuedUpdate(Protocol):
    """An update with its value serialised (the outbox's `Delivery` is one)."""

    @property
    def waba_id(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> bytes: ...
    @property
    def event_at(self) -> float: ...


_encode = msgspec.json.Encoder().encode
_NOTIFICATION = msgspec.json.Decoder(Notification[dict[str, Any]])


def encode_value(value: dict[str, Any]) -> bytes:
    """The bytes of one `changes[].value`, as they will be posted."""
    return _encode(value)


def envelope_bytes(updates: Iterable[QueuedUpdate]) -> bytes:
    """The POST body: one entry per WABA in order of appearance, one change per update, values
    spliced in as they are. An entry with an update of another field than `messages` carries
    Meta's `time`: the event time of the first such update."""
    entries: dict[str, Entry[msgspec.Raw]] = {}
    for update in updates:
        entry = entries.get(update.waba_id)
        if entry is None:
            entry = entries[update.waba_id] = Entry(update.waba_id, [])
        if entry.time is None and update.field != Field.MESSAGES:
            entry.time = int(update.event_at)
        entry.changes.append(Change(msgspec.Raw(update.value), update.field))
    return _meta_spelling(_encode(Notification(OBJECT, list(entries.values()))))


def _meta_spelling(body: bytes) -> bytes:
    """JSON from msgspec spelled as Meta's webhook bodies are (PHP's json_encode): `/` as `\\/`
    and every non-ASCII character as `\\u` and four lowercase hex digits (a surrogate pair
    beyond the BMP). msgspec writes neither escape, so each `/` in its output is a literal one.
    """
    body = body.replace(b"/", b"\\/")
    if body.isascii():  # the common case: no decoding
        return body
    return body.decode().encode("ascii", _JSON_ESCAPES)


def _escape_run(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: each run of non-ASCII characters the ASCII encoder meets, as
    JSON escapes (the C escaper of the json module, without its quotes)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start : error.end]
    return encode_basestring_ascii(run)[1:-1], error.end


_JSON_ESCAPES = "wamm-json-escapes"
codecs.register_error(_JSON_ESCAPES, _escape_run)


def decode(body: bytes) -> Notification[dict[str, Any]]:
    """A POST body read back; raises `msgspec.MsgspecError` when it is not a notification."""
    return _NOTIFICATION.decode(body)


def sign(secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256` value: sha256= + hex HMAC-SHA256 of the raw body with the secret."""
    return _SIGNATURE_PREFIX + _digest(secret, body)


def signature_matches(body: bytes, header: str | None, secret: str) -> bool:
    """Whether `header` is the signature of exactly these bytes (the hex in either case)."""
    if not header or not header.startswith(_SIGNATURE_PREFIX):
        return False
    return hmac.compare_digest(header[len(_SIGNATURE_PREFIX) :].lower(), _digest(secret, body))


def _digest(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
