"""Builders shared by several test modules: Graph request bodies, core structs for tests that
drive core rules directly, stored messages and webhook deliveries. Test modules import these from
here, never from one another."""

from __future__ import annotations

from typing import Any

from tests import seed_data as sd
from wamm.core.model import ROUTE_MM, Message, Template
from wamm.core.recipients import PlannedEvent
from wamm.store.base import Delivery

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
BID_SPEC = {"bid_amount": 1, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}

BODY_PARAMS = [
    {
        "type": "body",
        "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "20%"}],
    }
]


def template_send(name: str = "summer_sale", components: Any = None, **top: Any) -> dict[str, Any]:
    """A template send of the seed's `summer_sale` (or `name`); `None` values drop a field."""
    body = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": sd.BR_PHONE,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": "en_US"},
            "components": BODY_PARAMS if components is None else components,
        },
    }
    body.update(top)
    return {k: v for k, v in body.items() if v is not None}


def text_send(**top: Any) -> dict[str, Any]:
    """A free-form text send to the seed's Brazilian user; `None` values drop a field."""
    body = {
        "messaging_product": "whatsapp",
        "to": sd.BR_PHONE,
        "type": "text",
        "text": {"body": "hello"},
    }
    body.update(top)
    return {k: v for k, v in body.items() if v is not None}


# The interactive kinds beyond buttons and lists, as sent through /messages.
KINDS = (
    "carousel",
    "voice_call",
    "call_permission_request",
    "request_contact_info",
    "order_details",
    "order_status",
)


def interactive_send(content: dict[str, Any]) -> dict[str, Any]:
    """An interactive send of `content` to the seed's Brazilian user."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": sd.BR_PHONE,
        "type": "interactive",
        "interactive": content,
    }


def template(
    category: str = "MARKETING",
    *,
    status: str = "APPROVED",
    bid: bool = False,
    created_at: float = 0.0,
    ttl: int | None = None,
) -> Template:
    """A template `t` (en_US) of WABA `w` without components."""
    return Template(
        id="1",
        waba_id="w",
        seq=1,
        name="t",
        language="en_US",
        category=category,
        status=status,
        components=[],
        created_at=created_at,
        bid_spec=BID_SPEC if bid else None,
        message_send_ttl_seconds=ttl,
    )


def message(
    seq: int,
    events: list[tuple[float, str]],
    *,
    route: str = ROUTE_MM,
    category: str = "marketing_lite",
    template_id: str | None = "11",
    phone: str | None = "5511900000001",
    bsuid: str | None = None,
) -> Message:
    """A stored marketing message whose planned status events are `events` (time, status)."""
    return Message(
        wamid=f"wamid.{seq}",
        seq=seq,
        phone_number_id="1",
        waba_id="2",
        endpoint="marketing_messages",
        type="template",
        recipient_input=phone or bsuid or "",
        recipient_phone=phone,
        recipient_bsuid=bsuid,
        template_id=template_id,
        route=route,
        pricing_category=category,
        created_at=events[0][0] - 1 if events else T0,
        events=[PlannedEvent(at, status) for at, status in events],
    )


def deliveries(count: int, due: float = 100.0) -> list[Delivery]:
    """Inbound messages: each its own, none waits for another."""
    return [
        Delivery(
            app_id="a",
            waba_id="w",
            field="messages",
            wamid=f"wamid.inbound-{i}",
            value=b'{"n":%d}' % i,
            event_at=due,
            due_at=due,
            next_attempt_at=due,
        )
        for i in range(count)
    ]
