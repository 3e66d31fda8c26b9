"""Send-time parameter values (core/templates/values.py): the type check (132012) and each
type's value checks (131009)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    CAROUSEL,
    FLOW,
    FULL,
    FULL_OK,
    IMAGE_PARAM,
    LOCATION,
    LTO,
    NAMED,
    SEED,
    STATIC,
    body,
    card,
    expect_error,
    send_body,
    send_button,
    stored,
    text,
)
from wamm.core.model import Template
from wamm.core.templates import check_send_components


@pytest.mark.parametrize(
    ("template", "components", "code", "mention"),
    [
        # 132012: wrong parameter type or name
        (
            SEED,
            [send_body(IMAGE_PARAM, text("b"))],
            132012,
            "template.components[0].parameters[0].type is 'image'",
        ),
        (
            FULL,
            [{"type": "header", "parameters": [text("hi")]}, *FULL_OK[1:]],
            132012,
            "template.components[0].parameters[0].type is 'text' but the template's header is "
            "IMAGE",
        ),
        (
            FULL,
            [
                {"type": "header", "parameters": [{"type": "video", "video": {"id": "1"}}]},
                *FULL_OK[1:],
            ],
            132012,
            "is 'video'",
        ),
        (
            stored(
                [
                    {
                        "type": "HEADER",
                        "format": "TEXT",
                        "text": "Hi {{1}}",
                        "example": {"header_text": ["a"]},
                    },
                    body("Hello there"),
                ]
            ),
            [{"type": "header", "parameters": [IMAGE_PARAM]}],
            132012,
            "a header variable takes text",
        ),
        (
            FULL,
            [*FULL_OK[:2], send_button("url", 1, {"type": "payload", "payload": "x"}), FULL_OK[3]],
            132012,
            "button 1 (URL) takes a text parameter",
        ),
        (
            NAMED,
            [send_body(text("Ana"), text("X"))],
            100,
            "Parameter name is missing or empty",
        ),
        (
            NAMED,
            [send_body(text("Ana", parameter_name=""), text("X", parameter_name="code"))],
            100,
            "Parameter name is missing or empty",
        ),
        (
            NAMED,
            [send_body(text("Ana", parameter_name="name"), text("X", parameter_name="code"))],
            132012,
            "named name, code but the template's variables are first_name, code",
        ),
        # 131009: invalid values
        (
            SEED,
            [send_body(text(""), text("b"))],
            131009,
            "template.components[0].parameters[0].text must be a non-empty string",
        ),
        (
            SEED,
            [send_body({"type": "text"}, text("b"))],
            100,
            "Parameter 'text' is mandatory for component parameter type 'text'",
        ),
        (
            FULL,
            [{"type": "header", "parameters": [{"type": "image"}]}, *FULL_OK[1:]],
            100,
            "Parameter 'image' is mandatory for component parameter type 'image'",
        ),
        (SEED, [send_body(text("a"), text(" \t "))], 131009, "parameters[1].text must be a non"),
        (SEED, [send_body({"type": "text", "text": 7}, text("b"))], 131009, "parameters[0].text"),
        (SEED, [send_body({"text": "a"}, text("b"))], 131009, "parameters[0].type is required"),
        (
            SEED,
            [
                send_body(
                    {"type": "currency", "currency": {"fallback_value": "$1", "amount_1000": 1000}},
                    text("b"),
                )
            ],
            131009,
            "parameters[0].currency.code",
        ),
        (
            SEED,
            [
                send_body(
                    {"type": "currency", "currency": {"fallback_value": "$1", "code": "USD"}},
                    text("b"),
                )
            ],
            131009,
            "parameters[0].currency.amount_1000",
        ),
        (
            SEED,
            [send_body({"type": "currency", "currency": "$1"}, text("b"))],
            131009,
            "parameters[0].currency must be an object",
        ),
        (
            SEED,
            [send_body({"type": "date_time", "date_time": {}}, text("b"))],
            131009,
            "parameters[0].date_time.fallback_value",
        ),
        (
            FULL,
            [{"type": "header", "parameters": [{"type": "image", "image": {}}]}, *FULL_OK[1:]],
            131009,
            "parameters[0].image needs an id",
        ),
        (
            LOCATION,
            [
                {
                    "type": "header",
                    "parameters": [
                        {"type": "location", "location": {"latitude": "north", "longitude": 2}}
                    ],
                }
            ],
            131009,
            "parameters[0].location.latitude",
        ),
        (
            FULL,
            [
                *FULL_OK[:3],
                send_button("copy_code", 3, {"type": "coupon_code", "coupon_code": "X" * 21}),
            ],
            131009,
            "template.components[3].parameters[0].coupon_code must be 1 to 20",
        ),
        (
            FULL,
            [
                *FULL_OK[:3],
                send_button("copy_code", 3, {"type": "coupon_code", "coupon_code": "SAVE-20"}),
            ],
            131009,
            "coupon_code must be 1 to 20 letters or digits",
        ),
        (
            FULL,
            [*FULL_OK[:2], send_button("url", 4, text("a")), FULL_OK[3]],
            131009,
            "template.components[2].index is 4 but there is no button 4",
        ),
        (
            FULL,
            [*FULL_OK[:2], send_button("url", "one", text("a")), FULL_OK[3]],
            131009,
            "template.components[2].index must be a whole number",
        ),
        (
            FULL,
            [*FULL_OK[:2], send_button("quick_reply", 1, text("a")), FULL_OK[3]],
            131009,
            "template.components[2].sub_type is 'quick_reply' but button 1 is a URL button",
        ),
        (FULL, [*FULL_OK, send_button("url", "1", text("again"))], 131009, "repeats button 1"),
        (
            FULL,
            [*FULL_OK, send_button("quick_reply", 0, {"type": "payload", "payload": ""})],
            131009,
            "parameters[0].payload must be a non-empty string",
        ),
        (
            STATIC,
            [
                send_button("quick_reply", 0, {"type": "payload", "payload": "P"}),
                send_button("url", 1, text("x")),
            ],
            132000,
            "button 1 (URL)",
        ),
        (
            FLOW,
            [send_button("flow", 0, {"type": "action", "action": "book"})],
            131009,
            "template.components[0].parameters[0].action must be an object",
        ),
        (
            LTO,
            [
                {
                    "type": "limited_time_offer",
                    "parameters": [
                        {
                            "type": "limited_time_offer",
                            "limited_time_offer": {"expiration_time_ms": -5},
                        }
                    ],
                },
                send_body(text("a"), text("b")),
            ],
            131009,
            "expiration_time_ms must be a positive",
        ),
        (
            CAROUSEL,
            [{"type": "carousel", "cards": [card(0), card(2)]}],
            131009,
            "template.components[0].cards[1].card_index is 2",
        ),
        (
            CAROUSEL,
            [{"type": "carousel", "cards": [card(0), card(0)]}],
            131009,
            "template.components[0].cards[1].card_index repeats card 0",
        ),
        (
            CAROUSEL,
            [{"type": "carousel", "cards": [card(0), card(1, price="")]}],
            131009,
            "template.components[0].cards[1].components[1].parameters[0].text",
        ),
    ],
)
def test_parameter_value_errors(
    template: Template, components: Any, code: int, mention: str
) -> None:
    expect_error(lambda: check_send_components(template, components), code, None, mention)
