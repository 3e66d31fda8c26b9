"""Media carousels, call buttons, call permission and contact requests, and payment messages:
their rejections, by field path and code, and their normalisation. The accepted payloads and
the fuzzing live with the other interactive types in test_content."""

from __future__ import annotations

import copy
from typing import Any

import pytest

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
    rejected,
    too_long,
    url_card,
)
from wamm.core.content import validate_content
from wamm.core.errors import GraphError

CARDS = "interactive.action.cards"
PARAMETERS = "interactive.action.parameters"
ORDER = f"{PARAMETERS}.order"
ITEM = f"{ORDER}.items[0]"


def reply_card(index: int, *titles: str) -> dict[str, Any]:
    buttons = [
        {"type": "quick_reply", "quick_reply": {"id": f"card{index}-{n}", "title": title}}
        for n, title in enumerate(titles)
    ]
    return {**url_card(index), "action": {"buttons": buttons}}


REPLY_CAROUSEL = edit(
    INTERACTIVE["carousel"],
    {"action.cards": [reply_card(0, "Learn more", "Save"), reply_card(1, "Learn more", "Save")]},
)

CAROUSEL_REJECTIONS = [
    *interactive(
        "carousel",
        MISSING,
        [
            ({"body": REMOVE}, "interactive.body"),
            ({"action.cards": REMOVE}, CARDS),
            ({"action.cards.0.card_index": REMOVE}, f"{CARDS}[0].card_index"),
            ({"action.cards.1.header": REMOVE}, f"{CARDS}[1].header"),
            ({"action.cards.2.header.image": REMOVE}, f"{CARDS}[2].header.image"),
            ({"action.cards.0.body.text": REMOVE}, f"{CARDS}[0].body.text"),
            ({"action.cards.0.action": REMOVE}, f"{CARDS}[0].action"),
            ({"action.cards.0.action": {}}, f"{CARDS}[0].action.name"),
            ({"action.cards.0.action.parameters.url": REMOVE}, f"{CARDS}[0].action.parameters.url"),
        ],
    ),
    *interactive(
        "carousel",
        INVALID,
        [
            ({"header": {"type": "text", "text": "New"}}, HEADER),
            ({"footer": {"text": "Lucky Shrub"}}, "interactive.footer"),
            ({"action.cards": [url_card(0)]}, CARDS),
            ({"action.cards": [url_card(n % 10) for n in range(11)]}, CARDS),
            ({"action.cards.0.card_index": 3}, f"{CARDS}[0].card_index"),
            ({"action.cards.0.card_index": -1}, f"{CARDS}[0].card_index"),
            ({"action.cards.2.card_index": 0}, f"{CARDS}[2].card_index"),
            ({"action.cards.1.type": "quick_reply"}, f"{CARDS}[1].type"),
            ({"action.cards.0.header.type": "document"}, f"{CARDS}[0].header.type"),
            ({"action.cards.0.header.image.link": "ftp://a.b/c"}, f"{CARDS}[0].header.image.link"),
            ({"action.cards.1.header.video": {"id": "v1"}}, f"{CARDS}[1].header.video.id"),
            ({"action.cards.0.body.text": too_long(160)}, f"{CARDS}[0].body.text"),
            ({"action.cards.0.body.text": "a\nb\nc\nd"}, f"{CARDS}[0].body.text"),
            (
                {"action.cards.0.action.parameters.display_text": too_long(20)},
                f"{CARDS}[0].action.parameters.display_text",
            ),
            ({"action.cards.0.action.name": "url"}, f"{CARDS}[0].action.name"),
            ({"action.cards.0.action.buttons": []}, f"{CARDS}[0].action.buttons"),
        ],
    ),
    *interactive(
        "carousel",
        GRAPH,
        [
            ({"action.cards.0.card_index": "first"}, f"{CARDS}[0].card_index"),
            ({"action.cards.0.card_index": 0.5}, f"{CARDS}[0].card_index"),
            ({"action.cards": {"0": url_card(0)}}, CARDS),
        ],
    ),
    *rejected(
        "interactive",
        REPLY_CAROUSEL,
        INVALID,
        [
            ({"action.cards.1": url_card(1)}, f"{CARDS}[1].action"),
            ({"action.cards.1": reply_card(1, "Learn more")}, f"{CARDS}[1].action"),
            (
                {"action.cards.0": reply_card(0, "a", "b", "c", "d")},
                f"{CARDS}[0].action.buttons",
            ),
            (
                {"action.cards.0": reply_card(0, "Save", "Save")},
                f"{CARDS}[0].action.buttons[1].quick_reply.title",
            ),
            (
                {"action.cards.0.action.buttons.0.type": "reply"},
                f"{CARDS}[0].action.buttons[0].type",
            ),
            (
                {"action.cards.0.action.buttons.0.quick_reply.title": too_long(20)},
                f"{CARDS}[0].action.buttons[0].quick_reply.title",
            ),
            (
                {"action.cards.0.action.name": "cta_url"},
                f"{CARDS}[0].action.buttons",
            ),
        ],
    ),
]

