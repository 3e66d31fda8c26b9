"""Media: upload (`POST /{phone_number_id}/media`), read (`GET /{media_id}`), delete, the
download URL wamm serves, and the check that a send's media ids name usable media."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from wamm.core.auth import check_token
from wamm.core.errors import GraphError, invalid_parameter, missing_parameter
from wamm.core.media import (
    RETENTION_SECONDS,
    URL_SECONDS,
    Blob,
    FilePart,
    Media,
    MediaRef,
    bare_mime,
    check_upload,
    not_a_media,
    sha256_hex,
    url_hash,
)
from wamm.core.model import PhoneNumber
from wamm.core.sending import check_messaging_product
from wamm.core.uploads import UploadSession, is_session_id
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime

DOWNLOAD_PATH = "/_wamm/media/download"


async def find(rt: Runtime, object_id: str) -> Media | UploadSession | None:
    """The unexpired media or upload session `object_id` names, as a Graph node."""
    if not (object_id.isdigit() or is_session_id(object_id)):
        return None
    blob = await rt.store.get_blob(object_id)
    if blob is None or blob.expired(rt.now()):
        return None
    if blob.kind == "media":
        return Media(blob)
    return UploadSession(blob) if blob.kind == "upload" else None


async def put_within_budget(rt: Runtime, blob: Blob, content: bytes) -> None:
    """Keep `content` within the `media_budget_bytes` setting (code 131053 past it)."""
    if not await rt.store.put_blob(blob, content, rt.settings.media_budget_bytes):
        raise GraphError(
            131053,
            f"wamm's media storage is full: {rt.settings.media_budget_bytes} bytes "
            "(settings.media_budget_bytes). Delete media or raise the setting.",
        )


async def upload(call: GraphCall, phone: PhoneNumber) -> dict[str, Any]:
    check_messaging_product(call.params)
    file = call.params.get("file")
    if not isinstance(file, FilePart):
        raise missing_parameter("file")
    mime_type = str(call.params.get("type") or file.content_type)
    _check_declared_type(mime_type, file)
    check_upload(mime_type, file.content)
    blob = await store(call.rt, phone, mime_type, file.content, file.file_name)
    return {"id": blob.id}


async def store(
    rt: Runtime, phone: PhoneNumber, mime_type: str, content: bytes, file_name: str
) -> Blob:
    """Keep checked bytes as a media of the number's WABA (an upload, or what a user sent)."""
    now = rt.now()
    _, media_id = await rt.object_id("media")
    blob = Blob(
        id=media_id,
        owner=phone.waba_id,
        kind="media",
        mime_type=bare_mime(mime_type),
        created_at=now,
        expires_at=now + RETENTION_SECONDS,
        size=len(content),
        length=len(content),
        sha256=sha256_hex(content),
        file_name=file_name,
        phone_number_id=phone.id,
        url_secret=secrets.token_hex(16),
    )
    await put_within_budget(rt, blob, content)
    return blob


def _check_declared_type(mime_type: str, file: FilePart) -> None:
    """A `type` that contradicts the file part's own Content-Type is a failed upload (131053);
    a generic `application/octet-stream` part says nothing and passes."""
    own = bare_mime(file.content_type)
    if own and own != "application/octet-stream" and own != bare_mime(mime_type):
        raise GraphError(
            131053, f"The file is sent as {own}, but the type parameter says {mime_type}."
        )


def _check_phone(call: GraphCall, blob: Blob) -> None:
    """`phone_number_id`, when given, must be the number the media was uploaded through."""
    wanted = call.params.get("phone_number_id")
    if wanted is not None and str(wanted) != blob.phone_number_id:
        raise invalid_parameter(
            f"Param phone_number_id is not a valid whatsapp business phone number id ID: "
            f"the media was not uploaded through {wanted}."
        )


async def get(call: GraphCall, media: Media) -> dict[str, Any]:
    blob = media.blob
    _check_phone(call, blob)
    return {
        "messaging_product": "whatsapp",
        "url": download_url(call.origin, blob, call.rt.now()),
        "mime_type": blob.mime_type,
        "sha256": blob.sha256,
        "file_size": blob.size,
        "id": blob.id,
    }


def download_url(origin: str, blob: Blob, now: float) -> str:
    expires = int(now + URL_SECONDS)
    query = urlencode(
        {"mid": blob.id, "ext": expires, "hash": url_hash(blob.url_secret, blob.id, expires)}
    )
    return f"{origin}{DOWNLOAD_PATH}?{query}"


async def delete(call: GraphCall, media: Media) -> dict[str, Any]:
    _check_phone(call, media.blob)
    await call.rt.store.delete_blob(media.blob.id)
    return {"success": True}


def _link_works(blob: Blob, query: dict[str, str], now: float) -> bool:
    """The link names an unexpired media, is unexpired itself and carries its signature."""
    expires = query.get("ext", "")
    if blob.kind != "media" or blob.expired(now) or not expires.isdigit() or int(expires) <= now:
        return False
    signature = url_hash(blob.url_secret, blob.id, int(expires))
    return hmac.compare_digest(query.get("hash", ""), signature)


def _gone() -> GraphError:
    return GraphError(
        100,
        "The media URL expired or names no media: GET /{media_id} answers a new one.",
        http_status=404,
    )


async def download(rt: Runtime, raw_token: str | None, query: dict[str, str]) -> tuple[Blob, bytes]:
    """The bytes behind a download URL, for a token that may see the media's WABA."""
    now = rt.now()
    token = check_token(raw_token, rt.catalog.tokens.get(raw_token or ""), now)
    media_id = query.get("mid", "")
    blob = await rt.store.get_blob(media_id) if media_id else None
    if blob is None or not _link_works(blob, query, now):
        raise _gone()
    if not rt.catalog.reaches(token, blob.owner):
        raise _gone()
    content = await rt.store.blob_content(blob.id)
    if content is None:  # deleted since its description was read
        raise _gone()
    return blob, content


async def check_refs(rt: Runtime, waba_id: str, refs: Iterable[MediaRef]) -> None:
    """Every media a send names by id exists, is unexpired and belongs to the sender's WABA."""
    now = rt.now()
    for ref in refs:
        blob = await rt.store.get_blob(ref.media_id)
        if blob is None or blob.kind != "media" or blob.expired(now) or blob.owner != waba_id:
            raise not_a_media(ref)
