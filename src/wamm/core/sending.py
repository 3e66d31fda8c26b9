"""The envelope of a send request, shared by `/messages` and `/marketing_messages`.

Only what every message has is read here: product, recipient (`to` wins over `recipient`),
type, MM options. The type-specific object is checked by `content` (non-template) or
`templates` (template parameters).

Keys Meta does not define inside an object parameter (`template`, `template['language']`,
`bid_spec`) are refused with Graph's `Unexpected key` error. Unknown top-level parameters are
not: Graph ignores parameters an endpoint does not take, and that error has no param to name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from wamm.core.coerce import as_bool, as_object, as_str
from wamm.core.content_cursor import check_keys
from wamm.core.errors import GraphError, NotEmulated, invalid_parameter, missing_parameter
from wamm.core.phones import is_bsuid, normalize_phone

ENDPOINT_MESSAGES = "messages"
ENDPOINT_MARKETING = "marketing_messages"
POLICY_FALLBACK = "CLOUD_API_FALLBACK"
POLICY_STRICT = "STRICT"
MAX_CALLBACK_DATA = 512
# `namespace` and `policy` come from the On-Premises API's template object; the Cloud API's
# pages no longer show them, and SDKs written for both still send them.
_TEMPLATE_KEYS = frozenset({"name", "language", "components", "namespace"})
_LANGUAGE_KEYS = frozenset({"code", "policy"})
_BID_SPEC_KEYS = frozenset({"per_message_bid_multiplier"})


class Recipient(msgspec.Struct, frozen=True):
    input: str
    phone: str | None
    bsuid: str | None

    def contact(self) -> dict[str, str]:
        """The `contacts[]` entry of the send response (BSUID docs): `wa_id` only when sent
        by phone number, `user_id` only when sent by BSUID alone."""
        if self.phone is not None:
            return {"input": self.input, "wa_id": self.phone}
        return {"input": self.input, "user_id": self.input}


class Envelope(msgspec.Struct, frozen=True):
    recipient: Recipient
    type: str
    product_policy: str
    message_activity_sharing: bool | None
    biz_opaque_callback_data: str | None
    bid_multiplier: float | None


class TemplateRef(msgspec.Struct, frozen=True):
    name: str
    language: str
    components: Any


def _text_or_number(value: Any, name: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return as_str(value, name)


def parse_recipient(body: Mapping[str, Any]) -> Recipient:
    to, recipient = body.get("to"), body.get("recipient")
    if to in (None, "") and recipient in (None, ""):
        raise GraphError(100, message="The parameter to is required.", with_error_data=False)
    if to not in (None, ""):
        raw = _text_or_number(to, "to")
        phone = normalize_phone(raw)
        if phone is None:
            raise invalid_parameter(
                f"Param to must be a phone number in international format, got '{raw}'."
            )
        return Recipient(raw, phone, None)
    bsuid = as_str(recipient, "recipient").strip()
    if not is_bsuid(bsuid):
        raise invalid_parameter(
            f"Param recipient must be a business-scoped user ID such as "
            f"'US.13491208655302741918', got '{bsuid}'."
        )
    return Recipient(bsuid, None, bsuid)


def check_messaging_product(body: Mapping[str, Any]) -> None:
    """Every POST to /messages names the product: `"messaging_product": "whatsapp"`."""
    product = body.get("messaging_product")
    if product is None:
        raise missing_parameter("messaging_product")
    if product != "whatsapp":
        raise invalid_parameter(f"Param messaging_product must be 'whatsapp', got '{product}'.")


def parse_envelope(body: Mapping[str, Any], endpoint: str) -> Envelope:
    check_messaging_product(body)
    recipient_type = body.get("recipient_type", "individual")
    if recipient_type == "group":
        raise NotEmulated(131051, "Group messages (recipient_type group) are not supported.")
    if recipient_type != "individual":
        raise invalid_parameter(
            f"Param recipient_type must be 'individual' or 'group', got '{recipient_type}'."
        )
    message_type = as_str(body.get("type", "text"), "type")
    if endpoint == ENDPOINT_MARKETING and message_type != "template":
        raise invalid_parameter("Message must be a template message.")
    return Envelope(
        recipient=parse_recipient(body),
        type=message_type,
        product_policy=_product_policy(body, endpoint),
        message_activity_sharing=_optional_bool(body, "message_activity_sharing"),
        biz_opaque_callback_data=_callback_data(body),
        bid_multiplier=_bid_multiplier(body) if endpoint == ENDPOINT_MARKETING else None,
    )


def _optional_bool(body: Mapping[str, Any], name: str) -> bool | None:
    value = body.get(name)
    return None if value is None else as_bool(value, name)


def _product_policy(body: Mapping[str, Any], endpoint: str) -> str:
    value = body.get("product_policy")
    if value is None or endpoint != ENDPOINT_MARKETING:
        return POLICY_FALLBACK
    policy = as_str(value, "product_policy").upper()
    if policy not in (POLICY_FALLBACK, POLICY_STRICT):
        raise invalid_parameter(
            f"Param product_policy must be CLOUD_API_FALLBACK or STRICT, got '{value}'."
        )
    return policy


def _callback_data(body: Mapping[str, Any]) -> str | None:
    value = body.get("biz_opaque_callback_data")
    if value is None:
        return None
    text = as_str(value, "biz_opaque_callback_data")
    if len(text) > MAX_CALLBACK_DATA:
        raise invalid_parameter(
            f"Param biz_opaque_callback_data must be at most {MAX_CALLBACK_DATA} characters."
        )
    return text


def _bid_multiplier(body: Mapping[str, Any]) -> float | None:
    value = body.get("bid_spec")
    if value is None:
        return None
    spec = as_object(value, "bid_spec")
    check_keys(spec, _BID_SPEC_KEYS, "bid_spec")
    multiplier = spec.get("per_message_bid_multiplier", 1)
    if isinstance(multiplier, str):
        try:
            multiplier = float(multiplier)
        except ValueError:
            multiplier = None
    if isinstance(multiplier, bool) or not isinstance(multiplier, int | float) or multiplier <= 0:
        raise invalid_parameter(
            "Param bid_spec.per_message_bid_multiplier must be a number greater than 0."
        )
    return float(multiplier)


def parse_template_ref(value: Any) -> TemplateRef:
    """`template: {name, language: {code}, components}` of a send."""
    if value is None:
        raise missing_parameter("template")
    template = as_object(value, "template")
    check_keys(template, _TEMPLATE_KEYS, "template")
    name = template.get("name")
    if name in (None, ""):
        raise missing_parameter("template['name']")
    language = template.get("language")
    if language is None:
        raise missing_parameter("template['language']")
    language = as_object(language, "template['language']")
    check_keys(language, _LANGUAGE_KEYS, "template.language")
    code = language.get("code")
    if code in (None, ""):
        raise missing_parameter("template['language']['code']")
    return TemplateRef(
        name=as_str(name, "template['name']"),
        language=as_str(code, "template['language']['code']"),
        components=template.get("components"),
    )
