"""Webhook payloads in Meta's shapes, and which URLs may receive them.

The builders here make the `value` of each `changes[]` item; the envelope around the values,
the field names and the signed bytes are `webhook_wire`'s.
"""

from __future__ import annotations

import hashlib
import ipaddress
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from wamm.core import pricing
from wamm.core.coerce import as_str
from wamm.core.errors import async_error_object, invalid_parameter
from wamm.core.model import Message, PhoneNumber, Template, User
from wamm.core.recipients import PlannedEvent
from wamm.core.versions import status_has_conversation

CONVERSATION_SECONDS = 24 * 3600
CONTROL_PREFIX = "/_wamm"  # wamm's own control API: never a callback


def callback_url_problem(url: str) -> str | None:
    """What makes `url` unusable as a webhook callback (http or https, a host wamm can
    resolve: labels of 1-63 characters, IDNA-encodable, not a path of wamm's control API),
    or None when it is fine."""
    if any(char.isspace() or not char.isprintable() for char in url):
        return "it contains white space or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError as error:
        return f"it cannot be parsed ({error})"
    if parts.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if not parts.hostname:
        return "it has no host"
    if _is_control_path(parts.path):
        return f"it points at wamm's control API ({CONTROL_PREFIX}/)"
    return _host_problem(parts.hostname)


def _is_control_path(path: str) -> bool:
    """Whether a server would route `path` to wamm's control API, on whatever host: wamm cannot
    know every name it is reached by (container names, proxies, addresses), and a webhook POST
    to `/_wamm/reset` would wipe the server. The path is decoded and its dot segments and
    repeated slashes resolved, as the server sees it."""
    resolved = posixpath.normpath("/" + unquote(path)).lstrip("/")
    return ("/" + resolved).startswith(CONTROL_PREFIX)


def _host_problem(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if len(host) > 253:
        return "the host name is longer than 253 characters"
    for label in host.removesuffix(".").split("."):
        if not label:
            return "the host name has an empty label"
        if len(label) > 63:
            return "a host name label is longer than 63 characters"
        try:
            label.encode("idna")
        except UnicodeError:
            return f"the host name label '{label}' is not a valid (IDNA) domain name label"
    return None


def callback_url(value: Any, name: str) -> str:
    """A webhook callback URL parameter, or code 100 naming the parameter and the problem."""
    url = as_str(value, name)
    problem = callback_url_problem(url)
    if problem is not None:
        raise invalid_parameter(f"Param {name} is not a valid callback URL: {problem}.")
    return url


def _metadata(phone: PhoneNumber) -> dict[str, str]:
    return {"display_phone_number": phone.display_phone_number, "phone_number_id": phone.id}


def messages_value(phone: PhoneNumber, **parts: Any) -> dict[str, Any]:
    """The `messages` field value: product, metadata, then contacts/messages/statuses/..."""
    value: dict[str, Any] = {"messaging_product": "whatsapp", "metadata": _metadata(phone)}
    value.update({key: part for key, part in parts.items() if part is not None})
    return value


def contact(user: User, *, with_username: bool = True) -> dict[str, Any]:
    """A `contacts[]` entry (BSUID era): profile, wa_id, user_id, parent_user_id."""
    profile: dict[str, Any] = {"name": user.name}
    if with_username and user.username:
        profile["username"] = user.username
    entry: dict[str, Any] = {"profile": profile, "wa_id": user.phone, "user_id": user.bsuid}
    if user.parent_bsuid:
        entry["parent_user_id"] = user.parent_bsuid
    return entry


def conversation_id(seed: int, message: Message) -> str:
    return hashlib.blake2b(f"{seed}:conv:{message.wamid}".encode(), digest_size=16).hexdigest()


def _recipient_fields(message: Message) -> dict[str, Any]:
    """How the message was addressed decides the recipient keys (BSUID docs)."""
    if message.recipient_bsuid is None:
        return {"recipient_id": message.recipient_phone}
    if message.recipient_parent_bsuid is not None:
        return {"parent_recipient_user_id": message.recipient_parent_bsuid}
    return {"recipient_user_id": message.recipient_bsuid}


def _contacts(message: Message, user: User | None, with_username: bool) -> list[dict[str, Any]]:
    """Every status carries the recipient in `contacts` (only what wamm knows of it when the
    recipient did not resolve); see decisions.md."""
    if user is not None:
        return [contact(user, with_username=with_username)]
    if message.recipient_bsuid is not None:
        return [{"user_id": message.recipient_bsuid}]
    return [{"wa_id": message.recipient_phone}]


def _conversation(seed: int, message: Message, event: PlannedEvent) -> dict[str, Any]:
    """A free entry point message's conversation is the entry window (origin
    `referral_conversion`, expiring when the window closes); any other is 24 hours long."""
    conversation: dict[str, Any] = {"id": conversation_id(seed, message)}
    entry_until = message.entry_point_until
    if event.status == "sent":
        expires = entry_until if entry_until is not None else event.at + CONVERSATION_SECONDS
        conversation["expiration_timestamp"] = str(int(expires))
    origin = message.pricing_category if entry_until is None else pricing.ENTRY_POINT_ORIGIN
    conversation["origin"] = {"type": origin}
    return conversation


def status_value(
    phone: PhoneNumber,
    message: Message,
    user: User | None,
    seed: int,
    index: int,
    webhook_version: int,
) -> dict[str, Any]:
    """The `messages` value announcing the message's `index`-th planned event, as the
    receiving app's webhook version shapes it."""
    event = message.events[index]
    status: dict[str, Any] = {
        "id": message.wamid,
        "status": event.status,
        "timestamp": str(int(event.at)),
        **_recipient_fields(message),
    }
    if message.biz_opaque_callback_data is not None:
        status["biz_opaque_callback_data"] = message.biz_opaque_callback_data
    if event.status == "failed":
        status["errors"] = [async_error_object(event.error_code or 131000)]
    else:
        in_entry_point = message.entry_point_until is not None
        # Meta keeps `conversation` for free entry point messages in every version.
        if in_entry_point or status_has_conversation(webhook_version):
            status["conversation"] = _conversation(seed, message, event)
        status["pricing"] = pricing.pricing(
            message.pricing_category, message.in_window, in_entry_point
        )
    contacts = _contacts(message, user, with_username=event.status not in ("sent", "failed"))
    return {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone),
        "contacts": contacts,
        "statuses": [status],
    }


