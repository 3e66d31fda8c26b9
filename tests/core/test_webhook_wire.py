"""The webhook wire format without I/O: envelope bytes, value bytes, decoding, signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import NamedTuple

import msgspec
import pytest

from wamm.core.webhook_wire import (
    Field,
    decode,
    encode_value,
    envelope_bytes,
    sign,
    signature_matches,
)

T = 1_700_000_000.75  # an event time; `time` is its whole seconds


class Queued(NamedTuple):
    waba_id: str
    field: str
    value: bytes
    event_at: float


STATUS = Queued("7", Field.MESSAGES, b'{"s":1}', T)
TEMPLATE = Queued("7", Field.TEMPLATE_STATUS, b'{"t":2}', T)
PREFERENCE = Queued("7", Field.USER_PREFERENCES, b'{"p":3}', T + 60)
HEAD = b'{"object":"whatsapp_business_account","entry":'


@pytest.mark.parametrize(
    ("updates", "entries"),
    [
        ([STATUS], b'[{"id":"7","changes":[{"value":{"s":1},"field":"messages"}]}]'),
        (
            [TEMPLATE],
            b'[{"id":"7","changes":[{"value":{"t":2},"field":"message_template_status_update"}],'
            b'"time":1700000000}]',
        ),
        (  # `time` comes from the first update of another field than `messages`
            [STATUS, PREFERENCE, TEMPLATE],
            b'[{"id":"7","changes":[{"value":{"s":1},"field":"messages"},'
            b'{"value":{"p":3},"field":"user_preferences"},'
            b'{"value":{"t":2},"field":"message_template_status_update"}],"time":1700000060}]',
        ),
        (  # one entry per WABA, in order of first appearance
            [STATUS, STATUS._replace(waba_id="8"), STATUS._replace(value=b"{}")],
            b'[{"id":"7","changes":[{"value":{"s":1},"field":"messages"},'
            b'{"value":{},"field":"messages"}]},'
            b'{"id":"8","changes":[{"value":{"s":1},"field":"messages"}]}]',
        ),
        ([], b"[]"),
    ],
)
def test_envelope_bytes(updates: list[Queued], entries: bytes) -> None:
    assert envelope_bytes(updates) == HEAD + entries + b"}"


def test_values_are_compact_json_with_characters_as_they_are() -> None:
    value = {"text": "Olá/ä", "n": [1, 2.5, None, True]}
    assert encode_value(value) == '{"text":"Olá/ä","n":[1,2.5,null,true]}'.encode()


# A German text, an emoji beyond the BMP and a URL, as Meta posts them: `/` as `\/`, every
# non-ASCII character as `\u` with lowercase hex, a surrogate pair for the emoji.
MIXED_VALUE = {"text": {"body": "Grüße 😀 https://wa.me/49"}}
MIXED_BODY = (
    HEAD + b'[{"id":"7","changes":[{"value":{"text":{"body":'
    b'"Gr\\u00fc\\u00dfe \\ud83d\\ude00 https:\\/\\/wa.me\\/49"}},"field":"messages"}]}]}'
)


def test_the_posted_bytes_escape_non_ascii_and_slashes_as_meta_does() -> None:
    body = envelope_bytes([STATUS._replace(value=encode_value(MIXED_VALUE))])
    assert body == MIXED_BODY
    assert sign("secret", body) == "sha256=" + hmac.new(b"secret", MIXED_BODY, "sha256").hexdigest()
    assert decode(body).entry[0].changes[0].value == MIXED_VALUE


def test_a_receiver_that_re_serialises_the_body_fails_the_signature_as_at_meta() -> None:
    body = envelope_bytes([STATUS._replace(value=encode_value(MIXED_VALUE))])
    header = sign("secret", body)
    reserialised = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))
    assert not signature_matches(reserialised.encode(), header, "secret")
    assert signature_matches(body, header, "secret")


def test_decode_reads_back_what_envelope_bytes_writes() -> None:
    notification = decode(envelope_bytes([STATUS, TEMPLATE._replace(waba_id="8")]))
    assert notification.object == "whatsapp_business_account"
    assert [
        (e.id, e.time, [(c.field, c.value) for c in e.changes]) for e in notification.entry
    ] == [
        ("7", None, [("messages", {"s": 1})]),
        ("8", 1_700_000_000, [("message_template_status_update", {"t": 2})]),
    ]


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"object": "whatsapp_business_account"}', b'{"object": 1, "entry": []}'],
)
def test_decode_refuses_what_is_not_a_notification(body: bytes) -> None:
    with pytest.raises(msgspec.MsgspecError):
        decode(body)


def test_sign_is_hmac_sha256_of_the_exact_bytes() -> None:
    body = envelope_bytes([STATUS])
    digest = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert sign("secret", body) == f"sha256={digest}"


GOOD = sign("s", b"{}")


@pytest.mark.parametrize(
    ("body", "header", "matches"),
    [
        (b"{}", GOOD, True),
        (b"{}", "sha256=" + GOOD.removeprefix("sha256=").upper(), True),
        (b"{} ", GOOD, False),
        (b"{}", sign("other", b"{}"), False),
        (b"{}", GOOD.upper(), False),
        (b"{}", "sha1=" + GOOD.removeprefix("sha256="), False),
        (b"{}", "", False),
        (b"{}", None, False),
    ],
)
def test_signature_matches(body: bytes, header: str | None, matches: bool) -> None:
    assert signature_matches(body, header, "s") is matches
