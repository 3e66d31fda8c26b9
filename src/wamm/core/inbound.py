"""What a simulated user sends to a business number, checked and shaped as Meta's `messages`
webhook reference pages show each inbound type.

`POST /_wamm/inbound` names a `type` (default `text`) and gives that type's object under the
type's key, as the webhook carries it: `{"type": "location", "location": {...}}`. SHAPES lists,
per type (and per `interactive` reply type), the keys the object takes, their JSON kinds and
which are required. Two kinds are special: media (`image`, `audio`, `video`, `document`,
`sticker`) take the bytes as base64 `data` and become a media of the WABA, so their webhook
object (`id`, `mime_type`, `sha256`, `url`) is finished by the service; `system` changes the
user's BSUID (`user_changed_user_id`) instead of carrying a message of the user.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wamm.core.coerce import as_object, as_str, type_name
from wamm.core.errors import invalid_parameter, missing_parameter
from wamm.core.ids import generated_bsuid
from wamm.core.media import MEDIA_KINDS, is_animated_webp
from wamm.core.model import User
from wamm.core.phones import is_bsuid

# JSON kinds of the keys (Python types a decoded JSON body holds).
STRING, NUMBER, INTEGER = "string", "number", "integer"
BOOLEAN, ARRAY, OBJECT = "boolean", "array", "object"
_KIND_TYPES: dict[str, tuple[type, ...]] = {
    STRING: (str,),
    NUMBER: (int, float),
    INTEGER: (int,),
    BOOLEAN: (bool,),
    ARRAY: (list,),
    OBJECT: (dict,),
}


@dataclass(frozen=True)
class Key:
    kind: str
    required: bool = False


Shape = Mapping[str, Key]

_MEDIA_COMMON: Shape = {"data": Key(STRING), "mime_type": Key(STRING)}
_CONTACT_NAME: Shape = {
    "formatted_name": Key(STRING, required=True),
    **{
        part: Key(STRING) for part in ("first_name", "last_name", "middle_name", "prefix", "suffix")
    },
}
_CONTACT: Shape = {
    "name": Key(OBJECT, required=True),
    "addresses": Key(ARRAY),
    "birthday": Key(STRING),
    "emails": Key(ARRAY),
    "org": Key(OBJECT),
    "phones": Key(ARRAY),
    "urls": Key(ARRAY),
}
_PRODUCT_ITEM: Shape = {
    "product_retailer_id": Key(STRING, required=True),
    "quantity": Key(INTEGER, required=True),
    "item_price": Key(NUMBER, required=True),
    "currency": Key(STRING, required=True),
}

SHAPES: dict[str, Shape] = {
    "image": {**_MEDIA_COMMON, "caption": Key(STRING)},
    "video": {**_MEDIA_COMMON, "caption": Key(STRING)},
    "document": {**_MEDIA_COMMON, "caption": Key(STRING), "filename": Key(STRING)},
    "audio": {**_MEDIA_COMMON, "voice": Key(BOOLEAN)},
    "sticker": {**_MEDIA_COMMON, "animated": Key(BOOLEAN)},
    "location": {
        "latitude": Key(NUMBER, required=True),
        "longitude": Key(NUMBER, required=True),
        "name": Key(STRING),
        "address": Key(STRING),
        "url": Key(STRING),
    },
    "reaction": {"message_id": Key(STRING, required=True), "emoji": Key(STRING)},
    "button": {"text": Key(STRING, required=True), "payload": Key(STRING)},
    "order": {
        "catalog_id": Key(STRING, required=True),
        "product_items": Key(ARRAY, required=True),
        "text": Key(STRING),
    },
    "unsupported": {"type": Key(STRING)},
    "system": {"type": Key(STRING), "user_id": Key(STRING)},
}
INTERACTIVE_SHAPES: dict[str, Shape] = {
    "button_reply": {"id": Key(STRING, required=True), "title": Key(STRING, required=True)},
    "list_reply": {
        "id": Key(STRING, required=True),
        "title": Key(STRING, required=True),
        "description": Key(STRING),
    },
    "nfm_reply": {
        "response_json": Key(STRING, required=True),
        "name": Key(STRING),
        "body": Key(STRING),
    },
}
# What Meta adds to a user's message sent from a click-to-WhatsApp ad or a Facebook / Instagram
# post's button (webhook reference, `messages.referral`); it opens a free entry point window.
REFERRAL_SHAPE: Shape = {
    "source_url": Key(STRING, required=True),
    "source_id": Key(STRING, required=True),
    "source_type": Key(STRING, required=True),
    "headline": Key(STRING),
    "body": Key(STRING),
    "media_type": Key(STRING),
    "image_url": Key(STRING),
    "video_url": Key(STRING),
    "thumbnail_url": Key(STRING),
    "ctwa_clid": Key(STRING),
    "welcome_message": Key(OBJECT),
}
REFERRAL_SOURCE_TYPES = ("ad", "post")
REFERRAL_MEDIA_TYPES = ("image", "video")
TYPES = ("text", "interactive", "contacts", *SHAPES)
# Meta's defaults for a Flow completion (`nfm_reply`) when the request leaves them out.
_NFM_DEFAULTS = {"name": "flow", "body": "Sent"}
SYSTEM_TYPES = ("user_changed_user_id",)
# Taps on a business message's buttons, list rows or Flow: Meta's webhook always names the
# message answered (`context`), so these need one.
REPLY_TYPES = frozenset({"interactive", "button"})

# Small built-in files, used when a media request carries no `data`: enough for the type and
# size checks and for a download to answer the same bytes.
SAMPLES: dict[str, tuple[str, bytes]] = {
    "image": (
        "image/jpeg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    ),
    "audio": ("audio/ogg", b"OggS\x00\x02" + bytes(22)),
    "video": ("video/mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"),
    "document": ("application/pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"),
    "sticker": ("image/webp", b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/" + bytes(13)),
}
# An extended WebP header with an animation chunk: what makes a sticker animated.
ANIMATED_STICKER = (
    b"RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02" + bytes(9) + b"ANIM" + bytes(10)
)
DEFAULT_FILENAME = "document.pdf"


@dataclass(frozen=True)
class MediaUpload:
    """The file of an inbound media message, and the webhook keys beside `id`, `mime_type`,
    `sha256` and `url` (caption, filename, voice, animated)."""

    kind: str
    mime_type: str
    content: bytes
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundRequest:
    """A checked `POST /_wamm/inbound` body: the message object without `from`, `id` and
    `timestamp` (`content`), or a media to store first, or a BSUID change."""

    type: str
    content: dict[str, Any] = field(default_factory=dict)
    media: MediaUpload | None = None
    context_id: str | None = None
    new_user_id: str | None = None  # system: the BSUID asked for (None: wamm makes one)
    referral: dict[str, Any] | None = None  # the ad or post the user came from


def parse(body: Mapping[str, Any]) -> InboundRequest:
    """The inbound message a control request asks for, or code 100 naming the bad key."""
    request = _parse_message(body)
    if body.get("referral") is None:
        return request
    if request.type == "system":
        raise invalid_parameter("Param referral is not allowed on a system message.")
    return replace(request, referral=referral(body["referral"]))


def referral(value: Any) -> dict[str, Any]:
    """A checked `referral` object: Meta's keys, `source_type` ad or post, `media_type` image
    or video, `welcome_message` with its `text`."""
    obj = check(value, REFERRAL_SHAPE, "referral")
    choices = (("source_type", REFERRAL_SOURCE_TYPES), ("media_type", REFERRAL_MEDIA_TYPES))
    for key, allowed in choices:
        if key in obj and obj[key] not in allowed:
            raise invalid_parameter(
                f"Param referral.{key} must be one of {', '.join(allowed)}, got '{obj[key]}'."
            )
    if "welcome_message" in obj:
        welcome: Shape = {"text": Key(STRING, required=True)}
        check(obj["welcome_message"], welcome, "referral.welcome_message")
    return obj


def _parse_message(body: Mapping[str, Any]) -> InboundRequest:
    kind = as_str(body.get("type", "text"), "type")
    if kind not in TYPES:
        raise invalid_parameter(f"Param type must be one of {', '.join(TYPES)}, got '{kind}'.")
    context_id = _context_id(body.get("context"))
    if context_id is None and kind in REPLY_TYPES:
        raise invalid_parameter(
            f"The parameter context is required: an inbound {kind} answers a business message."
        )
    if kind == "text":
        text = as_str(body.get("text", "Hello"), "text")
        return InboundRequest("text", {"type": "text", "text": {"body": text}}, None, context_id)
    if kind == "contacts":
        return InboundRequest(kind, {"type": kind, "contacts": _contacts(body)}, None, context_id)
    if kind == "interactive":
        content = {"type": kind, "interactive": _interactive(body.get(kind))}
        return InboundRequest(kind, content, None, context_id)
    obj = check(body.get(kind, {}), SHAPES[kind], kind)
    if kind in MEDIA_KINDS:
        return InboundRequest(kind, {}, media_upload(kind, obj), context_id)
    if kind == "system":
        return _system(obj)
    builder = _BUILDERS.get(kind, _as_given)
    return InboundRequest(kind, {"type": kind, kind: builder(obj)}, None, context_id)


def check(value: Any, shape: Shape, path: str) -> dict[str, Any]:
    """`value` as an object of `shape`: known keys only, required ones present, each of its
    JSON kind."""
    obj = dict(as_object(value, path))
    for key, item in obj.items():
        spec = shape.get(key)
        if spec is None:
            raise invalid_parameter(f"Param {path}.{key} is not a known parameter.")
        if not isinstance(item, _KIND_TYPES[spec.kind]) or (
            spec.kind in (NUMBER, INTEGER) and isinstance(item, bool)
        ):
            raise invalid_parameter(
                f"Param {path}.{key} must be a JSON {spec.kind}, got {type_name(item)}."
            )
    for key, spec in shape.items():
        if spec.required and key not in obj:
            raise missing_parameter(f"{path}.{key}")
    return obj


def _context_id(value: Any) -> str | None:
    if value is None:
        return None
    return as_str(check(value, {"id": Key(STRING, required=True)}, "context")["id"], "context.id")


def _as_given(obj: dict[str, Any]) -> dict[str, Any]:
    return obj


def _order(obj: dict[str, Any]) -> dict[str, Any]:
    items = obj["product_items"]
    if not items:
        raise invalid_parameter("Param order.product_items must not be empty.")
    for index, item in enumerate(items):
        check(item, _PRODUCT_ITEM, f"order.product_items[{index}]")
    return obj


def _unsupported(obj: dict[str, Any]) -> dict[str, Any]:
    return {"type": obj.get("type", "unknown")}


_BUILDERS = {"order": _order, "unsupported": _unsupported}


def _contacts(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    cards = body.get("contacts")
    if not isinstance(cards, list) or not cards:
        raise invalid_parameter("Param contacts must be a non-empty JSON array of contacts.")
    checked = []
    for index, card in enumerate(cards):
        contact = check(card, _CONTACT, f"contacts[{index}]")
        check(contact["name"], _CONTACT_NAME, f"contacts[{index}].name")
        checked.append(contact)
    return checked


def _interactive(value: Any) -> dict[str, Any]:
    obj = dict(as_object(value, "interactive"))
    reply = as_str(obj.get("type"), "interactive.type")
    shape = INTERACTIVE_SHAPES.get(reply)
    if shape is None:
        allowed = ", ".join(INTERACTIVE_SHAPES)
        raise invalid_parameter(f"Param interactive.type must be one of {allowed}, got '{reply}'.")
    if set(obj) - {"type", reply}:
        extra = sorted(set(obj) - {"type", reply})[0]
        raise invalid_parameter(f"Param interactive.{extra} is not a known parameter.")
    answer = check(obj.get(reply), shape, f"interactive.{reply}")
    if reply == "nfm_reply":
        answer = {**_NFM_DEFAULTS, **answer}
    return {"type": reply, reply: answer}


def _system(obj: dict[str, Any]) -> InboundRequest:
    change = obj.get("type", SYSTEM_TYPES[0])
    if change not in SYSTEM_TYPES:
        raise invalid_parameter(
            f"Param system.type must be one of {', '.join(SYSTEM_TYPES)}, got '{change}'."
        )
    return InboundRequest("system", new_user_id=obj.get("user_id"))


def media_upload(kind: str, obj: dict[str, Any]) -> MediaUpload:
    """The file of a media message: the decoded `data`, or the kind's sample."""
    default_mime, sample = SAMPLES[kind]
    if kind == "sticker" and obj.get("animated") is True:
        sample = ANIMATED_STICKER
    content = _decoded(obj["data"], kind) if "data" in obj else sample
    mime_type = obj.get("mime_type", default_mime)
    return MediaUpload(kind, mime_type, content, _media_extra(kind, obj, content))


