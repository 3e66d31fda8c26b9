"""Template analytics: per template and UTC day, what its messages did.

`sent`, `delivered` and `read` count status events on the day they happened (only events at or
before "now"); `clicked` counts quick replies and CTA link clicks on the day of the tap. Reads
and clicks count only within 7 days of the send (Meta's limit). `cost` is what that day's
deliveries cost (billing is on delivery). The store counts the events (`DayGroup`s, one
indexed GROUP BY); this module prices them and lays out the points.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from wamm.core.analytics.billing import money
from wamm.core.analytics.queries import TemplateQuery
from wamm.core.analytics.values import DAY, day_floor
from wamm.core.model import Message, Template

ENGAGEMENT_SECONDS = 7 * DAY
CLICK_TYPES = ("url_button", "unique_url_button", "quick_reply_button")


class Action(Protocol):
    """A user action on a message (the store's `Interaction`)."""

    @property
    def wamid(self) -> str | None: ...
    @property
    def kind(self) -> str: ...  # quick_reply | url_button
    @property
    def at(self) -> float: ...
    @property
    def data(self) -> Mapping[str, object]: ...


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    url_button: str | None  # the text of the template's first URL button
    tracks_clicks: bool  # MARKETING / UTILITY with link tracking on (Meta's limits)


def template_info(template: Template) -> TemplateInfo:
    buttons = [
        button
        for component in template.components
        if str(component.get("type", "")).upper() == "BUTTONS"
        for button in component.get("buttons", [])
    ]
    url = next((b for b in buttons if str(b.get("type", "")).upper() == "URL"), None)
    return TemplateInfo(
        id=template.id,
        url_button=None if url is None else str(url.get("text", "")),
        tracks_clicks=template.category in ("MARKETING", "UTILITY")
        and not template.cta_url_link_tracking_opted_out,
    )


@dataclass
class _Day:
    """What happened to one template's messages on one day."""

    sent: int = 0
    delivered: int = 0
    read: int = 0
    spent: Decimal = Decimal(0)
    clicks: Counter[tuple[str, str]] = field(default_factory=Counter)
    clickers: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def url_clicks(self) -> int:
        return sum(n for (kind, _), n in self.clicks.items() if kind == "url_button")

    def clicked(self) -> list[dict[str, Any]]:
        counts = Counter(self.clicks)
        counts.update({("unique_url_button", t): len(who) for t, who in self.clickers.items()})
        return [
            {"type": kind, "button_content": text, "count": count}
            for (kind, text), count in sorted(
                counts.items(), key=lambda item: (CLICK_TYPES.index(item[0][0]), item[0][1])
            )
        ]


def _button(action: Action, info: TemplateInfo) -> tuple[str, str] | None:
    """(click type, button text). A CTA link click lands on the template's URL button (a click
    on a link in the body is no button click); a quick reply counts under the tapped text."""
    if action.kind == "quick_reply":
        return "quick_reply_button", str(action.data.get("text", ""))
    cta = action.kind == "url_button" and action.data.get("component") == "cta"
    if cta and info.url_button is not None:
        return "url_button", info.url_button
    return None


class DayGroup(Protocol):
    """Messages of one template and pricing counted together (the store's `DayCounts`): the
    days (00:00 UTC, None without the event) of their sent, delivered and read events, and how
    many of each event count (happened by now; reads within 7 days of the send)."""

    @property
    def template_id(self) -> str: ...
    @property
    def pricing_category(self) -> str: ...
    @property
    def in_window(self) -> bool: ...
    @property
    def entry_point(self) -> bool: ...
    @property
    def sent_day(self) -> int | None: ...
    @property
    def delivered_day(self) -> int | None: ...
    @property
    def read_day(self) -> int | None: ...
    @property
    def sent(self) -> int: ...
    @property
    def delivered(self) -> int: ...
    @property
    def read(self) -> int: ...


@dataclass
class _Tally:
    query: TemplateQuery
    now: float
    days: defaultdict[tuple[str, int], _Day] = field(default_factory=lambda: defaultdict(_Day))

    def day(self, template_id: str, when: float) -> _Day | None:
        if when > self.now or not self.query.start <= when < self.query.end:
            return None
        return self.days[(template_id, day_floor(when))]

    def add_group(self, group: DayGroup, cost: Decimal) -> None:
        """A group's events on their days (the range is whole days: a day inside it is an
        event inside it); each delivery costs `cost`."""
        for day_start, count, status in (
            (group.sent_day, group.sent, "sent"),
            (group.delivered_day, group.delivered, "delivered"),
            (group.read_day, group.read, "read"),
        ):
            if day_start is None or not count or not self.query.start <= day_start < self.query.end:
                continue
            day = self.days[(group.template_id, day_start)]
            setattr(day, status, getattr(day, status) + count)
            if status == "delivered":
                day.spent += cost * count

    def add_action(self, action: Action, message: Message, info: TemplateInfo) -> None:
        late = action.at > message.created_at + ENGAGEMENT_SECONDS
        button = _button(action, info) if info.tracks_clicks and not late else None
        day = self.day(info.id, action.at)
        if button is None or day is None:
            return
        day.clicks[button] += 1
        if button[0] == "url_button":
            day.clickers[button[1]].add(message.recipient_phone or message.recipient_input)


def _costs(day: _Day, info: TemplateInfo) -> list[dict[str, Any]]:
    """`amount_spent`, and each ratio only when its denominator is not zero."""
    costs: list[dict[str, Any]] = [{"type": "amount_spent", "value": money(day.spent)}]
    if day.delivered:
        costs.append({"type": "cost_per_delivered", "value": money(day.spent / day.delivered)})
    if info.url_button is not None and (clicks := day.url_clicks()):
        costs.append({"type": "cost_per_url_button_click", "value": money(day.spent / clicks)})
    return costs


def _point(info: TemplateInfo, start: int, day: _Day, metrics: frozenset[str]) -> dict[str, Any]:
    point: dict[str, Any] = {"template_id": info.id, "start": start, "end": start + DAY}
    for metric in ("sent", "delivered", "read"):
        if metric.upper() in metrics:
            point[metric] = getattr(day, metric)
    if "CLICKED" in metrics and info.tracks_clicks:
        point["clicked"] = day.clicked()
    if "COST" in metrics:
        point["cost"] = _costs(day, info)
    return point


def template_analytics(
    query: TemplateQuery,
    templates: Sequence[TemplateInfo],
    groups: Iterable[DayGroup],
    cost: Callable[[DayGroup], Decimal],
    clicked: Iterable[tuple[Action, Message]],
    now: float,
) -> dict[str, Any]:
    """One `data` entry: a point per template (in the order asked) per day of the range that
    has begun by `now`, zeros included. `groups` are the query's messages counted (only its
    templates and product type), `cost` what one delivery of a group costs, `clicked` the
    range's user actions with the query's message they act on."""
    infos = {info.id: info for info in templates}
    tally = _Tally(query, now)
    for group in groups:
        tally.add_group(group, cost(group))
    for action, message in clicked:
        tally.add_action(action, message, infos[str(message.template_id)])
    last = min(query.end, day_floor(now) + DAY)
    points = [
        _point(info, start, tally.days.get((info.id, start), _Day()), query.metrics)
        for info in templates
        for start in range(query.start, last, DAY)
    ]
    return {"granularity": "DAILY", "product_type": query.product_type, "data_points": points}
