"""Webhooks that are not message statuses: template events, onboarding, and what simulated
users do (write to the business, tap a quick reply, click a link, stop marketing)."""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.core import ids, webhooks
from wamm.core.errors import invalid_parameter
from wamm.core.inbound import user_id_change
from wamm.core.model import InboundMessage, Message, PhoneNumber, Template, User
from wamm.core.reactions import click_action
from wamm.core.webhook_wire import Field, encode_value
from wamm.service.runtime import Runtime
from wamm.store.base import Delivery, Interaction


async def emit(
    rt: Runtime,
    waba_id: str,
    field: str,
    value: dict[str, Any],
    wamid: str | None = None,
    at: float | None = None,
) -> int:
    """Queue one update for every subscribed app with a callback; returns how many
    deliveries were queued. The value is serialised once, for all of them."""
    targets = rt.catalog.webhook_targets(waba_id, field)
    if not targets:
        return 0
    when = rt.now() if at is None else at
    raw = encode_value(value)
    rows = [
        Delivery(
            app_id=app.id,
            waba_id=waba_id,
            field=field,
            value=raw,
            wamid=wamid,
            event_at=when,
            due_at=when,
            next_attempt_at=when,
        )
        for app, _ in targets
    ]
    await rt.store.add_deliveries(rows)
    rt.notify_outbox()
    return len(rows)


# --- templates and onboarding -------------------------------------------------------------


async def template_status(
    rt: Runtime,
    template: Template,
    event: str,
    reason: str = "NONE",
    other_info: dict[str, str] | None = None,
) -> None:
    value = webhooks.template_status_value(template, event, reason, other_info)
    await emit(rt, template.waba_id, Field.TEMPLATE_STATUS, value)


async def template_quality(rt: Runtime, template: Template, previous: str) -> None:
    value = webhooks.template_quality_value(template, previous, template.quality_score)
    await emit(rt, template.waba_id, Field.TEMPLATE_QUALITY, value)


async def template_category(rt: Runtime, template: Template, previous: str) -> None:
    value = webhooks.template_category_value(template, previous, template.category)
    await emit(rt, template.waba_id, Field.TEMPLATE_CATEGORY, value)


async def template_components(rt: Runtime, template: Template) -> None:
    value = webhooks.template_components_value(template)
    await emit(rt, template.waba_id, Field.TEMPLATE_COMPONENTS, value)


async def terms_signed(rt: Runtime, business_id: str) -> None:
    """Meta sends one `account_update` per WABA of the portfolio when it signs the MM terms."""
    for waba in [w for w in rt.catalog.wabas.values() if w.business_id == business_id]:
        await emit(
            rt, waba.id, Field.ACCOUNT_UPDATE, webhooks.terms_signed_value(business_id, waba.id)
        )


# --- simulated users ------------------------------------------------------------------------


async def user_writes(
    rt: Runtime, phone: PhoneNumber, user: User, message: dict[str, Any]
) -> dict[str, Any]:
    """An inbound message from the user: opens the service window (and, with a `referral`, a
    free entry point), is kept (the business may mark it read), then the webhook."""
    now = rt.now()
    await rt.open_window(phone.id, user.phone, now, referral="referral" in message)
    seq = await rt.ids.next("inbound")
    inbound = {
        "from": user.phone,
        "from_user_id": user.bsuid,
        "id": ids.wamid(seq, user.phone, kind="inbound"),
        "timestamp": str(int(now)),
        **message,
    }
    await rt.store.add_inbound(
        InboundMessage(
            seq=seq,
            wamid=inbound["id"],
            phone_number_id=phone.id,
            waba_id=phone.waba_id,
            user_phone=user.phone,
            received_at=now,
            content=inbound,
        )
    )
    value = webhooks.messages_value(phone, contacts=[webhooks.contact(user)], messages=[inbound])
    await emit(rt, phone.waba_id, Field.MESSAGES, value, wamid=inbound["id"])
    return inbound


