"""Marketing Messages insights of an ad object, computed from the MM messages of its templates.

Per row (object at the query's level, time bucket, breakdown): `sent`, `delivered` and `read`
status events on their day (a read only within 7 days of the send), link clicks (CTA and body
links, within 7 days of the send), the cost of the deliveries, and the conversions recorded
through the control API on their day. Rates are percentages, as the Insights API writes them,
and every value is a string. Rows without any sent message, delivery, click or conversion are
left out, as Meta does.

The benchmarks stand for Meta's 75th percentile of peers' rates: wamm's peers are the ads of the
same ad account that delivered in the range (there are no other businesses to compare with).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wamm.core.analytics.billing import Record, money
from wamm.core.analytics.insights_query import CONVERSIONS, PREFIX, InsightsQuery
from wamm.core.analytics.values import DAY, bucket

ENGAGEMENT_SECONDS = 7 * DAY
BENCHMARK_PERCENTILE = 75


@dataclass(frozen=True)
class AdRow:
    """One linked template, with its ad objects' ids and names."""

    template_id: str
    ids: Mapping[str, str]  # level -> id
    names: Mapping[str, str]  # level -> name
    currency: str


@dataclass
class _Tally:
    sent: int = 0
    delivered: int = 0
    read: int = 0
    link_btn_click: int = 0
    spend: Decimal = Decimal(0)
    conversions: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    values: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def active(self) -> bool:
        return bool(self.sent or self.delivered or self.link_btn_click or self.conversions)


Key = tuple[int, str, str]  # bucket start day, object id, breakdown value


class _Report:
    def __init__(self, query: InsightsQuery, ads: Sequence[AdRow], now: float) -> None:
        self.query, self.now = query, now
        self.ads = {ad.template_id: ad for ad in ads}
        self.rows: defaultdict[Key, _Tally] = defaultdict(_Tally)

    def tally(self, item: Record, at: float) -> _Tally | None:
        if at > self.now or not self.query.since <= at < self.query.until:
            return None
        ad = self.ads[str(item.message.template_id)]
        country = item.country if "country" in self.query.breakdowns else ""
        return self.rows[(self.bucket(at)[0], ad.ids[self.query.level], country)]

    def bucket(self, at: float) -> tuple[int, int]:
        """[first day, day after the last) of the time increment holding `at`."""
        since, until = self.query.since, self.query.until
        if self.query.increment == "all_days":
            return since, until
        if self.query.increment == "monthly":
            start, end = bucket(at, "MONTHLY")
        else:
            size = int(self.query.increment) * DAY
            start = since + int((at - since) // size) * size
            end = start + size
        return max(start, since), min(end, until)

    def add_message(self, item: Record) -> None:
        engaged_until = item.message.created_at + ENGAGEMENT_SECONDS
        for event in item.message.events:
            late = event.status == "read" and event.at > engaged_until
            tally = None if late else self.tally(item, event.at)
            if tally is None:
                continue
            if event.status == "sent":
                tally.sent += 1
            elif event.status == "delivered":
                tally.delivered += 1
                tally.spend += item.charge.cost
            elif event.status == "read":
                tally.read += 1

    def add_action(self, kind: str, data: Mapping[str, object], at: float, item: Record) -> None:
        if kind == "url_button" and at <= item.message.created_at + ENGAGEMENT_SECONDS:
            if (tally := self.tally(item, at)) is not None:
                tally.link_btn_click += 1
        elif kind == "conversion" and (tally := self.tally(item, at)) is not None:
            event = str(data.get("type", ""))
            tally.conversions[event] += 1
            tally.values[event] += Decimal(str(data.get("value") or 0))


def _number(value: Decimal | float) -> str:
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _rate(part: int, whole: int) -> str | None:
    return _number(Decimal(part) * 100 / whole) if whole else None


def percentile(values: Sequence[Decimal], rank: int = BENCHMARK_PERCENTILE) -> Decimal | None:
    """The nearest-rank percentile, or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, -(-rank * len(ordered) // 100) - 1)
    return ordered[index]


def _benchmarks(report: _Report) -> dict[str, str | None]:
    """75th percentile of the read and click rates of the account's ads over the range."""
    per_ad: defaultdict[str, _Tally] = defaultdict(_Tally)
    for key, tally in report.rows.items():
        per_ad[key[1]].delivered += tally.delivered
        per_ad[key[1]].read += tally.read
        per_ad[key[1]].link_btn_click += tally.link_btn_click
    delivering = [t for t in per_ad.values() if t.delivered]
    reads = percentile([Decimal(t.read) * 100 / t.delivered for t in delivering])
    clicks = percentile([Decimal(t.link_btn_click) * 100 / t.delivered for t in delivering])
    return {
        "read_rate_benchmark": None if reads is None else _number(reads),
        "click_rate_benchmark": None if clicks is None else _number(clicks),
    }


def _metric(name: str, tally: _Tally, benchmarks: Mapping[str, str | None]) -> str | None:
    counts = {
        "sent": tally.sent,
        "delivered": tally.delivered,
        "read": tally.read,
        "link_btn_click": tally.link_btn_click,
    }
    if name in counts:
        return str(counts[name])
    match name:
        case "delivery_rate":
            return _rate(tally.delivered, tally.sent)
        case "read_rate":
            return _rate(tally.read, tally.delivered)
        case "link_btn_click_rate":
            return _rate(tally.link_btn_click, tally.delivered)
        case "spend":
            return _number(money(tally.spend))
        case "cost_per_delivered":
            return _number(money(tally.spend / tally.delivered)) if tally.delivered else None
        case "cost_per_link_btn_click":
            clicks = tally.link_btn_click
            return _number(money(tally.spend / clicks)) if clicks else None
    if name in benchmarks:
        return benchmarks[name]
    event = CONVERSIONS[name]
    if name.endswith("_values"):
        return _number(money(tally.values[event])) if tally.conversions[event] else None
    return str(tally.conversions[event])


def _date(at: int) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).date().isoformat()


