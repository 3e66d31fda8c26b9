"""Template analytics counted in SQL (`Store.day_counts`) against the same counts made message by
message in Python (`tests.analytics_reference`), on a generated set of messages, on both
backends: the groups and the whole report must be equal."""

from __future__ import annotations

import random
from typing import Any

from tests import analytics_reference
from tests import seed_data as sd
from wamm.core import analytics
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM, Message, Template
from wamm.core.recipients import PlannedEvent
from wamm.service import analytics as analytics_cases
from wamm.service.runtime import Runtime
from wamm.store.base import DayCountQuery, Interaction

DAY = 86400
TEMPLATES = ("summer_sale", "max_price_promo", "order_update")
CATEGORIES = ("marketing", "marketing_lite", "utility", "service")


def _events(rng: random.Random, created: float) -> list[PlannedEvent]:
    """Sent, maybe delivered (late or on a day boundary), maybe read (now and then more than
    7 days after the send); or one failure."""
    sent = created + rng.choice((0.5, 1, DAY - created % DAY))  # some exactly at midnight
    if rng.random() < 0.1:
        return [PlannedEvent(sent, "failed", 131049)]
    events = [PlannedEvent(sent, "sent")]
    if rng.random() < 0.8:
        delivered = sent + rng.choice((1, 3600, 2 * DAY, 0.25))
        events.append(PlannedEvent(delivered, "delivered"))
        if rng.random() < 0.6:
            events.append(PlannedEvent(delivered + rng.choice((5, DAY, 8 * DAY)), "read"))
    return events


def _messages(templates: list[Template], now: float, count: int) -> list[Message]:
    rng = random.Random(13)
    messages = []
    for seq in range(1, count + 1):
        template = rng.choice(templates)
        created = now - rng.uniform(0, 45 * DAY) + rng.choice((0, 0, 2 * DAY))
        messages.append(
            Message(
                wamid=f"wamid.gen{seq}",
                seq=seq,
                phone_number_id=sd.SIGNED_PHONE,
                waba_id=sd.SIGNED_WABA,
                endpoint="marketing_messages",
                type="template",
                recipient_input=f"55119{seq % 7:08d}",
                recipient_phone=f"55119{seq % 7:08d}",
                recipient_bsuid=None,
                template_id=template.id,
                template_name=template.name,
                template_language=template.language,
                route=rng.choice((ROUTE_MM, ROUTE_CLOUD)),
                pricing_category=rng.choice(CATEGORIES),
                created_at=created,
                events=_events(rng, created),
                in_window=rng.random() < 0.3,
                entry_point_until=created + 3 * DAY if rng.random() < 0.2 else None,
            )
        )
    return messages


def _actions(messages: list[Message]) -> list[Interaction]:
    rng = random.Random(7)
    actions = []
    for m in rng.sample(messages, 60):
        at = m.created_at + rng.choice((60, 3 * DAY, 9 * DAY))
        if rng.random() < 0.5:
            actions.append(
                Interaction(
                    waba_id=m.waba_id,
                    wamid=m.wamid,
                    kind="quick_reply",
                    at=at,
                    data={"text": rng.choice(("Yes", "No"))},
                )
            )
        else:
            actions.append(
                Interaction(
                    waba_id=m.waba_id,
                    wamid=m.wamid,
                    kind="url_button",
                    at=at,
                    data={"component": "cta"},
                )
            )
    return actions


def _key(group: Any) -> tuple[Any, ...]:
    return tuple(
        getattr(group, name)
        for name in (
            "template_id",
            "pricing_category",
            "in_window",
            "entry_point",
            "sent_day",
            "delivered_day",
            "read_day",
            "sent",
            "delivered",
            "read",
        )
    )


async def _stored(runtime: Runtime) -> tuple[list[Template], list[Message], list[Interaction]]:
    templates = [
        t
        for t in runtime.catalog.templates.values()
        if t.waba_id == sd.SIGNED_WABA and t.name in TEMPLATES
    ]
    messages = _messages(templates, runtime.now(), 600)
    for message in messages:
        await runtime.store.add_message(message, None, [], runtime.epoch)
    actions = _actions(messages)
    for action in actions:
        await runtime.store.add_interaction(action)
    return templates, messages, actions


async def test_sql_groups_equal_the_python_count(runtime: Runtime) -> None:
    templates, messages, _ = await _stored(runtime)
    await _compare_groups(runtime, templates, messages)
    # A held send's plan is replaced by one failure (service/held_sends.py): counted anew.
    held = messages[::7]
    for message in held:
        message.events = [PlannedEvent(runtime.now(), "failed", 131049)]
    await runtime.store.replace_messages(held, [])
    await _compare_groups(runtime, templates, messages)


async def _compare_groups(
    runtime: Runtime, templates: list[Template], messages: list[Message]
) -> None:
    now = runtime.now()
    ids = tuple(t.id for t in templates[:2])
    for route in (ROUTE_MM, ROUTE_CLOUD):
        query = DayCountQuery(
            waba_id=sd.SIGNED_WABA,
            template_names=tuple({t.name for t in templates[:2]}),
            template_ids=ids,
            route=route,
            created_from=now - 30 * DAY,
            created_to=now + DAY,
            now=now,
            read_within=7 * DAY,
        )
        kept = [m for m in messages if now - 30 * DAY <= m.created_at < now + DAY]
        expected = analytics_reference.day_groups(kept, ids, route, now)
        counted = await runtime.store.day_counts(query)
        assert sorted(map(_key, counted), key=repr) == sorted(map(_key, expected), key=repr)
        assert sum(g.sent for g in counted) > 50


async def test_reports_equal_the_python_count(runtime: Runtime) -> None:
    templates, messages, actions = await _stored(runtime)
    waba = runtime.catalog.wabas[sd.SIGNED_WABA]
    now = runtime.now()
    start = int(now // DAY * DAY) - 20 * DAY
    for route in (ROUTE_MM, ROUTE_CLOUD):
        query = analytics.TemplateQuery(
            start,
            start + 22 * DAY,
            tuple(t.id for t in templates),
            frozenset(analytics.queries.TEMPLATE_METRICS),
            route,
        )
        caps = {t.id: analytics.bid_cap(t.bid_spec, waba.currency) for t in templates}
        kept = [
            m
            for m in messages
            if start - analytics.DELIVERY_SLACK_SECONDS <= m.created_at < query.end
        ]
        records = [
            analytics.record(m, analytics.charge(m, m.in_window, caps[str(m.template_id)]), "")
            for m in kept
        ]
        infos = [analytics.template_info(t) for t in templates]
        in_range = [a for a in actions if start <= a.at < query.end]
        expected = analytics_reference.report(query, infos, records, in_range, now)
        assert await analytics_cases.template_report(runtime, waba, query) == expected
