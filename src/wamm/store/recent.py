"""The stored documents of the latest messages, kept in memory by sequence number.

Status webhooks are mostly about messages sent moments ago (sent and delivered within seconds
by default): their payloads are built from these copies instead of reading the rows back. The
documents are the bytes just written (a store that updates a message row refreshes its copy),
so a copy never differs from its row while one process writes the messages; a store shared
by several server processes keeps none (capacity 0), since another process may update a row
this one sent. Bytes cost the garbage collector nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence

import msgspec

from wamm.core.model import Message

CAPACITY = 16_384  # documents: about 16 MB of usual ones ...
MAX_BYTES = 32 * 1024 * 1024  # ... and never more than this, however large they are
_MESSAGE = msgspec.json.Decoder(Message)


class RecentMessages:
    def __init__(self, capacity: int = CAPACITY, max_bytes: int = MAX_BYTES) -> None:
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        # Oldest first. Not a plain dict: taking its first key again and again walks over the
        # slots of every key removed before it (12.7 us per document kept at capacity,
        # holding the GIL on the database thread; 0.6 with this linked order).
        self._documents: OrderedDict[int, bytes] = OrderedDict()

    def remember(self, documents: Iterable[tuple[int, bytes]]) -> None:
        """Keep (seq, document) pairs just committed, forgetting the oldest beyond capacity
        (a count of documents and a total of bytes); with a capacity of 0, none."""
        if not self._capacity:
            return
        kept = self._documents
        for seq, document in documents:
            replaced = kept.pop(seq, None)
            self._bytes += len(document) - (0 if replaced is None else len(replaced))
            kept[seq] = document
        while len(kept) > self._capacity or self._bytes > self._max_bytes:
            self._bytes -= len(kept.popitem(last=False)[1])

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
