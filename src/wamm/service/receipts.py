"""Read receipts and typing indicators (see core/receipts.py for Meta's rules), and the
inbound messages as the control API shows them."""

from __future__ import annotations

from typing import Any

from wamm.core import receipts
from wamm.core.model import InboundMessage, PhoneNumber
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime
from wamm.store.base import MessageQuery

SUCCESS = {"success": True}


async def mark_read(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    """POST /{phone_number_id}/messages with `"status": "read"`."""
    receipt = receipts.parse_read_receipt(call.params)
    rt = call.rt
    now = rt.now()
    found = await rt.store.get_inbound(receipt.message_id)
    message = receipts.check_readable(found, receipt.message_id, phone.id, now)
    await rt.store.mark_inbound_read(message, now, typing=receipt.typing)
    return SUCCESS


async def inbound_view(rt: Runtime, message: InboundMessage) -> dict[str, Any]:
    """A received message for the control API: its content and its read state."""
    view: dict[str, Any] = {
        "wamid": message.wamid,
        "phone_number_id": message.phone_number_id,
        "waba_id": message.waba_id,
        "from": message.user_phone,
        "received_at": message.received_at,
        "read_at": message.read_at,
        "message": message.content,
    }
    if message.typing_at is not None:
        until = receipts.typing_until(message, await _last_reply_at(rt, message))
        view["typing_indicator"] = {
            "started_at": message.typing_at,
            "until": until,
            "active": until is not None and rt.now() < until,
        }
    return view


async def _last_reply_at(rt: Runtime, message: InboundMessage) -> float | None:
    query = MessageQuery(
        limit=1, phone_number_id=message.phone_number_id, recipient=message.user_phone
    )
    newest = await rt.store.list_messages(query)
    return newest[0].created_at if newest else None