CALL_REJECTIONS = [
    *interactive(
        "voice_call",
        INVALID,
        [
            ({"action.name": "call"}, "interactive.action.name"),
            ({"action.parameters.display_text": too_long(20)}, f"{PARAMETERS}.display_text"),
            ({"action.parameters.ttl_minutes": 0}, f"{PARAMETERS}.ttl_minutes"),
            ({"action.parameters.ttl_minutes": 43201}, f"{PARAMETERS}.ttl_minutes"),
            ({"action.parameters.payload": too_long(512)}, f"{PARAMETERS}.payload"),
        ],
    ),
    *interactive("voice_call", MISSING, [({"body": REMOVE}, "interactive.body")]),
    *interactive(
        "voice_call",
        GRAPH,
        [
            ({"action.parameters.ttl_minutes": "a week"}, f"{PARAMETERS}.ttl_minutes"),
            ({"action.parameters.ttl_minutes": True}, f"{PARAMETERS}.ttl_minutes"),
            ({"action.parameters": "defaults"}, PARAMETERS),
        ],
    ),
    *interactive(
        "call_permission_request",
        INVALID,
        [
            ({"action.name": "voice_call"}, "interactive.action.name"),
            ({"header": {"type": "text", "text": "Call?"}}, HEADER),
            ({"footer": {"text": "Lucky Shrub"}}, "interactive.footer"),
        ],
    ),
    *interactive(
        "call_permission_request",
        MISSING,
        [({"body": REMOVE}, "interactive.body"), ({"action": {}}, "interactive.action.name")],
    ),
    *interactive(
        "request_contact_info",
        INVALID,
        [
            ({"action.name": "request_contact"}, "interactive.action.name"),
            ({"header": {"type": "text", "text": "Hi"}}, HEADER),
        ],
    ),
    *interactive(
        "request_contact_info", MISSING, [({"body.text": REMOVE}, "interactive.body.text")]
    ),
]

