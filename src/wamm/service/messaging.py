"""The send path: POST /{phone_number_id}/messages and /marketing_messages.

This is what load tests hammer. Everything it reads comes from the in-process catalog and
caches; the only I/O is the group-committed insert of the message with its webhook deliveries
(and of a first-seen user).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import msgspec

from wamm.core import ids, pricing, routing, sending, service_window
from wamm.core.content import validate_content, validate_context
from wamm.core.errors import GraphError, ResetDuringRequest
from wamm.core.media import media_refs
from wamm.core.model import ROUTE_CLOUD, Business, Message, PhoneNumber, Template, User, Waba
from wamm.core.receipts import is_status_update
from wamm.core.templates import pacing
from wamm.core.templates.sendable import sendable
from wamm.service import media, recategorise, receipts, send_plan
from wamm.service import reactions as user_reactions
from wamm.service.call import GraphCall
from wamm.service.catalog import Catalog
from wamm.service.runtime import Runtime

_encode = msgspec.json.Encoder().encode
SERVICE = routing.Decision(ROUTE_CLOUD, "service")  # non-template messages


@dataclass
class _Send:
    """One send request on its way through the rules."""

    rt: Runtime
    endpoint: str
    phone: PhoneNumber
    waba: Waba
    business: Business
    envelope: sending.Envelope
    now: float
    epoch: int  # the reset epoch the request started in: it may not commit in another
    template: Template | None = None
    decision: routing.Decision = SERVICE
    payload: dict[str, Any] | None = None
    payload_json: bytes | None = None  # `payload` encoded, when it is already
    user: User | None = None
    new_user: User | None = None
    in_window: bool = False
    entry: pricing.EntryWindow = pricing.NO_ENTRY_WINDOW  # a free entry point window


def find_template(catalog: Catalog, waba: Waba, ref: sending.TemplateRef) -> Template:
    template = catalog.templates_by_key.get((waba.id, ref.name, ref.language))
    return sendable(template, ref.name, ref.language)


def _check_template(
    send: _Send, call: GraphCall, ref: sending.TemplateRef, template: Template
) -> None:
    rt = send.rt
    facts = routing.SendFacts(
        endpoint=send.endpoint,
        product_policy=send.envelope.product_policy,
        to_bsuid=send.envelope.recipient.phone is None,
        api_version=call.api_version,
        now=send.now,
        ad_sync_delay=rt.settings.ad_sync_delay_seconds,
        strict_error_code=rt.settings.strict_fallback_error_code,
    )
    send.decision = routing.decide(template, send.business, send.waba, facts)
    send.payload = call.params["template"]
    send.payload_json = _encode(send.payload)
    rt.catalog.check_send(template, ref.components, send.payload_json)
    send.template = template


async def _resolve_user(send: _Send) -> None:
    """The recipient's user; a phone number wamm has never seen creates one."""
    users, recipient = send.rt.users, send.envelope.recipient
    if recipient.phone is not None:
        send.user, needs_insert = users.by_phone(recipient.phone, send.now)
        send.new_user = send.user if needs_insert else None
        return
    user = await users.by_bsuid(recipient.input)
    # A BSUID of another portfolio does not resolve: the message is accepted, then fails.
    if user is not None and user.business_id in (None, send.business.id):
        send.user = user


def _check_window(send: _Send) -> None:
    if send.user is not None:
        opened = send.rt.window_opened_at(send.phone.id, send.user.phone)
        hours = send.rt.settings.customer_service_window_hours
        send.in_window = service_window.is_open(opened, send.now, hours)
    if send.template is None:
        service_window.check_free_form(send.in_window)


async def _take_rate_limits(send: _Send) -> None:
    """Per-number throughput (130429), then the per-pair limit (131056)."""
    phone, pair = send.phone, send.rt.settings.pair_limit
    mps = phone.throughput_mps
    key = f"{phone.id}:{send.user.phone if send.user else send.envelope.recipient.input}"
    number_taken, pair_taken = await send.rt.limits.take_both(
        ("number", phone.id, mps, mps),
        ("pair", key, 1 / pair.interval_seconds, pair.burst),
        send.now,
    )
    if not number_taken:
        raise GraphError(130429, subcode=2494055)
    if not pair_taken:
        raise GraphError(131056)


