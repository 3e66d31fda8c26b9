"""Business portfolios, WABAs and phone numbers on the Graph API."""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.core.coerce import as_bool
from wamm.core.errors import invalid_parameter
from wamm.core.fields import page_request, paged_body, paginate
from wamm.core.model import Business, PhoneNumber, Waba
from wamm.core.templates import parse_creative_features
from wamm.service import analytics, insights, nodes
from wamm.service.call import GraphCall

WABA_SETTINGS = (
    "disable_marketing_messages_on_cloud_api",
    "degrees_of_freedom_spec",
    "is_enabled_for_insights",
)


async def get_waba(call: GraphCall, waba: Waba) -> dict[str, Any]:
    fields = call.fields()
    pricing = await analytics.pricing_analytics(call.rt, waba, fields)
    reports = await insights.waba_reports(call.rt, waba, fields)
    return nodes.waba_node(
        call.rt.catalog, waba, fields, pricing_analytics=pricing, reports=reports
    )


async def update_waba(call: GraphCall, waba: Waba) -> dict[str, Any]:
    """POST /{waba_id}: change MM settings; only the creative features named change."""
    params = call.params
    if not any(key in params for key in WABA_SETTINGS):
        raise invalid_parameter(
            f"Nothing to update: give at least one of {', '.join(WABA_SETTINGS)}."
        )
    changes: dict[str, Any] = {}
    if "disable_marketing_messages_on_cloud_api" in params:
        changes["disable_marketing_messages_on_cloud_api"] = as_bool(
            params["disable_marketing_messages_on_cloud_api"],
            "disable_marketing_messages_on_cloud_api",
        )
    if "degrees_of_freedom_spec" in params:
        features = parse_creative_features(
            params["degrees_of_freedom_spec"], "degrees_of_freedom_spec"
        )
        changes["creative_features"] = {**waba.creative_features, **features}
    if "is_enabled_for_insights" in params:
        enabled = as_bool(params["is_enabled_for_insights"], "is_enabled_for_insights")
        if not enabled and waba.is_enabled_for_insights:
            raise invalid_parameter("Template analytics cannot be turned off once enabled.")
        changes["is_enabled_for_insights"] = enabled
    updated = msgspec.structs.replace(waba, **changes)
    await call.rt.store.write([updated])
    call.rt.catalog.put(updated)
    return {"id": waba.id}


async def get_business(call: GraphCall, business: Business) -> dict[str, Any]:
    return nodes.business_node(business, call.fields())


async def get_phone_number(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    return nodes.phone_number_node(call.rt.catalog, phone, call.fields(), call.token.app_id)


async def list_phone_numbers(call: GraphCall, waba: Waba) -> dict[str, Any]:
    def position(phone: PhoneNumber) -> int:
        return int(phone.id) if phone.id.isdigit() else 0

    phones = sorted(
        (p for p in call.rt.catalog.phone_numbers.values() if p.waba_id == waba.id),
        key=position,
        reverse=True,
    )
    fields = call.fields()
    page = paginate(phones, position, page_request(call.query))
    catalog, app_id = call.rt.catalog, call.token.app_id
    data = [nodes.phone_number_node(catalog, p, fields, app_id) for p in page.items]
    return paged_body(data, page, position, call.url, call.query)
