"""Send-time checks of template.components (core/templates/send.py): accepted sends, the
structure, parameter counts (132000) and missing parameters (131008)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    AUTH,
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
    image_header,
    send_body,
    send_button,
    stored,
    text,
)
from wamm.core.model import Template
from wamm.core.templates import check_send_components, template_shape


@pytest.mark.parametrize(
    ("template", "components"),
    [
        (SEED, [send_body(text("Ana"), text("20%"))]),
        (
            SEED,
            [
                {
                    "type": "BODY",
                    "parameters": [
                        {
                            "type": "currency",
                            "currency": {
                                "fallback_value": "$10",
                                "code": "USD",
                                "amount_1000": 10000,
                            },
                        },
                        {"type": "date_time", "date_time": {"fallback_value": "May 1"}},
                    ],
                }
            ],
        ),
        (FULL, FULL_OK),
        (FULL, [*FULL_OK, send_button("quick_reply", 0, {"type": "payload", "payload": "P1"})]),
        (
            FULL,
            [
                *FULL_OK[:3],
                send_button("COPY_CODE", "3", {"type": "coupon_code", "coupon_code": "A1b2"}),
            ],
        ),
        (
            NAMED,
            [send_body(text("Ana", parameter_name="first_name"), text("X", parameter_name="code"))],
        ),
        (
            NAMED,
            [send_body(text("X", parameter_name="code"), text("Ana", parameter_name="first_name"))],
        ),
        (AUTH, [send_body(text("123456")), send_button("url", 0, text("123456"))]),
        (
            LTO,
            [
                {
                    "type": "limited_time_offer",
                    "parameters": [
                        {
                            "type": "limited_time_offer",
                            "limited_time_offer": {"expiration_time_ms": 1},
                        }
                    ],
                },
                send_body(text("Ana"), text("20%")),
            ],
        ),
        (CAROUSEL, [{"type": "carousel", "cards": [card(1), card("0")]}]),
        (
            LOCATION,
            [
                {
                    "type": "header",
                    "parameters": [
                        {"type": "location", "location": {"latitude": 1.5, "longitude": "-2"}}
                    ],
                }
            ],
        ),
        (STATIC, None),
        (STATIC, []),
        (STATIC, [send_body(), send_button("quick_reply", 0), send_button("url", 1)]),
        (FLOW, [send_button("flow", 0, {"type": "action", "action": {"flow_token": "T"}})]),
        (FLOW, None),
        (
            stored([{**image_header(), "format": "GIF"}, body("Hello there")]),
            [
                {
                    "type": "header",
                    "parameters": [{"type": "GIF", "gif": {"id": "1037543291543636"}}],
                }
            ],
        ),
    ],
)
def test_accepted_sends(template: Template, components: Any) -> None:
    check_send_components(template, components)


def test_send_check_accepts_a_precomputed_shape() -> None:
    shape = template_shape(FULL)
    check_send_components(shape, FULL_OK)
    expect_error(lambda: check_send_components(shape, FULL_OK[1:]), 131008, None, "header")


@pytest.mark.parametrize(
    ("template", "components", "code", "mention"),
    [
        # 100: structure
        (SEED, {"type": "body"}, 100, "template.components must be a JSON array"),
        (SEED, ["body"], 100, "template.components[0]"),
        (SEED, [{"parameters": []}], 100, "template.components[0].type"),
        (SEED, [{"type": "footer"}], 100, "template['components'][0]['type'] must be one of"),
        (
            SEED,
            [send_body(text("a"), text("b")), send_body(text("a"), text("b"))],
            100,
            "only one body",
        ),
        (
            SEED,
            [{"type": "body", "parameters": "Ana"}],
            100,
            "template.components[0].parameters must be a JSON array",
        ),
        (
            SEED,
            [{"type": "body", "parameters": ["Ana", "20%"]}],
            100,
            "template.components[0].parameters[0]",
        ),
        # 132000: counts
        (
            SEED,
            None,
            132000,
            "body: number of localizable_params (0) does not match the expected number of "
            "params (2)",
        ),
        (
            SEED,
            [send_body(text("Ana"))],
            132000,
            "body: number of localizable_params (1) does not match",
        ),
        (SEED, [send_body(text("a"), text("b"), text("c"))], 132000, "localizable_params (3)"),
        (
            SEED,
            [send_body(text("a"), text("b")), {"type": "header", "parameters": [text("x")]}],
            132000,
            "header: number of localizable_params (1) does not match the expected number of "
            "params (0)",
        ),
        (
            FULL,
            [*FULL_OK[:2], send_button("url", 1, text("a"), text("b")), FULL_OK[3]],
            132000,
            "button 1 (URL)",
        ),
        (FULL, [*FULL_OK, send_button("url", 2, text("a"))], 132000, "button 2 (URL)"),
        (
            FULL,
            [{"type": "header", "parameters": [IMAGE_PARAM, IMAGE_PARAM]}, *FULL_OK[1:]],
            132000,
            "header: number of localizable_params (2) does not match the expected number of "
            "params (1)",
        ),
        (
            SEED,
            [send_body(text("a"), text("b")), {"type": "carousel", "cards": []}],
            132000,
            "template.components[1]: the template has no carousel",
        ),
        (
            SEED,
            [
                send_body(text("a"), text("b")),
                {
                    "type": "limited_time_offer",
                    "parameters": [
                        {
                            "type": "limited_time_offer",
                            "limited_time_offer": {"expiration_time_ms": 1},
                        }
                    ],
                },
            ],
            132000,
            "limited_time_offer: number of localizable_params (1) does not match the expected "
            "number of params (0)",
        ),
        # 131008: required parameter missing
        (
            FULL,
            FULL_OK[1:],
            131008,
            "header: the template's header is IMAGE, so template.components needs one image",
        ),
        (
            FULL,
            [{"type": "header"}, *FULL_OK[1:]],
            131008,
            "template.components[0].parameters needs one image parameter",
        ),
        (
            FULL,
            [*FULL_OK[:2], FULL_OK[3]],
            131008,
            "button 1 (URL) needs a text parameter; send a button component with sub_type url",
        ),
        (
            FULL,
            [*FULL_OK[:3], send_button("copy_code", 3)],
            131008,
            "template.components[3].parameters needs a coupon_code parameter",
        ),
        (
            FULL,
            [*FULL_OK[:3], {"type": "button", "index": 3, "parameters": []}],
            131008,
            "template.components[3].sub_type is required",
        ),
        (
            FULL,
            [*FULL_OK[:3], {"type": "button", "sub_type": "copy_code"}],
            131008,
            "template.components[3].index is required",
        ),
        (AUTH, [send_body(text("123456"))], 131008, "button 0 (OTP)"),
        (LTO, [send_body(text("a"), text("b"))], 131008, "expiration_time_ms"),
        (CAROUSEL, [], 131008, "carousel of 2 cards"),
        (CAROUSEL, [{"type": "carousel", "cards": [card(0)]}], 131008, "card_index 1"),
        (CAROUSEL, [{"type": "carousel"}], 131008, "template.components[0].cards"),
        (
            CAROUSEL,
            [
                {
                    "type": "carousel",
                    "cards": [card(0), {"card_index": 1, "components": [send_body(text("$1"))]}],
                }
            ],
            131008,
            "so template.components[0].cards[1].components needs one image",
        ),
    ],
)
def test_send_errors(template: Template, components: Any, code: int, mention: str) -> None:
    expect_error(lambda: check_send_components(template, components), code, None, mention)
