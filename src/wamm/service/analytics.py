"""Analytics use cases: load a WABA's messages and user actions for a range; core counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wamm.core import analytics
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.fields import FieldRequest, Page, paged_body
from wamm.core.model import Message, Template, Waba
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime

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
    """The daily points of the query's templates (the `data` entry of template_analytics)."""
    templates = [_template(rt, waba, tid) for tid in query.template_ids]
    infos = [analytics.template_info(template) for template in templates]
    names = sorted({template.name for template in templates})
    records = await _records(rt, waba, query.start, query.end, names)
    actions = await rt.store.interactions_between(waba.id, query.start, query.end)
    return analytics.template_analytics(query, infos, records, actions, rt.now())


async def pricing_analytics(
    rt: Runtime, waba: Waba, fields: Sequence[FieldRequest] | None
) -> dict[str, Any] | None:
    """The `pricing_analytics` field of a WABA read, when `fields` asks for it."""
    request = next((f for f in fields or () if f.name == "pricing_analytics"), None)
    if request is None:
        return None
    now = rt.now()
    query = analytics.parse_pricing_query(request.params, now)
    return analytics.pricing_analytics(query, await _records(rt, waba, query.start, query.end), now)


def _template(rt: Runtime, waba: Waba, template_id: str) -> Template:
    template = rt.catalog.templates.get(template_id)
    if template is None or template.waba_id != waba.id:
        raise invalid_parameter(
            f"Param template_ids has an id that is not a template of this WhatsApp Business "
            f"Account: {template_id}."
        )
    return template


async def _records(
    rt: Runtime, waba: Waba, start: int, end: int, template_names: Sequence[str] | None = None
) -> list[analytics.Record]:
    """What the messages of the range (of these templates, when named) cost, with their
    deliveries' slack before `start`."""
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


async def records_between(
    rt: Runtime, waba: Waba, start: int, end: int, template_names: Sequence[str] | None = None
) -> list[analytics.Record]:
    """The records the other reports (`service.insights`) count: see `_records`."""
    return await _records(rt, waba, start, end, template_names)
