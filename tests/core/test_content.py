"""Validation of non-template send content: every rule, accepted payloads, and fuzzing."""

from __future__ import annotations

import copy
import json
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.content_builders import (
    GRAPH,
    HEADER,
    INTERACTIVE,
    INVALID,
    MISSING,
    REMOVE,
    Case,
    assert_rejected,
    edit,
    interactive,
    names_path,
    products,
    rejected,
    reply,
    row,
    too_long,
)
from wamm.core.content import SUPPORTED_TYPES, validate_content, validate_context
from wamm.core.errors import GraphError

WAMID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"


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
SINGLE_UNTITLED_SECTION = {"action.sections": [{"rows": [row("a", "A")]}]}
# More accepted payloads, at the edges of the rules; these too normalise to themselves.
EDGE_PARAMS = [
    pytest.param("text", {"body": "x" * 4096}, id="text-body-at-limit"),
    pytest.param(
        "image", {"link": "https://a.example/b", "caption": "c" * 1024}, id="caption-limit"
    ),
    pytest.param("document", {"id": "1", "filename": "f" * 500}, id="document-filename-only"),
    pytest.param("location", {"latitude": -90.0, "longitude": 180.0}, id="location-bounds"),
    pytest.param(
        "contacts", [{"name": {"formatted_name": "A"}, "phones": []}], id="contacts-empty"
    ),
    pytest.param(
        "interactive",
        edit(INTERACTIVE["button"], {"action.buttons": [reply("b" * 256, "t" * 20)]}),
        id="button-limits",
    ),
    pytest.param(
        "interactive",
        edit(INTERACTIVE["list"], {"body.text": "b" * 4096, **SINGLE_UNTITLED_SECTION}),
        id="list-long-body-untitled-section",
    ),
    pytest.param(
        "interactive",
        edit(
            INTERACTIVE["flow"],
            {
                "action.parameters.flow_id": REMOVE,
                "action.parameters.flow_name": "welcome",
                "action.parameters.flow_action_payload": REMOVE,
            },
        ),
        id="flow-by-name",
    ),
    pytest.param(
        "interactive",
        edit(INTERACTIVE["product"], {"body": {"text": "Nice"}, "footer": {"text": "f"}}),
        id="product-with-body",
    ),
    pytest.param(
        "interactive",
        edit(INTERACTIVE["catalog_message"], {"action.parameters": REMOVE}),
        id="catalog-without-thumbnail",
    ),
]


@pytest.mark.parametrize(("message_type", "content"), [*VALID_PARAMS, *EDGE_PARAMS])
def test_valid_payloads_normalise_to_themselves(message_type: str, content: Any) -> None:
    assert validate_content(message_type, copy.deepcopy(content)) == stored(message_type, content)


def test_supported_types() -> None:
    expected = "text image video audio document sticker location contacts interactive reaction"
    assert frozenset(expected.split()) == SUPPORTED_TYPES


