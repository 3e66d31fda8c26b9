"""Single components of a create or edit: dispatch by type, and the HEADER, BODY, FOOTER and
LIMITED_TIME_OFFER checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_bool, as_int, as_object
from wamm.core.errors import invalid_parameter
from wamm.core.templates.errors import reject
from wamm.core.templates.examples import (
    BODY_EXAMPLES,
    HEADER_EXAMPLES,
    check_examples,
    check_header_handle,
)
from wamm.core.templates.limits import (
    ANY_CATEGORY,
    BODY_LIMIT,
    FOOTER_LIMIT,
    HEADER_TEXT_LIMIT,
    MARKETING_ONLY,
    MARKETING_OR_UTILITY,
    OFFER_TEXT_LIMIT,
    SUBCODE_BODY_FORMAT,
    SUBCODE_FOOTER_FORMAT,
    SUBCODE_HEADER_FORMAT,
)
from wamm.core.templates.readers import member, member_enum, text
from wamm.core.templates.rules import Check, Rules, check_available
from wamm.core.templates.variables import check_body_layout, variables

# Header formats and the categories allowed to use them.
HEADER_FORMATS: dict[str, frozenset[str]] = {
    "TEXT": ANY_CATEGORY,
    "IMAGE": ANY_CATEGORY,
    "VIDEO": ANY_CATEGORY,
    "DOCUMENT": ANY_CATEGORY,
    "GIF": MARKETING_ONLY,
    "LOCATION": MARKETING_OR_UTILITY,
}
MEDIA_FORMATS = frozenset({"IMAGE", "VIDEO", "DOCUMENT", "GIF"})

# Authentication templates are body + footer + OTP buttons only (no header).
_COMPONENT_CATEGORIES: dict[str, frozenset[str]] = {
    "HEADER": MARKETING_OR_UTILITY,
    "LIMITED_TIME_OFFER": MARKETING_ONLY,
    "CAROUSEL": MARKETING_ONLY,
}
_FORMAT_SUBCODES: dict[str, int] = {
    "HEADER": SUBCODE_HEADER_FORMAT,
    "BODY": SUBCODE_BODY_FORMAT,
    "FOOTER": SUBCODE_FOOTER_FORMAT,
}


def typed(raw: Any, field: str, checks: Mapping[str, Check], rules: Rules) -> dict[str, Any]:
    """A component with its `type` upper-cased and checked by `checks[type]`."""
    component = dict(as_object(raw, field))
    ctype = member_enum(component, "type", field, checks)
    component["type"] = ctype
    check_available(
        ctype,
        _COMPONENT_CATEGORIES.get(ctype, ANY_CATEGORY),
        rules,
        f"{field}.type",
        _FORMAT_SUBCODES.get(ctype),
    )
    checks[ctype](component, field, rules)
    return component


def check_counts(components: list[dict[str, Any]], field: str, needed: str) -> None:
    """At most one component of each type, and one of type `needed`."""
    counts = Counter(component["type"] for component in components)
    for ctype, count in counts.items():
        if count > 1:
            raise invalid_parameter(
                f"Param {field} may contain only one {ctype} component; found {count}."
            )
    if not counts[needed]:
        raise invalid_parameter(f"Param {field} must contain a {needed} component.")


def check_header(component: dict[str, Any], field: str, rules: Rules) -> None:
    fmt = member_enum(component, "format", field, HEADER_FORMATS)
    component["format"] = fmt
    check_available(fmt, HEADER_FORMATS[fmt], rules, f"{field}.format", SUBCODE_HEADER_FORMAT)
    if fmt == "TEXT":
        _check_header_text(component, field, rules)
    elif fmt in MEDIA_FORMATS:
        check_header_handle(component, field, fmt)


def _check_header_text(component: dict[str, Any], field: str, rules: Rules) -> None:
    value = text(component, "text", field, HEADER_TEXT_LIMIT)
    names = variables(value, f"{field}.text", SUBCODE_HEADER_FORMAT, rules.named)
    if len(names) > 1:
        raise reject(
            SUBCODE_HEADER_FORMAT,
            f"{field}.text has {len(names)} variables; a header may have at most one.",
        )
    check_examples(
        component, field, names, rules, keys=HEADER_EXAMPLES, subcode=SUBCODE_HEADER_FORMAT
    )


def check_body(component: dict[str, Any], field: str, rules: Rules) -> None:
    if rules.category == "AUTHENTICATION":
        # Meta presets the authentication body; only the security recommendation is optional.
        if component.get("add_security_recommendation") is not None:
            component["add_security_recommendation"] = member(
                component, "add_security_recommendation", field, as_bool
            )
        if component.get("text") is None:
            return
    check_body_text(component, field, rules, BODY_LIMIT)


def check_body_text(component: dict[str, Any], field: str, rules: Rules, limit: int) -> None:
    """A body's text: its length, its variables, where they stand and their samples."""
    value = text(component, "text", field, limit)
    names = variables(value, f"{field}.text", SUBCODE_BODY_FORMAT, rules.named)
    check_body_layout(value, names, f"{field}.text")
    check_examples(component, field, names, rules, keys=BODY_EXAMPLES, subcode=SUBCODE_BODY_FORMAT)


def check_footer(component: dict[str, Any], field: str, rules: Rules) -> None:
    if rules.category == "AUTHENTICATION":
        if component.get("code_expiration_minutes") is not None:
            component["code_expiration_minutes"] = _code_expiration(component, field)
        if component.get("text") is None:
            return
    value = text(component, "text", field, FOOTER_LIMIT)
    if "{{" in value or "}}" in value:
        raise reject(SUBCODE_FOOTER_FORMAT, f"{field}.text can't contain variables.")


def _code_expiration(component: Mapping[str, Any], field: str) -> int:
    """An authentication footer's code_expiration_minutes: 1 to 90."""
    minutes = member(component, "code_expiration_minutes", field, as_int)
    if not 1 <= minutes <= 90:
        raise invalid_parameter(
            f"Param {field}.code_expiration_minutes must be between 1 and 90; got {minutes}."
        )
    return minutes


def check_limited_time_offer(component: dict[str, Any], field: str, _rules: Rules) -> None:
    offer_field = f"{field}.limited_time_offer"
    offer = dict(member(component, "limited_time_offer", field, as_object))
    text(offer, "text", offer_field, OFFER_TEXT_LIMIT)
    if offer.get("has_expiration") is not None:
        offer["has_expiration"] = member(offer, "has_expiration", offer_field, as_bool)
    component["limited_time_offer"] = offer
