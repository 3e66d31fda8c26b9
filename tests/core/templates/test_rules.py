"""What the template's category allows (core/templates/rules.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    AUTH_COMPONENTS,
    CARD,
    SEED_BODY,
    buttons,
    create,
    expect_error,
    image_header,
    quick_reply,
)
from wamm.core.templates import parse_create


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
