"""Builders shared by the template-rule tests: create requests, stored templates, send
components, and the expected-error check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec
import pytest

from wamm.core.errors import GraphError
from wamm.core.model import Template
from wamm.core.templates import parse_create

HOUR = 3600.0
DAY = 24 * HOUR
NOW = 1_800_000_000.0
HANDLE = "4::aW1hZ2UvcG5n:ARY:e:1681000441:634974688087057:100089620928913:ARYy"


def body(text: str, *samples: str, **extra: Any) -> dict[str, Any]:
    component: dict[str, Any] = {"type": "BODY", "text": text, **extra}
    if samples:
        component["example"] = {"body_text": [list(samples)]}
    return component


def named_body(text: str, **samples: str) -> dict[str, Any]:
    params = [{"param_name": name, "example": value} for name, value in samples.items()]
    return {"type": "BODY", "text": text, "example": {"body_text_named_params": params}}


def buttons(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "BUTTONS", "buttons": list(items)}


def quick_reply(text: str = "Stop promos") -> dict[str, Any]:
    return {"type": "QUICK_REPLY", "text": text}


def url_button(url: str = "https://shop.example.com/p/{{1}}", **extra: Any) -> dict[str, Any]:
    button = {"type": "URL", "text": "Shop now", "url": url, **extra}
    if "{{" in url and "example" not in extra:
        button["example"] = ["https://shop.example.com/p/summer"]
    return button


def image_header() -> dict[str, Any]:
    return {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [HANDLE]}}


SEED_BODY = body("Hi {{1}}, enjoy {{2}} off", "Ana", "20%")
AUTH_COMPONENTS: list[dict[str, Any]] = [
    {"type": "BODY", "add_security_recommendation": True},
    {"type": "FOOTER", "code_expiration_minutes": 10},
    buttons({"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy Code"}),
]
CARD = {
    "components": [
        image_header(),
        body("Only {{1}} today", "$10"),
        buttons(quick_reply("More"), url_button()),
    ]
}


def create(components: list[dict[str, Any]] | None = None, /, **fields: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "name": "summer_sale",
        "language": "en_US",
        "category": "MARKETING",
        "components": [SEED_BODY] if components is None else components,
    }
    request.update(fields)
    return request


def stored(components: list[dict[str, Any]], **fields: Any) -> Template:
    """An APPROVED template as the service layer would store it after parse_create."""
    spec = parse_create(create(components, **fields))
    return Template(
        id="1387372356726668",
        waba_id="102290129340398",
        seq=1,
        name=spec.name,
        language=spec.language,
        category=spec.category,
        status="APPROVED",
        components=spec.components,
        parameter_format=spec.parameter_format,
        message_send_ttl_seconds=spec.message_send_ttl_seconds,
        creative_features=spec.creative_features,
        bid_spec=spec.bid_spec,
    )


def with_status(template: Template, status: str, edit_times: Sequence[float] = ()) -> Template:
    return msgspec.structs.replace(template, status=status, edit_times=list(edit_times))


def text_of(error: GraphError) -> str:
    return error.user_msg or error.details or error.message


def expect_error(
    call: Callable[[], object], code: int, subcode: int | None = None, *mentions: str
) -> GraphError:
    with pytest.raises(GraphError) as info:
        call()
    error = info.value
    assert (error.code, error.subcode) == (code, subcode), text_of(error)
    for mention in mentions:
        assert mention in text_of(error)
    return error


FULL_COMPONENTS = [
    image_header(),
    SEED_BODY,
    {"type": "FOOTER", "text": "Reply STOP to opt out"},
    buttons(
        quick_reply(),
        url_button(),
        url_button("https://shop.example.com/"),
        {"type": "COPY_CODE", "example": "SAVE20"},
    ),
]


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, **extra}


def send_body(*params: dict[str, Any]) -> dict[str, Any]:
    return {"type": "body", "parameters": list(params)}


def send_button(sub_type: str, index: Any, *params: dict[str, Any]) -> dict[str, Any]:
    return {"type": "button", "sub_type": sub_type, "index": index, "parameters": list(params)}


IMAGE_PARAM = {"type": "image", "image": {"link": "https://cdn.example.com/a.png"}}
SEED = stored([SEED_BODY])
FULL = stored(FULL_COMPONENTS)
FULL_OK = [
    {"type": "header", "parameters": [IMAGE_PARAM]},
    send_body(text("Ana"), text("20%")),
    send_button("url", "1", text("summer")),
    send_button("copy_code", 3, {"type": "coupon_code", "coupon_code": "SAVE20"}),
]
NAMED = stored(
    [named_body("Hi {{first_name}}, code {{code}} works", first_name="A", code="B")],
    parameter_format="NAMED",
)
AUTH = stored(AUTH_COMPONENTS, category="AUTHENTICATION")
LTO = stored(
    [
        {
            "type": "LIMITED_TIME_OFFER",
            "limited_time_offer": {"text": "Hurry", "has_expiration": True},
        },
        SEED_BODY,
    ]
)
CAROUSEL = stored([body("Pick one of these"), {"type": "CAROUSEL", "cards": [CARD, CARD]}])
LOCATION = stored(
    [{"type": "HEADER", "format": "LOCATION"}, body("Your order is near")], category="UTILITY"
)
STATIC = stored([body("Hello there"), buttons(quick_reply(), url_button("https://x.com/"))])
FLOW = stored([body("Book a table"), buttons({"type": "FLOW", "text": "Book", "flow_id": "1"})])


def card(index: Any, price: str = "$5") -> dict[str, Any]:
    return {
        "card_index": index,
        "components": [
            {"type": "header", "parameters": [IMAGE_PARAM]},
            send_body(text(price)),
            send_button("url", 1, text("sku1")),
        ],
    }