# An itemised order whose totals no longer add up once one of these changes.
UNBALANCED: list[Case] = [
    ({"action.parameters.total_amount.value": 2000}, f"{PARAMETERS}.total_amount.value"),
    ({"action.parameters.order.shipping": REMOVE}, f"{PARAMETERS}.total_amount.value"),
    ({"action.parameters.order.subtotal.value": 3000}, f"{ORDER}.subtotal.value"),
    ({"action.parameters.order.items.0.quantity": 3}, f"{ORDER}.subtotal.value"),
    ({"action.parameters.order.items.0.sale_amount": REMOVE}, f"{ORDER}.subtotal.value"),
]
ORDER_REJECTIONS = [
    *interactive(
        "order_details",
        MISSING,
        [
            ({"action.name": REMOVE}, "interactive.action.name"),
            ({"action.parameters": REMOVE}, PARAMETERS),
            ({"action.parameters.reference_id": REMOVE}, f"{PARAMETERS}.reference_id"),
            ({"action.parameters.type": REMOVE}, f"{PARAMETERS}.type"),
            ({"action.parameters.currency": REMOVE}, f"{PARAMETERS}.currency"),
            ({"action.parameters.total_amount": REMOVE}, f"{PARAMETERS}.total_amount"),
            (
                {"action.parameters.total_amount.offset": REMOVE},
                f"{PARAMETERS}.total_amount.offset",
            ),
            (
                {"action.parameters.payment_settings.0.payment_gateway": REMOVE},
                f"{PARAMETERS}.payment_settings[0].payment_gateway",
            ),
            ({"action.parameters.order.status": REMOVE}, f"{ORDER}.status"),
            ({"action.parameters.order.items": REMOVE}, f"{ORDER}.items"),
            ({"action.parameters.order.subtotal": REMOVE}, f"{ORDER}.subtotal"),
            ({"action.parameters.order.tax": REMOVE}, f"{ORDER}.tax"),
            ({"action.parameters.order.items.0.retailer_id": REMOVE}, f"{ITEM}.retailer_id"),
            ({"action.parameters.order.items.0.name": REMOVE}, f"{ITEM}.name"),
            ({"action.parameters.order.items.0.amount": REMOVE}, f"{ITEM}.amount"),
            ({"action.parameters.order.items.0.quantity": REMOVE}, f"{ITEM}.quantity"),
            (
                {"action.parameters.order.expiration.timestamp": REMOVE},
                f"{ORDER}.expiration.timestamp",
            ),
        ],
    ),
    *interactive(
        "order_details",
        INVALID,
        [
            ({"action.name": "review_order"}, "interactive.action.name"),
            ({"action.parameters.reference_id": too_long(35)}, f"{PARAMETERS}.reference_id"),
            ({"action.parameters.reference_id": "order #1"}, f"{PARAMETERS}.reference_id"),
            ({"action.parameters.reference_id": ""}, f"{PARAMETERS}.reference_id"),
            ({"action.parameters.type": "services"}, f"{PARAMETERS}.type"),
            ({"action.parameters.currency": "inr"}, f"{PARAMETERS}.currency"),
            ({"action.parameters.total_amount.value": -1}, f"{PARAMETERS}.total_amount.value"),
            ({"action.parameters.total_amount.offset": 0}, f"{PARAMETERS}.total_amount.offset"),
            ({"action.parameters.payment_settings": []}, f"{PARAMETERS}.payment_settings"),
            ({"action.parameters.order.status": "shipped"}, f"{ORDER}.status"),
            ({"action.parameters.order.items": []}, f"{ORDER}.items"),
            ({"action.parameters.order.items.0.quantity": 0}, f"{ITEM}.quantity"),
            ({"action.parameters.order.items.0.name": ""}, f"{ITEM}.name"),
            *UNBALANCED,
        ],
    ),
    *interactive(
        "order_details",
        GRAPH,
        [
            ({"action.parameters.total_amount.value": "21.00"}, f"{PARAMETERS}.total_amount.value"),
            ({"action.parameters.reference_id": 4471}, f"{PARAMETERS}.reference_id"),
            ({"action.parameters.order.items.0.quantity": [2]}, f"{ITEM}.quantity"),
            ({"action.parameters.order.items.0.retailer_id": []}, f"{ITEM}.retailer_id"),
            (
                {"action.parameters.payment_settings": {"type": "upi"}},
                f"{PARAMETERS}.payment_settings",
            ),
        ],
    ),
    *interactive(
        "order_status",
        MISSING,
        [
            ({"action.parameters.reference_id": REMOVE}, f"{PARAMETERS}.reference_id"),
            ({"action.parameters.order": REMOVE}, ORDER),
            ({"action.parameters.order.status": REMOVE}, f"{ORDER}.status"),
        ],
    ),
    *interactive(
        "order_status",
        INVALID,
        [
            ({"action.name": "review_and_pay"}, "interactive.action.name"),
            ({"action.parameters.order.status": "lost"}, f"{ORDER}.status"),
            ({"action.parameters.order.description": too_long(120)}, f"{ORDER}.description"),
            ({"action.parameters.reference_id": "a/b"}, f"{PARAMETERS}.reference_id"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("message_type", "content", "code", "path"),
    [*CAROUSEL_REJECTIONS, *CALL_REJECTIONS, *ORDER_REJECTIONS],
)
def test_rejections_name_the_field(message_type: str, content: Any, code: int, path: str) -> None:
    assert_rejected(message_type, content, code, path)


SIMPLE_ORDER = edit(
    INTERACTIVE["order_details"],
    {"action.parameters.order": REMOVE, "action.parameters.payment_type": "br"},
)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(REPLY_CAROUSEL, id="carousel-quick-replies"),
        pytest.param(
            edit(INTERACTIVE["carousel"], {"action.cards": [url_card(1), url_card(0)]}),
            id="carousel-cards-in-any-order",
        ),
        pytest.param(
            edit(INTERACTIVE["carousel"], {"action.cards.0.body": REMOVE}), id="card-without-body"
        ),
        pytest.param(
            edit(INTERACTIVE["carousel"], {"action.cards.1.header.video": {"id": "1166"}}),
            id="card-media-by-id",
        ),
        pytest.param(
            edit(INTERACTIVE["voice_call"], {"action.parameters": REMOVE}), id="call-defaults"
        ),
        pytest.param(
            edit(INTERACTIVE["voice_call"], {"action.parameters": {}}), id="call-empty-parameters"
        ),
        pytest.param(SIMPLE_ORDER, id="order-without-items"),
        pytest.param(
            edit(INTERACTIVE["order_status"], {"action.parameters.order.status": "canceled"}),
            id="order-canceled",
        ),
    ],
)
def test_accepted_at_the_edges(content: dict[str, Any]) -> None:
    assert validate_content("interactive", copy.deepcopy(content)) == content


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            # pywa sends ttl_minutes computed from a timedelta as a float.
            edit(INTERACTIVE["voice_call"], {"action.parameters.ttl_minutes": 4320.0}),
            edit(INTERACTIVE["voice_call"], {"action.parameters.ttl_minutes": 4320}),
            id="call-integral-float-ttl",
        ),
        pytest.param(
            edit(INTERACTIVE["carousel"], {"action.cards.0.card_index": "0"}),
            INTERACTIVE["carousel"],
            id="card-index-as-text",
        ),
        pytest.param(
            edit(
                INTERACTIVE["order_details"],
                {
                    "action.parameters.order.expiration.timestamp": 1767225600,
                    "action.parameters.order.items.0.retailer_id": 77,
                },
            ),
            edit(
                INTERACTIVE["order_details"],
                {"action.parameters.order.items.0.retailer_id": "77"},
            ),
            id="order-numbers-as-ids-and-text",
        ),
    ],
)
def test_normalisation(content: dict[str, Any], expected: dict[str, Any]) -> None:
    assert validate_content("interactive", content) == expected