def _row(
    report: _Report,
    key: Key,
    tally: _Tally,
    benchmarks: Mapping[str, str | None],
    objects: Mapping[str, AdRow],
) -> dict[str, Any]:
    start, object_id, country = key
    ad = objects[object_id]
    row: dict[str, Any] = {}
    for name in report.query.fields:
        if name.startswith(PREFIX):
            value = _metric(name.removeprefix(PREFIX), tally, benchmarks)
        else:
            level, _, attribute = name.rpartition("_")
            value = {"id": ad.ids, "name": ad.names}.get(attribute, {}).get(level)
            if attribute == "currency":
                value = ad.currency
        if value is not None:
            row[name] = value
    first, after = report.bucket(start)
    row["date_start"], row["date_stop"] = _date(first), _date(after - DAY)
    if country:
        row["country"] = country
    return row


def insights(
    query: InsightsQuery,
    ads: Sequence[AdRow],
    records: Iterable[Record],
    actions: Iterable[tuple[str | None, str, Mapping[str, object], float]],
    now: float,
    account_ads: Sequence[AdRow] = (),
) -> list[dict[str, Any]]:
    """The rows of `ads` (the node's templates). `records` and `actions` (wamid, kind, data,
    time) may hold other templates' too: those of `account_ads` feed the benchmarks."""
    mine = _Report(query, ads, now)
    peers = _Report(
        InsightsQuery(query.since, query.until, "all_days", "ad", (), ()),
        account_ads or ads,
        now,
    )
    by_wamid: dict[str, Record] = {}
    for item in records:
        by_wamid[item.message.wamid] = item
        for report in (mine, peers):
            if str(item.message.template_id) in report.ads:
                report.add_message(item)
    for wamid, kind, data, at in actions:
        if (acted := by_wamid.get(wamid or "")) is not None:
            for report in (mine, peers):
                if str(acted.message.template_id) in report.ads:
                    report.add_action(kind, data, at, acted)
    benchmarks = _benchmarks(peers)
    objects = {ad.ids[query.level]: ad for ad in ads}
    return [
        _row(mine, key, tally, benchmarks, objects)
        for key, tally in sorted(mine.rows.items())
        if tally.active()
    ]
