"""A value outside an enum parameter's set is refused by Graph's parameter layer in its own
words: `(#100) Param template['components'][1]['sub_type'] must be one of {...} - got "x".`,
the param in Graph's notation, the values sorted, no `error_data` (the real answer quoted in
shridarpatil/frappe_whatsapp#188)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import BODY_PARAMS, template_send
from tests.conftest import Graph, error_of

TEMPLATES = f"{sd.SIGNED_WABA}/message_templates"
MESSAGES = f"{sd.SIGNED_PHONE}/messages"
SUB_TYPES = (
    "BOOKING_CONFIRMATION, CATALOG, COPY_CODE, FLOW, MPM, ORDER_DETAILS, QUICK_REPLY, "
    "REMINDER, URL, VOICE_CALL"
)


def not_in(param: str, values: str, got: str) -> dict[str, Any]:
    return {
        "message": f'(#100) Param {param} must be one of {{{values}}} - got "{got}".',
        "type": "OAuthException",
        "code": 100,
    }


async def test_a_phone_number_button_takes_no_send_component(graph: Graph) -> None:
    """Meta's answer word for word: `phone_number` is no sub_type of a sent button."""
    body = "Call us about {{1}}, or reply."
    template = {
        "name": "call_us",
        "language": "en_US",
        "category": "UTILITY",
        "components": [
            {"type": "BODY", "text": body, "example": {"body_text": [["#1"]]}},
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+15550001234"},
                    {"type": "URL", "text": "About", "url": "https://acme.example.com/about"},
                ],
            },
        ],
    }
    assert (await graph.post(TEMPLATES, template)).status_code == 200
    components = [
        {"type": "body", "parameters": [{"type": "text", "text": "#7"}]},
        {
            "type": "button",
            "sub_type": "phone_number",
            "index": "0",
            "parameters": [{"type": "text", "text": "+15550001234"}],
        },
    ]
    response = await graph.post(MESSAGES, template_send("call_us", components))
    assert response.status_code == 400
    assert error_of(response) == not_in(
        "template['components'][1]['sub_type']", SUB_TYPES, "phone_number"
    )
    sent = await graph.post(MESSAGES, template_send("call_us", components[:1]))
    assert sent.status_code == 200, sent.text


async def test_sub_types_are_matched_whatever_their_case(graph: Graph) -> None:
    components = [*BODY_PARAMS, {"type": "button", "sub_type": "Quick_Reply", "index": "0"}]
    response = await graph.post(MESSAGES, template_send(components=components))
    # summer_sale has no button 0: the enum passes, the index is what is wrong.
    assert error_of(response)["code"] == 131009


@pytest.mark.parametrize(
    ("path", "body", "param", "values", "got"),
    [
        (
            TEMPLATES,
            {**sd.SUMMER_SALE, "name": "new_one", "category": "PROMOTIONAL"},
            "category",
            "AUTHENTICATION, MARKETING, UTILITY",
            "PROMOTIONAL",
        ),
        (
            TEMPLATES,
            {
                **sd.SUMMER_SALE,
                "name": "new_one",
                "components": [sd.SUMMER_SALE["components"][0], {"type": "SIDEBAR"}],
            },
            "components[1]['type']",
            "BODY, BUTTONS, CAROUSEL, FOOTER, HEADER, LIMITED_TIME_OFFER",
            "SIDEBAR",
        ),
        (
            TEMPLATES,
            {
                "name": "acme_shipment",
                "language": "en_US",
                "category": "MARKETING",
                "library_template_name": "shipment_confirmation_1",
            },
            "category",
            "UTILITY",
            "MARKETING",
        ),
        (
            f"{sd.SIGNED_WABA}/upsert_message_templates",
            {"name": "acme_otp", "languages": ["en_US"], "category": "UTILITY", "components": []},
            "category",
            "AUTHENTICATION",
            "UTILITY",
        ),
    ],
)
async def test_management_enums(
    graph: Graph, path: str, body: dict[str, Any], param: str, values: str, got: str
) -> None:
    response = await graph.post(path, body)
    assert response.status_code == 400
    assert error_of(response) == not_in(param, values, got)
