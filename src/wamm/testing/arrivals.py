"""What a webhook receiver got for a set of sent messages, as the receiver sees it: every status
at least once, duplicates, and whether each message's statuses first arrived in life-cycle
order (`sent`, `delivered`, `read`)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

LIFE = ("sent", "delivered", "read")
POLL_INTERVAL = 0.02


@dataclass(frozen=True)
class Arrivals:
    """What a receiver got: statuses expected, arrived, duplicated, out of order."""

    messages: int
    expected: int  # statuses: one per life-cycle step and message
    arrived: int  # distinct (message, status) received at least once
    duplicates: int  # receptions beyond the first of a (message, status)
    out_of_order: int  # messages with a status that first arrived before an earlier one

    @property
    def complete(self) -> bool:
        """Every expected status arrived."""
        return self.arrived == self.expected


def arrivals(statuses: Iterable[Mapping[str, Any]], wamids: Collection[str]) -> Arrivals:
    """`statuses`: status objects in the order the receiver got them (other messages' are
    ignored)."""
    wanted = set(wamids)
    seen: Counter[tuple[str, str]] = Counter()
    first_order: dict[str, list[int]] = {wamid: [] for wamid in wanted}
    for status in statuses:
        key = (status["id"], status["status"])
        if key[0] not in wanted or key[1] not in LIFE:
            continue
        if not seen[key]:
            first_order[key[0]].append(LIFE.index(key[1]))
        seen[key] += 1
    return Arrivals(
        messages=len(wanted),
        expected=len(wanted) * len(LIFE),
        arrived=len(seen),
        duplicates=sum(seen.values()) - len(seen),
        out_of_order=sum(order != sorted(order) for order in first_order.values()),
    )


class Receiving(Protocol):
    """A webhook receiver whose status updates can be read (ThreadedReceiver, WebhookReceiver)."""

    def statuses(self) -> list[dict[str, Any]]:
        """The status objects received so far."""


def wait_for_arrivals(
    receiver: Receiving, wamids: Collection[str], since: float, limit: float
) -> float | None:
    """Until every status of `wamids` has arrived: the seconds from `since` (a
    `time.monotonic()` reading), or None if they had not after `limit` seconds from `since`."""
    while not arrivals(receiver.statuses(), wamids).complete:
        if time.monotonic() - since >= limit:
            return None
        time.sleep(POLL_INTERVAL)
    return time.monotonic() - since
