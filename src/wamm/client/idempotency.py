"""The idempotency guard: a ledger of sends by idempotency key.

Each send carries a key (the caller's, or a random one). The ledger remembers, per key, whether
the send is in flight, was accepted (with its result) or ended ambiguously (the request left
but no answer came back). Sending a key again:

- accepted: returns the recorded result, nothing is sent;
- in flight or ambiguous: `DuplicateSendError`, nothing is sent;
- unknown, or released after a definite failure: sent.

An ambiguous key stays blocked until the caller `resolve`s it, or a status webhook whose
`biz_opaque_callback_data` is the key shows it was accepted (`observe`). Only the key itself
counts: a callback value shared by several sends (a campaign name) cannot tell them apart.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice

from wamm.client.errors import DuplicateSendError
from wamm.client.models import SendResult, SentMessage

PENDING = "in flight"
AMBIGUOUS = "ambiguous"
ACCEPTED = "accepted"


@dataclass
class _Entry:
    state: str
    result: SendResult | None = None


class SendLedger:
    """Thread-safe, bounded (oldest settled keys are forgotten first) record of sends."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def begin(self, key: str) -> SendResult | None:
        """Claim `key` for a send. Returns the recorded result if it was already accepted;
        raises `DuplicateSendError` if it is in flight or ambiguous."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.state == ACCEPTED:
                return entry.result
            if entry is not None:
                raise DuplicateSendError(key, entry.state)
            self._entries[key] = _Entry(PENDING)
            self._trim()
            return None

    def accept(self, key: str, result: SendResult) -> None:
        """The send under `key` was accepted."""
        with self._lock:
            entry = self._entries.setdefault(key, _Entry(ACCEPTED))
            entry.state, entry.result = ACCEPTED, result

    def release(self, key: str) -> None:
        """The send under `key` definitely failed: the key may be sent again."""
        with self._lock:
            self._entries.pop(key, None)

    def mark_ambiguous(self, key: str) -> None:
        """The send under `key` may or may not have been accepted."""
        with self._lock:
            if key in self._entries:
                self._entries[key].state = AMBIGUOUS

    def resolve(self, key: str, result: SendResult | None) -> None:
        """The caller's verdict on an ambiguous send: its result if it was accepted, None if
        it was not (the key may then be sent again)."""
        if result is None:
            self.release(key)
        else:
            self.accept(key, result)

    def observe(self, callback_data: str, wamid: str) -> bool:
        """A status webhook arrived for `wamid` with `callback_data`: if that is the key of an
        ambiguous (or in-flight) send, the send was accepted. Returns whether it was."""
        with self._lock:
            entry = self._entries.get(callback_data)
            if entry is None or entry.state == ACCEPTED:
                return False
            entry.state = ACCEPTED
            entry.result = SendResult(messages=[SentMessage(id=wamid)])
            return True

    def state(self, key: str) -> str | None:
        """`in flight`, `ambiguous`, `accepted`, or None for a key the ledger does not hold."""
        with self._lock:
            entry = self._entries.get(key)
            return entry.state if entry is not None else None

    def _trim(self) -> None:
        excess = len(self._entries) - self._capacity
        if excess <= 0:
            return
        settled = (k for k, e in self._entries.items() if e.state == ACCEPTED)
        for key in list(islice(settled, excess)):
            del self._entries[key]
