"""Checking and reading webhook POSTs: `verify_signature` and `parse`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from wamm.client.errors import WhatsAppError
from wamm.client.webhooks.models import (
    AccountAlertUpdate,
    AccountUpdate,
    BusinessCapabilityUpdate,
    ClickUpdate,
    ErrorUpdate,
    MessagesValue,
    MessageUpdate,
    PhoneNumberQualityUpdate,
    StatusUpdate,
    TemplateCategoryUpdate,
    TemplateComponentsUpdate,
    TemplateQualityUpdate,
    TemplateStatusUpdate,
    UnknownUpdate,
    Update,
    UserPreferenceUpdate,
)
from wamm.core import webhook_wire
from wamm.core.webhook_wire import MESSAGES_SHAPED, OBJECT, SIGNATURE_HEADER, Field

__all__ = ["SIGNATURE_HEADER", "InvalidWebhookError", "parse", "verify_signature"]

_Change = webhook_wire.Change[dict[str, Any]]
_Entry = webhook_wire.Entry[dict[str, Any]]


class InvalidWebhookError(WhatsAppError, ValueError):
    """A body that is not a WhatsApp Business Account webhook."""


_SIMPLE_FIELDS: dict[str, type[Update]] = {
    Field.TEMPLATE_STATUS: TemplateStatusUpdate,
    Field.TEMPLATE_QUALITY: TemplateQualityUpdate,
    Field.TEMPLATE_CATEGORY: TemplateCategoryUpdate,
    Field.TEMPLATE_COMPONENTS: TemplateComponentsUpdate,
    Field.ACCOUNT_UPDATE: AccountUpdate,
    Field.PHONE_QUALITY: PhoneNumberQualityUpdate,
    Field.ACCOUNT_ALERTS: AccountAlertUpdate,
    Field.BUSINESS_CAPABILITY: BusinessCapabilityUpdate,
}


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `header` (`X-Hub-Signature-256`, "sha256=<hex>") is the HMAC-SHA256 of the raw
    body with the app secret. Compare before parsing: the signature covers the exact bytes."""
    return webhook_wire.signature_matches(raw_body, header, app_secret)


def parse(raw_body: bytes) -> list[Update]:
    """The updates of one webhook POST, in order. Raises `InvalidWebhookError` for a body
    that is not a WhatsApp Business Account notification."""
    try:
        notification = webhook_wire.decode(raw_body)
        if notification.object != OBJECT:
            raise InvalidWebhookError(f"not a WhatsApp webhook: object {notification.object!r}")
        return [
            update
            for entry in notification.entry
            for change in entry.changes
            for update in _updates(entry, change)
        ]
    except msgspec.MsgspecError as error:
        raise InvalidWebhookError(f"malformed webhook: {error}") from error


def _updates(entry: _Entry, change: _Change) -> Iterator[Update]:
    base: dict[str, Any] = {"waba_id": entry.id, "field": change.field, "time": entry.time}
    if change.field in MESSAGES_SHAPED:
        yield from _messages(base, msgspec.convert(change.value, MessagesValue))
    elif change.field in _SIMPLE_FIELDS:
        yield msgspec.convert({**change.value, **base}, _SIMPLE_FIELDS[change.field])
    else:
        yield UnknownUpdate(value=change.value, **base)


def _messages(base: dict[str, Any], value: MessagesValue) -> Iterator[Update]:
    contact = value.contacts[0] if value.contacts else None
    common = {**base, "phone_number_id": value.metadata.phone_number_id, "contact": contact}
    parts: list[tuple[list[Any], Callable[..., Update], str]] = [
        (value.statuses, StatusUpdate, "status"),
        (value.messages, MessageUpdate, "message"),
        (value.user_actions, ClickUpdate, "action"),
        (value.user_preferences, UserPreferenceUpdate, "preference"),
        (value.errors, ErrorUpdate, "error"),
    ]
    for items, kind, key in parts:
        for item in items:
            yield kind(**common, **{key: item})
