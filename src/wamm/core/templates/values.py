"""Send-time parameter values: each parameter type's value checks (131009) and the type check
(132012) of one parameter.

A parameter `{"type": T, T: value}` carries its value under the key named like its type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.templates.errors import invalid_value

_CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")
_COUPON_CODE = re.compile(r"[A-Za-z0-9]{1,20}")

# Parameter types a TEXT header or body variable takes.
TEXT_TYPES = ("text", "currency", "date_time")


def integer(value: Any) -> int | None:
    """`value` as an int when it is one or a numeric string, else None."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_number(value: Any) -> bool:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def _send_object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise invalid_value(field, "must be an object.")
    return value


def _check_non_empty(value: Any, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise invalid_value(field, "must be a non-empty string.")


def _check_currency(value: Any, field: str) -> None:
    currency = _send_object(value, field)
    _check_non_empty(currency.get("fallback_value"), f"{field}.fallback_value")
    code = currency.get("code")
    if not isinstance(code, str) or not _CURRENCY_CODE.fullmatch(code):
        raise invalid_value(f"{field}.code", "must be an ISO 4217 currency code such as USD.")
    if integer(currency.get("amount_1000")) is None:
        raise invalid_value(f"{field}.amount_1000", "must be an integer (the amount times 1000).")


def _check_date_time(value: Any, field: str) -> None:
    _check_non_empty(_send_object(value, field).get("fallback_value"), f"{field}.fallback_value")


def _check_media(value: Any, field: str) -> None:
    media = _send_object(value, field)
    if not any(isinstance(media.get(key), str) and media[key] for key in ("id", "link")):
        raise invalid_value(field, "needs an id (uploaded media) or a link.")


def _check_location(value: Any, field: str) -> None:
    location = _send_object(value, field)
    for key in ("latitude", "longitude"):
        if not _is_number(location.get(key)):
            raise invalid_value(f"{field}.{key}", "must be a number.")


def _check_coupon_code(value: Any, field: str) -> None:
    if not isinstance(value, str) or not _COUPON_CODE.fullmatch(value):
        raise invalid_value(field, "must be 1 to 20 letters or digits.")


def _check_action(value: Any, field: str) -> None:
    _send_object(value, field)


def _check_offer_value(value: Any, field: str) -> None:
    expiration = integer(_send_object(value, field).get("expiration_time_ms"))
    if expiration is None or expiration <= 0:
        raise invalid_value(
            f"{field}.expiration_time_ms", "must be a positive integer (unix time in milliseconds)."
        )


_VALUE_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "text": _check_non_empty,
    "currency": _check_currency,
    "date_time": _check_date_time,
    "image": _check_media,
    "video": _check_media,
    "document": _check_media,
    "gif": _check_media,
    "location": _check_location,
    "payload": _check_non_empty,
    "coupon_code": _check_coupon_code,
    "action": _check_action,
    "limited_time_offer": _check_offer_value,
}


# The keys of a parameter object: its type, its name (named templates) and the value of any type.
PARAMETER_KEYS = frozenset(
    {"type", "parameter_name", "product", "tap_target_configuration", *_VALUE_CHECKS}
)


def is_plain_text(param: Mapping[str, Any], limit: int) -> bool:
    """`{"type": "text", "text": <non-empty, at most limit characters>}`, the parameter most
    sends carry: valid wherever a text parameter of that limit is allowed (what `check_param`
    and `check_text_length` would find, without building their paths)."""
    if param.get("type") != "text":
        return False
    text = param.get("text")
    return isinstance(text, str) and 0 < len(text) <= limit and not text.isspace()


def check_text_length(param: Mapping[str, Any], field: str, limit: int) -> None:
    """Meta's character limit on the text a valid parameter puts into the message (131009)."""
    ptype = str(param["type"]).lower()
    if ptype == "text":
        text, where = param["text"], f"{field}.text"
    elif ptype in ("currency", "date_time"):
        text, where = param[ptype]["fallback_value"], f"{field}.{ptype}.fallback_value"
    else:
        return
    if len(text) > limit:
        raise invalid_value(where, f"must be at most {limit} characters long, got {len(text)}.")


def check_param(
    param: Mapping[str, Any], field: str, allowed: Collection[str], wanted: str
) -> None:
    """One parameter: its type one of `allowed` (else 132012 naming `wanted`), its value valid."""
    ptype = param.get("type")
    if not isinstance(ptype, str):
        raise invalid_value(f"{field}.type", "is required and must be a string.")
    ptype = ptype.lower()
    if ptype not in allowed:
        raise GraphError(132012, f"{field}.type is '{ptype}' but {wanted}.")
    value = param.get(ptype)
    if value is None:
        # Meta's answer names the type twice and not the field (docs/errors.md).
        raise invalid_parameter(
            f"Parameter '{ptype}' is mandatory for component parameter type '{ptype}'"
        )
    _VALUE_CHECKS[ptype](value, f"{field}.{ptype}")
