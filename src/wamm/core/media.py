"""Media rules: the types and sizes Meta accepts per kind, retention, download links, and where
a send names a media by id.

A media uploaded with `POST /{phone_number_id}/media` lives 30 days; the URL that
`GET /{media_id}` answers works for 5 minutes and only with an access token. The limits per
kind are Meta's "Supported media types" table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from wamm.core.errors import GraphError, invalid_parameter

KB = 1024
MB = 1024 * KB
RETENTION_SECONDS = 30 * 86400.0  # an uploaded media id lives 30 days
URL_SECONDS = 5 * 60.0  # a download URL works for 5 minutes
STATIC_STICKER_BYTES = 100 * KB  # an animated sticker may have the kind's 500 KB


class Blob(msgspec.Struct, kw_only=True):
    """Bytes wamm keeps for a Graph object, described: an uploaded media (`kind` "media",
    `owner` its WABA), a resumable upload session ("upload", its app) or a template's sample
    ("sample", its WABA). `size` is the bytes held, `length` the bytes expected (an upload
    session fills up to it)."""

    id: str
    owner: str
    kind: str
    mime_type: str
    created_at: float
    expires_at: float
    size: int = 0
    length: int = 0
    sha256: str = ""
    file_name: str = ""
    phone_number_id: str | None = None
    url_secret: str = ""  # signs the blob's download URLs

    def expired(self, now: float) -> bool:
        return self.expires_at <= now


@dataclass(frozen=True)
class BlobNode:
    """A Graph node whose state is a blob."""

    blob: Blob


class Media(BlobNode):
    """An uploaded media as a Graph node (`GET|DELETE /{media_id}`)."""


@dataclass(frozen=True)
class FilePart:
    """A file sent in a multipart/form-data body."""

    file_name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Kind:
    name: str
    max_bytes: int
    mime_types: tuple[str, ...]


KINDS = (
    Kind("audio", 16 * MB, ("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg")),
    Kind(
        "document",
        100 * MB,
        (
            "text/plain",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/pdf",
        ),
    ),
    Kind("image", 5 * MB, ("image/jpeg", "image/png")),
    Kind("sticker", 500 * KB, ("image/webp",)),
    Kind("video", 16 * MB, ("video/3gpp", "video/mp4")),
)
KIND_OF_MIME: dict[str, Kind] = {mime: kind for kind in KINDS for mime in kind.mime_types}
MAX_MEDIA_BYTES = max(kind.max_bytes for kind in KINDS)
MEDIA_KINDS = frozenset(kind.name for kind in KINDS)


def bare_mime(value: str) -> str:
    """`audio/ogg; codecs=opus` -> `audio/ogg`."""
    return value.split(";", maxsplit=1)[0].strip().lower()


def check_upload(mime_type: str, content: bytes) -> Kind:
    """The kind of an upload of `mime_type`, or Meta's error for a type or size it refuses."""
    kind = KIND_OF_MIME.get(bare_mime(mime_type))
    if kind is None:
        allowed = ", ".join(KIND_OF_MIME)
        raise invalid_parameter(
            f"Param file must be a file with one of the following types: {allowed}. "
            f"Received file of type '{mime_type}'."
        )
    if not content:
        raise GraphError(131053, "The file is empty.")
    limit, label = kind.max_bytes, kind.name
    if kind.name == "sticker" and not is_animated_webp(content):
        limit, label = STATIC_STICKER_BYTES, "static sticker"
    if len(content) > limit:
        raise GraphError(
            131053,
            f"The file is {len(content)} bytes; Meta takes {label} files up to {limit} bytes.",
        )
    return kind


def is_animated_webp(content: bytes) -> bool:
    """A WebP file with an animation chunk (`ANIM`) in its extended header."""
    return content[:4] == b"RIFF" and content[8:12] == b"WEBP" and b"ANIM" in content[:64]


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def url_hash(secret: str, media_id: str, expires_at: int) -> str:
    """The signature of a download URL: its media and expiry cannot be changed."""
    return hashlib.sha256(f"{secret}:{media_id}:{expires_at}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class MediaRef:
    """A media named by id in a send, with the path of its `id` for the error."""

    media_id: str
    path: str


def not_a_media(ref: MediaRef) -> GraphError:
    """An id that names no unexpired media of the sender's WABA (see docs/decisions.md)."""
    return invalid_parameter(
        f"Param {ref.path} is not a valid whatsapp business account media attachment ID."
    )


def media_refs(message_type: str, payload: Mapping[str, Any]) -> Iterator[MediaRef]:
    """The media ids of a validated send payload: a media message, an interactive media header
    or carousel card header, or a template's media header parameter."""
    if message_type in MEDIA_KINDS:
        yield from _ref(payload, message_type)
    elif message_type == "interactive":
        yield from _header_ref(payload.get("header"), "interactive.header")
        for index, card in enumerate((payload.get("action") or {}).get("cards") or []):
            yield from _header_ref(card.get("header"), f"interactive.action.cards[{index}].header")
    elif message_type == "template":
        yield from _template_refs(payload.get("components"))


def _template_refs(components: Any) -> Iterator[MediaRef]:
    for index, component in enumerate(components if isinstance(components, list) else []):
        if not isinstance(component, dict) or str(component.get("type")).lower() != "header":
            continue
        parameters = component.get("parameters")
        for p, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            kind = parameter.get("type") if isinstance(parameter, dict) else None
            if kind in MEDIA_KINDS:
                path = f"template.components[{index}].parameters[{p}].{kind}"
                yield from _ref(parameter.get(kind), path)


def _header_ref(header: Any, path: str) -> Iterator[MediaRef]:
    kind = header.get("type") if isinstance(header, dict) else None
    if kind in MEDIA_KINDS:
        yield from _ref(header.get(kind), f"{path}.{kind}")


def _ref(media: Any, path: str) -> Iterator[MediaRef]:
    if isinstance(media, dict) and media.get("id") is not None:
        yield MediaRef(str(media["id"]), f"{path}.id")
