"""The in-memory copies of the latest stored messages."""

from __future__ import annotations

import msgspec

from tests.builders import message
from wamm.store.recent import RecentMessages


def document(seq: int) -> bytes:
    return msgspec.json.encode(message(seq, []))


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


def test_the_oldest_are_forgotten_beyond_the_byte_budget() -> None:
    size = len(document(1))
    recent = RecentMessages(capacity=100, max_bytes=2 * size)
    recent.remember((seq, document(seq)) for seq in (1, 2, 3))
    assert sorted(recent.split([1, 2, 3])[0]) == [2, 3]
    large = msgspec.structs.replace(message(4, []), biz_opaque_callback_data="x" * 3 * size)
    recent.remember([(4, msgspec.json.encode(large))])  # over the whole budget: none stays
    assert recent.split([2, 3, 4]) == ({}, [2, 3, 4])
