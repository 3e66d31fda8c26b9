"""Inbound message requests without I/O, table-first: what each type's request becomes in the
webhook's message object, and what is refused."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from wamm.core.errors import GraphError
from wamm.core.inbound import (
    ANIMATED_STICKER,
    SAMPLES,
    UNSUPPORTED_ERROR,
    InboundRequest,
    MediaUpload,
    is_user_bsuid,
    media_object,
    message_object,
    next_bsuid,
    parse,
    user_id_change,
)
from wamm.core.model import User

BUSINESS_DISPLAY = "15550783881"
CONTACT_CARD = {
    "name": {"formatted_name": "Ana Souza", "first_name": "Ana"},
    "phones": [{"phone": "+55 11 98765 4321", "type": "CELL", "wa_id": "5511987654321"}],
}
ORDER = {
    "catalog_id": "1234",
    "text": "For tomorrow",
    "product_items": [
        {"product_retailer_id": "sku-1", "quantity": 2, "item_price": 9.5, "currency": "USD"}
    ],
}
FLOW_RESPONSE = '{"flow_token": "t-1", "size": "M"}'
BUTTON = {"id": "yes", "title": "Yes"}
ROW = {"id": "r1", "title": "Row 1", "description": "First"}
# Replies to a business message name it; the webhook adds the business number.
REPLY = {"context": {"id": "wamid.SENT"}}
REPLIED = {"context": {"from": BUSINESS_DISPLAY, "id": "wamid.SENT"}}
REFERRAL = {
    "source_url": "https://fb.me/ad",
    "source_id": "120",
    "source_type": "post",
    "media_type": "video",
    "video_url": "https://video.example/ad.mp4",
    "thumbnail_url": "https://video.example/ad.jpg",
    "welcome_message": {"text": "Hi!"},
}

# Request body (beside phone_number_id and from) -> the webhook message's type-specific part.
MESSAGES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {"type": "text", "text": {"body": "Hello"}}),
    ({"text": "Hi"}, {"type": "text", "text": {"body": "Hi"}}),
    (
        {"type": "location", "location": {"latitude": -23.5, "longitude": -46.6, "name": "Shop"}},
        {"type": "location", "location": {"latitude": -23.5, "longitude": -46.6, "name": "Shop"}},
    ),
    (
        {"type": "contacts", "contacts": [CONTACT_CARD]},
        {"type": "contacts", "contacts": [CONTACT_CARD]},
    ),
    (
        {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
        {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
    ),
    (
        {"type": "reaction", "reaction": {"message_id": "wamid.X"}},  # a removed reaction
        {"type": "reaction", "reaction": {"message_id": "wamid.X"}},
    ),
    (
        {
            **REPLY,
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": BUTTON},
        },
        {
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": BUTTON},
            **REPLIED,
        },
    ),
    (
        {**REPLY, "type": "interactive", "interactive": {"type": "list_reply", "list_reply": ROW}},
        {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": ROW},
            **REPLIED,
        },
    ),
    (
        {
            **REPLY,
            "type": "interactive",
            "interactive": {"type": "nfm_reply", "nfm_reply": {"response_json": FLOW_RESPONSE}},
        },
        {
            "type": "interactive",
            "interactive": {
                "type": "nfm_reply",
                "nfm_reply": {"name": "flow", "body": "Sent", "response_json": FLOW_RESPONSE},
            },
            **REPLIED,
        },
    ),
    (
        {**REPLY, "type": "button", "button": {"text": "Stop promotions", "payload": "STOP"}},
        {"type": "button", "button": {"text": "Stop promotions", "payload": "STOP"}, **REPLIED},
    ),
    ({"type": "order", "order": ORDER}, {"type": "order", "order": ORDER}),
    (
        {"type": "unsupported"},
        {"type": "unsupported", "unsupported": {"type": "unknown"}, "errors": [UNSUPPORTED_ERROR]},
    ),
    (
        {"type": "unsupported", "unsupported": {"type": "poll_creation"}},
        {
            "type": "unsupported",
            "unsupported": {"type": "poll_creation"},
            "errors": [UNSUPPORTED_ERROR],
        },
    ),
    (
        {"text": "Saw the post", "referral": REFERRAL},
        {"type": "text", "text": {"body": "Saw the post"}, "referral": REFERRAL},
    ),
    (
        {"type": "location", "location": {"latitude": 1, "longitude": 2}, "referral": REFERRAL},
        {"type": "location", "location": {"latitude": 1, "longitude": 2}, "referral": REFERRAL},
    ),
    (
        {"text": "Yes", "context": {"id": "wamid.SENT"}},
        {
            "type": "text",
            "text": {"body": "Yes"},
            "context": {"from": BUSINESS_DISPLAY, "id": "wamid.SENT"},
        },
    ),
]


@pytest.mark.parametrize(("body", "expected"), MESSAGES)
def test_message_objects(body: dict[str, Any], expected: dict[str, Any]) -> None:
    request = parse(body)
    assert request.media is None
    assert message_object(request, BUSINESS_DISPLAY) == expected


def test_unsupported_error_is_metas_131051() -> None:
    assert UNSUPPORTED_ERROR == {
        "code": 131051,
        "title": "Message type unknown",
        "message": "Message type unknown",
        "error_data": {"details": "Message type is currently not supported."},
    }


PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)

# Request -> (file kept, its MIME type, the webhook object's keys beside id/mime/sha256/url).
MEDIA: list[tuple[dict[str, Any], bytes, str, dict[str, Any]]] = [
    ({"type": "image"}, SAMPLES["image"][1], "image/jpeg", {}),
    (
        {
            "type": "image",
            "image": {
                "data": base64.b64encode(PNG).decode(),
                "mime_type": "image/png",
                "caption": "Broken",
            },
        },
        PNG,
        "image/png",
        {"caption": "Broken"},
    ),
    ({"type": "audio"}, SAMPLES["audio"][1], "audio/ogg", {"voice": False}),
    (
        {"type": "audio", "audio": {"voice": True}},
        SAMPLES["audio"][1],
        "audio/ogg",
        {"voice": True},
    ),
    (
        {"type": "video", "video": {"caption": "Look"}},
        SAMPLES["video"][1],
        "video/mp4",
        {"caption": "Look"},
    ),
    (
        {"type": "document"},
        SAMPLES["document"][1],
        "application/pdf",
        {"filename": "document.pdf"},
    ),
    (
        {"type": "document", "document": {"filename": "invoice.pdf", "caption": "Invoice"}},
        SAMPLES["document"][1],
        "application/pdf",
        {"caption": "Invoice", "filename": "invoice.pdf"},
    ),
    ({"type": "sticker"}, SAMPLES["sticker"][1], "image/webp", {"animated": False}),
    (
        {"type": "sticker", "sticker": {"animated": True}},
        ANIMATED_STICKER,
        "image/webp",
        {"animated": True},
    ),
    (
        {"type": "sticker", "sticker": {"data": base64.b64encode(ANIMATED_STICKER).decode()}},
        ANIMATED_STICKER,
        "image/webp",
        {"animated": True},
    ),
]


@pytest.mark.parametrize(("body", "content", "mime_type", "extra"), MEDIA)
def test_media_requests(
    body: dict[str, Any], content: bytes, mime_type: str, extra: dict[str, Any]
) -> None:
    request = parse(body)
    assert request.media == MediaUpload(body["type"], mime_type, content, extra)
    assert message_object(request, BUSINESS_DISPLAY) == {}


def test_media_object_after_storing() -> None:
    upload = MediaUpload("document", "application/pdf", b"%PDF", {"filename": "a.pdf"})
    assert media_object(upload, "42", "ab12", "http://wamm/x", "application/pdf") == {
        "filename": "a.pdf",
        "mime_type": "application/pdf",
        "sha256": "ab12",
        "id": "42",
        "url": "http://wamm/x",
    }


def test_system_requests() -> None:
    assert parse({"type": "system"}) == InboundRequest("system")
    wanted = {"type": "system", "system": {"type": "user_changed_user_id", "user_id": "BR.77"}}
    assert parse(wanted) == InboundRequest("system", new_user_id="BR.77")
    assert user_id_change("Ana", "BR.1", "BR.2") == {
        "body": "User Ana changed from BR.1 to BR.2",
        "user_id": "BR.2",
        "type": "user_changed_user_id",
    }


def test_new_bsuids_keep_the_country_and_differ_per_change() -> None:
    user = User(phone="5511987654321", country="BR", bsuid="BR.1")
    first, second = next_bsuid(user, 0), next_bsuid(user, 1)
    assert first.startswith("BR.") and second.startswith("BR.") and first != second
    assert is_user_bsuid(first, "BR")
    assert not is_user_bsuid(first, "US")
    assert not is_user_bsuid("BR.ENT.123", "BR")


REFUSED: list[tuple[dict[str, Any], str]] = [
    (
        {"type": "poll"},
        "Param type must be one of text, interactive, contacts, image, video, document, audio, "
        "sticker, location, reaction, button, order, unsupported, system, got 'poll'.",
    ),
    ({"text": 3}, "Param text must be a string, got integer."),
    (
        {"type": "location", "location": {"latitude": 1}},
        "(#100) The parameter location.longitude is required.",
    ),
    (
        {"type": "location", "location": {"latitude": "1", "longitude": 2}},
        "Param location.latitude must be a JSON number, got string.",
    ),
    (
        {"type": "location", "location": {"latitude": True, "longitude": 2}},
        "Param location.latitude must be a JSON number, got boolean.",
    ),
    (
        {"type": "reaction", "reaction": {"message_id": "w", "smile": ":)"}},
        "Param reaction.smile is not a known parameter.",
    ),
    ({**REPLY, "type": "button"}, "(#100) The parameter button.text is required."),
    (
        {"type": "button", "button": {"text": "Yes"}},
        "The parameter context is required: an inbound button answers a business message.",
    ),
    ({"type": "contacts"}, "Param contacts must be a non-empty JSON array of contacts."),
    (
        {"type": "contacts", "contacts": [{"name": {}}]},
        "(#100) The parameter contacts[0].name.formatted_name is required.",
    ),
    (
        {**REPLY, "type": "interactive", "interactive": {"type": "flow"}},
        "Param interactive.type must be one of button_reply, list_reply, nfm_reply, got 'flow'.",
    ),
    (
        {
            **REPLY,
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "y"}},
        },
        "(#100) The parameter interactive.button_reply.title is required.",
    ),
    (
        {
            **REPLY,
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {}, "x": 1},
        },
        "Param interactive.x is not a known parameter.",
    ),
    (
        {"type": "order", "order": {"catalog_id": "1", "product_items": []}},
        "Param order.product_items must not be empty.",
    ),
    (
        {"type": "order", "order": {"catalog_id": "1", "product_items": [{"quantity": 1.5}]}},
        "Param order.product_items[0].quantity must be a JSON integer, got number.",
    ),
    (
        {"type": "order", "order": {"catalog_id": "1", "product_items": [{"quantity": 1}]}},
        "(#100) The parameter order.product_items[0].product_retailer_id is required.",
    ),
    (
        {"type": "image", "image": {"data": "not base64!"}},
        "Param image.data must be base64-encoded bytes.",
    ),
    (
        {"type": "audio", "audio": {"voice": "yes"}},
        "Param audio.voice must be a JSON boolean, got string.",
    ),
    (
        {"type": "system", "system": {"type": "user_changed_number"}},
        "Param system.type must be one of user_changed_user_id, got 'user_changed_number'.",
    ),
    ({"context": "wamid.X"}, "Param context must be a JSON object, got string."),
    ({"referral": "ad"}, "Param referral must be a JSON object, got string."),
    (
        {"referral": {**REFERRAL, "source_id": 120}},
        "Param referral.source_id must be a JSON string, got integer.",
    ),
    (
        {"referral": {**REFERRAL, "welcome_message": "Hi"}},
        "Param referral.welcome_message must be a JSON object, got string.",
    ),
    ({"context": {}}, "(#100) The parameter context.id is required."),
]


@pytest.mark.parametrize(("body", "message"), REFUSED)
def test_refused_requests(body: dict[str, Any], message: str) -> None:
    with pytest.raises(GraphError) as caught:
        parse(body)
    assert caught.value.code == 100
    assert message in (caught.value.message, caught.value.details)
