"""The Resumable Upload API's rules: session ids, file types, offsets and handles.

`POST /{app_id}/uploads?file_name&file_length&file_type` opens a session `upload:<token>`;
`POST /upload:<token>` with a `file_offset` header appends the bytes sent as the body and, once
all `file_length` bytes are in, answers the handle (`h`) that template creation takes in
`example.header_handle`; `GET /upload:<token>` tells how many bytes arrived, to resume.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.errors import invalid_parameter, missing_parameter
from wamm.core.media import MAX_MEDIA_BYTES, BlobNode

SESSION_PREFIX = "upload:"
FILE_TYPES = ("application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4")
SESSION_SECONDS = 30 * 86400.0  # a session and its handle (Meta documents no lifetime)
HANDLE_VERSION = "4"


class UploadSession(BlobNode):
    """A resumable upload session as a Graph node (`GET|POST /upload:...`)."""


@dataclass(frozen=True)
class SessionRequest:
    file_name: str
    file_length: int
    file_type: str


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def session_id(object_id: str) -> str:
    """`upload:` and an opaque token, as Meta's session ids look."""
    return SESSION_PREFIX + _b64(f"1:attachment:{object_id}")


def is_session_id(value: str) -> bool:
    return value.startswith(SESSION_PREFIX)


def handle(session: str, file_type: str, expires_at: float, app_id: str) -> str:
    """`4::<type, base64>:<session token>:e:<expiry>:<app id>`: the shape of Meta's handles."""
    mime = base64.b64encode(file_type.encode()).decode()
    token = session.removeprefix(SESSION_PREFIX)
    return f"{HANDLE_VERSION}::{mime}:{token}:e:{int(expires_at)}:{app_id}"


def session_of_handle(value: str) -> str | None:
    """The session a handle was issued for (None for text that is no handle)."""
    parts = value.split(":")
    if len(parts) != 7 or parts[0] != HANDLE_VERSION or parts[1] or parts[4] != "e":
        return None
    try:
        base64.b64decode(parts[2], validate=True)
    except binascii.Error:
        return None
    return SESSION_PREFIX + parts[3]


def parse_session_request(params: Mapping[str, Any]) -> SessionRequest:
    """`file_name`, `file_length` and `file_type` of a new session, or Graph's code 100."""
    for name in ("file_length", "file_type"):
        if params.get(name) in (None, ""):
            raise missing_parameter(name)
    file_type = str(params["file_type"]).lower()
    if file_type not in FILE_TYPES:
        raise invalid_parameter(
            f"Param file_type must be one of {', '.join(FILE_TYPES)}; got '{params['file_type']}'."
        )
    length = _length(params["file_length"])
    return SessionRequest(str(params.get("file_name") or ""), length, file_type)


def _length(value: Any) -> int:
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= MAX_MEDIA_BYTES:
        raise invalid_parameter(
            f"Param file_length must be a whole number of bytes from 1 to {MAX_MEDIA_BYTES}."
        )
    return int(text)


def check_offset(value: Any, received: int) -> None:
    """The `file_offset` header of an upload: where this part starts, which must be where the
    bytes received so far end."""
    if value is None or not str(value).isdigit():
        raise invalid_parameter("The file_offset header is required: the byte this part starts at.")
    offset = int(str(value))
    if offset != received:
        raise invalid_parameter(
            f"file_offset is {offset}, but the session holds {received} bytes: resume at "
            f"{received} (GET the session to read it)."
        )
