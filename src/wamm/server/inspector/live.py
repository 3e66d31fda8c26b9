"""Live updates of the message list, sent to open pages as Server-Sent Events.

The send path is left alone: a page's stream reads the newest messages from the store every
`TICK_SECONDS` (one indexed `ORDER BY seq DESC LIMIT 50` query, only while a page is open) and
compares them with what the page shows. A message's status is a function of its planned
events and the virtual time (messages are never updated), so status changes need no query of
their own: they are computed from the rows just read.

The stream's cursor, `<seq>:<virtual time>`, is every event's id: the newest message the page
shows and the time its statuses are as of. A stream ends after `STREAM_SECONDS` (a server that
stops waits for open responses, so they are kept short) and the browser reconnects with the
cursor as `Last-Event-ID`, missing nothing.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict, dataclass

from wamm.core.model import Message
from wamm.core.recipients import current_status
from wamm.server.inspector.rendering import fragment, virtual_time
from wamm.service.control import message_view
from wamm.service.runtime import Runtime
from wamm.store.base import MessageQuery

TICK_SECONDS = 0.5
STREAM_SECONDS = 5.0
RECONNECT_MILLISECONDS = 250
WATCHED_MESSAGES = 50  # the newest rows whose status changes are sent


@dataclass(frozen=True)
class MessageFilters:
    """The message list's filters; empty means any."""

    phone_number_id: str | None = None
    recipient: str | None = None
    route: str | None = None
    status: str | None = None
    template: str | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> MessageFilters:
        names = cls.__dataclass_fields__
        return cls(**{name: (params.get(name) or "").strip() or None for name in names})

    def query(self) -> dict[str, str]:
        """As query parameters (of the control API's listing and of the page's URLs)."""
        return {name: value for name, value in asdict(self).items() if value is not None}

    def store_query(self, limit: int) -> MessageQuery:
        """The newest `limit` messages the store can filter itself."""
        return MessageQuery(
            limit=limit,
            phone_number_id=self.phone_number_id,
            recipient=self.recipient,
            route=self.route,
            template=self.template,
        )

    def matches(self, message: Message, now: float) -> bool:
        """The filter the store does not apply: the status at `now`."""
        return (
            self.status is None
            or current_status(message.events, now, message.status) == self.status
        )


@dataclass(frozen=True)
class Event:
    name: str  # message (new rows), status (rows that changed), clock
    data: str  # an HTML fragment
    cursor: str

    def encode(self) -> str:
        lines = [f"event: {self.name}", f"id: {self.cursor}"]
        lines += [f"data: {line}" for line in self.data.splitlines() or [""]]
        return "\n".join(lines) + "\n\n"


def parse_cursor(text: str | None) -> tuple[int, float] | None:
    """(newest seq shown, virtual time of the statuses shown) from `<seq>:<time>`."""
    seq, _, at = (text or "").partition(":")
    try:
        cursor = int(seq), float(at)
    except ValueError:
        return None
    return cursor if math.isfinite(cursor[1]) else None


def rows_html(messages: list[Message], now: float, *, in_place: bool) -> str:
    return "".join(
        fragment("message_row.html", message=message_view(m, now), in_place=in_place)
        for m in messages
    )


class MessageWatch:
    """What one open page shows, and the events that bring it up to date."""

    def __init__(self, filters: MessageFilters, since: int, as_of: float) -> None:
        self.filters = filters
        self.since = since
        self._as_of = as_of
        self._shown: dict[str, str] | None = None  # wamid -> status, None until the first poll
        self._clock_shown = virtual_time(as_of)

    async def poll(self, rt: Runtime) -> list[Event]:
        now = rt.now()
        newest = await rt.store.list_messages(self.filters.store_query(WATCHED_MESSAGES))
        fresh = [m for m in newest if m.seq > self.since and self.filters.matches(m, now)]
        self.since = max([self.since, *(m.seq for m in fresh)])
        statuses = {m.wamid: current_status(m.events, now, m.status) for m in newest}
        if self._shown is None:  # the rows as the page was rendered (or last updated)
            self._shown = {m.wamid: current_status(m.events, self._as_of, m.status) for m in newest}
        known = self._shown | {m.wamid: statuses[m.wamid] for m in fresh}  # rows drawn anew
        changed = [m for m in newest if known.get(m.wamid, statuses[m.wamid]) != statuses[m.wamid]]
        self._shown = statuses
        cursor = f"{self.since}:{now!r}"
        events = []
        if fresh:
            events.append(Event("message", rows_html(fresh, now, in_place=False), cursor))
        if changed:
            events.append(Event("status", rows_html(changed, now, in_place=True), cursor))
        clock = virtual_time(now)
        if clock != self._clock_shown:
            self._clock_shown = clock
            events.append(Event("clock", clock, cursor))
        return events


async def stream(
    rt: Runtime,
    watch: MessageWatch,
    seconds: float = STREAM_SECONDS,
    tick: float = TICK_SECONDS,
) -> AsyncIterator[str]:
    """The text of one event stream: `watch`'s events for `seconds`, then the end."""
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while True:
        for event in await watch.poll(rt):
            yield event.encode()
        if loop.time() >= end:
            return
        await asyncio.sleep(tick)