async def user_id_changed(
    rt: Runtime, phone: PhoneNumber, user: User, new_bsuid: str
) -> dict[str, Any]:
    """The user's BSUID changes: stored (later sends and webhooks use the new one), then the
    `system` message, from the old BSUID, without a `contacts` array (Meta's system messages
    reference). It is no message of the user: no window opens."""
    updated = msgspec.structs.replace(user, bsuid=new_bsuid)
    await rt.store.write([updated])
    rt.users.remember(updated)
    seq = await rt.ids.next("inbound")
    system: dict[str, Any] = {
        "from": user.phone,
        "from_user_id": user.bsuid,
        "id": ids.wamid(seq, user.phone, kind="inbound"),
        "timestamp": str(int(rt.now())),
        "type": "system",
        "system": user_id_change(user.name, user.bsuid, new_bsuid),
    }
    value = webhooks.messages_value(phone, messages=[system])
    await emit(rt, phone.waba_id, Field.MESSAGES, value, wamid=system["id"])
    return system


def _delivered(message: Message, now: float) -> None:
    if not any(e.status in ("delivered", "read") and e.at <= now for e in message.events):
        raise invalid_parameter(f"Message {message.wamid} has not been delivered (yet).")


async def quick_reply(
    rt: Runtime, phone: PhoneNumber, user: User, message: Message, text: str, payload: str
) -> dict[str, Any]:
    """The user taps a quick-reply button of a delivered template message."""
    _delivered(message, rt.now())
    button = {
        "context": {"from": phone.display_phone_number, "id": message.wamid},
        "type": "button",
        "button": {"payload": payload, "text": text},
    }
    inbound = await user_writes(rt, phone, user, button)
    await rt.store.add_interaction(
        Interaction(
            waba_id=message.waba_id,
            wamid=message.wamid,
            kind="quick_reply",
            at=rt.now(),
            data={"template_id": message.template_id, "text": text},
        )
    )
    return inbound


async def link_click(
    rt: Runtime, phone: PhoneNumber, user: User, message: Message, component: str
) -> dict[str, Any]:
    """A click on a marketing message link (MM click tracking, `user_actions`), now."""
    now = rt.now()
    _delivered(message, now)
    if component not in ("cta", "body"):
        raise invalid_parameter(f"component must be cta or body, got '{component}'.")
    click_id = ids.object_id(rt.rng_seed, f"click:{message.wamid}", await rt.ids.next("click"))
    return await emit_click(rt, phone, user, message, component, click_id, now)


async def emit_click(
    rt: Runtime,
    phone: PhoneNumber,
    user: User,
    message: Message,
    component: str,
    click_id: str,
    at: float,
) -> dict[str, Any]:
    """The `user_actions` update of a click at `at` (virtual time), and the interaction
    template analytics count once that time has come; the action sent."""
    action = click_action(at, click_id, message.biz_opaque_callback_data, component)
    value = webhooks.messages_value(phone, contacts=[webhooks.contact(user)], user_actions=[action])
    await emit(rt, message.waba_id, Field.MESSAGES, value, wamid=message.wamid, at=at)
    await rt.store.add_interaction(
        Interaction(
            waba_id=message.waba_id,
            wamid=message.wamid,
            kind="url_button",
            at=at,
            data={"template_id": message.template_id, "component": component},
        )
    )
    return action


async def marketing_preference(rt: Runtime, phone: PhoneNumber, user: User, stop: bool) -> User:
    """The user stops or resumes marketing messages from one business: while stopped, its
    marketing sends fail with 131050; the business gets a `user_preferences` update."""
    stopped = set(user.marketing_stopped)
    if stop:
        stopped.add(phone.waba_id)
    else:
        stopped.discard(phone.waba_id)
    updated = msgspec.structs.replace(user, marketing_stopped=sorted(stopped))
    await rt.store.write([updated])
    rt.users.remember(updated)
    preference = webhooks.user_preference(updated, stop, rt.now())
    value = webhooks.messages_value(
        phone, contacts=[webhooks.contact(updated)], user_preferences=[preference]
    )
    await emit(rt, phone.waba_id, Field.USER_PREFERENCES, value)
    return updated
