"""What a send of a stored template must supply (core/templates/shape.py)."""

from __future__ import annotations

from tests.core.templates.builders import (
    AUTH_COMPONENTS,
    CARD,
    FULL_COMPONENTS,
    SEED_BODY,
    named_body,
    stored,
)
from wamm.core.templates import ButtonSlot, TemplateShape, template_shape


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
