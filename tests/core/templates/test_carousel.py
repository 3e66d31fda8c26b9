"""The CAROUSEL component (core/templates/carousel.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    CARD,
    SEED_BODY,
    body,
    buttons,
    create,
    expect_error,
    image_header,
    quick_reply,
)
from wamm.core.templates import parse_create


@pytest.mark.parametrize(
    ("components", "code", "subcode", "field"),
    [
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
def test_carousel_errors(components: list[Any], code: int, subcode: int | None, field: str) -> None:
    expect_error(lambda: parse_create(create(components)), code, subcode, field)
