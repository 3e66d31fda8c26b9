"""The stored documents of the latest messages, kept in memory by sequence number.

Status webhooks are mostly about messages sent moments ago (sent and delivered within seconds
by default): their payloads are built from these copies instead of reading the rows back. The
documents are the bytes just written, so a copy can never differ from its row (messages are
never updated), and bytes cost the garbage collector nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from wamm.core.model import Message

CAPACITY = 16_384  # about 16 MB of documents
_MESSAGE = msgspec.json.Decoder(Message)


class RecentMessages:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._documents: dict[int, bytes] = {}

    def remember(self, documents: Iterable[tuple[int, bytes]]) -> None:
        """Keep (seq, document) pairs just committed, forgetting the oldest beyond capacity."""
        kept = self._documents
        kept.update(documents)
        while len(kept) > self._capacity:
            del kept[next(iter(kept))]

    def split(self, seqs: Sequence[int]) -> tuple[dict[int, Message], list[int]]:
        """The messages known here, and the sequence numbers to read from the database."""
        found: dict[int, Message] = {}
        missing: list[int] = []
        for seq in seqs:
            document = self._documents.get(seq)
            if document is None:
                missing.append(seq)
            else:
                found[seq] = _MESSAGE.decode(document)
        return found, missing
