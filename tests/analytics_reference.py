"""Template analytics counted message by message in Python: the rule the store's SQL
(`Store.day_counts`) implements, kept here as the reference its tests compare against."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wamm.core import analytics
from wamm.core.analytics.values import day_floor
from wamm.core.model import Message


@dataclass(frozen=True)
class Group:
    """A `DayGroup` with what one delivery of it costs (from its messages' own charges)."""

    template_id: str
    pricing_category: str
    in_window: bool
    entry_point: bool
    sent_day: int | None
    delivered_day: int | None
    read_day: int | None
    sent: int
    delivered: int
    read: int
    cost: Decimal = Decimal(0)


def _day(times: dict[str, float], status: str) -> int | None:
    at = times.get(status)
    return None if at is None else day_floor(at)


Key = tuple[str, str, bool, bool, int | None, int | None, int | None, Decimal]


def day_groups(
    messages: Iterable[Message],
    template_ids: Sequence[str],
    route: str,
    now: float,
    costs: dict[str, Decimal] | None = None,
) -> list[Group]:
    """The groups of the messages of `template_ids` on `route`; `costs` by wamid."""
    sums: dict[Key, list[int]] = {}
    for m in messages:
        if m.template_id not in template_ids or m.route != route:
            continue
        times = {event.status: event.at for event in m.events}
        read = times.get("read", now + 1)
        counted = (
            times.get("sent", now + 1) <= now,
            times.get("delivered", now + 1) <= now,
            read <= now and read <= m.created_at + analytics.ENGAGEMENT_SECONDS,
        )
        key: Key = (
            str(m.template_id),
            m.pricing_category,
            m.in_window,
            m.entry_point_until is not None,
            _day(times, "sent"),
            _day(times, "delivered"),
            _day(times, "read"),
            (costs or {}).get(m.wamid, Decimal(0)),
        )
        row = sums.setdefault(key, [0, 0, 0])
        for index, count in enumerate(counted):
            row[index] += int(count)
    return [
        Group(t, category, window, entry, sent, delivered, read, row[0], row[1], row[2], cost)
        for (t, category, window, entry, sent, delivered, read, cost), row in sums.items()
    ]


def _cost(group: analytics.DayGroup) -> Decimal:
    assert isinstance(group, Group)
    return group.cost


def report(
    query: analytics.TemplateQuery,
    infos: Sequence[analytics.TemplateInfo],
    records: Sequence[analytics.Record],
    actions: Iterable[analytics.Action],
    now: float,
) -> dict[str, Any]:
    """`template_analytics` of messages known one by one (their charges in `records`)."""
    ids = [info.id for info in infos]
    mine = {
        r.message.wamid: r.message
        for r in records
        if r.message.template_id in ids and r.message.route == query.route
    }
    costs = {r.message.wamid: r.charge.cost for r in records}
    groups = day_groups((r.message for r in records), ids, query.route, now, costs)
    clicked = [(a, mine[a.wamid]) for a in actions if a.wamid in mine]
    return analytics.template_analytics(query, infos, groups, _cost, clicked, now)
