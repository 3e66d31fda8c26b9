"""Webhooks about a number or an account: a number's quality rating and messaging limit
(from the control API, and from users' negative feedback), account alerts, capability
changes, and system-level `messages` errors. Each is queued for the apps subscribed to its
field on the WABA, whose id is the entry id."""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from wamm.core import account_webhooks, phone_quality
from wamm.core.coerce import as_int, as_str
from wamm.core.errors import missing_parameter
from wamm.core.model import PhoneNumber, Waba
from wamm.core.phone_quality import QualityChange
from wamm.core.webhook_wire import Field
from wamm.service.events import emit
from wamm.service.runtime import Runtime


async def _save(rt: Runtime, phones: list[PhoneNumber]) -> None:
    await rt.store.write(phones)
    for phone in phones:
        rt.catalog.put(phone)


async def _apply(
    rt: Runtime, phone: PhoneNumber, change: QualityChange, signals: list[float]
) -> dict[str, Any]:
    """Store the number's new rating and tier, then queue one webhook per event."""
    updated = replace(
        phone,
        quality_rating=change.quality_rating,
        messaging_limit_tier=change.messaging_limit_tier,
        negative_feedback=signals,
    )
    await _save(rt, [updated])
    deliveries = 0
    for event, old_limit in change.events:
        value = account_webhooks.quality_update_value(updated, event, old_limit)
        deliveries += await emit(rt, phone.waba_id, Field.PHONE_QUALITY, value)
    return {
        "id": updated.id,
        "quality_rating": updated.quality_rating,
        "messaging_limit_tier": updated.messaging_limit_tier,
        "events": [event for event, _ in change.events],
        "deliveries": deliveries,
    }


async def set_quality(rt: Runtime, phone: PhoneNumber, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /_wamm/phone_numbers/{id}/quality`. A rating set here starts the feedback count
    afresh: the simulation lowers it again only on new negative feedback."""
    request = phone_quality.parse_request(body)
    rating, tier = phone.quality_rating, phone.messaging_limit_tier
    change = phone_quality.requested_change(rating, tier, request)
    signals = [] if request.quality_rating is not None else phone.negative_feedback
    return await _apply(rt, phone, change, signals)


async def negative_feedback(rt: Runtime, phone: PhoneNumber) -> None:
    """A user gave the number negative feedback (stopped its marketing messages): counted
    within the rating window, the rating and tier follow settings `phone_quality`."""
    settings, now = rt.settings.phone_quality, rt.now()
    signals = [*phone_quality.recent(phone.negative_feedback, now, settings), now]
    rating, tier = phone.quality_rating, phone.messaging_limit_tier
    change = phone_quality.after_feedback(rating, tier, len(signals), settings)
    await _apply(rt, phone, change, signals)


async def account_alert(rt: Runtime, waba: Waba, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /_wamm/wabas/{id}/account_alerts`: one `account_alerts` webhook."""
    value = account_webhooks.account_alert_value(body, waba.business_id)
    deliveries = await emit(rt, waba.id, Field.ACCOUNT_ALERTS, value)
    return {"value": value, "deliveries": deliveries}


async def business_capability(rt: Runtime, waba: Waba, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /_wamm/wabas/{id}/business_capability`: the portfolio's capabilities change. A
    messaging limit applies to every number of the portfolio (Meta sets limits per business
    portfolio since October 2025), and every WABA of the portfolio gets the webhook."""
    value = account_webhooks.capability_value(body)
    wabas = [w for w in rt.catalog.wabas.values() if w.business_id == waba.business_id]
    tier = account_webhooks.capability_tier(value)
    if tier is not None:
        waba_ids = {w.id for w in wabas}
        phones = [p for p in rt.catalog.phone_numbers.values() if p.waba_id in waba_ids]
        await _save(rt, [replace(phone, messaging_limit_tier=tier) for phone in phones])
    deliveries = 0
    for each in wabas:
        deliveries += await emit(rt, each.id, Field.BUSINESS_CAPABILITY, value)
    return {
        "value": value,
        "wabas": [w.id for w in wabas],
        "messaging_limit_tier": tier,
        "deliveries": deliveries,
    }


async def system_error(rt: Runtime, phone: PhoneNumber, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /_wamm/phone_numbers/{id}/errors`: a `messages` webhook with system-level
    `errors` (e.g. 131000, 130429), outside any status."""
    if body.get("code") is None:
        raise missing_parameter("code")
    details = body.get("details")
    value = account_webhooks.system_error_value(
        phone,
        as_int(body["code"], "code"),
        None if details is None else as_str(details, "details"),
    )
    deliveries = await emit(rt, phone.waba_id, Field.MESSAGES, value)
    return {"value": value, "deliveries": deliveries}