@pytest.mark.parametrize(
    ("changes", "code", "details"),
    [
        (
            {"action.parameters.total_amount.value": 2000},
            131009,
            f"Param {PARAMETERS}.total_amount.value must equal "
            "order.subtotal + order.tax + order.shipping - order.discount.",
        ),
        (
            {"action.parameters.order.subtotal.value": 1900},
            131009,
            f"Param {ORDER}.subtotal.value must equal the sum of the items' amounts "
            "times their quantities.",
        ),
        (
            {"action.parameters.reference_id": "order #1"},
            131009,
            f"Param {PARAMETERS}.reference_id must be 1 to 35 English letters, digits, "
            "underscores, dashes or dots.",
        ),
        (
            {"action.parameters.order.items.0.quantity": REMOVE},
            131008,
            f"The parameter {ITEM}.quantity is required.",
        ),
    ],
)
def test_order_errors_read_as_meta_s(changes: dict[str, Any], code: int, details: str) -> None:
    with pytest.raises(GraphError) as caught:
        validate_content("interactive", edit(INTERACTIVE["order_details"], changes))
    assert (caught.value.code, caught.value.details) == (code, details)


def test_cards_with_different_buttons_name_the_first_card() -> None:
    content = edit(REPLY_CAROUSEL, {"action.cards.1": url_card(1)})
    with pytest.raises(GraphError) as caught:
        validate_content("interactive", content)
    assert caught.value.details == (
        f"Param {CARDS}[1].action must have the same buttons as {CARDS}[0].action."
    )
