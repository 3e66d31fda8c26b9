"""The SDK's business phone number operations: registration, business profile and blocklist.
`Client` and `AsyncClient` expose each as a method (see `api`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from wamm.client.models import BlockedUser, BlockUsersResult, BusinessProfile, Page, Success
from wamm.client.operations import _set
from wamm.client.transport import Call, decoder

_PROFILES = msgspec.json.Decoder(Page[BusinessProfile])


def register_phone_number(
    phone_number_id: str, pin: str, *, data_localization_region: str | None = None
) -> Call[Success]:
    """Register a verified number for the Cloud API with its six-digit two-step PIN (the first
    registration of a number without a PIN sets it). Fails with `RegistrationError`: 133006
    when the number is not verified, 133005 when the PIN differs from the number's."""
    body = _set(
        messaging_product="whatsapp", pin=pin, data_localization_region=data_localization_region
    )
    return Call("POST", f"{phone_number_id}/register", decoder(Success), body=body)


def deregister_phone_number(phone_number_id: str) -> Call[Success]:
    """Deregister a number: its sends then fail with 133010 until it is registered again."""
    return Call("POST", f"{phone_number_id}/deregister", decoder(Success))


def request_verification_code(
    phone_number_id: str, code_method: str = "SMS", language: str = "en"
) -> Call[Success]:
    """Have a verification code sent to the number (`code_method` SMS or VOICE). wamm's code
    is the number's last six digits."""
    params = {"code_method": code_method, "language": language}
    return Call("POST", f"{phone_number_id}/request_code", decoder(Success), params=params)


def verify_code(phone_number_id: str, code: str) -> Call[Success]:
    """Verify the number with the code it received (136025 when the code is wrong)."""
    return Call("POST", f"{phone_number_id}/verify_code", decoder(Success), params={"code": code})


def set_two_step_pin(phone_number_id: str, pin: str) -> Call[Success]:
    """Set or change the number's six-digit two-step verification PIN."""
    return Call("POST", phone_number_id, decoder(Success), body={"pin": pin})


def _first_profile(content: bytes) -> BusinessProfile:
    return _PROFILES.decode(content).data[0]


def get_business_profile(
    phone_number_id: str, fields: Sequence[str] | None = None
) -> Call[BusinessProfile]:
    """Read the number's business profile (every field by default)."""
    params = {"fields": ",".join(fields)} if fields else {}
    return Call(
        "GET", f"{phone_number_id}/whatsapp_business_profile", _first_profile, params=params
    )


def update_business_profile(
    phone_number_id: str,
    *,
    about: str | None = None,
    address: str | None = None,
    description: str | None = None,
    email: str | None = None,
    vertical: str | None = None,
    websites: Sequence[str] | None = None,
    profile_picture_handle: str | None = None,
) -> Call[Success]:
    """Change the fields given of the number's business profile ("" clears a text;
    `websites` replaces the list, at most 2 URLs; `profile_picture_handle` is a Resumable
    Upload handle)."""
    body = _set(
        messaging_product="whatsapp",
        about=about,
        address=address,
        description=description,
        email=email,
        vertical=vertical,
        websites=None if websites is None else list(websites),
        profile_picture_handle=profile_picture_handle,
    )
    return Call("POST", f"{phone_number_id}/whatsapp_business_profile", decoder(Success), body=body)


def _users(users: Sequence[str]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "block_users": [{"user": user} for user in users]}


def block_users(phone_number_id: str, users: Sequence[str]) -> Call[BlockUsersResult]:
    """Block up to 1,000 users (phone numbers) who wrote to the number in the last 24 hours.
    If some cannot be blocked the call fails with `BlockUsersError` (139100); the others are
    blocked all the same."""
    path = f"{phone_number_id}/block_users"
    return Call("POST", path, decoder(BlockUsersResult), body=_users(users))


def unblock_users(phone_number_id: str, users: Sequence[str]) -> Call[BlockUsersResult]:
    """Unblock users (phone numbers) of the number's blocklist."""
    path = f"{phone_number_id}/block_users"
    return Call("DELETE", path, decoder(BlockUsersResult), body=_users(users))


def list_blocked_users(phone_number_id: str, limit: int | None = None) -> Call[Page[BlockedUser]]:
    """One page of the number's blocklist, most recently blocked first."""
    params = {"limit": str(limit)} if limit is not None else {}
    return Call("GET", f"{phone_number_id}/block_users", decoder(Page[BlockedUser]), params=params)
