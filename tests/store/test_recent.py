"""The in-memory copies of the latest stored messages."""

from __future__ import annotations

import msgspec

from wamm.core.model import Message
from wamm.store.recent import RecentMessages


def document(seq: int) -> bytes:
    message = Message(
        wamid=f"wamid.{seq}",
        seq=seq,
        phone_number_id="1",
        waba_id="2",
        endpoint="messages",
        type="text",
        recipient_input="5511900000000",
        recipient_phone="5511900000000",
        recipient_bsuid=None,
        route="cloud_api",
        pricing_category="service",
        created_at=0.0,
    )
    return msgspec.json.encode(message)


def test_known_messages_are_decoded_and_the_rest_are_left_to_the_database() -> None:
    recent = RecentMessages(capacity=10)
    recent.remember((seq, document(seq)) for seq in (1, 2, 3))
    found, missing = recent.split([3, 4, 1])
    assert {seq: m.wamid for seq, m in found.items()} == {3: "wamid.3", 1: "wamid.1"}
    assert missing == [4]


def test_the_oldest_are_forgotten_beyond_capacity() -> None:
    recent = RecentMessages(capacity=2)
    recent.remember((seq, document(seq)) for seq in (1, 2, 3))
    found, missing = recent.split([1, 2, 3])
    assert sorted(found) == [2, 3]
    assert missing == [1]