def template_status_value(
    template: Template, event: str, reason: str = "NONE", other_info: dict[str, str] | None = None
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "event": event,
        "message_template_id": int(template.id),
        "message_template_name": template.name,
        "message_template_language": template.language,
        "reason": reason,
        "message_template_category": template.category,
    }
    if other_info is not None:
        value["other_info"] = other_info
    return value


def template_quality_value(template: Template, previous: str, new: str) -> dict[str, Any]:
    return {
        "previous_quality_score": previous,
        "new_quality_score": new,
        "message_template_id": int(template.id),
        "message_template_name": template.name,
        "message_template_language": template.language,
    }


def template_category_value(template: Template, previous: str, new: str) -> dict[str, Any]:
    return {
        "message_template_id": int(template.id),
        "message_template_name": template.name,
        "message_template_language": template.language,
        "previous_category": previous,
        "new_category": new,
    }


def template_category_notice_value(template: Template, at: float) -> dict[str, Any]:
    """The impending-change form: `new_category` is still the current one."""
    return {
        "message_template_id": int(template.id),
        "message_template_name": template.name,
        "message_template_language": template.language,
        "correct_category": template.correct_category,
        "new_category": template.category,
        "category_update_timestamp": int(at),
    }


# Buttons the components update describes; other kinds are left out, as at Meta.
_COMPONENTS_UPDATE_BUTTONS = {"URL": "url", "PHONE_NUMBER": "phone_number"}


def template_components_value(template: Template) -> dict[str, Any]:
    """`message_template_components_update` after an edit: the body text, and the text header,
    footer and URL / phone-number buttons when the template has them."""
    by_type = {c["type"]: c for c in template.components}
    value: dict[str, Any] = {
        "message_template_id": int(template.id),
        "message_template_name": template.name,
        "message_template_language": template.language,
        "message_template_element": by_type.get("BODY", {}).get("text", ""),
    }
    header = by_type.get("HEADER", {})
    if header.get("format") == "TEXT":
        value["message_template_title"] = header.get("text", "")
    if "FOOTER" in by_type and "text" in by_type["FOOTER"]:
        value["message_template_footer"] = by_type["FOOTER"]["text"]
    buttons = [
        _components_update_button(b)
        for b in by_type.get("BUTTONS", {}).get("buttons", [])
        if b["type"] in _COMPONENTS_UPDATE_BUTTONS
    ]
    if buttons:
        value["message_template_buttons"] = buttons
    return value


def _components_update_button(button: dict[str, Any]) -> dict[str, Any]:
    kind = button["type"]
    target = _COMPONENTS_UPDATE_BUTTONS[kind]
    return {
        "message_template_button_type": kind,
        "message_template_button_text": button.get("text", ""),
        f"message_template_button_{target}": button.get(target, ""),
    }


def terms_signed_value(business_id: str, waba_id: str) -> dict[str, Any]:
    return {
        "event": "MM_LITE_TERMS_SIGNED",
        "waba_info": {"owner_business_id": business_id, "waba_id": waba_id},
    }


def user_preference(user: User, stop: bool, at: float) -> dict[str, Any]:
    """One `user_preferences[]` entry: the user stopped or resumed marketing messages."""
    verb = "stop" if stop else "resume"
    return {
        "wa_id": user.phone,
        "user_id": user.bsuid,
        "detail": f"User requested to {verb} marketing messages",
        "category": "marketing_messages",
        "value": verb,
        "timestamp": str(int(at)),
    }
