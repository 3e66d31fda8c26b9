"""Held sends of a paced template, settled when the template's pacing ends (the rules are in
core/templates/pacing.py): released with the usual planned statuses from now, or dropped with
one `failed` status carrying the pause's error code."""

from __future__ import annotations

from wamm.core.model import Message, Template, User
from wamm.core.reactions import Reactions
from wamm.core.recipients import PlannedEvent
from wamm.core.templates.pacing import ACCEPTED, HELD, RELEASE
from wamm.service import reactions, send_plan
from wamm.service.runtime import Runtime


async def settle_held(rt: Runtime, template: Template, outcome: int) -> None:
    held = [
        m
        for m in await rt.store.messages_with_status(template.waba_id, HELD)
        if m.template_id == template.id
    ]
    if not held:
        return
    now = rt.now()
    reacting: list[tuple[Message, User, Reactions]] = []
    for message in held:
        message.status = ACCEPTED
        if outcome == RELEASE:
            reacting.extend(await _release(rt, message, template, now))
        else:
            message.events = [PlannedEvent(now, "failed", outcome)]
    deliveries = [d for message in held for d in send_plan.status_deliveries(rt, message)]
    await rt.store.replace_messages(held, deliveries)
    rt.notify_outbox()
    for message, user, planned in reacting:
        await reactions.carry_out(rt, message, user, planned)


async def _release(
    rt: Runtime, message: Message, template: Template, now: float
) -> list[tuple[Message, User, Reactions]]:
    user = None
    if message.recipient_phone is not None:
        user, _ = rt.users.by_phone(message.recipient_phone, message.created_at)
    planned = await send_plan.plan(rt, message, user, template, start=now)
    return [] if planned is None or user is None else [(message, user, planned)]
