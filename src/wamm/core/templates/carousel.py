"""The CAROUSEL component: up to ten cards of media header, short body and buttons, all alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_list, as_object
from wamm.core.templates.buttons import check_buttons
from wamm.core.templates.components import check_body_text, check_counts, check_header, typed
from wamm.core.templates.errors import reject
from wamm.core.templates.limits import (
    CARD_BODY_LIMIT,
    MAX_CARD_BUTTONS,
    MAX_CARDS,
    SUBCODE_HEADER_FORMAT,
)
from wamm.core.templates.readers import bounded_list, member
from wamm.core.templates.rules import Check, Rules

_CARD_BUTTON_TYPES = ("QUICK_REPLY", "URL", "PHONE_NUMBER")


def _check_card_header(component: dict[str, Any], field: str, rules: Rules) -> None:
    check_header(component, field, rules)
    if component["format"] not in ("IMAGE", "VIDEO"):
        raise reject(
            SUBCODE_HEADER_FORMAT, f"{field}.format must be IMAGE or VIDEO in a carousel card."
        )


def _check_card_body(component: dict[str, Any], field: str, rules: Rules) -> None:
    check_body_text(component, field, rules, CARD_BODY_LIMIT)


def _check_card_buttons(component: dict[str, Any], field: str, rules: Rules) -> None:
    check_buttons(component, field, rules, MAX_CARD_BUTTONS)
    for index, button in enumerate(component["buttons"]):
        if button["type"] not in _CARD_BUTTON_TYPES:
            raise reject(
                None,
                f"{field}.buttons[{index}].type {button['type']} isn't available "
                "in a carousel card (QUICK_REPLY, URL or PHONE_NUMBER only).",
            )


_CARD_CHECKS: dict[str, Check] = {
    "HEADER": _check_card_header,
    "BODY": _check_card_body,
    "BUTTONS": _check_card_buttons,
}


def check_carousel(component: dict[str, Any], field: str, rules: Rules) -> None:
    raw = bounded_list(component, "cards", field, MAX_CARDS)
    cards = [_card(card, f"{field}.cards[{i}]", rules) for i, card in enumerate(raw)]
    first = _card_layout(cards[0])
    unlike = next((i for i, card in enumerate(cards) if _card_layout(card) != first), None)
    if unlike is not None:
        raise reject(
            None,
            f"{field}.cards[{unlike}] has different components from "
            f"{field}.cards[0]; all cards must match.",
        )
    component["cards"] = cards


def _card(raw: Any, field: str, rules: Rules) -> dict[str, Any]:
    card = dict(as_object(raw, field))
    components = [
        typed(component, f"{field}.components[{i}]", _CARD_CHECKS, rules)
        for i, component in enumerate(member(card, "components", field, as_list))
    ]
    check_counts(components, f"{field}.components", "HEADER")
    card["components"] = components
    return card


def _card_layout(card: Mapping[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The component types, header format and button types a card's siblings must repeat."""
    return tuple(
        (
            component["type"],
            component.get("format", ""),
            *(button["type"] for button in component.get("buttons", [])),
        )
        for component in card["components"]
    )
