"""Analytics use cases: load a WABA's messages and user actions for a range; core counts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from wamm.core import analytics, ids
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.fields import FieldRequest, Page, paged_body
from wamm.core.model import Message, Template, Waba
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime
from wamm.store.base import DayCountQuery

INSIGHTS_DETAILS = (
    "Template analytics must be confirmed on this WhatsApp Business Account before they can be "
    "read: POST /{waba_id}?is_enabled_for_insights=true."
)


async def template_analytics(call: GraphCall, waba: Waba) -> dict[str, Any]:
    """GET /{waba_id}/template_analytics."""
    rt = call.rt
    if not waba.is_enabled_for_insights:
        raise GraphError(200007, INSIGHTS_DETAILS)
    query = analytics.parse_template_query(call.params, rt.now())
    data = await template_report(rt, waba, query)
    return paged_body([data], Page([data], False, False), lambda _: 0, call.url, call.query)


async def template_report(
    rt: Runtime, waba: Waba, query: analytics.TemplateQuery
) -> dict[str, Any]:
    """The daily points of the query's templates (the `data` entry of template_analytics):
    the store counts the status events, this prices them and adds the range's clicks."""
    templates = [_template(rt, waba, tid) for tid in query.template_ids]
    infos = [analytics.template_info(template) for template in templates]
    now = rt.now()
    counts = await rt.store.day_counts(
        DayCountQuery(
            waba_id=waba.id,
            template_names=tuple(sorted({template.name for template in templates})),
            template_ids=query.template_ids,
            route=query.route,
            created_from=query.start - analytics.DELIVERY_SLACK_SECONDS,
            created_to=query.end,
            now=now,
            read_within=float(analytics.ENGAGEMENT_SECONDS),
        )
    )
    caps = {t.id: analytics.bid_cap(t.bid_spec, waba.currency) for t in templates}

    def cost(group: analytics.DayGroup) -> Decimal:
        cap = caps[group.template_id]
        return analytics.price(
            group.pricing_category, query.route, group.in_window, group.entry_point, cap
        ).cost

    clicked = await _clicked(rt, waba, query)
    return analytics.template_analytics(query, infos, counts, cost, clicked, now)


async def _clicked(
    rt: Runtime, waba: Waba, query: analytics.TemplateQuery
) -> list[tuple[analytics.Action, Message]]:
    """The range's user actions on messages of the query (its templates and product type,
    sent from DELIVERY_SLACK_SECONDS before its start), each with its message."""
    actions = await rt.store.interactions_between(waba.id, query.start, query.end)
    messages = await _messages_of(rt, {a.wamid for a in actions if a.wamid})
    oldest = query.start - analytics.DELIVERY_SLACK_SECONDS
    clicked: list[tuple[analytics.Action, Message]] = []
    for action in actions:
        message = messages.get(action.wamid or "")
        if (
            message is not None
            and message.template_id in query.template_ids
            and message.route == query.route
            and oldest <= message.created_at < query.end
        ):
            clicked.append((action, message))
    return clicked


async def _messages_of(rt: Runtime, wamids: set[str]) -> dict[str, Message]:
    """The stored messages of `wamids`, found by the sequence each wamid carries."""
    seqs = {wamid: ids.wamid_sequence(wamid) for wamid in wamids}
    found = await rt.store.messages_by_seq([seq for seq in seqs.values() if seq is not None])
    messages = {m.wamid: m for m in found.values() if m.wamid in wamids}
    for wamid in (w for w, seq in seqs.items() if seq is None):
        if (message := await rt.store.get_message(wamid)) is not None:
            messages[wamid] = message
    return messages


async def pricing_analytics(
    rt: Runtime, waba: Waba, fields: Sequence[FieldRequest] | None
) -> dict[str, Any] | None:
    """The `pricing_analytics` field of a WABA read, when `fields` asks for it."""
    request = next((f for f in fields or () if f.name == "pricing_analytics"), None)
    if request is None:
        return None
    now = rt.now()
    query = analytics.parse_pricing_query(request.params, now)
    records = await records_between(rt, waba, query.start, query.end)
    return analytics.pricing_analytics(query, records, now)


def _template(rt: Runtime, waba: Waba, template_id: str) -> Template:
    template = rt.catalog.templates.get(template_id)
    if template is None or template.waba_id != waba.id:
        raise invalid_parameter(
            f"Param template_ids has an id that is not a template of this WhatsApp Business "
            f"Account: {template_id}."
        )
    return template


async def records_between(
    rt: Runtime, waba: Waba, start: int, end: int, template_names: Sequence[str] | None = None
) -> list[analytics.Record]:
    """What the messages of the range (of these templates, when named) cost, with their
    deliveries' slack before `start` (pricing analytics, and `service.insights`' reports)."""
    messages = await rt.store.messages_between(
        waba.id, start - analytics.DELIVERY_SLACK_SECONDS, end, template_names
    )
    return [_record(rt, waba, message) for message in messages]


def _record(rt: Runtime, waba: Waba, message: Message) -> analytics.Record:
    template = rt.catalog.templates.get(message.template_id or "")
    cap = analytics.bid_cap(template.bid_spec if template else None, waba.currency)
    charged = analytics.charge(message, message.in_window, cap)
    phone = rt.catalog.phone_numbers.get(message.phone_number_id)
    return analytics.record(message, charged, phone.display_phone_number if phone else "")
