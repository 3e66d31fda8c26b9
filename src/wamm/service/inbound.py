"""A simulated user sends any inbound message type (`POST /_wamm/inbound`): media become media
of the WABA first, a `system` request changes the user's BSUID."""

from __future__ import annotations

from typing import Any

from wamm.core import inbound as rules
from wamm.core import pricing, service_window
from wamm.core.errors import invalid_parameter
from wamm.core.media import check_upload
from wamm.core.model import PhoneNumber, User
from wamm.service import events, media
from wamm.service.runtime import Runtime


async def send(
    rt: Runtime, phone: PhoneNumber, user: User, request: rules.InboundRequest, origin: str
) -> dict[str, Any]:
    """The user's message reaches the business: the webhook, and the answer of the control
    call (a BSUID change answers the new user id instead of a window)."""
    if request.type == "system":
        return await _change_user_id(rt, phone, user, request.new_user_id)
    if request.context_id is not None:
        await _check_context(rt, phone, request.context_id)
    content = rules.message_object(request, phone.display_phone_number)
    if request.media is not None:
        received = await _stored_media(rt, phone, request.media, origin)
        content = {"type": request.type, request.type: received, **content}
    message = await events.user_writes(rt, phone, user, content)
    hours = rt.settings.customer_service_window_hours
    answer = {
        "phone_number_id": phone.id,
        "from": user.phone,
        "user_id": user.bsuid,
        "message": message,
        "window_expires_at": int(service_window.closes_at(rt.now(), hours)),
    }
    entry = rt.entry_point(phone.id, user.phone)
    if request.referral is not None and entry is not None:
        answer["entry_point"] = _entry_point(entry)
    return answer


def _entry_point(entry: pricing.EntryPoint) -> dict[str, Any]:
    """Where the user's entry stands: awaiting the business's answer (until when), or the free
    window an earlier answer opened (until when it closes)."""
    closes = entry.closes_at()
    if closes is not None:
        return {"status": "open", "expires_at": int(closes)}
    answer_by = entry.referral_at + pricing.ENTRY_POINT_REPLY_HOURS * pricing.HOUR
    return {"status": "awaiting_reply", "reply_by": int(answer_by)}


async def _stored_media(
    rt: Runtime, phone: PhoneNumber, upload: rules.MediaUpload, origin: str
) -> dict[str, Any]:
    """Meta keeps what a user sends as a media the business downloads with `GET /{media_id}`;
    the same type and size rules as an upload apply."""
    kind = check_upload(upload.mime_type, upload.content)
    if kind.name != upload.kind:
        raise invalid_parameter(
            f"Param {upload.kind}.mime_type must be a type of {upload.kind} media, "
            f"got '{upload.mime_type}' ({kind.name})."
        )
    file_name = str(upload.extra.get("filename", ""))
    blob = await media.store(rt, phone, upload.mime_type, upload.content, file_name)
    url = media.download_url(origin, blob, rt.now())
    return rules.media_object(upload, blob.id, blob.sha256, url, blob.mime_type)


async def _check_context(rt: Runtime, phone: PhoneNumber, wamid: str) -> None:
    message = await rt.store.get_message(wamid)
    if message is None or message.phone_number_id != phone.id:
        raise invalid_parameter(f"Param context.id names no message sent from {phone.id}.")


async def _change_user_id(
    rt: Runtime, phone: PhoneNumber, user: User, wanted: str | None
) -> dict[str, Any]:
    new_bsuid = await _new_bsuid(rt, user, wanted)
    message = await events.user_id_changed(rt, phone, user, new_bsuid)
    return {
        "phone_number_id": phone.id,
        "from": user.phone,
        "previous_user_id": user.bsuid,
        "user_id": new_bsuid,
        "message": message,
    }


async def _new_bsuid(rt: Runtime, user: User, wanted: str | None) -> str:
    if wanted is None:
        return rules.next_bsuid(user, await rt.ids.next("bsuid"))
    if not rules.is_user_bsuid(wanted, user.country):
        raise invalid_parameter(
            f"Param system.user_id must be a BSUID of the user's country ({user.country}.…), "
            f"got '{wanted}'."
        )
    if await rt.users.by_bsuid(wanted) is not None:
        raise invalid_parameter(f"Param system.user_id {wanted} already names a user.")
    return wanted