async def send(call: GraphCall, phone: PhoneNumber, endpoint: str) -> dict[str, Any]:
    rt = call.rt
    if call.epoch != rt.epoch:  # `phone` is from before a reset
        raise ResetDuringRequest
    if endpoint == sending.ENDPOINT_MESSAGES and is_status_update(call.params):
        return await receipts.mark_read(call, phone)
    if not phone.registered:
        raise GraphError(133010)
    waba = rt.catalog.wabas[phone.waba_id]
    envelope = sending.parse_envelope(call.params, endpoint)
    if envelope.recipient.phone == phone.display_phone_number:
        raise GraphError(131021)
    if "context" in call.params:
        validate_context(call.params["context"])
    business = rt.catalog.business_of(waba)
    request = _Send(rt, endpoint, phone, waba, business, envelope, rt.now(), call.epoch)
    if envelope.type == "template":
        ref = sending.parse_template_ref(call.params.get("template"))
        template = find_template(rt.catalog, waba, ref)
        if template.category_update_at is not None:  # a recategorisation is announced
            template = await recategorise.current(rt, template)
        _check_template(request, call, ref, template)
    else:
        request.payload = validate_content(envelope.type, call.params.get(envelope.type))
    if refs := list(media_refs(envelope.type, request.payload or {})):
        await media.check_refs(rt, waba.id, refs)
    await _resolve_user(request)
    _check_window(request)
    await _take_rate_limits(request)
    message = await _store(request)
    sent: dict[str, Any] = {"id": message.wamid}
    if request.template is not None:
        sent["message_status"] = message.status
    return {
        "messaging_product": "whatsapp",
        "contacts": [envelope.recipient.contact()],
        "messages": [sent],
    }


def _message(send: _Send, seq: int) -> Message:
    envelope, template, user = send.envelope, send.template, send.user
    recipient = envelope.recipient
    marketing_endpoint = send.endpoint == sending.ENDPOINT_MARKETING
    sharing = envelope.message_activity_sharing
    if marketing_endpoint and sharing is None:
        sharing = send.waba.message_activity_sharing
    return Message(
        wamid=ids.wamid(seq, recipient.phone or recipient.input),
        seq=seq,
        phone_number_id=send.phone.id,
        waba_id=send.waba.id,
        endpoint=send.endpoint,
        type=envelope.type,
        recipient_input=recipient.input,
        recipient_phone=user.phone if user else recipient.phone,
        recipient_bsuid=recipient.bsuid,
        recipient_parent_bsuid=recipient.bsuid
        if user and user.parent_bsuid == recipient.bsuid
        else None,
        template_id=template.id if template else None,
        template_name=template.name if template else None,
        template_language=template.language if template else None,
        template_category=template.category if template else None,
        route=send.decision.route,
        pricing_category=pricing.category(
            send.decision.pricing_category,
            user.country if user else None,
            send.waba.country,
            send.rt.settings.authentication_international_countries,
        ),
        created_at=send.now,
        product_policy=envelope.product_policy if marketing_endpoint else None,
        message_activity_sharing=sharing,
        biz_opaque_callback_data=envelope.biz_opaque_callback_data,
        payload=msgspec.Raw(send.payload_json or _encode(send.payload or {})),
        in_window=send.in_window,
        entry_point_until=send.entry.until,
        opens_entry_point=send.entry.opens,
        status=pacing.send_status(template) if template else pacing.ACCEPTED,
    )


def _claim_entry_point(send: _Send) -> pricing.EntryPoint | None:
    """Place the send in the user's free entry point window. The answer that opens one marks it
    open at once (nothing awaits in between, so two concurrent answers cannot both open it) and
    gets the entry as it was, to put back if the send does not commit."""
    if send.user is None:
        return None
    rt, key = send.rt, (send.phone.id, send.user.phone)
    entry = rt.entry_point(*key)
    send.entry = pricing.entry_window(entry, send.now)
    if entry is None or not send.entry.opens:
        return None
    rt.set_entry_point(*key, replace(entry, opened_at=send.now))
    return entry


async def _store(send: _Send) -> Message:
    rt = send.rt
    seq = await rt.ids.next("message")
    opened_from = _claim_entry_point(send)
    message = _message(send, seq)
    try:
        reactions = await send_plan.plan(rt, message, send.user, send.template)
        deliveries = send_plan.status_deliveries(rt, message)
        await rt.store.add_message(message, send.new_user, deliveries, send.epoch)
    except BaseException:
        if send.new_user is not None:
            rt.users.forget_write(send.new_user.phone)
        if opened_from is not None and send.user is not None:
            rt.set_entry_point(send.phone.id, send.user.phone, opened_from)
        raise
    if deliveries and deliveries[0].due_at < rt.dispatcher_wake_at:
        rt.notify_outbox()
    if reactions is not None and send.user is not None:
        await user_reactions.carry_out(rt, message, send.user, reactions)
    return message
