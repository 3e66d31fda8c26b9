"""An app's webhook subscription through Graph (`/{app_id}/subscriptions`, Meta's "App
Subscriptions" edge), as pure functions; the control API's `POST /_wamm/apps/{id}/webhook`
sets the same callback.

- POST takes `object` (`whatsapp_business_account`), `callback_url`, `verify_token` and
  `fields` (comma-separated, or a JSON list of names); the callback must pass the
  `hub.challenge` handshake (2200) and the answer is `{"success": true}`. The app then
  receives only those fields (an app set up through a seed or the control API receives all),
  shaped by the version of the POST's path, which becomes the app's webhook version.
- GET answers `{"data": [{object, callback_url, active, fields: [{name, version}]}]}` (each
  field at the app's webhook version), empty while the app has no callback.
- DELETE with `object` removes the subscription; with `fields` too, only those fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.coerce import as_str
from wamm.core.errors import invalid_parameter, missing_parameter
from wamm.core.model import App
from wamm.core.versions import version_name
from wamm.core.webhook_wire import OBJECT
from wamm.core.webhooks import callback_url

# The fields of Meta's whatsapp_business_account webhooks.
FIELDS = frozenset(
    {
        "account_alerts",
        "account_review_update",
        "account_update",
        "automatic_events",
        "business_capability_update",
        "business_status_update",
        "calls",
        "flows",
        "history",
        "message_echoes",
        "message_template_components_update",
        "message_template_quality_update",
        "message_template_status_update",
        "messages",
        "partner_solutions",
        "payment_configuration_update",
        "phone_number_name_update",
        "phone_number_quality_update",
        "security",
        "smb_app_state_sync",
        "smb_message_echoes",
        "template_category_update",
        "tracking_events",
        "user_preferences",
    }
)


@dataclass(frozen=True)
class Subscribe:
    callback_url: str
    verify_token: str
    fields: tuple[str, ...]


def check_object(params: Mapping[str, Any]) -> None:
    value = params.get("object")
    if value is None:
        raise missing_parameter("object")
    if value != OBJECT:
        raise invalid_parameter(
            f"Param object must be '{OBJECT}' (the object wamm sends webhooks for), got '{value}'."
        )


def parse_fields(value: Any) -> tuple[str, ...]:
    """`fields` as Graph takes it: `a,b`, or a JSON list (as a list or as text)."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            raise invalid_parameter("Param fields must be a JSON list of names.") from None
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise missing_parameter("fields")
    fields = tuple(dict.fromkeys(as_str(name, "fields").strip() for name in names))
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise invalid_parameter(
            f"Param fields has '{unknown[0]}', which is not a field of {OBJECT}."
        )
    return fields


def parse_subscribe(params: Mapping[str, Any]) -> Subscribe:
    check_object(params)
    if params.get("fields") is None:
        raise missing_parameter("fields")
    return Subscribe(
        callback_url=callback_url(params.get("callback_url"), "callback_url"),
        verify_token=as_str(params.get("verify_token", ""), "verify_token"),
        fields=parse_fields(params["fields"]),
    )


def remaining_fields(app: App, params: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The fields left after a DELETE (None: the whole subscription goes)."""
    check_object(params)
    if params.get("fields") is None:
        return None
    removed = parse_fields(params["fields"])
    current = app.webhook_fields or tuple(sorted(FIELDS))
    left = tuple(name for name in current if name not in removed)
    return left or None


def subscriptions_view(app: App) -> list[dict[str, Any]]:
    if app.webhook_url is None:
        return []
    version = version_name(app.webhook_version)
    names = app.webhook_fields or tuple(sorted(FIELDS))
    return [
        {
            "object": OBJECT,
            "callback_url": app.webhook_url,
            "active": True,
            "fields": [{"name": name, "version": version} for name in names],
        }
    ]
