"""The create request (core/templates/create.py): accepted requests, normalisation, and the
top-level request errors (plain code 100 naming the parameter)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    AUTH_COMPONENTS,
    CARD,
    HANDLE,
    SEED_BODY,
    body,
    buttons,
    create,
    expect_error,
    image_header,
    named_body,
    quick_reply,
    url_button,
)
from wamm.core.templates import parse_create


def test_seed_template_is_accepted_and_normalised() -> None:
    spec = parse_create(create(category="marketing"))
    assert spec.name == "summer_sale"
    assert spec.category == "MARKETING"
    assert spec.parameter_format == "POSITIONAL"
    assert spec.components == [SEED_BODY]
    assert spec.message_send_ttl_seconds is None
    assert spec.creative_features == {}
    assert spec.bid_spec is None
    assert spec.cta_url_link_tracking_opted_out is False


@pytest.mark.parametrize(
    ("label", "request_body"),
    [
        (
            "named params",
            create(
                [
                    named_body(
                        "Hi {{first_name}}, your code is {{code}} today",
                        first_name="Ana",
                        code="X1",
                    )
                ],
                parameter_format="named",
            ),
        ),
        (
            "text header, footer, grouped buttons",
            create(
                [
                    {
                        "type": "HEADER",
                        "format": "TEXT",
                        "text": "Our {{1}} is on!",
                        "example": {"header_text": ["Summer Sale"]},
                    },
                    SEED_BODY,
                    {"type": "FOOTER", "text": "Reply STOP to opt out"},
                    buttons(
                        quick_reply("A"),
                        quick_reply("B"),
                        url_button(),
                        {"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+16467043595"},
                    ),
                ]
            ),
        ),
        (
            "named text header",
            create(
                [
                    {
                        "type": "HEADER",
                        "format": "TEXT",
                        "text": "Hello {{name}}",
                        "example": {
                            "header_text_named_params": [{"param_name": "name", "example": "Ana"}]
                        },
                    },
                    named_body("Your order {{order_id}} has shipped", order_id="123"),
                ],
                parameter_format="NAMED",
            ),
        ),
        ("image header", create([image_header(), SEED_BODY])),
        ("gif header", create([{**image_header(), "format": "GIF"}, SEED_BODY])),
        (
            "location header (utility)",
            create(
                [{"type": "HEADER", "format": "LOCATION"}, body("Your order is on its way")],
                category="UTILITY",
            ),
        ),
        (
            "limited-time offer + copy code",
            create(
                [
                    {
                        "type": "limited_time_offer",
                        "limited_time_offer": {"text": "Expiring offer!", "has_expiration": True},
                    },
                    SEED_BODY,
                    buttons({"type": "COPY_CODE", "example": "SAVE20"}, url_button()),
                ]
            ),
        ),
        (
            "url with deep link",
            create(
                [
                    SEED_BODY,
                    buttons(
                        url_button(
                            "https://shop.example.com/",
                            app_deep_link={"meta_app_id": 1, "android_deep_link": "shop://home"},
                        )
                    ),
                ]
            ),
        ),
        (
            "flow, catalog-style and voice buttons",
            create(
                [
                    SEED_BODY,
                    buttons(
                        {
                            "type": "FLOW",
                            "text": "Book",
                            "flow_id": "123",
                            "flow_action": "navigate",
                        },
                        {"type": "VOICE_CALL", "text": "Call us"},
                        {"type": "REQUEST_CONTACT_INFO"},
                    ),
                ]
            ),
        ),
        ("mpm", create([SEED_BODY, buttons({"type": "MPM", "text": "View items"})])),
        ("authentication copy code", create(AUTH_COMPONENTS, category="AUTHENTICATION")),
        (
            "authentication one tap",
            create(
                [
                    {"type": "BODY"},
                    buttons(
                        {
                            "type": "OTP",
                            "otp_type": "one_tap",
                            "supported_apps": [{"package_name": "com.x", "signature_hash": "K8a"}],
                        }
                    ),
                ],
                category="authentication",
            ),
        ),
        ("carousel", create([SEED_BODY, {"type": "CAROUSEL", "cards": [CARD, CARD]}])),
        (
            "ten quick replies",
            create([SEED_BODY, buttons(*[quick_reply(str(i)) for i in range(10)])]),
        ),
    ],
)
def test_valid_templates_are_accepted(label: str, request_body: dict[str, Any]) -> None:
    spec = parse_create(request_body)
    assert [c["type"] for c in spec.components] == [
        str(c["type"]).upper() for c in request_body["components"]
    ], label


def test_types_formats_and_enums_are_upper_cased() -> None:
    spec = parse_create(
        create(
            [
                {"type": "header", "format": "image", "example": {"header_handle": [HANDLE]}},
                {**SEED_BODY, "type": "body"},
                {"type": "buttons", "buttons": [{"type": "quick_reply", "text": "Yes"}]},
            ],
            parameter_format="positional",
        )
    )
    header, body_component, button_component = spec.components
    assert (header["type"], header["format"]) == ("HEADER", "IMAGE")
    assert body_component["type"] == "BODY"
    assert button_component["buttons"] == [{"type": "QUICK_REPLY", "text": "Yes"}]
    assert spec.parameter_format == "POSITIONAL"


def test_authentication_shape_is_normalised() -> None:
    spec = parse_create(
        create(
            [
                {"type": "body", "add_security_recommendation": "true"},
                {"type": "footer", "code_expiration_minutes": "5"},
                {"type": "buttons", "buttons": [{"type": "otp", "otp_type": "copy_code"}]},
            ],
            category="AUTHENTICATION",
        )
    )
    assert spec.components == [
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 5},
        {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
    ]


def test_form_encoded_values_are_read() -> None:
    spec = parse_create(
        create(
            components='[{"type": "BODY", "text": "Hello there"}]',
            message_send_ttl_seconds="43200",
            cta_url_link_tracking_opted_out="true",
            degrees_of_freedom_spec='{"creative_features_spec": {"image_touchups": '
            '{"enroll_status": "OPT_OUT"}}}',
            bid_spec='{"bid_amount": "5000", "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}',
        )
    )
    assert spec.components == [{"type": "BODY", "text": "Hello there"}]
    assert spec.message_send_ttl_seconds == 43200
    assert spec.cta_url_link_tracking_opted_out is True
    assert spec.creative_features == {"image_touchups": "OPT_OUT"}
    assert spec.bid_spec == {"bid_amount": 5000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}


@pytest.mark.parametrize("key", ["bid_spec", "optimization_spec"])
def test_bid_spec_under_either_name(key: str) -> None:
    spec = parse_create(
        create(**{key: {"bid_amount": 87000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}})
    )
    assert spec.bid_spec == {"bid_amount": 87000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}


def test_optional_create_fields_are_kept() -> None:
    spec = parse_create(create(sub_category="custom", library_template_name="order_update"))
    assert (spec.sub_category, spec.library_template_name) == ("CUSTOM", "order_update")


def test_null_optional_fields_read_as_absent() -> None:
    nulls = dict.fromkeys(
        [
            "parameter_format",
            "message_send_ttl_seconds",
            "degrees_of_freedom_spec",
            "bid_spec",
            "sub_category",
            "cta_url_link_tracking_opted_out",
            "library_template_name",
        ]
    )
    assert parse_create(create(**nulls)) == parse_create(create())


@pytest.mark.parametrize(
    ("category", "ttl"),
    [
        ("MARKETING", 43200),
        ("MARKETING", 2592000),
        ("UTILITY", 30),
        ("UTILITY", 43200),
        ("UTILITY", -1),
        ("AUTHENTICATION", 900),
        ("AUTHENTICATION", -1),
    ],
)
def test_ttl_in_range_is_accepted(category: str, ttl: int) -> None:
    components = AUTH_COMPONENTS if category == "AUTHENTICATION" else [SEED_BODY]
    spec = parse_create(create(components, category=category, message_send_ttl_seconds=ttl))
    assert spec.message_send_ttl_seconds == ttl


@pytest.mark.parametrize(
    ("overrides", "mention"),
    [
        ({"name": None}, "name"),
        ({"name": "Summer-Sale"}, "name 'Summer-Sale'"),
        ({"name": "x" * 513}, "513 characters"),
        ({"name": 5}, "name"),
        ({"language": None}, "language"),
        ({"language": "xx_XX"}, "language 'xx_XX'"),
        ({"category": None}, "category"),
        ({"category": "PROMO"}, "category must be one of"),
        ({"parameter_format": "numbered"}, "parameter_format"),
        ({"components": None}, "components"),
        ({"components": []}, "components"),
        ({"components": {"type": "BODY"}}, "components must be a JSON array"),
        ({"message_send_ttl_seconds": 100}, "between 43200 and 2592000"),
        ({"message_send_ttl_seconds": -1}, "message_send_ttl_seconds"),
        ({"message_send_ttl_seconds": "soon"}, "message_send_ttl_seconds"),
        (
            {"bid_spec": {"bid_amount": 0, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}},
            "bid_spec.bid_amount",
        ),
        (
            {"bid_spec": {"bid_amount": 5000, "bid_strategy": "LOWEST_COST"}},
            "bid_spec.bid_strategy",
        ),
        (
            {"optimization_spec": {"bid_strategy": "LOWEST_COST_WITH_BID_CAP"}},
            "optimization_spec.bid_amount",
        ),
        (
            {
                "bid_spec": {"bid_amount": 1, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"},
                "optimization_spec": {"bid_amount": 1, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"},
            },
            "not both",
        ),
        ({"degrees_of_freedom_spec": {"creative_features_spec": {"sparkles": {}}}}, "sparkles"),
        ({"cta_url_link_tracking_opted_out": "maybe"}, "cta_url_link_tracking_opted_out"),
    ],
)
def test_request_errors(overrides: dict[str, Any], mention: str) -> None:
    expect_error(lambda: parse_create({**create(), **overrides}), 100, None, mention)


@pytest.mark.parametrize(
    ("category", "ttl", "mention"),
    [
        ("UTILITY", 29, "between 30 and 43200 (or -1)"),
        ("UTILITY", 43201, "UTILITY"),
        ("AUTHENTICATION", 901, "between 30 and 900 (or -1)"),
    ],
)
def test_ttl_out_of_range(category: str, ttl: int, mention: str) -> None:
    components = AUTH_COMPONENTS if category == "AUTHENTICATION" else [SEED_BODY]
    expect_error(
        lambda: parse_create(create(components, category=category, message_send_ttl_seconds=ttl)),
        100,
        None,
        "message_send_ttl_seconds",
        mention,
    )


def test_bid_spec_is_marketing_only() -> None:
    request = create(
        [body("Your order shipped")],
        category="UTILITY",
        bid_spec={"bid_amount": 5000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"},
    )
    expect_error(lambda: parse_create(request), 100, None, "bid_spec", "MARKETING")
