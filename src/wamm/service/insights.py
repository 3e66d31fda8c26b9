"""Insights use cases: the WABA fields `analytics` and `conversation_analytics`, and
`GET /{ad_object_id}/insights` over the ad objects of onboarded WABAs' marketing templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wamm.core import ad_objects
from wamm.core.ad_objects import AdObject
from wamm.core.analytics.conversation_report import (
    conversation_analytics,
    parse_conversation_query,
)
from wamm.core.analytics.insights_query import parse_insights_query
from wamm.core.analytics.insights_report import AdRow, insights
from wamm.core.analytics.messaging_report import messaging_analytics, parse_messaging_query
from wamm.core.fields import FieldRequest, Page, paged_body
from wamm.core.model import ROUTE_MM, Template, Waba
from wamm.core.onboarding import onboarding_status
from wamm.service.analytics import records_between
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime

REPORT_FIELDS = ("analytics", "conversation_analytics")


async def waba_reports(
    rt: Runtime, waba: Waba, fields: Sequence[FieldRequest] | None
) -> dict[str, Any]:
    """The `analytics` and `conversation_analytics` fields a WABA read asks for."""
    reports: dict[str, Any] = {}
    now = rt.now()
    for request in fields or ():
        if request.name == "analytics":
            query = parse_messaging_query(request.params, now)
            numbers = sorted(
                phone.display_phone_number
                for phone in rt.catalog.phone_numbers.values()
                if phone.waba_id == waba.id
            )
            records = await records_between(rt, waba, query.start, query.end)
            reports["analytics"] = messaging_analytics(query, records, now, numbers)
        elif request.name == "conversation_analytics":
            conversations = parse_conversation_query(request.params, now)
            records = await records_between(rt, waba, conversations.start, conversations.end)
            reports["conversation_analytics"] = conversation_analytics(conversations, records, now)
    return reports


def _onboarded(rt: Runtime, waba_id: str) -> bool:
    waba = rt.catalog.wabas.get(waba_id)
    return waba is not None and (
        onboarding_status(rt.catalog.business_of(waba), waba) == "ONBOARDED"
    )


def _linked_templates(rt: Runtime) -> list[Template]:
    return [
        template
        for template in rt.catalog.templates.values()
        if ad_objects.linked(template, _onboarded(rt, template.waba_id))
    ]


def find_ad_object(rt: Runtime, object_id: str) -> AdObject | None:
    """The ad, ad set, campaign or ad account named `object_id`, if wamm assigned it."""
    plain = object_id.removeprefix(ad_objects.ACCOUNT_PREFIX)
    if not plain.isdigit():
        return None
    return ad_objects.find(rt.rng_seed, _linked_templates(rt), object_id)


def _ad_row(rt: Runtime, template: Template, waba: Waba) -> AdRow:
    ids = ad_objects.ad_ids(rt.rng_seed, template)
    names = dict.fromkeys(("ad", "adset", "campaign"), template.name)
    names["account"] = waba.name
    return AdRow(template.id, ids, names, waba.currency)


async def ad_insights(call: GraphCall, node: AdObject) -> dict[str, Any]:
    """GET /{ad_object_id}/insights."""
    rt = call.rt
    query = parse_insights_query(call.params, rt.now(), node.level)
    waba = rt.catalog.wabas[node.waba_id]
    account = [
        _ad_row(rt, template, waba)
        for template in _linked_templates(rt)
        if template.waba_id == waba.id
    ]
    mine = [row for row in account if row.template_id in node.template_ids]
    names = sorted({rt.catalog.templates[row.template_id].name for row in account})
    records = [
        item
        for item in await records_between(rt, waba, query.since, query.until, names)
        if item.message.route == ROUTE_MM
    ]
    interactions = await rt.store.interactions_between(waba.id, query.since, query.until)
    actions = [(i.wamid, i.kind, i.data, i.at) for i in interactions]
    rows = insights(query, mine, records, actions, rt.now(), account)
    return paged_body(rows, Page(rows, False, False), lambda _: 0, call.url, call.query)
