"""Status payloads, built when their outbox rows are delivered (or shown in the delivery log).

A status row names its message and event (`send_plan`); its `messages` value is made here from
the stored message, the phone number and the user as they are now, in the shape of the
receiving app's webhook version.
"""

from __future__ import annotations

from collections.abc import Sequence

from wamm.core import webhooks
from wamm.core.versions import LATEST_API_VERSION
from wamm.core.webhook_wire import encode_value
from wamm.service.runtime import Runtime
from wamm.store.base import Delivery


async def materialize(rt: Runtime, deliveries: Sequence[Delivery]) -> None:
    """Fill in the payload of status rows from their messages (a no-op for the others); a row
    whose message is gone keeps its empty value."""
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
        value = webhooks.status_value(
            phone,
            message,
            user,
            rt.rng_seed,
            delivery.event_index or 0,
            _webhook_version(rt, delivery),
        )
        delivery.value = encode_value(value)


def _webhook_version(rt: Runtime, delivery: Delivery) -> int:
    """The receiving app's webhook version shapes the payload (the latest for an app gone)."""
    app = rt.catalog.apps.get(delivery.app_id)
    return app.webhook_version if app is not None else LATEST_API_VERSION
