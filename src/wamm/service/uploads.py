"""The Resumable Upload API (`/{app_id}/uploads`, `/upload:...`) and what its handles name:
template samples and business profile pictures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from wamm.core.clock import LATEST_TIME
from wamm.core.errors import GraphError, invalid_parameter, template_rejected
from wamm.core.media import Blob, sha256_hex
from wamm.core.model import App, PhoneNumber, Template, Token
from wamm.core.templates.components import MEDIA_FORMATS
from wamm.core.uploads import (
    SESSION_SECONDS,
    UploadSession,
    check_offset,
    handle,
    parse_session_request,
    session_id,
    session_of_handle,
)
from wamm.service import media
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime

SAMPLE_PATH = "/_wamm/media/samples"
PICTURE_PATH = "/_wamm/media/profile_pictures"
# Meta's profile pictures are JPEG or PNG images.
PICTURE_TYPES = ("image/jpeg", "image/png")
# Meta's answer to a header_handle it did not issue (template creation, code 100).
INVALID_HANDLE_SUBCODE = 2494102


async def create_session(call: GraphCall, app: App) -> dict[str, Any]:
    request = parse_session_request(call.params)
    rt, now = call.rt, call.rt.now()
    _, object_id = await rt.object_id("upload")
    blob = Blob(
        id=session_id(object_id),
        owner=app.id,
        kind="upload",
        mime_type=request.file_type,
        created_at=now,
        expires_at=now + SESSION_SECONDS,
        length=request.file_length,
        file_name=request.file_name,
    )
    await media.put_within_budget(rt, blob, b"")
    return {"id": blob.id}


async def get_session(call: GraphCall, session: UploadSession) -> dict[str, Any]:  # noqa: ARG001 - the table's handler signature
    return {"id": session.blob.id, "file_offset": session.blob.size}


async def upload_part(call: GraphCall, session: UploadSession) -> dict[str, Any]:
    """Append the body at `file_offset`; the handle once all `file_length` bytes are in."""
    blob, rt = session.blob, call.rt
    check_offset(call.params.get("file_offset"), blob.size)
    held = await rt.store.blob_content(blob.id) or b""
    content = held + call.body
    if len(content) > blob.length:
        raise invalid_parameter(
            f"The session takes {blob.length} bytes (file_length); this part ends at byte "
            f"{len(content)}."
        )
    done = len(content) == blob.length
    updated = msgspec.structs.replace(
        blob, size=len(content), sha256=sha256_hex(content) if done else ""
    )
    await media.put_within_budget(rt, updated, content)
    if not done:
        return {"id": blob.id, "file_offset": updated.size}
    return {"h": handle(blob.id, blob.mime_type, blob.expires_at, blob.owner)}


def _invalid_handle() -> GraphError:
    return template_rejected(
        INVALID_HANDLE_SUBCODE,
        "Uploaded Media Handle Is Invalid",
        "The media handle in example.header_handle was not issued by the Resumable Upload API "
        "for this app, has expired, or its upload is incomplete. Upload the sample again.",
    )


def _invalid_picture() -> GraphError:
    return invalid_parameter(
        "Param profile_picture_handle is not a handle the Resumable Upload API issued for this "
        "app, or its upload has expired or is incomplete."
    )


async def upload_of_handle(
    rt: Runtime, token: Token, value: Any, invalid: Callable[[], GraphError]
) -> Blob:
    """The complete, unexpired upload a handle names, uploaded through the token's app;
    `invalid()` is raised otherwise."""
    session = session_of_handle(value) if isinstance(value, str) else None
    blob = await rt.store.get_blob(session) if session else None
    if (
        blob is None
        or blob.kind != "upload"
        or blob.expired(rt.now())
        or blob.size != blob.length
        or (token.app_id is not None and blob.owner != token.app_id)
        or value != handle(blob.id, blob.mime_type, blob.expires_at, blob.owner)
    ):
        raise invalid()
    return blob


async def _keep(rt: Runtime, upload: Blob, blob_id: str, owner: str, kind: str) -> None:
    """A lasting copy of an upload's bytes, as `blob_id` of `owner`."""
    content = await rt.store.blob_content(upload.id) or b""
    kept = msgspec.structs.replace(
        upload, id=blob_id, owner=owner, kind=kind, expires_at=LATEST_TIME
    )
    await media.put_within_budget(rt, kept, content)


def _first_handle(components: list[dict[str, Any]]) -> Any:
    """The first `example.header_handle` of a media header (None without one)."""
    for component in components:
        is_header = str(component.get("type", "")).upper() == "HEADER"
        if is_header and str(component.get("format", "")).upper() in MEDIA_FORMATS:
            return component["example"]["header_handle"][0]
    return None


async def keep_sample(
    call: GraphCall,
    template: Template,
    components: list[dict[str, Any]],
    current: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """A new media header's handle checked and its upload copied as `template`'s sample; the
    components come back with the sample's URL in `example.header_handle`, as Meta shows it.
    An edit whose components keep the `current` header_handle needs no new upload."""
    given = _first_handle(components)
    if given is None or (current is not None and given == _first_handle(current)):
        return components
    rt = call.rt
    upload = await upload_of_handle(rt, call.token, given, _invalid_handle)
    await _keep(rt, upload, f"sample:{template.id}", template.waba_id, "sample")
    url = f"{call.origin}{SAMPLE_PATH}/{template.id}"
    return [_with_sample(c, given, url) for c in components]


def _with_sample(component: dict[str, Any], handle_value: Any, url: str) -> dict[str, Any]:
    example = component.get("example")
    if not isinstance(example, dict) or example.get("header_handle", [None])[0] != handle_value:
        return component
    return {**component, "example": {**example, "header_handle": [url]}}


async def keep_profile_picture(call: GraphCall, phone: PhoneNumber, value: Any) -> None:
    """The JPEG or PNG image a `profile_picture_handle` names, kept as the number's picture."""
    upload = await upload_of_handle(call.rt, call.token, value, _invalid_picture)
    if upload.mime_type not in PICTURE_TYPES:
        raise invalid_parameter(
            f"The profile picture must be a JPEG or PNG image, got {upload.mime_type}."
        )
    await _keep(call.rt, upload, f"picture:{phone.id}", phone.waba_id, "picture")


def profile_picture_url(call: GraphCall, phone: PhoneNumber) -> str | None:
    """Where wamm serves the number's profile picture (public, as Meta's CDN links are)."""
    if phone.profile.profile_picture_handle is None:
        return None
    return f"{call.origin}{PICTURE_PATH}/{phone.id}"


async def kept(rt: Runtime, kind: str, owner_id: str) -> tuple[Blob, bytes] | None:
    """A template's sample (`kind` "sample") or a number's profile picture ("picture")."""
    blob_id = f"{kind}:{owner_id}"
    blob = await rt.store.get_blob(blob_id)
    content = await rt.store.blob_content(blob_id) if blob else None
    return None if blob is None or content is None else (blob, content)
