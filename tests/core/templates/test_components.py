"""Single components (core/templates/components.py): HEADER, BODY, FOOTER and
LIMITED_TIME_OFFER."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import SEED_BODY, body, create, expect_error, image_header
from wamm.core.templates import parse_create


@pytest.mark.parametrize(
    ("components", "code", "subcode", "field"),
    [
        # body
        ([body("x" * 1025)], 100, 2388040, "components[0].text is 1025 characters"),
        # header
        ([{"type": "HEADER", "text": "Hi"}, SEED_BODY], 100, None, "components[0].format"),
        ([{"type": "HEADER", "format": "AUDIO"}, SEED_BODY], 100, None, "components[0]['format']"),
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
    ],
)
def test_component_errors(
    components: list[Any], code: int, subcode: int | None, field: str
) -> None:
    expect_error(lambda: parse_create(create(components)), code, subcode, field)


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
