"""A template's `components` list as a whole, as a create gives it or an edit re-validates it."""

from __future__ import annotations

from typing import Any

from wamm.core.coerce import as_list
from wamm.core.errors import invalid_parameter
from wamm.core.templates.buttons import check_buttons
from wamm.core.templates.carousel import check_carousel
from wamm.core.templates.components import (
    check_body,
    check_counts,
    check_footer,
    check_header,
    check_limited_time_offer,
    typed,
)
from wamm.core.templates.errors import reject
from wamm.core.templates.limits import SUBCODE_FOOTER_FORMAT
from wamm.core.templates.readers import decoded
from wamm.core.templates.rules import Check, Rules

_COMPONENT_CHECKS: dict[str, Check] = {
    "HEADER": check_header,
    "BODY": check_body,
    "FOOTER": check_footer,
    "BUTTONS": check_buttons,
    "LIMITED_TIME_OFFER": check_limited_time_offer,
    "CAROUSEL": check_carousel,
}


def parse_components(value: Any, rules: Rules) -> list[dict[str, Any]]:
    """The checked, normalised components: one BODY, at most one of each type."""
    raw = as_list(decoded(value), "components")
    if not raw:
        raise invalid_parameter("Param components must contain at least one component.")
    components = [
        typed(component, f"components[{i}]", _COMPONENT_CHECKS, rules)
        for i, component in enumerate(raw)
    ]
    check_counts(components, "components", "BODY")
    types = {component["type"] for component in components}
    if {"LIMITED_TIME_OFFER", "FOOTER"} <= types:
        raise reject(
            SUBCODE_FOOTER_FORMAT,
            "components: a template with a LIMITED_TIME_OFFER component can't have a FOOTER.",
        )
    return components