def _decoded(data: str, kind: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid_parameter(f"Param {kind}.data must be base64-encoded bytes.") from None


def _media_extra(kind: str, obj: dict[str, Any], content: bytes) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if "caption" in obj:
        extra["caption"] = obj["caption"]
    if kind == "document":
        extra["filename"] = obj.get("filename", DEFAULT_FILENAME)
    if kind == "audio":
        extra["voice"] = obj.get("voice", False)
    if kind == "sticker":
        extra["animated"] = obj.get("animated", is_animated_webp(content))
    return extra


def media_object(
    upload: MediaUpload, media_id: str, sha256: str, url: str, mime_type: str
) -> dict[str, Any]:
    """The webhook's media object once the file is stored as `media_id`."""
    return {**upload.extra, "mime_type": mime_type, "sha256": sha256, "id": media_id, "url": url}


UNSUPPORTED_ERROR = {
    "code": 131051,
    "title": "Message type unknown",
    "message": "Message type unknown",
    "error_data": {"details": "Message type is currently not supported."},
}


def message_object(request: InboundRequest, business_display_phone: str) -> dict[str, Any]:
    """The message object's type-specific part, with Meta's `errors` on an unsupported
    message, `context` naming the business message replied to and the `referral` of an entry
    through an ad or a post."""
    content = dict(request.content)
    if request.type == "unsupported":
        content["errors"] = [UNSUPPORTED_ERROR]
    if request.context_id is not None:
        content["context"] = {"from": business_display_phone, "id": request.context_id}
    if request.referral is not None:
        content["referral"] = request.referral
    return content


def user_id_change(name: str, old: str, new: str) -> dict[str, Any]:
    """The `system` object of a `user_changed_user_id` message: the new BSUID and no new phone
    number (`wa_id`), as Meta documents for a BSUID change."""
    return {
        "body": f"User {name} changed from {old} to {new}",
        "user_id": new,
        "type": "user_changed_user_id",
    }


def next_bsuid(user: User, change: int) -> str:
    """The BSUID wamm gives a user on its `change`-th BSUID change: same country prefix, new
    digits, reproducible under the run's sequence."""
    return generated_bsuid(user.country, f"{user.phone}:{change}")


def is_user_bsuid(value: str, country: str) -> bool:
    """Whether `value` can be a (non-parent) BSUID of a user of `country`."""
    return is_bsuid(value) and value.startswith(f"{country}.") and ".ENT." not in value
