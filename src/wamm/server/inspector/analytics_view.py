"""A template's analytics for the inspector: sent, delivered, read and clicked per day with the
amount spent, summed over both product types (Cloud API and MM API), from the same report as
`GET /{waba_id}/template_analytics`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wamm.core.analytics import TemplateQuery
from wamm.core.analytics.queries import TEMPLATE_METRICS
from wamm.core.analytics.values import DAY, day_floor
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM, Template
from wamm.service import analytics as analytics_cases
from wamm.service.runtime import Runtime

SERIES = ("sent", "delivered", "read", "clicked")
MAX_DAYS = 90  # template analytics look back 90 days (Meta's limit)
# Kinds of click counted once per click (`unique_url_button` counts people, not clicks).
CLICKS = ("quick_reply_button", "url_button")


@dataclass
class DayFigures:
    start: int  # 00:00 UTC of the day
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0
    spent: float = 0.0

    @property
    def label(self) -> str:
        return datetime.fromtimestamp(self.start, UTC).strftime("%m-%d")

    def add(self, point: dict[str, Any]) -> None:
        self.sent += point.get("sent", 0)
        self.delivered += point.get("delivered", 0)
        self.read += point.get("read", 0)
        self.clicked += sum(c["count"] for c in point.get("clicked", []) if c["type"] in CLICKS)
        spent = [c["value"] for c in point.get("cost", []) if c["type"] == "amount_spent"]
        self.spent = round(self.spent + sum(spent), 6)


async def daily_figures(rt: Runtime, template: Template, days: int) -> list[DayFigures]:
    """The last `days` days (today included) of `template`, oldest first."""
    end = day_floor(rt.now()) + DAY
    start = end - days * DAY
    figures = {day: DayFigures(day) for day in range(start, end, DAY)}
    waba = rt.catalog.wabas[template.waba_id]
    for route in (ROUTE_MM, ROUTE_CLOUD):
        query = TemplateQuery(start, end, (template.id,), frozenset(TEMPLATE_METRICS), route)
        report = await analytics_cases.template_report(rt, waba, query)
        for point in report["data_points"]:
            figures[point["start"]].add(point)
    return list(figures.values())
