"""A business number's settings on the Graph API: two-step PIN and display name, registration,
business profile and conversational components."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from msgspec.structs import replace

from wamm.core import automation, profile, registration
from wamm.core.coerce import as_str
from wamm.core.errors import invalid_parameter
from wamm.core.model import PhoneNumber
from wamm.service import uploads
from wamm.service.call import GraphCall

SUCCESS = {"success": True}
PHONE_SETTINGS = ("pin", "new_display_name")
MAX_DISPLAY_NAME_CHARS = 512


async def save(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    """Store the number's new state and answer Meta's `{"success": true}`."""
    await call.rt.store.write([phone])
    call.rt.catalog.put(phone)
    return SUCCESS


Handler = Callable[[GraphCall, PhoneNumber], Awaitable[dict[str, Any]]]


def _step(rule: Callable[[PhoneNumber, Mapping[str, Any]], PhoneNumber]) -> Handler:
    """The handler of one registration step: apply the rule to the request, store the result."""

    async def handler(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
        return await save(call, rule(phone, call.params))

    handler.__doc__ = rule.__doc__
    return handler


request_code = _step(registration.request_code)
verify_code = _step(registration.verify_code)


async def register(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    return await save(call, registration.register(phone, call.params, call.rt.now()))


async def deregister(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    return await save(call, registration.deregister(phone))


async def update(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    """POST /{phone_number_id}: the two-step `pin`, or a `new_display_name` for review."""
    params = call.params
    if not any(key in params for key in PHONE_SETTINGS):
        raise invalid_parameter(f"Nothing to update: give one of {', '.join(PHONE_SETTINGS)}.")
    registration.check_messaging_product(params)
    if "pin" in params:
        phone = registration.set_pin(phone, params)
    if "new_display_name" in params:
        name = as_str(params["new_display_name"], "new_display_name").strip()
        if not name or len(name) > MAX_DISPLAY_NAME_CHARS:
            raise invalid_parameter("Param new_display_name must be a non-empty display name.")
        phone = replace(phone, new_display_name=name, new_name_status="PENDING_REVIEW")
    return await save(call, phone)


async def get_profile(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    picture = uploads.profile_picture_url(call, phone)
    return {"data": [profile.read(phone.profile, call.fields(), picture_url=picture)]}


async def update_profile(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    updated = profile.update(phone.profile, call.params)
    if "profile_picture_handle" in call.params:
        await uploads.keep_profile_picture(call, phone, call.params["profile_picture_handle"])
    return await save(call, replace(phone, profile=updated))


async def update_automation(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    updated = automation.update(phone.automation, call.params)
    return await save(call, replace(phone, automation=updated))
