"""Validation of non-template send content: every rule, accepted payloads, and fuzzing."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wamm.core.content import SUPPORTED_TYPES, validate_content, validate_context
from wamm.core.errors import GraphError

WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"
REMOVE = object()


def edit(content: Any, changes: dict[str, Any]) -> Any:
    """A deep copy of `content` with each dotted path (list indices as numbers) set or removed."""
    result = copy.deepcopy(content)
    for path, value in changes.items():
        *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
        target = result
        for key in parents:
            target = target[key]
        if value is REMOVE:
            del target[last]
        else:
            target[last] = value
    return result


def names_path(details: str, path: str) -> bool:
    """Whether `details` names exactly `path` (not a parent or a child of it)."""
    return re.search(rf"(?<![\w.\]]){re.escape(path)}(?![\w.\[])", details) is not None


def reply(button_id: str, title: str) -> dict[str, Any]:
    return {"type": "reply", "reply": {"id": button_id, "title": title}}


def row(row_id: str, title: str) -> dict[str, Any]:
    return {"id": row_id, "title": title}


def products(*skus: str) -> list[dict[str, str]]:
    return [{"product_retailer_id": sku} for sku in skus]


# --- Canonical valid payloads (their normalised form is themselves) ------------------------------

TEXT = {"body": "As requested: https://example.com/quest", "preview_url": True}
IMAGE = {"id": "1479537139650973", "caption": "The best succulent ever?"}
VIDEO = {"link": "https://example.com/clip.mp4", "caption": "Watch"}
AUDIO = {"id": "1013859600285441", "voice": True}
DOCUMENT = {"link": "http://example.com/invoice.pdf", "caption": "Invoice", "filename": "inv.pdf"}
STICKER = {"id": "798882015472548"}
LOCATION = {
    "latitude": 37.44216251868683,
    "longitude": -122.16153582049394,
    "name": "Philz Coffee",
    "address": "101 Forest Ave, Palo Alto, CA 94301",
}
CONTACTS = [
    {
        "name": {"formatted_name": "Barbara J. Johnson", "first_name": "Barbara", "prefix": "Dr."},
        "birthday": "1999-01-23",
        "org": {"company": "Lucky Shrub", "department": "Legal", "title": "Counsel"},
        "addresses": [{"street": "1 Hacker Way", "city": "Menlo Park", "country_code": "US"}],
        "emails": [{"email": "bjohnson@example.com", "type": "WORK"}],
        "phones": [{"phone": "+16505551234", "type": "WORK", "wa_id": "16505551234"}],
        "urls": [{"url": "https://example.com", "type": "WORK"}],
    },
    {"name": {"formatted_name": "Pablo"}},
]
REACTION = {"message_id": WAMID, "emoji": "\U0001f600"}

INTERACTIVE: dict[str, dict[str, Any]] = {
    "button": {
        "type": "button",
        "header": {"type": "image", "image": {"id": "2762702990552401"}},
        "body": {"text": "Your workshop is at 9am tomorrow."},
        "footer": {"text": "Lucky Shrub"},
        "action": {"buttons": [reply("change", "Change"), reply("cancel", "Cancel")]},
    },
    "list": {
        "type": "list",
        "header": {"type": "text", "text": "Shipping"},
        "body": {"text": "Which shipping option do you prefer?"},
        "action": {
            "button": "Shipping Options",
            "sections": [
                {
                    "title": "Fast",
                    "rows": [
                        {"id": "express", "title": "Express", "description": "Next day"},
                        row("priority", "Priority"),
                    ],
                },
                {"title": "Cheap", "rows": [row("ground", "Ground")]},
            ],
        },
    },
    "cta_url": {
        "type": "cta_url",
        "header": {"type": "document", "document": {"link": "https://example.com/a.pdf"}},
        "body": {"text": "Tap the button below to see available dates."},
        "footer": {"text": "Dates subject to change."},
        "action": {
            "name": "cta_url",
            "parameters": {"display_text": "See Dates", "url": "https://example.com/dates"},
        },
    },
    "flow": {
        "type": "flow",
        "header": {"type": "text", "text": "Book"},
        "body": {"text": "Book your appointment"},
        "action": {
            "name": "flow",
            "parameters": {
                "flow_message_version": "3",
                "flow_cta": "Book!",
                "flow_token": "AQAAAAACS5FpgQ_cAAAAAD0QI3s.",
                "mode": "draft",
                "flow_action": "navigate",
                "flow_id": "1",
                "flow_action_payload": {"screen": "FIRST", "data": {"product_price": 100}},
            },
        },
    },
    "location_request_message": {
        "type": "location_request_message",
        "body": {"text": "Share your pickup location."},
        "action": {"name": "send_location"},
    },
    "address_message": {
        "type": "address_message",
        "body": {"text": "Where should we deliver?"},
        "action": {
            "name": "address_message",
            "parameters": {"country": "IN", "values": {"name": "CUSTOMER_NAME"}},
        },
    },
    "catalog_message": {
        "type": "catalog_message",
        "body": {"text": "Browse our catalog"},
        "footer": {"text": "Best grocery deals on WhatsApp!"},
        "action": {
            "name": "catalog_message",
            "parameters": {"thumbnail_product_retailer_id": "2lc20305pt"},
        },
    },
    "product": {
        "type": "product",
        "action": {"catalog_id": "146265584024623", "product_retailer_id": "SKU-1"},
    },
    "product_list": {
        "type": "product_list",
        "header": {"type": "text", "text": "Our picks"},
        "body": {"text": "Picked for you"},
        "action": {
            "catalog_id": "146265584024623",
            "sections": [
                {"title": "Plants", "product_items": products("SKU-1", "SKU-2")},
                {"title": "Pots", "product_items": products("SKU-3")},
            ],
        },
    },
}

VALID: list[tuple[str, Any]] = [
    ("text", TEXT),
    ("image", IMAGE),
    ("video", VIDEO),
    ("audio", AUDIO),
    ("document", DOCUMENT),
    ("sticker", STICKER),
    ("location", LOCATION),
    ("contacts", CONTACTS),
    ("reaction", REACTION),
    *(("interactive", payload) for payload in INTERACTIVE.values()),
]


def stored(message_type: str, content: Any) -> dict[str, Any]:
    """What wamm stores for content that needs no normalising."""
    return {"contacts": content} if message_type == "contacts" else content


def wire(message_type: str, payload: dict[str, Any]) -> Any:
    return payload["contacts"] if message_type == "contacts" else payload


VALID_PARAMS = [
    pytest.param(kind, content, id=content["type"] if kind == "interactive" else kind)
    for kind, content in VALID
]


@pytest.mark.parametrize(("message_type", "content"), VALID_PARAMS)
def test_valid_payloads_normalise_to_themselves(message_type: str, content: Any) -> None:
    assert validate_content(message_type, copy.deepcopy(content)) == stored(message_type, content)


def test_supported_types() -> None:
    assert {
        "text",
        "image",
        "video",
        "audio",
        "document",
        "sticker",
        "location",
        "contacts",
        "interactive",
        "reaction",
    } == SUPPORTED_TYPES


# --- Normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message_type", "content", "expected"),
    [
        pytest.param(
            "text",
            {"body": "hi", "preview_url": "true", "extra": 1},
            {"body": "hi", "preview_url": True},
            id="text-flag-coerced-extra-dropped",
        ),
        pytest.param("text", {"body": "x" * 4096}, {"body": "x" * 4096}, id="text-at-limit"),
        pytest.param(
            "image",
            {"id": 1479537139650973, "caption": None},
            {"id": "1479537139650973"},
            id="image-numeric-id-null-caption",
        ),
        pytest.param(
            "image",
            {"link": "https://example.com/a.png", "caption": "c" * 1024},
            {"link": "https://example.com/a.png", "caption": "c" * 1024},
            id="image-caption-at-limit",
        ),
        pytest.param(
            "location",
            {"latitude": "-90", "longitude": "180.0", "unknown": "x"},
            {"latitude": -90.0, "longitude": 180.0},
            id="location-numeric-strings-at-bounds",
        ),
        pytest.param(
            "location",
            {"latitude": 0, "longitude": -180},
            {"latitude": 0.0, "longitude": -180.0},
            id="location-integers",
        ),
        pytest.param(
            "contacts",
            [{"name": {"formatted_name": "A", "first_name": None}, "phones": [], "x": 1}],
            {"contacts": [{"name": {"formatted_name": "A"}, "phones": []}]},
            id="contacts-nulls-and-extras-dropped",
        ),
        pytest.param(
            "reaction",
            {"message_id": WAMID, "emoji": ""},
            {"message_id": WAMID, "emoji": ""},
            id="reaction-removal",
        ),
        pytest.param(
            "interactive",
            edit(
                INTERACTIVE["list"],
                {
                    "body.text": "b" * 4096,
                    "action.sections": [
                        {"rows": [{"id": "a", "title": "A", "extra": True}], "x": 1},
                    ],
                },
            ),
            edit(
                INTERACTIVE["list"],
                {
                    "body.text": "b" * 4096,
                    "action.sections": [
                        {"rows": [{"id": "a", "title": "A"}]},
                    ],
                },
            ),
            id="list-4096-body-single-untitled-section",
        ),
        pytest.param(
            "interactive",
            edit(
                INTERACTIVE["flow"],
                {
                    "action.parameters.flow_id": REMOVE,
                    "action.parameters.flow_name": "welcome",
                    "action.parameters.flow_token": None,
                    "action.parameters.flow_action_payload": REMOVE,
                },
            ),
            edit(
                INTERACTIVE["flow"],
                {
                    "action.parameters.flow_id": REMOVE,
                    "action.parameters.flow_name": "welcome",
                    "action.parameters.flow_token": REMOVE,
                    "action.parameters.flow_action_payload": REMOVE,
                },
            ),
            id="flow-by-name",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["flow"], {"action.parameters.flow_id": 1234}),
            edit(INTERACTIVE["flow"], {"action.parameters.flow_id": "1234"}),
            id="flow-numeric-id",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["product"], {"body": {"text": "Nice"}, "footer": {"text": "f"}}),
            edit(INTERACTIVE["product"], {"body": {"text": "Nice"}, "footer": {"text": "f"}}),
            id="product-with-body",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["catalog_message"], {"action.parameters": REMOVE}),
            edit(INTERACTIVE["catalog_message"], {"action.parameters": REMOVE}),
            id="catalog-without-thumbnail",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["address_message"], {"action.parameters.hack": 1}),
            INTERACTIVE["address_message"],
            id="address-extra-parameter-dropped",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["button"], {"action.buttons": [reply("b" * 256, "t" * 20)] * 1}),
            edit(INTERACTIVE["button"], {"action.buttons": [reply("b" * 256, "t" * 20)]}),
            id="button-limits",
        ),
    ],
)
def test_normalisation(message_type: str, content: Any, expected: dict[str, Any]) -> None:
    assert validate_content(message_type, content) == expected


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001f44d",  # thumbs up
        "\U0001f44d\U0001f3fd",  # with a skin tone
        "\u2764\ufe0f",  # red heart with presentation selector
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family, joined
        "\U0001f1eb\U0001f1f7",  # flag of France
        "1\ufe0f\u20e3",  # keycap one
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    ],
)
def test_reaction_accepts_single_emoji(emoji: str) -> None:
    content = {"message_id": WAMID, "emoji": emoji}
    assert validate_content("reaction", content) == content


@pytest.mark.parametrize("message_id", [WAMID, "wamid.x"])
def test_context_accepts_wamids(message_id: str) -> None:
    assert validate_context({"message_id": message_id, "extra": 1}) == {"message_id": message_id}


# --- Rejections ---------------------------------------------------------------------------------


def bad(message_type: str, content: Any, code: int, path: str, why: str) -> Any:
    return pytest.param(message_type, content, code, path, id=f"{message_type}-{why}")


def assert_rejected(message_type: str, content: Any, code: int, path: str) -> None:
    with pytest.raises(GraphError) as caught:
        validate_content(message_type, content)
    assert caught.value.code == code, caught.value.details
    assert names_path(caught.value.details, path), caught.value.details


@pytest.mark.parametrize("message_type", ["template", "address", "poll", "TEXT", ""])
def test_unsupported_message_type(message_type: str) -> None:
    with pytest.raises(GraphError) as caught:
        validate_content(message_type, {"body": "x"})
    assert caught.value.code == 131051
    assert f"Unsupported message type: {message_type}." in caught.value.details


@pytest.mark.parametrize("message_type", sorted(SUPPORTED_TYPES))
@pytest.mark.parametrize("content", [None, "text", 3, True])
def test_content_must_be_given_with_its_json_type(message_type: str, content: Any) -> None:
    assert_rejected(message_type, content, 100, message_type)


def test_object_types_refuse_arrays_and_contacts_refuse_objects() -> None:
    assert_rejected("text", [TEXT], 100, "text")
    assert_rejected("contacts", CONTACTS[0], 100, "contacts")


TEXT_REJECTIONS = [
    bad("text", {}, 100, "text.body", "body-missing"),
    bad("text", {"body": None}, 100, "text.body", "body-null"),
    bad("text", {"body": ""}, 100, "text.body", "body-empty"),
    bad("text", {"body": "x" * 4097}, 100, "text.body", "body-too-long"),
    bad("text", {"body": 42}, 100, "text.body", "body-not-string"),
    bad("text", {"body": "x", "preview_url": "maybe"}, 100, "text.preview_url", "flag-not-bool"),
]

MEDIA_REJECTIONS = [
    *(
        case
        for kind in ("image", "video", "audio", "document", "sticker")
        for case in (
            bad(kind, {}, 100, f"{kind}.id", "no-source-id"),
            bad(kind, {"name": "x"}, 100, f"{kind}.link", "no-source-link"),
            bad(kind, {"id": "1", "link": "https://a.b/c"}, 100, f"{kind}.link", "both-sources"),
            bad(kind, {"id": "12a"}, 100, f"{kind}.id", "id-not-numeric"),
            bad(kind, {"id": "\u0661\u0662"}, 100, f"{kind}.id", "id-non-ascii-digits"),
            bad(kind, {"id": ["1"]}, 100, f"{kind}.id", "id-array"),
            bad(kind, {"id": True}, 100, f"{kind}.id", "id-boolean"),
            bad(kind, {"id": -5}, 100, f"{kind}.id", "id-negative"),
            bad(kind, {"id": ""}, 100, f"{kind}.id", "id-empty"),
            bad(kind, {"link": "ftp://a.b/c"}, 100, f"{kind}.link", "link-ftp"),
            bad(kind, {"link": "https://"}, 100, f"{kind}.link", "link-no-host"),
            bad(kind, {"link": "example.com/a"}, 100, f"{kind}.link", "link-no-scheme"),
            bad(kind, {"link": "http://[::1"}, 100, f"{kind}.link", "link-malformed"),
            bad(kind, {"link": 7}, 100, f"{kind}.link", "link-not-string"),
        )
    ),
    *(
        bad(kind, {"id": "1", "caption": "c" * 1025}, 100, f"{kind}.caption", "caption-too-long")
        for kind in ("image", "video", "document")
    ),
    *(
        bad(kind, {"id": "1", "caption": "c"}, 100, f"{kind}.caption", "caption-unsupported")
        for kind in ("audio", "sticker")
    ),
    *(
        bad(kind, {"id": "1", "filename": "a.pdf"}, 100, f"{kind}.filename", "filename-unsupported")
        for kind in ("image", "video", "audio", "sticker")
    ),
    *(
        bad(kind, {"id": "1", "voice": True}, 100, f"{kind}.voice", "voice-unsupported")
        for kind in ("image", "video", "document", "sticker")
    ),
    bad("image", {"id": "1", "caption": 5}, 100, "image.caption", "caption-not-string"),
    bad("document", {"id": "1", "filename": {}}, 100, "document.filename", "filename-object"),
    bad("audio", {"id": "1", "voice": "loud"}, 100, "audio.voice", "voice-not-bool"),
]

LOCATION_REJECTIONS = [
    bad("location", {"longitude": 1}, 100, "location.latitude", "latitude-missing"),
    bad("location", {"latitude": 1}, 100, "location.longitude", "longitude-missing"),
    bad("location", {"latitude": 90.5, "longitude": 0}, 100, "location.latitude", "lat-high"),
    bad("location", {"latitude": "-91", "longitude": 0}, 100, "location.latitude", "lat-low"),
    bad("location", {"latitude": 0, "longitude": 180.01}, 100, "location.longitude", "lon-high"),
    bad("location", {"latitude": 0, "longitude": -181}, 100, "location.longitude", "lon-low"),
    bad("location", {"latitude": "north", "longitude": 0}, 100, "location.latitude", "lat-word"),
    bad("location", {"latitude": True, "longitude": 0}, 100, "location.latitude", "lat-bool"),
    bad("location", {"latitude": [1], "longitude": 0}, 100, "location.latitude", "lat-array"),
    bad("location", {"latitude": "nan", "longitude": 0}, 100, "location.latitude", "lat-nan"),
    bad("location", {"latitude": 0, "longitude": "inf"}, 100, "location.longitude", "lon-inf"),
    bad("location", {"latitude": 10**400, "longitude": 0}, 100, "location.latitude", "lat-huge"),
    bad("location", edit(LOCATION, {"name": 1}), 100, "location.name", "name-not-string"),
    bad("location", edit(LOCATION, {"address": []}), 100, "location.address", "address-array"),
]

CONTACT_REJECTIONS = [
    bad("contacts", [], 100, "contacts", "empty"),
    bad("contacts", [CONTACTS[1]] * 258, 100, "contacts", "too-many"),
    bad("contacts", [CONTACTS[1], "Pablo"], 100, "contacts[1]", "entry-not-object"),
    bad("contacts", [{}], 100, "contacts[0].name", "name-missing"),
    bad("contacts", [{"name": "Pablo"}], 100, "contacts[0].name", "name-not-object"),
    bad(
        "contacts",
        [{"name": {"first_name": "P"}}],
        100,
        "contacts[0].name.formatted_name",
        "formatted-name-missing",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.name.formatted_name": ""}),
        100,
        "contacts[0].name.formatted_name",
        "formatted-name-empty",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.name.last_name": 3}),
        100,
        "contacts[0].name.last_name",
        "last-name-not-string",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.phones": {"phone": "1"}}),
        100,
        "contacts[0].phones",
        "phones-not-array",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.phones": [{"phone": "1"}, "2"]}),
        100,
        "contacts[0].phones[1]",
        "phone-entry-not-object",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.phones.0.phone": 16505551234}),
        100,
        "contacts[0].phones[0].phone",
        "phone-number-not-string",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.phones.0.wa_id": []}),
        100,
        "contacts[0].phones[0].wa_id",
        "wa-id-array",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.emails.0.email": 1}),
        100,
        "contacts[0].emails[0].email",
        "email-not-string",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.urls.0.url": ["x"]}),
        100,
        "contacts[0].urls[0].url",
        "url-array",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.addresses.0.zip": 94025}),
        100,
        "contacts[0].addresses[0].zip",
        "zip-not-string",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.org": "Lucky Shrub"}),
        100,
        "contacts[0].org",
        "org-not-object",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"0.org.company": 1}),
        100,
        "contacts[0].org.company",
        "company-not-string",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"1.birthday": "1999/01/23"}),
        100,
        "contacts[1].birthday",
        "birthday-format",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"1.birthday": "1999-02-30"}),
        100,
        "contacts[1].birthday",
        "birthday-impossible",
    ),
    bad(
        "contacts",
        edit(CONTACTS, {"1.birthday": 19990123}),
        100,
        "contacts[1].birthday",
        "birthday-number",
    ),
]

REACTION_REJECTIONS = [
    bad("reaction", {"emoji": "x"}, 100, "reaction.message_id", "message-id-missing"),
    bad("reaction", {"message_id": "ABGG"}, 100, "reaction.message_id", "message-id-not-wamid"),
    bad("reaction", {"message_id": "wamid."}, 100, "reaction.message_id", "message-id-bare"),
    bad("reaction", {"message_id": 5}, 100, "reaction.message_id", "message-id-number"),
    bad("reaction", {"message_id": WAMID}, 100, "reaction.emoji", "emoji-missing"),
    bad("reaction", {"message_id": WAMID, "emoji": "ok"}, 100, "reaction.emoji", "emoji-letters"),
    bad(
        "reaction",
        {"message_id": WAMID, "emoji": "\U0001f44d\U0001f44d"},
        100,
        "reaction.emoji",
        "emoji-two",
    ),
    bad(
        "reaction",
        {"message_id": WAMID, "emoji": "\U0001f44d "},
        100,
        "reaction.emoji",
        "emoji-trailing-space",
    ),
    bad("reaction", {"message_id": WAMID, "emoji": 128077}, 100, "reaction.emoji", "emoji-number"),
]


def interactive(kind: str, changes: dict[str, Any], code: int, path: str, why: str) -> Any:
    return bad("interactive", edit(INTERACTIVE[kind], changes), code, path, f"{kind}-{why}")


MISSING, INVALID = 131008, 131009
BUTTON = "interactive.action.buttons"
SECTIONS = "interactive.action.sections"
PARAMETERS = "interactive.action.parameters"

ENVELOPE_REJECTIONS = [
    bad("interactive", {"body": {"text": "x"}}, MISSING, "interactive.type", "type-missing"),
    bad("interactive", {"type": 1}, 100, "interactive.type", "type-not-string"),
    bad("interactive", {"type": "poll"}, INVALID, "interactive.type", "type-unknown"),
    bad("interactive", {"type": "BUTTON"}, INVALID, "interactive.type", "type-uppercase"),
    interactive("button", {"action": REMOVE}, MISSING, "interactive.action", "action-missing"),
    interactive("button", {"action": []}, 100, "interactive.action", "action-array"),
    interactive("button", {"body": REMOVE}, MISSING, "interactive.body", "body-missing"),
    interactive("button", {"body": "hi"}, 100, "interactive.body", "body-not-object"),
    interactive("button", {"body.text": REMOVE}, MISSING, "interactive.body.text", "text-missing"),
    interactive("button", {"body.text": ""}, INVALID, "interactive.body.text", "body-empty"),
    interactive("button", {"body.text": "b" * 1025}, INVALID, "interactive.body.text", "body-long"),
    interactive("list", {"body.text": "b" * 4097}, INVALID, "interactive.body.text", "body-long"),
    interactive("flow", {"body": REMOVE}, MISSING, "interactive.body", "body-missing"),
    interactive("product_list", {"body": REMOVE}, MISSING, "interactive.body", "body-missing"),
    interactive(
        "button", {"footer.text": "f" * 61}, INVALID, "interactive.footer.text", "footer-long"
    ),
    interactive("button", {"footer": {}}, MISSING, "interactive.footer.text", "footer-empty"),
    interactive("button", {"footer": ["f"]}, 100, "interactive.footer", "footer-array"),
    interactive(
        "list", {"header.text": "h" * 61}, INVALID, "interactive.header.text", "header-long"
    ),
    interactive(
        "list", {"header.text": REMOVE}, MISSING, "interactive.header.text", "header-text-missing"
    ),
    interactive(
        "list", {"header.type": REMOVE}, MISSING, "interactive.header.type", "header-type-missing"
    ),
    interactive(
        "list",
        {"header": {"type": "image", "image": {"id": "1"}}},
        INVALID,
        "interactive.header.type",
        "media-header",
    ),
    interactive(
        "product_list",
        {"header": {"type": "video", "video": {"id": "1"}}},
        INVALID,
        "interactive.header.type",
        "media-header",
    ),
    interactive(
        "button", {"header.type": "location"}, INVALID, "interactive.header.type", "header-location"
    ),
    interactive(
        "button",
        {"header.image": REMOVE},
        MISSING,
        "interactive.header.image",
        "header-media-missing",
    ),
    interactive(
        "button",
        {"header.image": {}},
        MISSING,
        "interactive.header.image.id",
        "header-media-source-missing",
    ),
    interactive(
        "cta_url",
        {"header.document.link": "file:///a.pdf"},
        INVALID,
        "interactive.header.document.link",
        "header-media-bad-link",
    ),
    interactive(
        "product",
        {"header": {"type": "text", "text": "x"}},
        INVALID,
        "interactive.header",
        "header-unsupported",
    ),
    interactive(
        "catalog_message",
        {"header": {"type": "text", "text": "x"}},
        INVALID,
        "interactive.header",
        "header-unsupported",
    ),
    interactive(
        "location_request_message",
        {"header": {"type": "text", "text": "x"}},
        INVALID,
        "interactive.header",
        "header-unsupported",
    ),
    interactive(
        "product_list", {"header": REMOVE}, MISSING, "interactive.header", "header-missing"
    ),
]

BUTTON_REJECTIONS = [
    interactive("button", {"action.buttons": REMOVE}, MISSING, BUTTON, "buttons-missing"),
    interactive("button", {"action.buttons": []}, INVALID, BUTTON, "buttons-empty"),
    interactive(
        "button",
        {"action.buttons": [reply(str(n), str(n)) for n in range(4)]},
        INVALID,
        BUTTON,
        "buttons-four",
    ),
    interactive("button", {"action.buttons": reply("a", "b")}, 100, BUTTON, "buttons-object"),
    interactive(
        "button", {"action.buttons.1.type": "url"}, INVALID, f"{BUTTON}[1].type", "type-not-reply"
    ),
    interactive(
        "button", {"action.buttons.1.reply": REMOVE}, MISSING, f"{BUTTON}[1].reply", "reply-missing"
    ),
    interactive(
        "button",
        {"action.buttons.0.reply.id": REMOVE},
        MISSING,
        f"{BUTTON}[0].reply.id",
        "id-missing",
    ),
    interactive(
        "button",
        {"action.buttons.0.reply.id": "i" * 257},
        INVALID,
        f"{BUTTON}[0].reply.id",
        "id-long",
    ),
    interactive(
        "button",
        {"action.buttons.0.reply.id": " change"},
        INVALID,
        f"{BUTTON}[0].reply.id",
        "id-leading-space",
    ),
    interactive(
        "button",
        {"action.buttons.0.reply.id": "change "},
        INVALID,
        f"{BUTTON}[0].reply.id",
        "id-trailing-space",
    ),
    interactive(
        "button",
        {"action.buttons.0.reply.title": "t" * 21},
        INVALID,
        f"{BUTTON}[0].reply.title",
        "title-long",
    ),
    interactive(
        "button",
        {"action.buttons.0.reply.title": ""},
        INVALID,
        f"{BUTTON}[0].reply.title",
        "title-empty",
    ),
    interactive(
        "button",
        {"action.buttons.1.reply.id": "change"},
        INVALID,
        f"{BUTTON}[1].reply.id",
        "duplicate-id",
    ),
    interactive(
        "button",
        {"action.buttons.1.reply.title": "Change"},
        INVALID,
        f"{BUTTON}[1].reply.title",
        "duplicate-title",
    ),
]

LIST_REJECTIONS = [
    interactive(
        "list", {"action.button": REMOVE}, MISSING, "interactive.action.button", "button-missing"
    ),
    interactive(
        "list", {"action.button": "b" * 21}, INVALID, "interactive.action.button", "button-long"
    ),
    interactive("list", {"action.sections": REMOVE}, MISSING, SECTIONS, "sections-missing"),
    interactive("list", {"action.sections": []}, INVALID, SECTIONS, "sections-empty"),
    interactive(
        "list",
        {"action.sections": [{"title": str(n), "rows": [row(str(n), "r")]} for n in range(11)]},
        INVALID,
        SECTIONS,
        "sections-eleven",
    ),
    interactive(
        "list", {"action.sections.0.rows": REMOVE}, MISSING, f"{SECTIONS}[0].rows", "rows-missing"
    ),
    interactive(
        "list", {"action.sections.0.rows": []}, INVALID, f"{SECTIONS}[0].rows", "rows-empty"
    ),
    interactive(
        "list",
        {"action.sections.0.rows": [row(str(n), "r") for n in range(11)]},
        INVALID,
        f"{SECTIONS}[0].rows",
        "rows-eleven-in-one-section",
    ),
    interactive(
        "list",
        {
            "action.sections.0.rows": [row(str(n), "r") for n in range(9)],
            "action.sections.1.rows": [row("x", "r"), row("y", "r")],
        },
        INVALID,
        f"{SECTIONS}[1].rows[1]",
        "rows-eleven-across-sections",
    ),
    interactive(
        "list",
        {"action.sections.0.rows": [row(str(n), "r") for n in range(3)] + [row("9", "t" * 25)]},
        INVALID,
        f"{SECTIONS}[0].rows[3].title",
        "row-title-long",
    ),
    interactive(
        "list",
        {"action.sections.0.rows.1.title": REMOVE},
        MISSING,
        f"{SECTIONS}[0].rows[1].title",
        "row-title-missing",
    ),
    interactive(
        "list",
        {"action.sections.0.rows.0.id": "i" * 201},
        INVALID,
        f"{SECTIONS}[0].rows[0].id",
        "row-id-long",
    ),
    interactive(
        "list",
        {"action.sections.0.rows.0.id": REMOVE},
        MISSING,
        f"{SECTIONS}[0].rows[0].id",
        "row-id-missing",
    ),
    interactive(
        "list",
        {"action.sections.0.rows.0.description": "d" * 73},
        INVALID,
        f"{SECTIONS}[0].rows[0].description",
        "row-description-long",
    ),
    interactive(
        "list",
        {"action.sections.1.rows.0.id": "express"},
        INVALID,
        f"{SECTIONS}[1].rows[0].id",
        "row-id-duplicate",
    ),
    interactive(
        "list",
        {"action.sections.1.title": REMOVE},
        MISSING,
        f"{SECTIONS}[1].title",
        "section-title-missing",
    ),
    interactive(
        "list",
        {"action.sections.0.title": "s" * 25},
        INVALID,
        f"{SECTIONS}[0].title",
        "section-title-long",
    ),
    interactive("list", {"action.sections.0": "Fast"}, 100, f"{SECTIONS}[0]", "section-not-object"),
]

CTA_AND_FLOW_REJECTIONS = [
    interactive("cta_url", {"action.name": "url"}, INVALID, "interactive.action.name", "name"),
    interactive(
        "cta_url", {"action.name": REMOVE}, MISSING, "interactive.action.name", "name-missing"
    ),
    interactive(
        "cta_url", {"action.parameters": REMOVE}, MISSING, PARAMETERS, "parameters-missing"
    ),
    interactive(
        "cta_url",
        {"action.parameters.display_text": "d" * 21},
        INVALID,
        f"{PARAMETERS}.display_text",
        "display-text-long",
    ),
    interactive(
        "cta_url",
        {"action.parameters.display_text": REMOVE},
        MISSING,
        f"{PARAMETERS}.display_text",
        "display-text-missing",
    ),
    interactive(
        "cta_url",
        {"action.parameters.url": "javascript:alert(1)"},
        INVALID,
        f"{PARAMETERS}.url",
        "url-scheme",
    ),
    interactive(
        "cta_url", {"action.parameters.url": REMOVE}, MISSING, f"{PARAMETERS}.url", "url-missing"
    ),
    interactive("flow", {"action.name": "cta_url"}, INVALID, "interactive.action.name", "name"),
    interactive(
        "flow",
        {"action.parameters.flow_message_version": "2"},
        INVALID,
        f"{PARAMETERS}.flow_message_version",
        "version",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_message_version": REMOVE},
        MISSING,
        f"{PARAMETERS}.flow_message_version",
        "version-missing",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_cta": "c" * 31},
        INVALID,
        f"{PARAMETERS}.flow_cta",
        "cta-long",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_cta": REMOVE},
        MISSING,
        f"{PARAMETERS}.flow_cta",
        "cta-missing",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_id": REMOVE},
        MISSING,
        f"{PARAMETERS}.flow_id",
        "no-flow-reference",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_name": "welcome"},
        INVALID,
        f"{PARAMETERS}.flow_name",
        "id-and-name",
    ),
    interactive(
        "flow", {"action.parameters.flow_id": ["1"]}, 100, f"{PARAMETERS}.flow_id", "id-array"
    ),
    interactive("flow", {"action.parameters.mode": "live"}, INVALID, f"{PARAMETERS}.mode", "mode"),
    interactive(
        "flow",
        {"action.parameters.flow_action": "go"},
        INVALID,
        f"{PARAMETERS}.flow_action",
        "flow-action",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_token": 5},
        100,
        f"{PARAMETERS}.flow_token",
        "token-not-string",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_action_payload.screen": REMOVE},
        MISSING,
        f"{PARAMETERS}.flow_action_payload.screen",
        "screen-missing",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_action_payload.data": {}},
        INVALID,
        f"{PARAMETERS}.flow_action_payload.data",
        "data-empty",
    ),
    interactive(
        "flow",
        {"action.parameters.flow_action_payload.data": [1]},
        100,
        f"{PARAMETERS}.flow_action_payload.data",
        "data-array",
    ),
]

OTHER_ACTION_REJECTIONS = [
    interactive(
        "location_request_message",
        {"action.name": "location"},
        INVALID,
        "interactive.action.name",
        "name",
    ),
    interactive(
        "location_request_message",
        {"action": {}},
        MISSING,
        "interactive.action.name",
        "name-missing",
    ),
    interactive(
        "address_message", {"action.name": "address"}, INVALID, "interactive.action.name", "name"
    ),
    interactive(
        "address_message", {"action.parameters": REMOVE}, MISSING, PARAMETERS, "parameters-missing"
    ),
    interactive(
        "address_message",
        {"action.parameters.country": "US"},
        INVALID,
        f"{PARAMETERS}.country",
        "country",
    ),
    interactive(
        "catalog_message", {"action.name": "catalog"}, INVALID, "interactive.action.name", "name"
    ),
    interactive(
        "catalog_message",
        {"action.parameters.thumbnail_product_retailer_id": []},
        100,
        f"{PARAMETERS}.thumbnail_product_retailer_id",
        "thumbnail-array",
    ),
    interactive(
        "product",
        {"action.catalog_id": REMOVE},
        MISSING,
        "interactive.action.catalog_id",
        "catalog-missing",
    ),
    interactive(
        "product",
        {"action.product_retailer_id": REMOVE},
        MISSING,
        "interactive.action.product_retailer_id",
        "product-missing",
    ),
    interactive(
        "product",
        {"action.product_retailer_id": ""},
        INVALID,
        "interactive.action.product_retailer_id",
        "product-empty",
    ),
    interactive(
        "product_list",
        {"action.catalog_id": REMOVE},
        MISSING,
        "interactive.action.catalog_id",
        "catalog-missing",
    ),
    interactive(
        "product_list",
        {
            "action.sections": [
                {"title": str(n), "product_items": products(str(n))} for n in range(11)
            ]
        },
        INVALID,
        SECTIONS,
        "sections-eleven",
    ),
    interactive(
        "product_list",
        {"action.sections.0.product_items": REMOVE},
        MISSING,
        f"{SECTIONS}[0].product_items",
        "items-missing",
    ),
    interactive(
        "product_list",
        {
            "action.sections.0.product_items": products(*(str(n) for n in range(29))),
            "action.sections.1.product_items": products("a", "b"),
        },
        INVALID,
        f"{SECTIONS}[1].product_items[1]",
        "thirty-one-products",
    ),
    interactive(
        "product_list",
        {"action.sections.1.product_items.0.product_retailer_id": REMOVE},
        MISSING,
        f"{SECTIONS}[1].product_items[0].product_retailer_id",
        "sku-missing",
    ),
    interactive(
        "product_list",
        {"action.sections.1.title": REMOVE},
        MISSING,
        f"{SECTIONS}[1].title",
        "section-title-missing",
    ),
]


@pytest.mark.parametrize(
    ("message_type", "content", "code", "path"),
    [
        *TEXT_REJECTIONS,
        *MEDIA_REJECTIONS,
        *LOCATION_REJECTIONS,
        *CONTACT_REJECTIONS,
        *REACTION_REJECTIONS,
        *ENVELOPE_REJECTIONS,
        *BUTTON_REJECTIONS,
        *LIST_REJECTIONS,
        *CTA_AND_FLOW_REJECTIONS,
        *OTHER_ACTION_REJECTIONS,
    ],
)
def test_rejections_name_the_field(message_type: str, content: Any, code: int, path: str) -> None:
    assert_rejected(message_type, content, code, path)


@pytest.mark.parametrize("kind", ["carousel", "voice_call", "call_permission_request"])
def test_unemulated_interactive_types(kind: str) -> None:
    with pytest.raises(GraphError) as caught:
        validate_content("interactive", {"type": kind, "body": {"text": "x"}, "action": {}})
    assert caught.value.code == 131051
    assert kind in caught.value.details


@pytest.mark.parametrize(
    ("context", "path"),
    [
        (None, "context"),
        ("wamid.x", "context"),
        ({}, "context.message_id"),
        ({"message_id": "gBGGFlB5"}, "context.message_id"),
        ({"message_id": 1}, "context.message_id"),
    ],
)
def test_context_rejections(context: Any, path: str) -> None:
    with pytest.raises(GraphError) as caught:
        validate_context(context)
    assert caught.value.code == 100
    assert names_path(caught.value.details, path), caught.value.details


def test_invalid_parameter_errors_render_as_graph_code_100() -> None:
    with pytest.raises(GraphError) as caught:
        validate_content("text", {})
    body = caught.value.body("trace")["error"]
    assert body["message"] == "(#100) Invalid parameter"
    assert body["error_data"]["details"] == "The parameter text.body is required."


# --- Fuzzing ------------------------------------------------------------------------------------


def keys_of(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


def paths_of(value: Any, prefix: str = "") -> Iterator[str]:
    """Every dotted path inside `value`, in the form `edit` takes."""
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in children:
        path = f"{prefix}{key}"
        yield path
        if isinstance(item, dict | list) and item:
            yield from paths_of(item, f"{path}.")


KNOWN_KEYS = sorted({key for _, content in VALID for key in keys_of(content)})
KNOWN_WORDS = sorted(
    {
        *INTERACTIVE,
        "reply",
        "text",
        "image",
        "video",
        "document",
        "cta_url",
        "flow",
        "send_location",
        "catalog_message",
        "address_message",
        "3",
        "IN",
        "navigate",
        WAMID,
        "https://example.com/a.png",
        "1479537139650973",
        "\U0001f600",
        "",
    }
)
json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(KNOWN_WORDS)
)
json_values = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=30,
)
fuzz = settings(database=None, deadline=None)


def accepted_or_graph_error(message_type: str, content: Any) -> None:
    """The property: a stored, JSON-serialisable, stable payload, or a GraphError with details."""
    try:
        payload = validate_content(message_type, content)
    except GraphError as error:
        assert error.code in (100, 131008, 131009, 131051)
        assert error.details
        return
    json.dumps(payload)
    assert validate_content(message_type, wire(message_type, payload)) == payload


@fuzz
@given(content=json_values)
@pytest.mark.parametrize("message_type", sorted(SUPPORTED_TYPES))
def test_arbitrary_json_never_crashes(message_type: str, content: Any) -> None:
    accepted_or_graph_error(message_type, content)


@fuzz
@given(data=st.data())
@pytest.mark.parametrize(("message_type", "content"), VALID_PARAMS)
def test_corrupted_valid_payloads_never_crash(
    message_type: str, content: Any, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(list(paths_of(content))))
    replacement = data.draw(json_values | st.just(REMOVE))
    accepted_or_graph_error(message_type, edit(content, {path: replacement}))


@fuzz
@given(context=json_values | st.fixed_dictionaries({"message_id": json_values}))
def test_arbitrary_context_never_crashes(context: Any) -> None:
    try:
        assert validate_context(context) == {"message_id": context["message_id"]}
    except GraphError as error:
        assert error.code == 100
