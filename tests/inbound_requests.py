"""One `POST /_wamm/inbound` body per inbound message type (beside `phone_number_id` and
`from`), shared by the tests that check a webhook parser reads every type. Button and
interactive replies answer the business message `reply_to`."""

from __future__ import annotations

from typing import Any

FLOW_RESPONSE = '{"flow_token": "f1", "size": "M"}'


def every_type(reply_to: str) -> dict[str, dict[str, Any]]:
    context = {"id": reply_to}
    return {
        "text": {"text": "Oi"},
        "image": {"type": "image", "image": {"caption": "Box"}},
        "audio": {"type": "audio", "audio": {"voice": True}},
        "video": {"type": "video"},
        "document": {"type": "document", "document": {"filename": "nota.pdf"}},
        "sticker": {"type": "sticker"},
        "location": {
            "type": "location",
            "location": {"latitude": -23.56, "longitude": -46.65, "name": "Loja"},
        },
        "contacts": {
            "type": "contacts",
            "contacts": [
                {"name": {"formatted_name": "Bia"}, "phones": [{"phone": "+5511912345678"}]}
            ],
        },
        "reaction": {"type": "reaction", "reaction": {"message_id": reply_to, "emoji": "❤️"}},
        "button_reply": {
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "b1", "title": "Yes"}},
            "context": context,
        },
        "list_reply": {
            "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {"id": "r1", "title": "Row"}},
            "context": context,
        },
        "nfm_reply": {
            "type": "interactive",
            "interactive": {"type": "nfm_reply", "nfm_reply": {"response_json": FLOW_RESPONSE}},
            "context": context,
        },
        "button": {
            "type": "button",
            "button": {"text": "More", "payload": "MORE"},
            "context": context,
        },
        "order": {
            "type": "order",
            "order": {
                "catalog_id": "555",
                "product_items": [
                    {
                        "product_retailer_id": "sku-1",
                        "quantity": 2,
                        "item_price": 20,
                        "currency": "BRL",
                    }
                ],
            },
        },
        "unsupported": {"type": "unsupported", "unsupported": {"type": "poll_creation"}},
        "system": {"type": "system"},
    }
