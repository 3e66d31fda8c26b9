"""The `whatsapp_business_profile` of a number: Meta's limits on each field, and its reads.

An empty string clears a text field (clients send "" to remove a value); `websites` is
replaced whole. `profile_picture_handle` is an upload handle (see `picture_from_handle`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from msgspec.structs import replace

from wamm.core.coerce import as_list, as_str
from wamm.core.errors import invalid_parameter
from wamm.core.fields import FieldRequest, unknown_field
from wamm.core.model import BusinessProfile

# Both of Meta's vertical lists (the reference's and the update request's) are accepted.
VERTICALS = frozenset(
    {
        "UNDEFINED", "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
        "FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL",
        "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "ALCOHOL", "ONLINE_GAMBLING", "PHYSICAL_GAMBLING",
        "OTC_DRUGS",
    }
)  # fmt: skip
TEXT_LIMITS = {"about": 139, "address": 256, "description": 512, "email": 128}
MAX_WEBSITES = 2
MAX_WEBSITE_CHARS = 256
# What a seed's `business_profile` may set (the upload handle needs an upload).
SEEDED_FIELDS = (*TEXT_LIMITS, "vertical", "websites")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = (
    "about",
    "address",
    "description",
    "email",
    "profile_picture_url",
    "websites",
    "vertical",
    "messaging_product",
)


def picture_from_handle(handle: Any) -> str:
    """A profile picture's Resumable Upload handle, as the profile keeps it (the service
    checks it against the uploads and keeps the image)."""
    text = as_str(handle, "profile_picture_handle")
    if not text.strip():
        raise invalid_parameter("Param profile_picture_handle must be a non-empty upload handle.")
    return text


def _text(name: str, value: Any) -> str | None:
    text = as_str(value, name)
    if len(text) > TEXT_LIMITS[name]:
        raise invalid_parameter(f"Param {name} must be at most {TEXT_LIMITS[name]} characters.")
    if name == "email" and text and not EMAIL_RE.match(text):
        raise invalid_parameter("Param email must be a valid email address.")
    return text or None


def _websites(value: Any) -> list[str]:
    sites = [as_str(site, "websites") for site in as_list(value, "websites")]
    if len(sites) > MAX_WEBSITES:
        raise invalid_parameter(f"Param websites must have at most {MAX_WEBSITES} URLs.")
    for site in sites:
        if not site.startswith(("http://", "https://")):
            raise invalid_parameter(f"Website '{site}' must start with http:// or https://.")
        if len(site) > MAX_WEBSITE_CHARS:
            raise invalid_parameter(f"Each website must be at most {MAX_WEBSITE_CHARS} characters.")
    return sites


def update(profile: BusinessProfile, params: Mapping[str, Any]) -> BusinessProfile:
    """The profile after a `POST /{phone_number_id}/whatsapp_business_profile`."""
    if params.get("messaging_product") != "whatsapp":
        raise invalid_parameter("Param messaging_product must be 'whatsapp'.")
    changes: dict[str, Any] = {
        name: _text(name, params[name]) for name in TEXT_LIMITS if name in params
    }
    if "vertical" in params:
        vertical = as_str(params["vertical"], "vertical") or "UNDEFINED"
        if vertical not in VERTICALS:
            raise invalid_parameter(
                f"Param vertical must be one of {', '.join(sorted(VERTICALS))}."
            )
        changes["vertical"] = vertical
    if "websites" in params:
        changes["websites"] = _websites(params["websites"])
    if "profile_picture_handle" in params:
        changes["profile_picture_handle"] = picture_from_handle(params["profile_picture_handle"])
    return replace(profile, **changes)


def read(
    profile: BusinessProfile, requested: Sequence[FieldRequest] | None, picture_url: str | None
) -> dict[str, Any]:
    """One `data[]` entry of the profile read: the fields asked for (all by default) that
    have a value."""
    values: dict[str, Any] = {
        "about": profile.about,
        "address": profile.address,
        "description": profile.description,
        "email": profile.email,
        "profile_picture_url": picture_url,
        "websites": list(profile.websites) or None,
        "vertical": profile.vertical,
        "messaging_product": "whatsapp",
    }
    names = [field.name for field in requested] if requested is not None else list(FIELDS)
    for name in names:
        if name not in values:
            raise unknown_field("WhatsAppBusinessProfile", name)
    return {name: values[name] for name in names if values[name] is not None}
