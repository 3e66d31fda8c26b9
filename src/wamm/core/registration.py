"""A business number's registration: verification code, two-step PIN, register, deregister.

    request_code ──> verify_code ──> register <──> deregister
    (code "sent")    (VERIFIED)      (CLOUD_API)    (NOT_APPLICABLE: sends fail with 133010)

Meta sends the verification code by SMS or voice call; wamm's code is the last six digits of
the number (docs/decisions.md, "Phone numbers"). Registering needs a verified number and the
two-step PIN: the first registration of a number without a PIN sets it, later ones must match.
Each step returns the number's new state; nothing here is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from msgspec.structs import replace

from wamm.core.coerce import as_str
from wamm.core.errors import GraphError, invalid_parameter, missing_parameter
from wamm.core.model import PhoneNumber

CODE_METHODS = ("SMS", "VOICE")
PIN_DIGITS = 6
CODE_DIGITS = 6
NOT_REGISTERED_SUBCODE = 2207051
MAX_REGISTRATIONS = 10
REGION_RE = re.compile(r"^[A-Z]{2}$")
REGISTRATION_WINDOW_SECONDS = 72 * 3600


def verification_code(phone: PhoneNumber) -> str:
    """The code wamm "sends" for a number: its last six digits."""
    return phone.display_phone_number[-CODE_DIGITS:]


def check_messaging_product(params: Mapping[str, Any]) -> None:
    if "messaging_product" in params and params["messaging_product"] != "whatsapp":
        raise invalid_parameter("Param messaging_product must be 'whatsapp'.")


def read_pin(params: Mapping[str, Any]) -> str:
    if "pin" not in params:
        raise missing_parameter("pin")
    pin = as_str(params["pin"], "pin")
    if len(pin) != PIN_DIGITS or not pin.isdigit():
        raise invalid_parameter("Invalid PIN format. PIN must be exactly 6 digits")
    return pin


def request_code(phone: PhoneNumber, params: Mapping[str, Any]) -> PhoneNumber:
    method = as_str(params.get("code_method", ""), "code_method").upper()
    if method not in CODE_METHODS:
        raise invalid_parameter("Invalid parameter: code_method must be SMS or VOICE")
    if not as_str(params.get("language", ""), "language"):
        raise missing_parameter("language")
    if phone.registered:
        raise invalid_parameter("Phone number is not eligible for verification at this time")
    return replace(phone, requested_code=verification_code(phone))


def verify_code(phone: PhoneNumber, params: Mapping[str, Any]) -> PhoneNumber:
    code = as_str(params.get("code", ""), "code")
    if not code:
        raise missing_parameter("code")
    if phone.code_verification_status == "VERIFIED" and phone.requested_code is None:
        raise GraphError(
            136025,
            "Code couldn't be verified, You have already verified ownership of this phone number.",
        )
    if code != phone.requested_code:
        raise GraphError(136025, "Code couldn't be verified: the code is not the one sent.")
    return replace(phone, code_verification_status="VERIFIED", requested_code=None)


def register(phone: PhoneNumber, params: Mapping[str, Any], now: float) -> PhoneNumber:
    """Meta allows 10 registrations of a number in a moving 72-hour window (133016)."""
    check_messaging_product(params)
    pin = read_pin(params)
    region = params.get("data_localization_region")
    if region is not None and not (isinstance(region, str) and REGION_RE.match(region)):
        raise invalid_parameter(
            "Param data_localization_region must be a 2-letter ISO 3166 country code (e.g. IN)."
        )
    recent = [at for at in phone.registrations if now - at < REGISTRATION_WINDOW_SECONDS]
    if len(recent) >= MAX_REGISTRATIONS:
        raise GraphError(133016)
    if phone.code_verification_status != "VERIFIED":
        raise GraphError(133006)
    if phone.pin is not None and pin != phone.pin:
        raise GraphError(133005)
    return replace(phone, registered=True, pin=pin, registrations=[*recent, now])


def deregister(phone: PhoneNumber) -> PhoneNumber:
    if not phone.registered:
        raise GraphError(
            100,
            message="Phone number not registered on the WhatsApp Business Platform.",
            subcode=NOT_REGISTERED_SUBCODE,
            with_error_data=False,
        )
    return replace(phone, registered=False)


def set_pin(phone: PhoneNumber, params: Mapping[str, Any]) -> PhoneNumber:
    """`POST /{phone_number_id}` with `pin`: set or change the two-step verification PIN."""
    return replace(phone, pin=read_pin(params))
