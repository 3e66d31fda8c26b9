"""Webhook values about a business number or account rather than a message: quality and
messaging limit, account alerts, capability changes, and system-level `messages` errors.

Each builder follows the syntax of its page in Meta's webhook reference (keys in the order
Meta's syntax lists them), named next to it under
https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/
(the "source" of each). The control API's bodies are checked here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_int, as_str
from wamm.core.errors import CATALOGUE, async_error_object, invalid_parameter
from wamm.core.model import PhoneNumber
from wamm.core.phone_quality import TIERS
from wamm.core.webhooks import messages_value


def quality_update_value(phone: PhoneNumber, event: str, old_limit: str | None) -> dict[str, Any]:
    """`phone_number_quality_update` (source: webhooks/reference/phone_number_quality_update):
    `old_limit` only for messaging limit changes. `current_limit` is deprecated in favour of
    `max_daily_conversations_per_business` but still documented; both carry the tier."""
    value: dict[str, Any] = {"display_phone_number": phone.display_phone_number, "event": event}
    if old_limit is not None:
        value["old_limit"] = old_limit
    value["current_limit"] = phone.messaging_limit_tier
    value["max_daily_conversations_per_business"] = phone.messaging_limit_tier
    return value


# `account_alerts` (source: webhooks/reference/account_alerts).
ALERT_SEVERITIES = ("CRITICAL", "WARNING", "INFORMATIONAL")
ALERT_STATUSES = ("ACTIVE", "NONE")


def account_alert_value(body: Mapping[str, Any], business_id: str) -> dict[str, Any]:
    """The `account_alerts` value a control API body asks for: `alert_type` required, the
    entity the business portfolio unless given, WARNING and ACTIVE by default."""
    return {
        "entity_type": as_str(body.get("entity_type", "BUSINESS"), "entity_type"),
        "entity_id": as_str(body.get("entity_id", business_id), "entity_id"),
        "alert_info": {
            "alert_severity": _one_of(body, "alert_severity", ALERT_SEVERITIES, "WARNING"),
            "alert_status": _one_of(body, "alert_status", ALERT_STATUSES, "ACTIVE"),
            "alert_type": _required_text(body, "alert_type"),
            "alert_description": as_str(body.get("alert_description", ""), "alert_description"),
        },
    }


# `business_capability_update` (source: webhooks/reference/business_capability_update). Meta's
# page types the business limit as an integer yet lists tier names as its values, and its example
# sends 2000: wamm takes either and sends it as given (docs/decisions.md).
CAPABILITY_KEYS = (
    "max_daily_conversation_per_phone",
    "max_daily_conversations_per_business",
    "max_phone_numbers_per_business",
    "max_phone_numbers_per_waba",
)
_LIMIT_TIERS = {250: "TIER_250", 2000: "TIER_2K", 10000: "TIER_10K", 100000: "TIER_100K"}
UNLIMITED = -1


def capability_value(body: Mapping[str, Any]) -> dict[str, Any]:
    """The given capabilities, in the order of Meta's syntax; at least one."""
    value: dict[str, Any] = {}
    for key in CAPABILITY_KEYS:
        if body.get(key) is not None:
            value[key] = _capability(key, body[key])
    if not value:
        raise invalid_parameter(f"Give at least one of {', '.join(CAPABILITY_KEYS)}.")
    return value


def _capability(key: str, raw: Any) -> int | str:
    if key == "max_daily_conversations_per_business" and isinstance(raw, str):
        if raw not in TIERS:
            raise invalid_parameter(f"Param {key} must be a tier ({', '.join(TIERS)}) or a number.")
        return raw
    number = as_int(raw, key)
    if key.startswith("max_daily") and number != UNLIMITED and number not in _LIMIT_TIERS:
        raise invalid_parameter(f"Param {key} must be 250, 2000, 10000, 100000 or -1.")
    if not key.startswith("max_daily") and number < 1:
        raise invalid_parameter(f"Param {key} must be a positive number.")
    return number


def capability_tier(value: Mapping[str, Any]) -> str | None:
    """The messaging limit tier a capability update sets for the portfolio's numbers."""
    limit = value.get("max_daily_conversations_per_business")
    if limit is None:
        limit = value.get("max_daily_conversation_per_phone")
    if limit is None or isinstance(limit, str):
        return limit
    return "TIER_UNLIMITED" if limit == UNLIMITED else _LIMIT_TIERS[limit]


def system_error_value(phone: PhoneNumber, code: int, details: str | None) -> dict[str, Any]:
    """A `messages` value with system-level `errors` and no message or status (source:
    webhooks/reference/messages/errors): metadata, then `errors[]` as in a failed status."""
    if code not in CATALOGUE:
        raise invalid_parameter(f"Param code must be an error code of docs/errors.md, got {code}.")
    return messages_value(phone, errors=[async_error_object(code, details)])


def _one_of(body: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = as_str(body.get(name, default), name).upper()
    if value not in allowed:
        raise invalid_parameter(f"Param {name} must be one of {', '.join(allowed)}.")
    return value


def _required_text(body: Mapping[str, Any], name: str) -> str:
    value = as_str(body.get(name, ""), name).strip()
    if not value:
        raise invalid_parameter(f"Param {name} is required.")
    return value
