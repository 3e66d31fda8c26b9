"""Conversions: a simulated user converts (adds to cart, buys...) after clicking a marketing
message's link, as Meta's Pixel or Conversions API would report it. Recorded as a user action
that MM insights count (`marketing_messages_website_purchase`, ...)."""

from __future__ import annotations

from typing import Any

from wamm.core.analytics.queries import CONVERSION_METRICS
from wamm.core.analytics.values import parse_enum
from wamm.core.coerce import type_name
from wamm.core.errors import invalid_parameter
from wamm.service.control import sent_message
from wamm.service.runtime import Runtime
from wamm.store.base import Interaction

# The event types: Meta's conversion metric names, less the purchase value metrics (a purchase
# carries its value instead).
CONVERSION_TYPES = tuple(m for m in CONVERSION_METRICS if not m.endswith("_CONVERSION_VALUE"))
MAX_VALUE = 10**12  # far above any purchase, and a float holds it exactly


def _value(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid_parameter(
            f"value must be a number (in the WABA's currency), got {type_name(value)}."
        )
    if not 0 <= value <= MAX_VALUE:
        raise invalid_parameter(f"value must be between 0 and {MAX_VALUE}.")
    return float(value)


async def record(rt: Runtime, wamid: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /_wamm/messages/{wamid}/conversion: only a message whose link was clicked
    converts (Meta attributes conversions to link clicks)."""
    message, _, _ = await sent_message(rt, wamid)
    kind = parse_enum(body.get("type"), "type", CONVERSION_TYPES)
    value = _value(body.get("value"))
    now = rt.now()
    actions = await rt.store.interactions_between(message.waba_id, message.created_at, now + 1)
    if not any(a.wamid == wamid and a.kind == "url_button" for a in actions):
        raise invalid_parameter(
            f"Message {wamid} has no link click: a conversion follows a click "
            f"(POST /_wamm/messages/{wamid}/click first)."
        )
    data: dict[str, object] = {"template_id": message.template_id, "type": kind}
    if value is not None:
        data["value"] = value
    await rt.store.add_interaction(
        Interaction(waba_id=message.waba_id, wamid=wamid, kind="conversion", at=now, data=data)
    )
    return {"wamid": wamid, "type": kind, "value": value, "timestamp": int(now)}
