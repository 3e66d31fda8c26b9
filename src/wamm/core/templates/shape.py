"""What a send of a stored template must supply: `template_shape` -> `TemplateShape`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from wamm.core.model import Template
from wamm.core.templates.buttons import BUTTON_RULES, ButtonRule
from wamm.core.templates.limits import AUTH_CODE_LIMIT, BODY_ONLY_PARAM_LIMIT, BODY_PARAM_LIMIT
from wamm.core.templates.variables import TOKEN


class ButtonSlot(msgspec.Struct, frozen=True, kw_only=True):
    """One template button as a send sees it."""

    index: int
    type: str  # template button type, e.g. "URL"
    sub_type: str  # the send-time `sub_type` addressing it, e.g. "url"
    parameter: str | None  # send-time parameter type it takes ("text", "coupon_code", ...)
    required: bool  # the send must give that parameter


class TemplateShape(msgspec.Struct, frozen=True, kw_only=True):
    """What a send of a template must supply.

    `header_params` and `body_params` hold the variable names ("1", "2" or "first_name");
    `body_text_limit` is the characters one body parameter may hold.
    """

    named: bool
    header_format: str | None = None
    header_params: tuple[str, ...] = ()
    body_params: tuple[str, ...] = ()
    body_text_limit: int = BODY_ONLY_PARAM_LIMIT
    buttons: tuple[ButtonSlot, ...] = ()
    has_offer: bool = False  # a LIMITED_TIME_OFFER component
    offer_expires: bool = False  # ... with has_expiration: the send must give expiration_time_ms
    cards: tuple[TemplateShape, ...] = ()  # carousel cards, each with its own shape


def template_shape(template: Template) -> TemplateShape:
    """What a send of `template` must supply. Pure; callers may memoise it per template id."""
    shape = _shape(template.components, template.parameter_format.upper() == "NAMED")
    if template.category == "AUTHENTICATION":
        # The preset authentication body has one variable: the code.
        shape = msgspec.structs.replace(shape, body_params=("1",), body_text_limit=AUTH_CODE_LIMIT)
    return shape


def _shape(components: list[dict[str, Any]], named: bool) -> TemplateShape:
    by_type = {str(component.get("type", "")).upper(): component for component in components}
    header = by_type.get("HEADER", {})
    offer = by_type.get("LIMITED_TIME_OFFER")
    return TemplateShape(
        named=named,
        header_format=str(header["format"]).upper() if header.get("format") else None,
        header_params=tuple(TOKEN.findall(header.get("text", ""))),
        body_params=tuple(TOKEN.findall(by_type.get("BODY", {}).get("text", ""))),
        body_text_limit=BODY_PARAM_LIMIT if by_type.keys() - {"BODY"} else BODY_ONLY_PARAM_LIMIT,
        buttons=tuple(
            _slot(index, button)
            for index, button in enumerate(by_type.get("BUTTONS", {}).get("buttons", []))
        ),
        has_offer=offer is not None,
        offer_expires=bool(offer and offer.get("limited_time_offer", {}).get("has_expiration")),
        cards=tuple(
            _shape(card.get("components", []), named)
            for card in by_type.get("CAROUSEL", {}).get("cards", [])
        ),
    )


def _slot(index: int, button: Mapping[str, Any]) -> ButtonSlot:
    btype = str(button.get("type", "")).upper()
    rule = BUTTON_RULES.get(btype, ButtonRule(1, btype.lower()))
    parameter = rule.parameter
    if btype == "URL" and not TOKEN.search(str(button.get("url", ""))):
        parameter = None  # a static URL takes nothing
    return ButtonSlot(
        index=index,
        type=btype,
        sub_type=rule.sub_type,
        parameter=parameter,
        required=parameter is not None and rule.parameter_required,
    )
