"""The send path: POST /{phone_number_id}/messages and /marketing_messages.

This is what load tests hammer. Everything it reads comes from the in-process catalog and user
cache; the only I/O is the group-committed insert of the message (and of a first-seen user).
"""

from __future__ import annotations

from typing import Any

from wamm.core import ids, routing, sending
from wamm.core.content import validate_content, validate_context
from wamm.core.errors import GraphError
from wamm.core.model import ROUTE_CLOUD, Business, Message, PhoneNumber, Template, User, Waba
from wamm.core.templates import check_send_components
from wamm.service.call import GraphCall
from wamm.service.catalog import Catalog
from wamm.service.runtime import Runtime

UNSENDABLE = {"PAUSED": 132015, "DISABLED": 132016}


def find_template(catalog: Catalog, waba: Waba, ref: sending.TemplateRef) -> Template:
    template = catalog.templates_by_key.get((waba.id, ref.name, ref.language))
    if template is None or template.status not in ("APPROVED", *UNSENDABLE):
        raise GraphError(132001, f"template name ({ref.name}) does not exist in {ref.language}")
    if template.status in UNSENDABLE:
        raise GraphError(UNSENDABLE[template.status])
    return template


async def _resolve_user(
    rt: Runtime, recipient: sending.Recipient, business: Business, now: float
) -> tuple[User | None, User | None]:
    """(the recipient's user, the same user if wamm just created it)."""
    if recipient.phone is not None:
        user = await rt.users.by_phone(recipient.phone)
        if user is not None:
            return user, None
        user = rt.users.new(recipient.phone, now)
        return user, user
    user = await rt.users.by_bsuid(recipient.input)
    if user is not None and user.business_id not in (None, business.id):
        return None, None  # a BSUID of another portfolio does not resolve (fails later)
    return user, None


async def _require_open_window(
    rt: Runtime, phone: PhoneNumber, user: User | None, now: float
) -> None:
    """Free-form messages need a customer-service window opened by the user (131047)."""
    window = rt.settings.customer_service_window_hours * 3600
    opened = None if user is None else await rt.store.window_opened_at(phone.id, user.phone)
    if opened is None or now - opened > window:
        raise GraphError(131047)


def _template_part(
    call: GraphCall,
    endpoint: str,
    waba: Waba,
    business: Business,
    envelope: sending.Envelope,
    now: float,
) -> tuple[Template, routing.Decision, dict[str, Any]]:
    rt = call.rt
    ref = sending.parse_template_ref(call.params.get("template"))
    template = find_template(rt.catalog, waba, ref)
    facts = routing.SendFacts(
        endpoint=endpoint,
        product_policy=envelope.product_policy,
        to_bsuid=envelope.recipient.phone is None,
        api_version=call.api_version,
        now=now,
        ad_sync_delay=rt.settings.ad_sync_delay_seconds,
        strict_error_code=rt.settings.strict_fallback_error_code,
    )
    decision = routing.decide(template, business, waba, facts)
    check_send_components(rt.catalog.shape(template), ref.components)
    return template, decision, dict(call.params["template"])


async def send(call: GraphCall, phone: PhoneNumber, endpoint: str) -> dict[str, Any]:
    rt = call.rt
    waba = rt.catalog.wabas[phone.waba_id]
    business = rt.catalog.business_of(waba)
    envelope = sending.parse_envelope(call.params, endpoint)
    recipient = envelope.recipient
    if recipient.phone == phone.display_phone_number:
        raise GraphError(131021)
    if "context" in call.params:
        validate_context(call.params["context"])
    now = rt.now()
    template: Template | None = None
    if envelope.type == "template":
        template, decision, payload = _template_part(call, endpoint, waba, business, envelope, now)
    else:
        payload = validate_content(envelope.type, call.params.get(envelope.type))
        decision = routing.Decision(ROUTE_CLOUD, "service")
    user, new_user = await _resolve_user(rt, recipient, business, now)
    if template is None:
        await _require_open_window(rt, phone, user, now)
    message = await _store(
        call, phone, waba, envelope, user, new_user, template, decision, payload, endpoint, now
    )
    sent: dict[str, Any] = {"id": message.wamid}
    if template is not None:
        sent["message_status"] = "accepted"
    return {"messaging_product": "whatsapp", "contacts": [recipient.contact()], "messages": [sent]}


async def _store(
    call: GraphCall,
    phone: PhoneNumber,
    waba: Waba,
    envelope: sending.Envelope,
    user: User | None,
    new_user: User | None,
    template: Template | None,
    decision: routing.Decision,
    payload: dict[str, Any],
    endpoint: str,
    now: float,
) -> Message:
    rt = call.rt
    recipient = envelope.recipient
    seq = await rt.ids.next("message")
    sharing = envelope.message_activity_sharing
    if endpoint == sending.ENDPOINT_MARKETING and sharing is None:
        sharing = waba.message_activity_sharing
    message = Message(
        wamid=ids.wamid(rt.rng_seed, seq, recipient.phone or recipient.input),
        seq=seq,
        phone_number_id=phone.id,
        waba_id=waba.id,
        endpoint=endpoint,
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
        route=decision.route,
        pricing_category=decision.pricing_category,
        created_at=now,
        product_policy=envelope.product_policy if endpoint == sending.ENDPOINT_MARKETING else None,
        message_activity_sharing=sharing,
        biz_opaque_callback_data=envelope.biz_opaque_callback_data,
        payload=payload,
    )
    if new_user is not None:
        rt.users.remember(new_user)
    try:
        await rt.store.add_message(message, new_user)
    except BaseException:
        if new_user is not None:
            rt.users.forget(new_user)
        raise
    return message
