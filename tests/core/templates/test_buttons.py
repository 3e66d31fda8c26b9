"""The BUTTONS component (core/templates/buttons.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    SEED_BODY,
    buttons,
    create,
    expect_error,
    quick_reply,
    url_button,
)
from wamm.core.templates import parse_create

LONG_URL = "https://shop.example.com/" + "p" * 1976


@pytest.mark.parametrize(
    ("components", "code", "subcode", "field"),
    [
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
            "Param components[1]['buttons'][0]['type'] must be one of {CATALOG, COPY_CODE,",
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
    ],
)
def test_button_errors(components: list[Any], code: int, subcode: int | None, field: str) -> None:
    expect_error(lambda: parse_create(create(components)), code, subcode, field)


@pytest.mark.parametrize(
    ("button", "field"),
    [
        ({"type": "OTP"}, "components[1].buttons[0].otp_type"),
        (
            {"type": "OTP", "otp_type": "MAGIC"},
            """components[1]['buttons'][0]['otp_type'] must be one of {COPY_CODE, ONE_TAP, """
            """ZERO_TAP} - got "MAGIC".""",
        ),
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