# --- Normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message_type", "content", "expected"),
    [
        pytest.param(
            "text",
            {"body": "hi", "preview_url": "true"},
            {"body": "hi", "preview_url": True},
            id="text-flag-coerced",
        ),
        pytest.param(
            "image",
            {"id": 1479537139650973, "caption": None},
            {"id": "1479537139650973"},
            id="image-numeric-id-null-caption",
        ),
        pytest.param(
            "location",
            {"latitude": "-90", "longitude": "180.0"},
            {"latitude": -90.0, "longitude": 180.0},
            id="location-numeric-strings",
        ),
        pytest.param(
            "location",
            {"latitude": 0, "longitude": -180},
            {"latitude": 0.0, "longitude": -180.0},
            id="location-integers",
        ),
        pytest.param(
            "contacts",
            [{"name": {"formatted_name": "A", "first_name": None}}],
            {"contacts": [{"name": {"formatted_name": "A"}}]},
            id="contacts-nulls-dropped",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["flow"], {"action.parameters.flow_id": 1234}),
            edit(INTERACTIVE["flow"], {"action.parameters.flow_id": "1234"}),
            id="flow-numeric-id",
        ),
        pytest.param(
            "interactive",
            edit(INTERACTIVE["flow"], {"action.parameters.flow_token": None}),
            edit(INTERACTIVE["flow"], {"action.parameters.flow_token": REMOVE}),
            id="flow-null-token-dropped",
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
    assert validate_context({"message_id": message_id}) == {"message_id": message_id}


# --- Rejections ---------------------------------------------------------------------------------


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


TEXT_REJECTIONS = rejected(
    "text",
    TEXT,
    GRAPH,
    [
        ({"body": REMOVE}, "text.body"),
        ({"body": None}, "text.body"),
        ({"body": ""}, "text.body"),
        ({"body": too_long(4096)}, "text.body"),
        ({"body": 42}, "text.body"),
        ({"preview_url": "maybe"}, "text.preview_url"),
    ],
)


def media_rejections(kind: str) -> list[Any]:
    cases: list[Case] = [
        ({"id": REMOVE}, f"{kind}.id"),
        ({"id": REMOVE}, f"{kind}.link"),
        ({"link": "https://example.com/a"}, f"{kind}.link"),
        ({"id": "12a"}, f"{kind}.id"),
        ({"id": "\u0661\u0662"}, f"{kind}.id"),  # Arabic-Indic digits
        ({"id": ["1"]}, f"{kind}.id"),
        ({"id": True}, f"{kind}.id"),
        ({"id": -5}, f"{kind}.id"),
        ({"id": ""}, f"{kind}.id"),
        *(
            ({"id": REMOVE, "link": link}, f"{kind}.link")
            for link in ("ftp://a.b/c", "https://", "example.com/a", "http://[::1", 7)
        ),
    ]
    return rejected(kind, {"id": "1"}, GRAPH, cases)


MEDIA_FIELD_REJECTIONS: list[tuple[str, dict[str, Any], str]] = [
    *((kind, {"caption": too_long(1024)}, "caption") for kind in ("image", "video", "document")),
    *((kind, {"caption": "c"}, "caption") for kind in ("audio", "sticker")),
    *((kind, {"filename": "a.pdf"}, "filename") for kind in ("image", "video", "audio", "sticker")),
    *((kind, {"voice": True}, "voice") for kind in ("image", "video", "document", "sticker")),
    ("image", {"caption": 5}, "caption"),
    ("document", {"filename": {}}, "filename"),
    ("audio", {"voice": "loud"}, "voice"),
]
MEDIA_REJECTIONS = [
    *(
        case
        for kind in ("image", "video", "audio", "document", "sticker")
        for case in media_rejections(kind)
    ),
    *(
        pytest.param(kind, {"id": "1", **field}, GRAPH, f"{kind}.{key}", id=f"{kind}.{key}")
        for kind, field, key in MEDIA_FIELD_REJECTIONS
    ),
]

LOCATION_REJECTIONS = rejected(
    "location",
    LOCATION,
    GRAPH,
    [
        ({"latitude": REMOVE}, "location.latitude"),
        ({"longitude": REMOVE}, "location.longitude"),
        ({"latitude": 90.5}, "location.latitude"),
        ({"latitude": "-91"}, "location.latitude"),
        ({"longitude": 180.01}, "location.longitude"),
        ({"longitude": -181}, "location.longitude"),
        ({"latitude": "north"}, "location.latitude"),
        ({"latitude": True}, "location.latitude"),
        ({"latitude": [1]}, "location.latitude"),
        ({"latitude": "nan"}, "location.latitude"),
        ({"longitude": "inf"}, "location.longitude"),
        ({"latitude": 10**400}, "location.latitude"),
        ({"name": 1}, "location.name"),
        ({"address": []}, "location.address"),
    ],
)

CONTACT_REJECTIONS = [
    pytest.param("contacts", [], GRAPH, "contacts", id="contacts-empty"),
    pytest.param("contacts", [CONTACTS[1]] * 258, GRAPH, "contacts", id="contacts-258"),
    *rejected(
        "contacts",
        CONTACTS,
        GRAPH,
        [
            ({"1": "Pablo"}, "contacts[1]"),
            ({"0.name": REMOVE}, "contacts[0].name"),
            ({"0.name": "Barbara"}, "contacts[0].name"),
            ({"0.name.formatted_name": REMOVE}, "contacts[0].name.formatted_name"),
            ({"0.name.formatted_name": ""}, "contacts[0].name.formatted_name"),
            ({"0.name.last_name": 3}, "contacts[0].name.last_name"),
            ({"0.phones": {"phone": "1"}}, "contacts[0].phones"),
            ({"0.phones": [{"phone": "1"}, "2"]}, "contacts[0].phones[1]"),
            ({"0.phones.0.phone": 16505551234}, "contacts[0].phones[0].phone"),
            ({"0.phones.0.wa_id": []}, "contacts[0].phones[0].wa_id"),
            ({"0.emails.0.email": 1}, "contacts[0].emails[0].email"),
            ({"0.urls.0.url": ["x"]}, "contacts[0].urls[0].url"),
            ({"0.addresses.0.street": 1}, "contacts[0].addresses[0].street"),
            ({"0.org": "Lucky Shrub"}, "contacts[0].org"),
            ({"0.org.company": 1}, "contacts[0].org.company"),
            ({"1.birthday": "1999/01/23"}, "contacts[1].birthday"),
            ({"1.birthday": "1999-02-30"}, "contacts[1].birthday"),
            ({"1.birthday": 19990123}, "contacts[1].birthday"),
        ],
    ),
]

REACTION_REJECTIONS = rejected(
    "reaction",
    REACTION,
    GRAPH,
    [
        ({"message_id": REMOVE}, "reaction.message_id"),
        ({"message_id": "ABGGFlA5Fpa"}, "reaction.message_id"),
        ({"message_id": "wamid."}, "reaction.message_id"),
        ({"message_id": 5}, "reaction.message_id"),
        ({"emoji": REMOVE}, "reaction.emoji"),
        ({"emoji": "ok"}, "reaction.emoji"),
        ({"emoji": "\U0001f44d\U0001f44d"}, "reaction.emoji"),
        ({"emoji": "\U0001f44d "}, "reaction.emoji"),
        ({"emoji": 128077}, "reaction.emoji"),
    ],
)

BUTTONS = "interactive.action.buttons"
SECTIONS = "interactive.action.sections"
PARAMETERS = "interactive.action.parameters"
ACTION_NAME = "interactive.action.name"
TEXT_HEADER = {"type": "text", "text": "x"}


ENVELOPE_REJECTIONS = [
    pytest.param("interactive", {}, MISSING, "interactive.type", id="type-missing"),
    pytest.param("interactive", {"type": 1}, GRAPH, "interactive.type", id="type-number"),
    *interactive(
        "button",
        MISSING,
        [
            ({"action": REMOVE}, "interactive.action"),
            ({"body": REMOVE}, "interactive.body"),
            ({"body.text": REMOVE}, "interactive.body.text"),
            ({"footer": {}}, "interactive.footer.text"),
            ({"header.type": REMOVE}, f"{HEADER}.type"),
            ({"header.image": REMOVE}, f"{HEADER}.image"),
            ({"header.image": {}}, f"{HEADER}.image.id"),
        ],
    ),
    *interactive(
        "button",
        INVALID,
        [
            ({"type": "poll"}, "interactive.type"),
            ({"type": "BUTTON"}, "interactive.type"),
            ({"body.text": ""}, "interactive.body.text"),
            ({"body.text": too_long(1024)}, "interactive.body.text"),
            ({"footer.text": too_long(60)}, "interactive.footer.text"),
            ({"header": {"type": "text", "text": too_long(60)}}, f"{HEADER}.text"),
            ({"header.type": "location"}, f"{HEADER}.type"),
            ({"header.image.link": "https://example.com/a.png"}, f"{HEADER}.image.link"),
        ],
    ),
    *interactive(
        "button",
        GRAPH,
        [
            ({"action": []}, "interactive.action"),
            ({"body": "hi"}, "interactive.body"),
            ({"footer": ["f"]}, "interactive.footer"),
            ({"header": "Workshop"}, HEADER),
        ],
    ),
    *interactive("list", INVALID, [({"body.text": too_long(4096)}, "interactive.body.text")]),
    *interactive("list", MISSING, [({"header.text": REMOVE}, f"{HEADER}.text")]),
    *interactive(
        "list", INVALID, [({"header": {"type": "image", "image": {"id": "1"}}}, f"{HEADER}.type")]
    ),
    *interactive("flow", MISSING, [({"body": REMOVE}, "interactive.body")]),
    *interactive(
        "cta_url", INVALID, [({"header.document.link": "file:///a.pdf"}, f"{HEADER}.document.link")]
    ),
    *interactive("product", INVALID, [({"header": TEXT_HEADER}, HEADER)]),
    *interactive("catalog_message", INVALID, [({"header": TEXT_HEADER}, HEADER)]),
    *interactive("location_request_message", INVALID, [({"header": TEXT_HEADER}, HEADER)]),
    *interactive("product_list", MISSING, [({"header": REMOVE}, HEADER)]),
    *interactive("product_list", MISSING, [({"body": REMOVE}, "interactive.body")]),
    *interactive(
        "product_list",
        INVALID,
        [({"header": {"type": "video", "video": {"id": "1"}}}, f"{HEADER}.type")],
    ),
]

BUTTON_REJECTIONS = [
    *interactive(
        "button",
        MISSING,
        [
            ({"action.buttons": REMOVE}, BUTTONS),
            ({"action.buttons.1.reply": REMOVE}, f"{BUTTONS}[1].reply"),
            ({"action.buttons.0.reply.id": REMOVE}, f"{BUTTONS}[0].reply.id"),
            ({"action.buttons.0.reply.title": REMOVE}, f"{BUTTONS}[0].reply.title"),
        ],
    ),
    *interactive(
        "button",
        INVALID,
        [
            ({"action.buttons": []}, BUTTONS),
            ({"action.buttons": [reply(str(n), str(n)) for n in range(4)]}, BUTTONS),
            ({"action.buttons.1.type": "url"}, f"{BUTTONS}[1].type"),
            ({"action.buttons.0.reply.id": too_long(256)}, f"{BUTTONS}[0].reply.id"),
            ({"action.buttons.0.reply.id": " change"}, f"{BUTTONS}[0].reply.id"),
            ({"action.buttons.0.reply.id": "change "}, f"{BUTTONS}[0].reply.id"),
            ({"action.buttons.0.reply.title": too_long(20)}, f"{BUTTONS}[0].reply.title"),
            ({"action.buttons.0.reply.title": ""}, f"{BUTTONS}[0].reply.title"),
            ({"action.buttons.1.reply.id": "change"}, f"{BUTTONS}[1].reply.id"),
            ({"action.buttons.1.reply.title": "Change"}, f"{BUTTONS}[1].reply.title"),
        ],
    ),
    *interactive("button", GRAPH, [({"action.buttons": reply("a", "b")}, BUTTONS)]),
]

NINE_ROWS = [row(str(n), "r") for n in range(9)]
LIST_REJECTIONS = [
    *interactive(
        "list",
        MISSING,
        [
            ({"action.button": REMOVE}, "interactive.action.button"),
            ({"action.sections": REMOVE}, SECTIONS),
            ({"action.sections.0.rows": REMOVE}, f"{SECTIONS}[0].rows"),
            ({"action.sections.0.rows.1.title": REMOVE}, f"{SECTIONS}[0].rows[1].title"),
            ({"action.sections.0.rows.0.id": REMOVE}, f"{SECTIONS}[0].rows[0].id"),
            ({"action.sections.1.title": REMOVE}, f"{SECTIONS}[1].title"),
        ],
    ),
    *interactive(
        "list",
        INVALID,
        [
            ({"action.button": too_long(20)}, "interactive.action.button"),
            ({"action.sections": []}, SECTIONS),
            (
                {"action.sections": [{"title": n, "rows": [row(n, "r")]} for n in "abcdefghijk"]},
                SECTIONS,
            ),
            ({"action.sections.0.rows": []}, f"{SECTIONS}[0].rows"),
            (
                {"action.sections.0.rows": [*NINE_ROWS, row("9", "r"), row("10", "r")]},
                f"{SECTIONS}[0].rows",
            ),
            (
                {
                    "action.sections.0.rows": NINE_ROWS,
                    "action.sections.1.rows": [row("x", "r")] * 2,
                },
                f"{SECTIONS}[1].rows[1]",
            ),
            (
                {"action.sections.0.rows": [*NINE_ROWS[:2], row("9", too_long(24))]},
                f"{SECTIONS}[0].rows[2].title",
            ),
            ({"action.sections.0.rows.0.id": too_long(200)}, f"{SECTIONS}[0].rows[0].id"),
            (
                {"action.sections.0.rows.0.description": too_long(72)},
                f"{SECTIONS}[0].rows[0].description",
            ),
            ({"action.sections.1.rows.0.id": "express"}, f"{SECTIONS}[1].rows[0].id"),
            ({"action.sections.0.title": too_long(24)}, f"{SECTIONS}[0].title"),
        ],
    ),
    *interactive("list", GRAPH, [({"action.sections.0": "Fast"}, f"{SECTIONS}[0]")]),
]

CTA_URL_REJECTIONS = [
    *interactive(
        "cta_url",
        MISSING,
        [
            ({"action.name": REMOVE}, ACTION_NAME),
            ({"action.parameters": REMOVE}, PARAMETERS),
            ({"action.parameters.display_text": REMOVE}, f"{PARAMETERS}.display_text"),
            ({"action.parameters.url": REMOVE}, f"{PARAMETERS}.url"),
        ],
    ),
    *interactive(
        "cta_url",
        INVALID,
        [
            ({"action.name": "url"}, ACTION_NAME),
            ({"action.parameters.display_text": too_long(20)}, f"{PARAMETERS}.display_text"),
            ({"action.parameters.url": "javascript:alert(1)"}, f"{PARAMETERS}.url"),
        ],
    ),
]

FLOW_REJECTIONS = [
    *interactive(
        "flow",
        MISSING,
        [
            (
                {"action.parameters.flow_message_version": REMOVE},
                f"{PARAMETERS}.flow_message_version",
            ),
            ({"action.parameters.flow_cta": REMOVE}, f"{PARAMETERS}.flow_cta"),
            ({"action.parameters.flow_id": REMOVE}, f"{PARAMETERS}.flow_id"),
            ({"action.parameters.flow_id": REMOVE}, f"{PARAMETERS}.flow_name"),
            (
                {"action.parameters.flow_action_payload.screen": REMOVE},
                f"{PARAMETERS}.flow_action_payload.screen",
            ),
        ],
    ),
    *interactive(
        "flow",
        INVALID,
        [
            ({"action.name": "cta_url"}, ACTION_NAME),
            ({"action.parameters.flow_message_version": "2"}, f"{PARAMETERS}.flow_message_version"),
            ({"action.parameters.flow_cta": too_long(30)}, f"{PARAMETERS}.flow_cta"),
            ({"action.parameters.flow_name": "welcome"}, f"{PARAMETERS}.flow_name"),
            ({"action.parameters.mode": "live"}, f"{PARAMETERS}.mode"),
            ({"action.parameters.flow_action": "go"}, f"{PARAMETERS}.flow_action"),
            (
                {"action.parameters.flow_action_payload.data": {}},
                f"{PARAMETERS}.flow_action_payload.data",
            ),
        ],
    ),
    *interactive(
        "flow",
        GRAPH,
        [
            ({"action.parameters.flow_id": ["1"]}, f"{PARAMETERS}.flow_id"),
            ({"action.parameters.flow_token": 5}, f"{PARAMETERS}.flow_token"),
            ({"action.parameters.flow_message_version": 3}, f"{PARAMETERS}.flow_message_version"),
            (
                {"action.parameters.flow_action_payload.data": [1]},
                f"{PARAMETERS}.flow_action_payload.data",
            ),
        ],
    ),
]

THIRTY_ONE_PRODUCTS = {
    "action.sections.0.product_items": products(*(str(n) for n in range(29))),
    "action.sections.1.product_items": products("a", "b"),
}
OTHER_ACTION_REJECTIONS = [
    *interactive("location_request_message", INVALID, [({"action.name": "location"}, ACTION_NAME)]),
    *interactive("location_request_message", MISSING, [({"action": {}}, ACTION_NAME)]),
    *interactive(
        "address_message",
        INVALID,
        [
            ({"action.name": "address"}, ACTION_NAME),
            ({"action.parameters.country": "US"}, f"{PARAMETERS}.country"),
        ],
    ),
    *interactive("address_message", MISSING, [({"action.parameters": REMOVE}, PARAMETERS)]),
    *interactive("catalog_message", INVALID, [({"action.name": "catalog"}, ACTION_NAME)]),
    *interactive(
        "catalog_message",
        GRAPH,
        [
            (
                {"action.parameters.thumbnail_product_retailer_id": []},
                f"{PARAMETERS}.thumbnail_product_retailer_id",
            ),
        ],
    ),
    *interactive(
        "product",
        MISSING,
        [
            ({"action.catalog_id": REMOVE}, "interactive.action.catalog_id"),
            ({"action.product_retailer_id": REMOVE}, "interactive.action.product_retailer_id"),
        ],
    ),
    *interactive(
        "product",
        INVALID,
        [({"action.product_retailer_id": ""}, "interactive.action.product_retailer_id")],
    ),
    *interactive(
        "product_list",
        MISSING,
        [
            ({"action.catalog_id": REMOVE}, "interactive.action.catalog_id"),
            ({"action.sections.0.product_items": REMOVE}, f"{SECTIONS}[0].product_items"),
            (
                {"action.sections.1.product_items.0.product_retailer_id": REMOVE},
                f"{SECTIONS}[1].product_items[0].product_retailer_id",
            ),
            ({"action.sections.1.title": REMOVE}, f"{SECTIONS}[1].title"),
        ],
    ),
    *interactive(
        "product_list",
        INVALID,
        [
            ({"action.sections": [{"title": "s", "product_items": products("1")}] * 11}, SECTIONS),
            (THIRTY_ONE_PRODUCTS, f"{SECTIONS}[1].product_items[1]"),
        ],
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
        *CTA_URL_REJECTIONS,
        *FLOW_REJECTIONS,
        *OTHER_ACTION_REJECTIONS,
    ],
)
def test_rejections_name_the_field(message_type: str, content: Any, code: int, path: str) -> None:
    assert_rejected(message_type, content, code, path)


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


def unexpected_key(key: str, param: str) -> str:
    return f'(#100) Unexpected key "{key}" on param "{param}".'


@pytest.mark.parametrize(
    ("message_type", "content", "param"),
    [
        pytest.param("text", {**TEXT, "x": 1}, "text", id="text"),
        pytest.param("image", {**IMAGE, "x": 1}, "image", id="media"),
        pytest.param("location", {**LOCATION, "x": 1}, "location", id="location"),
        pytest.param("contacts", edit(CONTACTS, {"1.x": 1}), "contacts[1]", id="contact"),
        pytest.param(
            "contacts", edit(CONTACTS, {"0.name.x": 1}), "contacts[0]['name']", id="contact-name"
        ),
        pytest.param(
            "contacts",
            edit(CONTACTS, {"0.phones.0.x": 1}),
            "contacts[0]['phones'][0]",
            id="contact-phone",
        ),
        pytest.param("reaction", {**REACTION, "x": 1}, "reaction", id="reaction"),
        *(
            pytest.param("interactive", edit(INTERACTIVE[kind], {f"{where}x": 1}), param, id=kind)
            for kind, where, param in [
                ("cta_url", "", "interactive"),
                (
                    "button",
                    "action.buttons.0.reply.",
                    "interactive['action']['buttons'][0]['reply']",
                ),
                (
                    "list",
                    "action.sections.0.rows.1.",
                    "interactive['action']['sections'][0]['rows'][1]",
                ),
                ("carousel", "action.cards.1.", "interactive['action']['cards'][1]"),
                ("flow", "action.parameters.", "interactive['action']['parameters']"),
            ]
        ),
    ],
)
def test_unexpected_keys_are_refused_as_graph_does(
    message_type: str, content: Any, param: str
) -> None:
    with pytest.raises(GraphError) as caught:
        validate_content(message_type, content)
    assert caught.value.body("trace")["error"] == {
        "message": unexpected_key("x", param),
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "trace",
    }


@pytest.mark.parametrize(
    ("message_type", "content"),
    [
        # One `action` object serves every interactive type: a key of another type is not
        # unexpected there (the type's own rules decide).
        ("interactive", edit(INTERACTIVE["cta_url"], {"action.buttons": None})),
        ("interactive", edit(INTERACTIVE["list"], {"header.image": None})),
        # The flow's data and an address's prefilled values are the business's own.
        (
            "interactive",
            edit(INTERACTIVE["flow"], {"action.parameters.flow_action_payload.data.x": 1}),
        ),
    ],
)
def test_keys_meta_defines_elsewhere_in_a_shared_object_are_not_unexpected(
    message_type: str, content: Any
) -> None:
    validate_content(message_type, content)


def test_context_refuses_unexpected_keys() -> None:
    with pytest.raises(GraphError) as caught:
        validate_context({"message_id": WAMID, "from": "x"})
    assert caught.value.message == unexpected_key("from", "context")


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


def strings_of(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings_of(item)


def paths_of(value: Any, prefix: str = "") -> Iterator[str]:
    """Every dotted path inside `value`, in the form `edit` takes."""
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in children:
        path = f"{prefix}{key}"
        yield path
        if isinstance(item, dict | list) and item:
            yield from paths_of(item, f"{path}.")


KNOWN_KEYS = sorted({key for _, content in VALID for key in keys_of(content)})
KNOWN_WORDS = sorted({"", *(text for _, content in VALID for text in strings_of(content))})
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
        | st.dictionaries(st.sampled_from(KNOWN_KEYS), inner, max_size=6)
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
        # What is wrong is named in the details, or by Graph's own message (an unexpected key).
        assert error.details or error.message.startswith("(#100) Unexpected key ")
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


# Objects whose keys are the business's own, not Meta's: the flow's data, an address form's
# values, and the payment configuration of the order messages, which wamm stores as sent.
FREE_FORM_OBJECTS = ("data", "values", "saved_addresses", "validation_errors")
FREE_FORM_KINDS = ("order_details", "order_status")


def object_paths(message_type: str, content: Any) -> list[str]:
    """The `edit` path of every object in `content` Meta gives a closed set of keys."""
    paths = [""] if isinstance(content, dict) else []
    for path in paths_of(content):
        value = edit_target(content, path)
        parts = path.split(".")
        if isinstance(value, dict) and not set(parts) & set(FREE_FORM_OBJECTS):
            paths.append(f"{path}.")
    if message_type == "interactive" and content["type"] in FREE_FORM_KINDS:
        return [path for path in paths if not path.startswith("action.parameters")]
    return paths


def edit_target(content: Any, path: str) -> Any:
    for part in path.split("."):
        content = content[int(part) if part.isdigit() else part]
    return content


def graph_param(message_type: str, path: str) -> str:
    """The object at `edit` path `path` in Graph's notation: `interactive['action']`."""
    parts = [part for part in path.split(".") if part]
    return message_type + "".join(f"[{p}]" if p.isdigit() else f"['{p}']" for p in parts)


@fuzz
@given(data=st.data())
@pytest.mark.parametrize(("message_type", "content"), VALID_PARAMS)
def test_any_key_meta_does_not_define_is_refused(
    message_type: str, content: Any, data: st.DataObject
) -> None:
    where = data.draw(st.sampled_from(object_paths(message_type, content)))
    key = data.draw(st.text(alphabet=string.ascii_letters + "_", max_size=8).map("x_{}".format))
    with pytest.raises(GraphError) as caught:
        validate_content(message_type, edit(content, {f"{where}{key}": 1}))
    assert caught.value.message == unexpected_key(key, graph_param(message_type, where))


@fuzz
@given(context=json_values | st.fixed_dictionaries({"message_id": json_values}))
def test_arbitrary_context_never_crashes(context: Any) -> None:
    try:
        assert validate_context(context) == {"message_id": context["message_id"]}
    except GraphError as error:
        assert error.code == 100
