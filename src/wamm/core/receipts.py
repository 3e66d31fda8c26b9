"""Read receipts and typing indicators: Meta's rules, as pure functions.

`POST /{phone_number_id}/messages` with `"status": "read"` and the `message_id` of a message
the business number *received* (Meta's "Mark messages as read" and "Typing indicators"):

- the message, and every earlier message of that user to that number, become read;
- messages can be marked within 30 days of receipt;
- an invalid message id is 131009 "Parameter value is not valid" (Meta says so for unknown
  ids; wamm answers the same for a wamid the business sent, one another number received and
  one older than 30 days: docs/decisions.md);
- `"typing_indicator": {"type": "text"}` also shows "typing..." to the user until the
  business's next message, or 25 seconds;
- the answer is `{"success": true}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.coerce import as_str
from wamm.core.content_cursor import check_keys
from wamm.core.errors import GraphError, invalid_parameter, missing_parameter
from wamm.core.model import InboundMessage
from wamm.core.sending import check_messaging_product

READ_WITHIN_SECONDS = 30 * 86400
TYPING_SECONDS = 25.0
TYPING_TYPES = ("text",)
READ = "read"


@dataclass(frozen=True)
class ReadReceipt:
    message_id: str
    typing: bool


def is_status_update(body: Mapping[str, Any]) -> bool:
    """A POST to /messages that changes a received message's status instead of sending one."""
    return "status" in body


def parse_read_receipt(body: Mapping[str, Any]) -> ReadReceipt:
    check_messaging_product(body)
    status = body["status"]
    if status != READ:
        raise invalid_parameter(f"Param status must be 'read', got '{status}'.")
    if body.get("message_id") is None:
        raise missing_parameter("message_id")
    message_id = as_str(body["message_id"], "message_id")
    return ReadReceipt(message_id, _typing(body.get("typing_indicator")))


_TYPING_KEYS = frozenset({"type"})


def _typing(indicator: Any) -> bool:
    if indicator is None:
        return False
    if not isinstance(indicator, Mapping):
        raise invalid_parameter("Param typing_indicator must be a JSON object.")
    check_keys(indicator, _TYPING_KEYS, "typing_indicator")
    kind = indicator.get("type")
    if kind not in TYPING_TYPES:
        raise invalid_parameter(f"Param typing_indicator['type'] must be 'text', got '{kind}'.")
    return True


def check_readable(
    message: InboundMessage | None, message_id: str, phone_number_id: str, now: float
) -> InboundMessage:
    """The received message `message_id` names, if this number may mark it read now."""
    if message is None or message.phone_number_id != phone_number_id:
        raise GraphError(
            131009,
            f"message_id {message_id} is not the id of a message this phone number received.",
        )
    if now - message.received_at > READ_WITHIN_SECONDS:
        raise GraphError(
            131009,
            f"Message {message_id} was received more than 30 days ago: messages can be marked "
            "as read within 30 days of receipt.",
        )
    return message


def typing_until(message: InboundMessage, replied_at: float | None) -> float | None:
    """When the typing indicator the business showed on `message` ends: at its next message
    to the user (`replied_at`, if any, after the indicator started), or after 25 seconds."""
    if message.typing_at is None:
        return None
    until = message.typing_at + TYPING_SECONDS
    if replied_at is not None and replied_at >= message.typing_at:
        return min(until, replied_at)
    return until
