"""What an accepted message will go through: its planned status events and, for every app
subscribed to the WABA, the webhook deliveries that announce them.

Both are decided at send time and committed with the message, so a restart loses nothing and
the same seed and requests give the same webhooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from wamm.core import webhooks
from wamm.core.model import ROUTE_MM, Message, Template, User
from wamm.core.recipients import (
    Behaviour,
    MarketingLimit,
    SendContext,
    message_rng,
    plan_delivery,
)
from wamm.service.runtime import Runtime
from wamm.store.base import Delivery

_encode = msgspec.json.Encoder().encode
DEFAULT_BEHAVIOUR = Behaviour()
# Meta's default validity period of a marketing template on the MM route (30 days).
DEFAULT_TTL = {"MARKETING": 30 * 86400}


async def _over_marketing_limit(rt: Runtime, phone: str, now: float, limit: MarketingLimit) -> bool:
    """Meta's per-user marketing cap, counted in the store so every process shares it."""
    return await rt.store.count_marketing(phone, now - limit.window_seconds) >= limit.count


async def plan(rt: Runtime, message: Message, user: User | None, template: Template | None) -> None:
    """Decide the message's status events; flag whether it counts toward the marketing limit
    (a delivered marketing template sent outside a service window)."""
    category = template.category if template else None
    ttl = None
    if template is not None:
        ttl = template.message_send_ttl_seconds or DEFAULT_TTL.get(template.category)
    limited = category == "MARKETING" and user is not None and not message.in_window
    limit = rt.settings.marketing_limit
    over = (
        limited
        and user is not None
        and limit is not None
        and await _over_marketing_limit(rt, user.phone, message.created_at, limit)
    )
    context = SendContext(
        now=message.created_at,
        mm_route=message.route == ROUTE_MM,
        category=category,
        country=user.country if user else None,
        ttl_seconds=ttl,
        over_marketing_limit=over,
        marketing_stopped=user is not None and message.waba_id in user.marketing_stopped,
        blocked_by_business=user is not None and rt.is_blocked(message.phone_number_id, user.phone),
    )
    behaviour = user.behaviour if user else DEFAULT_BEHAVIOUR
    message.events = plan_delivery(
        behaviour, context, rt.settings.recipients, message_rng(rt.rng_seed, message.seq)
    )
    message.counts_marketing = limited and any(e.status == "delivered" for e in message.events)


def deliveries_for(
    rt: Runtime,
    waba_id: str,
    field: str,
    values: Iterable[tuple[float, dict[str, Any]]],
    wamid: str | None = None,
) -> list[Delivery]:
    """One delivery per (update, subscribed app with a callback)."""
    targets = rt.catalog.webhook_targets(waba_id)
    if not targets:
        return []
    out: list[Delivery] = []
    for at, value in values:
        raw = _encode(value)
        out.extend(
            Delivery(
                app_id=app.id,
                waba_id=waba_id,
                field=field,
                value=raw,
                wamid=wamid,
                event_at=at,
                due_at=at,
                next_attempt_at=at,
            )
            for app, _ in targets
        )
    return out


def status_deliveries(rt: Runtime, message: Message) -> list[Delivery]:
    """One row per (planned event, subscribed app), naming the event: the payload is built
    from the message when the row is delivered, so the send path writes no payload bytes."""
    targets = rt.catalog.webhook_targets(message.waba_id)
    return [
        Delivery(
            app_id=app.id,
            waba_id=message.waba_id,
            field="messages",
            value=b"",
            wamid=message.wamid,
            message_seq=message.seq,
            event_index=index,
            event_at=event.at,
            due_at=event.at,
            next_attempt_at=event.at,
        )
        for index, event in enumerate(message.events)
        for app, _ in targets
    ]


async def materialize(rt: Runtime, deliveries: Sequence[Delivery]) -> None:
    """Fill in the payload of status rows from their messages (a no-op for the others)."""
    pending = [d for d in deliveries if d.event_index is not None and not d.value]
    if not pending:
        return
    messages = await rt.store.messages_by_seq(sorted({d.message_seq or 0 for d in pending}))
    for delivery in pending:
        message = messages.get(delivery.message_seq or 0)
        phone = rt.catalog.phone_numbers.get(message.phone_number_id) if message else None
        if message is None or phone is None:
            continue
        user = None
        if message.recipient_phone is not None:
            user, _ = rt.users.by_phone(message.recipient_phone, message.created_at)
        value = webhooks.status_value(phone, message, user, rt.rng_seed, delivery.event_index or 0)
        delivery.value = _encode(value)
