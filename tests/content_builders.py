"""Message contents shared by the content, interactive-kind, send, inspector and SDK tests:
the canonical valid payloads (their normalised form is themselves), the builders of their
parts and of edited copies, and the tables of rejections by path and code."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from wamm.core.content import validate_content
from wamm.core.errors import GraphError

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


def fixed_button(kind: str, name: str, body: str) -> dict[str, Any]:
    """An interactive message whose action is a button WhatsApp draws, named `name`."""
    return {"type": kind, "body": {"text": body}, "action": {"name": name}}


def url_card(index: int, media: str = "image") -> dict[str, Any]:
    """A carousel card with a media header by link and a URL button."""
    return {
        "card_index": index,
        "type": "cta_url",
        "header": {"type": media, media: {"link": f"https://example.com/{index}.{media}"}},
        "body": {"text": f"*Card {index}*\n\nA rosette-shaped succulent."},
        "action": {
            "name": "cta_url",
            "parameters": {"display_text": "Buy now", "url": f"https://example.com/{index}"},
        },
    }


def amount(value: int, **extra: str) -> dict[str, Any]:
    return {"value": value, "offset": 100, **extra}


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
    "location_request_message": fixed_button(
        "location_request_message", "send_location", "Share your pickup location."
    ),
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


INTERACTIVE |= {
    "carousel": {
        "type": "carousel",
        "body": {"text": "Three of our latest arrivals, each under $25:"},
        "action": {
            "cards": [
                url_card(0),
                url_card(1, "video"),
                url_card(2),
            ]
        },
    },
    "voice_call": {
        "type": "voice_call",
        "body": {"text": "You can call us on WhatsApp now for faster service!"},
        "action": {
            "name": "voice_call",
            "parameters": {
                "display_text": "Call on WhatsApp",
                "ttl_minutes": 100,
                "payload": "payload data",
            },
        },
    },
    "call_permission_request": fixed_button(
        "call_permission_request",
        "call_permission_request",
        "We would like to call you about order ON-12853.",
    ),
    "request_contact_info": fixed_button(
        "request_contact_info",
        "request_contact_info",
        "Please share your phone number so we can finish your request.",
    ),
    "order_details": {
        "type": "order_details",
        "header": {"type": "image", "image": {"link": "https://example.com/bread.jpg"}},
        "body": {"text": "Your order is ready to pay."},
        "footer": {"text": "Lucky Shrub"},
        "action": {
            "name": "review_and_pay",
            "parameters": {
                "reference_id": "order-4471.b",
                "type": "physical-goods",
                "payment_type": "upi",
                "payment_configuration": "main-config",
                "currency": "INR",
                "total_amount": amount(2100),
                "payment_settings": [
                    {
                        "type": "payment_gateway",
                        "payment_gateway": {"type": "razorpay", "configuration_name": "main"},
                    }
                ],
                "order": {
                    "status": "pending",
                    "catalog_id": "146265584024623",
                    "items": [
                        {
                            "retailer_id": "SKU-1",
                            "name": "Sourdough",
                            "amount": amount(1500),
                            "sale_amount": amount(1000),
                            "quantity": 2,
                        }
                    ],
                    "subtotal": amount(2000),
                    "tax": amount(100, description="GST"),
                    "shipping": amount(100),
                    "discount": amount(100, discount_program_name="Launch"),
                    "expiration": {"timestamp": "1767225600", "description": "Unpaid orders end"},
                },
            },
        },
    },
    "order_status": {
        "type": "order_status",
        "body": {"text": "Your order is on its way."},
        "action": {
            "name": "review_order",
            "parameters": {
                "reference_id": "order-4471.b",
                "order": {"status": "shipped", "description": "It left the bakery."},
            },
        },
    },
}


def assert_rejected(message_type: str, content: Any, code: int, path: str) -> None:
    with pytest.raises(GraphError) as caught:
        validate_content(message_type, content)
    assert caught.value.code == code, caught.value.details
    assert names_path(caught.value.details, path), caught.value.details


MISSING, INVALID, GRAPH = 131008, 131009, 100

Case = tuple[dict[str, Any], str]  # (edits to a valid payload, the field path the error names)


def rejected(message_type: str, base: Any, code: int, cases: list[Case]) -> list[Any]:
    """Parameters for `test_rejections_name_the_field`, each one an edit of `base`."""
    return [
        pytest.param(message_type, edit(base, changes), code, path, id=path)
        for changes, path in cases
    ]


def too_long(limit: int) -> str:
    return "x" * (limit + 1)


HEADER = "interactive.header"


def interactive(kind: str, code: int, cases: list[Case]) -> list[Any]:
    return rejected("interactive", INTERACTIVE[kind], code, cases)
