"""Template rules: create/edit validation, creative features, shapes and send-time checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec
import pytest

from wamm.core.errors import GraphError
from wamm.core.model import Template
from wamm.core.templates import (
    DOF_FEATURES,
    LANGUAGES,
    ButtonSlot,
    TemplateShape,
    check_send_components,
    creative_features_read,
    duplicate_error,
    limit_error,
    name_being_deleted_error,
    parse_create,
    parse_creative_features,
    parse_edit,
    template_shape,
)

HOUR = 3600.0
DAY = 24 * HOUR
NOW = 1_800_000_000.0
HANDLE = "4::aW1hZ2UvcG5n:ARY:e:1681000441:634974688087057:100089620928913:ARYy"

# ---------------------------------------------------------------------------------------------
# Builders


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
    return error.user_msg or error.details


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


# ---------------------------------------------------------------------------------------------
# Create: accepted requests


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


def test_languages_cover_the_documented_codes() -> None:
    assert {"en_US", "pt_BR", "es_MX", "zh_CN", "fil", "prs_AF"} <= LANGUAGES
    assert len(LANGUAGES) == 111


# ---------------------------------------------------------------------------------------------
# Create: top-level request errors (plain code 100 naming the parameter)


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


# ---------------------------------------------------------------------------------------------
# Create: component errors

LONG_URL = "https://shop.example.com/" + "p" * 1976


@pytest.mark.parametrize(
    ("components", "code", "subcode", "field"),
    [
        # structure
        ([SEED_BODY, {"type": "SIDEBAR"}], 100, None, "components[1].type"),
        ([SEED_BODY, "body"], 100, None, "components[1]"),
        ([{"text": "Hi"}], 100, None, "components[0].type"),
        ([SEED_BODY, SEED_BODY], 100, None, "only one BODY"),
        ([{"type": "FOOTER", "text": "Bye"}], 100, None, "must contain a BODY"),
        ([{"type": "BODY"}], 100, None, "components[0].text"),
        ([{"type": "BODY", "text": "   "}], 100, None, "components[0].text"),
        # body
        ([body("x" * 1025)], 100, 2388040, "components[0].text is 1025 characters"),
        # header
        ([{"type": "HEADER", "text": "Hi"}, SEED_BODY], 100, None, "components[0].format"),
        ([{"type": "HEADER", "format": "AUDIO"}, SEED_BODY], 100, None, "components[0].format"),
        (
            [{"type": "HEADER", "format": "TEXT", "text": "x" * 61}, SEED_BODY],
            100,
            2388040,
            "components[0].text",
        ),
        (
            [
                {
                    "type": "HEADER",
                    "format": "TEXT",
                    "text": "Hi {{1}} and {{2}}",
                    "example": {"header_text": ["a", "b"]},
                },
                SEED_BODY,
            ],
            100,
            2388047,
            "components[0].text has 2 variables",
        ),
        (
            [{"type": "HEADER", "format": "TEXT", "text": "Hi {{1}}"}, SEED_BODY],
            100,
            2388043,
            "components[0].example.header_text",
        ),
        (
            [
                {
                    "type": "HEADER",
                    "format": "TEXT",
                    "text": "Hi {{1}}",
                    "example": {"header_text": ["a", "b"]},
                },
                SEED_BODY,
            ],
            100,
            2388047,
            "components[0].example.header_text has 2",
        ),
        (
            [{"type": "HEADER", "format": "TEXT", "text": "Hi {{1}"}, SEED_BODY],
            100,
            2388047,
            "components[0].text",
        ),
        (
            [{"type": "HEADER", "format": "IMAGE"}, SEED_BODY],
            100,
            2388043,
            "components[0].example.header_handle",
        ),
        (
            [{"type": "HEADER", "format": "VIDEO", "example": {"header_handle": []}}, SEED_BODY],
            100,
            2388043,
            "components[0].example.header_handle",
        ),
        (
            [
                {"type": "HEADER", "format": "DOCUMENT", "example": {"header_handle": [7]}},
                SEED_BODY,
            ],
            100,
            None,
            "components[0].example.header_handle[0]",
        ),
        ([SEED_BODY, image_header(), image_header()], 100, None, "only one HEADER"),
        # footer
        ([SEED_BODY, {"type": "FOOTER", "text": "x" * 61}], 100, 2388040, "components[1].text"),
        (
            [SEED_BODY, {"type": "FOOTER", "text": "Code {{1}} inside"}],
            100,
            2388073,
            "components[1].text can't contain variables",
        ),
        ([SEED_BODY, {"type": "FOOTER"}], 100, None, "components[1].text"),
        # limited-time offer
        (
            [{"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "x" * 17}}, SEED_BODY],
            100,
            2388040,
            "components[0].limited_time_offer.text",
        ),
        (
            [{"type": "LIMITED_TIME_OFFER"}, SEED_BODY],
            100,
            None,
            "components[0].limited_time_offer",
        ),
        (
            [
                {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Hurry"}},
                SEED_BODY,
                {"type": "FOOTER", "text": "Bye"},
            ],
            100,
            2388073,
            "LIMITED_TIME_OFFER",
        ),
        # buttons
        ([SEED_BODY, buttons()], 100, None, "components[1].buttons must hold 1 to 10"),
        (
            [SEED_BODY, buttons(*[quick_reply() for _ in range(11)])],
            100,
            None,
            "components[1].buttons must hold 1 to 10",
        ),
        ([SEED_BODY, {"type": "BUTTONS"}], 100, None, "components[1].buttons"),
        (
            [SEED_BODY, buttons({"type": "LINK", "text": "Go"})],
            100,
            None,
            "components[1].buttons[0].type",
        ),
        (
            [SEED_BODY, buttons(quick_reply(), {"type": "QUICK_REPLY"})],
            100,
            None,
            "components[1].buttons[1].text",
        ),
        (
            [SEED_BODY, buttons(quick_reply(), quick_reply("x" * 26))],
            100,
            2388040,
            "components[1].buttons[1].text is 26 characters",
        ),
        (
            [SEED_BODY, buttons(quick_reply(), url_button(), quick_reply())],
            100,
            None,
            "components[1].buttons[1] (URL) splits them",
        ),
        (
            [SEED_BODY, buttons(url_button(), url_button(), url_button())],
            100,
            None,
            "3 URL buttons; at most 2",
        ),
        (
            [SEED_BODY, buttons(url_button(LONG_URL))],
            100,
            2388040,
            "components[1].buttons[0].url is 2001 characters",
        ),
        (
            [SEED_BODY, buttons(url_button("ftp://shop.example.com"))],
            100,
            None,
            "components[1].buttons[0].url",
        ),
        (
            [SEED_BODY, buttons(url_button("https://x.com/{{1}}/items"))],
            100,
            None,
            "components[1].buttons[0].url may have one variable",
        ),
        (
            [SEED_BODY, buttons(url_button("https://x.com/{{1}}/{{2}}"))],
            100,
            None,
            "components[1].buttons[0].url",
        ),
        (
            [SEED_BODY, buttons(url_button("https://x.com/{{promo}}"))],
            100,
            None,
            "components[1].buttons[0].url",
        ),
        (
            [SEED_BODY, buttons(url_button("https://x.com/{{1}"))],
            100,
            None,
            "components[1].buttons[0].url has unmatched braces",
        ),
        (
            [SEED_BODY, buttons(url_button("https://x.com/{{1}}", example=[]))],
            100,
            2388043,
            "components[1].buttons[0].example",
        ),
        (
            [
                SEED_BODY,
                buttons({"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+1" + "5" * 20}),
            ],
            100,
            2388040,
            "components[1].buttons[0].phone_number",
        ),
        (
            [SEED_BODY, buttons({"type": "PHONE_NUMBER", "text": "Call"})],
            100,
            None,
            "components[1].buttons[0].phone_number",
        ),
        (
            [
                SEED_BODY,
                buttons(*[{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "1"}] * 2),
            ],
            100,
            None,
            "2 PHONE_NUMBER buttons; at most 1",
        ),
        (
            [SEED_BODY, buttons({"type": "COPY_CODE", "example": "X" * 16})],
            100,
            2388040,
            "components[1].buttons[0].example is 16 characters",
        ),
        (
            [SEED_BODY, buttons({"type": "COPY_CODE"})],
            100,
            2388043,
            "components[1].buttons[0].example",
        ),
        (
            [SEED_BODY, buttons({"type": "FLOW", "text": "Book"})],
            100,
            None,
            "components[1].buttons[0].flow_id",
        ),
        (
            [SEED_BODY, buttons({"type": "OTP", "otp_type": "COPY_CODE"})],
            100,
            None,
            "components[1].buttons[0].type OTP isn't available for MARKETING",
        ),
        # carousel
        (
            [SEED_BODY, {"type": "CAROUSEL", "cards": [CARD] * 11}],
            100,
            None,
            "components[1].cards must hold 1 to 10",
        ),
        (
            [SEED_BODY, {"type": "CAROUSEL", "cards": [CARD, {"components": [image_header()]}]}],
            100,
            None,
            "components[1].cards[1] has different components",
        ),
        (
            [SEED_BODY, {"type": "CAROUSEL", "cards": [{"components": [body("Only this")]}]}],
            100,
            None,
            "components[1].cards[0].components must contain a HEADER",
        ),
        (
            [
                SEED_BODY,
                {
                    "type": "CAROUSEL",
                    "cards": [{"components": [{"type": "HEADER", "format": "TEXT", "text": "Hi"}]}],
                },
            ],
            100,
            2388047,
            "components[1].cards[0].components[0].format must be IMAGE or VIDEO",
        ),
        (
            [
                SEED_BODY,
                {"type": "CAROUSEL", "cards": [{"components": [image_header(), body("x" * 161)]}]},
            ],
            100,
            2388040,
            "components[1].cards[0].components[1].text",
        ),
        (
            [
                SEED_BODY,
                {
                    "type": "CAROUSEL",
                    "cards": [
                        {
                            "components": [
                                image_header(),
                                buttons(quick_reply("a"), quick_reply("b"), quick_reply("c")),
                            ]
                        }
                    ],
                },
            ],
            100,
            None,
            "components[1].cards[0].components[1].buttons must hold 1 to 2",
        ),
        (
            [
                SEED_BODY,
                {
                    "type": "CAROUSEL",
                    "cards": [
                        {
                            "components": [
                                image_header(),
                                buttons({"type": "COPY_CODE", "example": "X"}),
                            ]
                        }
                    ],
                },
            ],
            100,
            None,
            "components[1].cards[0].components[1].buttons[0].type COPY_CODE",
        ),
    ],
)
def test_component_errors(
    components: list[Any], code: int, subcode: int | None, field: str
) -> None:
    expect_error(lambda: parse_create(create(components)), code, subcode, field)


@pytest.mark.parametrize(
    ("category", "components", "subcode", "field"),
    [
        (
            "UTILITY",
            [{**image_header(), "format": "GIF"}, SEED_BODY],
            2388047,
            "components[0].format GIF isn't available for UTILITY",
        ),
        (
            "UTILITY",
            [{"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Hurry"}}, SEED_BODY],
            None,
            "components[0].type LIMITED_TIME_OFFER",
        ),
        (
            "UTILITY",
            [SEED_BODY, {"type": "CAROUSEL", "cards": [CARD]}],
            None,
            "components[1].type CAROUSEL",
        ),
        (
            "AUTHENTICATION",
            [{"type": "HEADER", "format": "LOCATION"}, *AUTH_COMPONENTS],
            2388047,
            "components[0].type HEADER isn't available for AUTHENTICATION",
        ),
        (
            "AUTHENTICATION",
            [AUTH_COMPONENTS[0], buttons(quick_reply())],
            None,
            "components[1].buttons[0].type QUICK_REPLY isn't available for AUTHENTICATION",
        ),
    ],
)
def test_category_restrictions(
    category: str, components: list[Any], subcode: int | None, field: str
) -> None:
    expect_error(lambda: parse_create(create(components, category=category)), 100, subcode, field)


@pytest.mark.parametrize(
    ("button", "field"),
    [
        ({"type": "OTP"}, "components[1].buttons[0].otp_type"),
        ({"type": "OTP", "otp_type": "MAGIC"}, "components[1].buttons[0].otp_type"),
        ({"type": "OTP", "otp_type": "ONE_TAP"}, "components[1].buttons[0].supported_apps"),
        (
            {"type": "OTP", "otp_type": "ZERO_TAP", "package_name": "com.x"},
            "components[1].buttons[0].supported_apps",
        ),
    ],
)
def test_otp_button_errors(button: dict[str, Any], field: str) -> None:
    request = create([{"type": "BODY"}, buttons(button)], category="AUTHENTICATION")
    expect_error(lambda: parse_create(request), 100, None, field)


def test_authentication_footer_expiry_range() -> None:
    request = create(
        [{"type": "BODY"}, {"type": "FOOTER", "code_expiration_minutes": 91}],
        category="AUTHENTICATION",
    )
    expect_error(
        lambda: parse_create(request),
        100,
        None,
        "components[1].code_expiration_minutes must be between 1 and 90",
    )


# ---------------------------------------------------------------------------------------------
# Create: variables


@pytest.mark.parametrize(
    ("component", "parameter_format", "subcode", "mention"),
    [
        (body("Hi {{1}, welcome"), "POSITIONAL", 2388072, "unmatched braces"),
        (body("Hi {{1}}}} welcome", "a"), "POSITIONAL", 2388072, "unmatched braces"),
        (body("Hi {{ }} welcome"), "POSITIONAL", 2388072, "invalid variable {{ }}"),
        (body("Hi {{#}} welcome"), "POSITIONAL", 2388072, "invalid variable {{#}}"),
        (body("Hi {{First}} welcome"), "NAMED", 2388072, "invalid variable {{First}}"),
        (body("Hi {{2}} welcome", "a"), "POSITIONAL", 2388072, "numbered {{1}} to {{1}}"),
        (body("Hi {{1}} and {{3}} ok", "a", "b"), "POSITIONAL", 2388072, "{{1}}, {{3}}"),
        (body("Hi {{1}} and {{1}} ok", "a", "b"), "POSITIONAL", 2388072, "each once"),
        (body("Hi {{1}} and {{name}} ok"), "POSITIONAL", 2388072, "mixes"),
        (body("Hi {{name}} welcome"), "POSITIONAL", 2388072, "parameter_format is POSITIONAL"),
        (body("Hi {{1}} welcome", "a"), "NAMED", 2388072, "parameter_format is NAMED"),
        (named_body("Hi {{name}} and {{name}} ok", name="a"), "NAMED", 2388072, "more than once"),
        (body("{{1}}, welcome back", "a"), "POSITIONAL", 2388299, "can't start or end"),
        (body("  Welcome back {{1}}  ", "a"), "POSITIONAL", 2388299, "can't start or end"),
        (body("Hi {{1}}{{2}} ok", "a", "b"), "POSITIONAL", 2388299, "{{1}} and {{2}} next"),
        (body("Hi {{1}} \n {{2}} ok", "a", "b"), "POSITIONAL", 2388299, "next to each other"),
        (
            body("Hi {{1}}, {{2}}, {{3}}!", "a", "b", "c"),
            "POSITIONAL",
            2388293,
            "3 variables but only 1 words",
        ),
        (body("Hi {{1}} ok"), "POSITIONAL", 2388043, "components[0].example.body_text"),
        (
            body("Hi {{1}} and {{2}} ok", "a"),
            "POSITIONAL",
            2388043,
            "components[0].example.body_text[0] has 1 sample value(s) but the text has 2",
        ),
        (body("Hi {{1}} ok", "a", "b"), "POSITIONAL", 2388072, "has 2 sample value(s)"),
        (
            {"type": "BODY", "text": "Hi {{1}} ok", "example": {"body_text": "a"}},
            "POSITIONAL",
            None,
            "components[0].example.body_text must be a JSON array",
        ),
        (
            {"type": "BODY", "text": "Hi {{1}} ok", "example": {"body_text": [[7]]}},
            "POSITIONAL",
            None,
            "components[0].example.body_text[0][0]",
        ),
        (
            named_body("Hi {{name}} and {{city}} ok", name="a"),
            "NAMED",
            2388043,
            "no sample for {{city}}",
        ),
        (
            named_body("Hi {{name}} ok", name="a", city="b"),
            "NAMED",
            2388072,
            "sample for {{city}}, which the text doesn't use",
        ),
        (
            {
                "type": "BODY",
                "text": "Hi {{name}} ok",
                "example": {"body_text_named_params": [{"example": "a"}]},
            },
            "NAMED",
            None,
            "components[0].example.body_text_named_params[0].param_name",
        ),
    ],
)
def test_variable_rules(
    component: dict[str, Any], parameter_format: str, subcode: int | None, mention: str
) -> None:
    request = create([component], parameter_format=parameter_format)
    error = expect_error(lambda: parse_create(request), 100, subcode, mention)
    assert "components[0]" in text_of(error)


@pytest.mark.parametrize(
    "text",
    [
        "Hi {{1}}, your {{2}} order ships today.",
        "Hi {1}, single braces are just text",
        "Order #{{1}} for {{2}} is ready.",
        "Dear {{1}}\nYour code is {{2}}. Thanks!",
    ],
)
def test_variable_layouts_that_are_fine(text: str) -> None:
    samples = ("a", "b")[: text.count("{{")]
    assert parse_create(create([body(text, *samples)])).components[0]["text"] == text


# ---------------------------------------------------------------------------------------------
# Creative features


def test_creative_features_accept_all_ten_keys() -> None:
    spec = {
        "creative_features_spec": {
            feature: {"enroll_status": "OPT_OUT" if i % 2 else "opt_in"}
            for i, feature in enumerate(DOF_FEATURES)
        }
    }
    parsed = parse_creative_features(spec, "degrees_of_freedom_spec")
    assert list(parsed) == list(DOF_FEATURES)
    assert set(parsed.values()) == {"OPT_IN", "OPT_OUT"}


def test_creative_feature_keys_are_case_insensitive() -> None:
    spec = {"creative_features_spec": {"IMAGE_TOUCHUPS": {"enroll_status": "OPT_OUT"}}}
    assert parse_creative_features(spec, "x") == {"image_touchups": "OPT_OUT"}


@pytest.mark.parametrize(
    ("spec", "mention"),
    [
        ({}, "degrees_of_freedom_spec.creative_features_spec"),
        ({"creative_features_spec": {"glitter": {"enroll_status": "OPT_IN"}}}, "'glitter'"),
        (
            {"creative_features_spec": {"image_touchups": {"enroll_status": "MAYBE"}}},
            "degrees_of_freedom_spec.creative_features_spec.image_touchups.enroll_status",
        ),
        (
            {"creative_features_spec": {"image_touchups": {}}},
            "degrees_of_freedom_spec.creative_features_spec.image_touchups.enroll_status",
        ),
        (
            {"creative_features_spec": {"image_touchups": "OPT_IN"}},
            "degrees_of_freedom_spec.creative_features_spec.image_touchups",
        ),
        ("not json", "degrees_of_freedom_spec must be a JSON object"),
    ],
)
def test_creative_feature_errors(spec: Any, mention: str) -> None:
    expect_error(
        lambda: parse_creative_features(spec, "degrees_of_freedom_spec"), 100, None, mention
    )


def test_creative_features_read_lists_all_ten_in_order_with_opt_in_default() -> None:
    read = creative_features_read({"image_touchups": "OPT_OUT", "product_extensions": "OPT_IN"})
    assert read == {
        "creative_features_spec": [
            {"key": "IMAGE_BRIGHTNESS_AND_CONTRAST", "value": {"enroll_status": "OPT_IN"}},
            {"key": "IMAGE_TOUCHUPS", "value": {"enroll_status": "OPT_OUT"}},
            {"key": "ADD_TEXT_OVERLAY", "value": {"enroll_status": "OPT_IN"}},
            {"key": "IMAGE_ANIMATION", "value": {"enroll_status": "OPT_IN"}},
            {"key": "IMAGE_BACKGROUND_GEN", "value": {"enroll_status": "OPT_IN"}},
            {"key": "AUTO_PROMOTION_TAG", "value": {"enroll_status": "OPT_IN"}},
            {"key": "TEXT_EXTRACTION_FOR_HEADLINE", "value": {"enroll_status": "OPT_IN"}},
            {"key": "TEXT_EXTRACTION_FOR_TAP_TARGET", "value": {"enroll_status": "OPT_IN"}},
            {"key": "PRODUCT_EXTENSIONS", "value": {"enroll_status": "OPT_IN"}},
            {"key": "TEXT_FORMATTING_OPTIMIZATION", "value": {"enroll_status": "OPT_IN"}},
        ]
    }


def test_create_stores_creative_features() -> None:
    spec = parse_create(
        create(
            degrees_of_freedom_spec={
                "creative_features_spec": {"image_animation": {"enroll_status": "OPT_OUT"}}
            }
        )
    )
    assert spec.creative_features == {"image_animation": "OPT_OUT"}


# ---------------------------------------------------------------------------------------------
# Edits

EDIT = {"components": [body("Hi {{1}}, now {{2}} off", "Ana", "30%")]}


@pytest.mark.parametrize("status", ["APPROVED", "REJECTED", "PAUSED"])
def test_editable_statuses(status: str) -> None:
    changes = parse_edit(with_status(stored([SEED_BODY]), status), EDIT, NOW)
    assert changes["components"] == EDIT["components"]


@pytest.mark.parametrize(
    "status",
    [
        "PENDING",
        "DISABLED",
        "IN_APPEAL",
        "LIMIT_EXCEEDED",
        "PENDING_DELETION",
        "DELETED",
        "ARCHIVED",
    ],
)
def test_other_statuses_cannot_be_edited(status: str) -> None:
    template = with_status(stored([SEED_BODY]), status)
    expect_error(
        lambda: parse_edit(template, EDIT, NOW),
        100,
        2388039,
        status,
        "only APPROVED, REJECTED or PAUSED",
    )


@pytest.mark.parametrize(
    ("status", "edit_times", "allowed"),
    [
        ("APPROVED", [], True),
        ("APPROVED", [NOW - 23 * HOUR], False),
        ("APPROVED", [NOW - 25 * HOUR], True),
        ("APPROVED", [NOW - (2 + 2 * i) * DAY for i in range(9)], True),
        ("APPROVED", [NOW - (2 + 2 * i) * DAY for i in range(10)], False),
        ("APPROVED", [NOW - (4 + 3 * i) * DAY for i in range(10)], True),  # oldest is 31 days
        ("APPROVED", [NOW - 31 * DAY] * 20, True),
        ("REJECTED", [NOW - i * HOUR for i in range(20)], True),
        ("PAUSED", [NOW - i * HOUR for i in range(20)], True),
    ],
)
def test_edit_limits(status: str, edit_times: list[float], allowed: bool) -> None:
    template = with_status(stored([SEED_BODY]), status, edit_times)
    if allowed:
        assert "components" in parse_edit(template, EDIT, NOW)
    else:
        expect_error(lambda: parse_edit(template, EDIT, NOW), 100, None, "Try again in")


def test_edit_limit_says_when_to_retry() -> None:
    template = with_status(stored([SEED_BODY]), "APPROVED", [NOW - 20 * HOUR])
    error = expect_error(
        lambda: parse_edit(template, EDIT, NOW),
        100,
        None,
        "1 time(s) in the last 24 hours",
        "Try again in 4 hour(s)",
    )
    assert error.user_title == "Template edit limit reached"


@pytest.mark.parametrize("edit", [{}, {"name": "renamed", "language": "pt_BR"}, {"category": None}])
def test_empty_edit(edit: dict[str, Any]) -> None:
    expect_error(lambda: parse_edit(stored([SEED_BODY]), edit, NOW), 100, None, "Nothing to edit")


def test_approved_category_cannot_change() -> None:
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), {"category": "utility"}, NOW),
        100,
        None,
        "category",
        "MARKETING",
        "UTILITY",
    )


def test_approved_same_category_is_fine() -> None:
    changes = parse_edit(stored([SEED_BODY]), {"category": "marketing"}, NOW)
    assert changes["category"] == "MARKETING"


def test_rejected_category_change_revalidates_components() -> None:
    template = with_status(stored([{**image_header(), "format": "GIF"}, SEED_BODY]), "REJECTED")
    expect_error(
        lambda: parse_edit(template, {"category": "UTILITY"}, NOW),
        100,
        2388047,
        "components[0].format GIF isn't available for UTILITY",
    )
    changes = parse_edit(with_status(stored([SEED_BODY]), "REJECTED"), {"category": "UTILITY"}, NOW)
    assert (changes["category"], changes["components"]) == ("UTILITY", [SEED_BODY])


def test_edit_components_are_validated_like_create() -> None:
    bad = {"components": [SEED_BODY, {"type": "FOOTER", "text": "x" * 61}]}
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), bad, NOW), 100, 2388040, "components[1].text"
    )


def test_edit_uses_the_template_parameter_format() -> None:
    template = stored([named_body("Hi {{name}} ok", name="Ana")], parameter_format="NAMED")
    expect_error(lambda: parse_edit(template, EDIT, NOW), 100, 2388072, "parameter_format is NAMED")
    changes = parse_edit(template, {**EDIT, "parameter_format": "positional"}, NOW)
    assert changes["parameter_format"] == "POSITIONAL"


def test_edit_ttl_follows_category_ranges() -> None:
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), {"message_send_ttl_seconds": 60}, NOW),
        100,
        None,
        "message_send_ttl_seconds",
        "MARKETING",
    )
    changes = parse_edit(stored([SEED_BODY]), {"message_send_ttl_seconds": "86400"}, NOW)
    assert changes == {"message_send_ttl_seconds": 86400}


def test_edit_merges_creative_features() -> None:
    template = stored(
        [SEED_BODY],
        degrees_of_freedom_spec={
            "creative_features_spec": {"image_touchups": {"enroll_status": "OPT_OUT"}}
        },
    )
    edit = {
        "degrees_of_freedom_spec": {
            "creative_features_spec": {"image_animation": {"enroll_status": "OPT_OUT"}}
        }
    }
    assert parse_edit(template, edit, NOW) == {
        "creative_features": {"image_touchups": "OPT_OUT", "image_animation": "OPT_OUT"}
    }


@pytest.mark.parametrize("key", ["bid_spec", "optimization_spec"])
def test_edit_bid_spec_of_a_template_created_with_one(key: str) -> None:
    template = stored(
        [SEED_BODY], bid_spec={"bid_amount": 5000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}
    )
    edit = {key: {"bid_amount": 7000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}}
    assert parse_edit(template, edit, NOW) == {
        "bid_spec": {"bid_amount": 7000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}
    }


def test_bid_spec_cannot_be_added_by_edit() -> None:
    edit = {"bid_spec": {"bid_amount": 7000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}}
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), edit, NOW),
        100,
        None,
        "bid_spec can only be edited on a template created with one",
    )


def test_edit_link_tracking_flag() -> None:
    changes = parse_edit(stored([SEED_BODY]), {"cta_url_link_tracking_opted_out": "true"}, NOW)
    assert changes == {"cta_url_link_tracking_opted_out": True}


def test_components_edit_returns_category_and_format_too() -> None:
    assert parse_edit(stored([SEED_BODY]), EDIT, NOW) == {
        "category": "MARKETING",
        "parameter_format": "POSITIONAL",
        "components": EDIT["components"],
    }


# ---------------------------------------------------------------------------------------------
# Shape

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


def test_shape_of_the_seed_template() -> None:
    assert template_shape(stored([SEED_BODY])) == TemplateShape(named=False, body_params=("1", "2"))


def test_shape_of_a_full_template() -> None:
    shape = template_shape(stored(FULL_COMPONENTS))
    assert shape.header_format == "IMAGE"
    assert shape.body_params == ("1", "2")
    assert shape.buttons == (
        ButtonSlot(
            index=0, type="QUICK_REPLY", sub_type="quick_reply", parameter="payload", required=False
        ),
        ButtonSlot(index=1, type="URL", sub_type="url", parameter="text", required=True),
        ButtonSlot(index=2, type="URL", sub_type="url", parameter=None, required=False),
        ButtonSlot(
            index=3, type="COPY_CODE", sub_type="copy_code", parameter="coupon_code", required=True
        ),
    )


def test_shape_of_named_text_header_template() -> None:
    template = stored(
        [
            {
                "type": "HEADER",
                "format": "TEXT",
                "text": "Hello {{name}}",
                "example": {"header_text_named_params": [{"param_name": "name", "example": "Ana"}]},
            },
            named_body(
                "Order {{order_id}} ships on {{day}} as planned", order_id="1", day="Monday"
            ),
        ],
        parameter_format="NAMED",
    )
    assert template_shape(template) == TemplateShape(
        named=True,
        header_format="TEXT",
        header_params=("name",),
        body_params=("order_id", "day"),
        body_text_limit=1024,
    )


def test_shape_of_auth_lto_and_carousel_templates() -> None:
    auth = template_shape(stored(AUTH_COMPONENTS, category="AUTHENTICATION"))
    assert auth.body_params == ("1",)
    assert auth.buttons == (
        ButtonSlot(index=0, type="OTP", sub_type="url", parameter="text", required=True),
    )
    lto = template_shape(
        stored(
            [
                {
                    "type": "LIMITED_TIME_OFFER",
                    "limited_time_offer": {"text": "Hurry", "has_expiration": True},
                },
                SEED_BODY,
            ]
        )
    )
    assert (lto.has_offer, lto.offer_expires) == (True, True)
    carousel = template_shape(stored([SEED_BODY, {"type": "CAROUSEL", "cards": [CARD, CARD]}]))
    assert len(carousel.cards) == 2
    assert carousel.cards[0].header_format == "IMAGE"
    assert carousel.cards[0].body_params == ("1",)
    assert [slot.type for slot in carousel.cards[0].buttons] == ["QUICK_REPLY", "URL"]


# ---------------------------------------------------------------------------------------------
# Send-time checks


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
        (SEED, [{"type": "footer"}], 100, "template.components[0].type must be one of"),
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
        (SEED, None, 132000, "body: the template has 2 parameter(s) but 0 were sent"),
        (
            SEED,
            [send_body(text("Ana"))],
            132000,
            "but 1 were sent in template.components[0].parameters",
        ),
        (SEED, [send_body(text("a"), text("b"), text("c"))], 132000, "3 were sent"),
        (
            SEED,
            [send_body(text("a"), text("b")), {"type": "header", "parameters": [text("x")]}],
            132000,
            "header: the template has 0 parameter(s) but 1",
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
            "header: the template has 1",
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
            "limited_time_offer: the template has 0",
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
            132012,
            "template.components[0].parameters[0].parameter_name is required",
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
        (SEED, [send_body({"type": "text"}, text("b"))], 131009, "parameters[0].text"),
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
def test_send_errors(template: Template, components: Any, code: int, mention: str) -> None:
    expect_error(lambda: check_send_components(template, components), code, None, mention)


# ---------------------------------------------------------------------------------------------
# Rendered envelopes


def test_duplicate_error_envelope() -> None:
    assert duplicate_error("summer_sale", "en_US").body("t") == {
        "error": {
            "message": "(#100) Invalid parameter",
            "type": "OAuthException",
            "code": 100,
            "error_subcode": 2388024,
            "is_transient": False,
            "error_user_title": "Content in This Language Already Exists",
            "error_user_msg": "The template summer_sale already has en_US content. Edit that "
            "template or create one with another name.",
            "fbtrace_id": "t",
        }
    }


@pytest.mark.parametrize(
    ("error", "subcode", "title", "mention"),
    [
        (limit_error(250), 2388019, "Message Template Limit Exceeded", "250 message templates"),
        (
            name_being_deleted_error("pt_BR"),
            2388023,
            "Message Template Language Is Being Deleted",
            "pt_BR content",
        ),
    ],
)
def test_service_errors(error: GraphError, subcode: int, title: str, mention: str) -> None:
    rendered = error.body("t")["error"]
    assert (rendered["code"], rendered["error_subcode"]) == (100, subcode)
    assert rendered["error_user_title"] == title
    assert mention in rendered["error_user_msg"]
    assert "error_data" not in rendered


def test_rejected_content_envelope_names_the_field() -> None:
    request = create([SEED_BODY, buttons(quick_reply(), quick_reply("x" * 26))])
    error = expect_error(lambda: parse_create(request), 100, 2388040)
    assert error.body("t") == {
        "error": {
            "message": "(#100) Invalid parameter",
            "type": "OAuthException",
            "code": 100,
            "error_subcode": 2388040,
            "is_transient": False,
            "error_user_title": "Character limit exceeded",
            "error_user_msg": (
                "components[1].buttons[1].text is 26 characters long; the limit is 25."
            ),
            "fbtrace_id": "t",
        }
    }


def test_missing_parameter_envelope_carries_details() -> None:
    error = expect_error(lambda: parse_create(create(name=None)), 100)
    assert error.body("t") == {
        "error": {
            "message": "(#100) Invalid parameter",
            "type": "OAuthException",
            "code": 100,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "The parameter name is required.",
            },
            "fbtrace_id": "t",
        }
    }


def test_send_error_envelope() -> None:
    error = expect_error(lambda: check_send_components(SEED, [send_body(text("Ana"))]), 132000)
    assert error.body("t") == {
        "error": {
            "message": (
                "(#132000) Number of parameters does not match the expected number of params"
            ),
            "type": "OAuthException",
            "code": 132000,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "body: the template has 2 parameter(s) but 1 were sent in "
                "template.components[0].parameters.",
            },
            "fbtrace_id": "t",
        }
    }
