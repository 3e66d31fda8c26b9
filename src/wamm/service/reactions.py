"""Carry out what a simulated user will do with a message besides its statuses (`core.reactions`):
a click on its URL button and a marketing opt-out, each with the webhook Meta sends, due when
it happens in virtual time.

Only sends that have a reaction pay for it (a store write after the message's commit), so a
campaign's sends to users who neither click nor stop cost what they cost before.
"""

from __future__ import annotations

import msgspec

from wamm.core import ids, webhooks
from wamm.core.model import Message, User
from wamm.core.reactions import Reactions
from wamm.core.webhook_wire import Field
from wamm.service.events import emit, emit_click
from wamm.service.runtime import Runtime


async def carry_out(rt: Runtime, message: Message, user: User, reactions: Reactions) -> None:
    if reactions.click_at is not None:
        await _click(rt, message, user, reactions.click_at)
    if reactions.stop_at is not None:
        await _stop(rt, message, user, reactions.stop_at)


async def _click(rt: Runtime, message: Message, user: User, at: float) -> None:
    """A click on the call-to-action URL button at `at`. The click id derives from the
    message, so the same run gives the same ids whatever the order of sends."""
    phone = rt.catalog.phone_numbers[message.phone_number_id]
    click_id = ids.object_id(rt.rng_seed, f"click:{message.wamid}", 0)
    await emit_click(rt, phone, user, message, "cta", click_id, at)


async def _stop(rt: Runtime, message: Message, user: User, at: float) -> None:
    """The user stops marketing messages from the business. Later marketing sends fail with
    131050 from this send on (not from `at`: wamm keeps no time with a stop, see decisions.md);
    the `user_preferences` update is due at `at`."""
    current, _ = rt.users.by_phone(user.phone, rt.now())
    if message.waba_id in current.marketing_stopped:
        return
    stopped = sorted({*current.marketing_stopped, message.waba_id})
    updated = msgspec.structs.replace(current, marketing_stopped=stopped)
    await rt.store.write([updated])
    rt.users.remember(updated)
    phone = rt.catalog.phone_numbers[message.phone_number_id]
    preference = webhooks.user_preference(updated, True, at)
    value = webhooks.messages_value(
        phone, contacts=[webhooks.contact(updated)], user_preferences=[preference]
    )
    await emit(rt, message.waba_id, Field.USER_PREFERENCES, value, at=at)
