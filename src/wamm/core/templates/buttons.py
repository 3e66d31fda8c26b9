"""The BUTTONS component: button types, their rules and how a send addresses them (facts §4.2,
§4.4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wamm.core.coerce import as_object
from wamm.core.errors import invalid_parameter
from wamm.core.templates.errors import reject
from wamm.core.templates.examples import button_example
from wamm.core.templates.limits import (
    AUTHENTICATION_ONLY,
    BUTTON_TEXT_LIMIT,
    COPY_CODE_EXAMPLE_LIMIT,
    MARKETING_OR_UTILITY,
    MAX_BUTTONS,
    PHONE_LIMIT,
    URL_LIMIT,
)
from wamm.core.templates.readers import bounded_list, check_length, member_enum, text
from wamm.core.templates.rules import Rules, check_available
from wamm.core.templates.variables import TOKEN, has_stray_braces


def _check_url_button(button: dict[str, Any], field: str) -> None:
    url = text(button, "url", field, URL_LIMIT)
    if not url.startswith(("https://", "http://")):
        raise reject(None, f"{field}.url must start with https:// or http://.")
    if has_stray_braces(url):
        raise reject(None, f"{field}.url has unmatched braces.")
    names = TOKEN.findall(url)
    if names and (names != ["1"] or not url.endswith("}}")):
        raise reject(None, f"{field}.url may have one variable, {{{{1}}}}, and only at its end.")
    if names:
        button_example(button, field)
    if button.get("app_deep_link") is not None:
        button["app_deep_link"] = dict(as_object(button["app_deep_link"], f"{field}.app_deep_link"))


def _check_phone_button(button: dict[str, Any], field: str) -> None:
    text(button, "phone_number", field, PHONE_LIMIT)


def _check_copy_code_button(button: dict[str, Any], field: str) -> None:
    check_length(button_example(button, field), f"{field}.example", COPY_CODE_EXAMPLE_LIMIT)


def _check_otp_button(button: dict[str, Any], field: str) -> None:
    otp_type = member_enum(button, "otp_type", field, ("COPY_CODE", "ONE_TAP", "ZERO_TAP"))
    button["otp_type"] = otp_type
    has_app = button.get("supported_apps") or (
        button.get("package_name") and button.get("signature_hash")
    )
    if otp_type != "COPY_CODE" and not has_app:
        raise invalid_parameter(
            f"The parameter {field}.supported_apps (or package_name and "
            f"signature_hash) is required for {otp_type} buttons."
        )


def _check_flow_button(button: dict[str, Any], field: str) -> None:
    if not any(button.get(key) for key in ("flow_id", "flow_name", "flow_json")):
        raise invalid_parameter(
            f"The parameter {field}.flow_id (or flow_name or flow_json) is required."
        )


@dataclass(frozen=True, slots=True)
class ButtonRule:
    max_count: int
    sub_type: str  # the send-time `sub_type` addressing the button
    parameter: str | None = None  # the send-time parameter type it takes
    parameter_required: bool = False
    categories: frozenset[str] = MARKETING_OR_UTILITY
    text_required: bool = True
    check: Callable[[dict[str, Any], str], None] | None = None


# Button types (facts §4.2, §4.4). Authentication sends address OTP buttons as sub_type "url".
BUTTON_RULES: dict[str, ButtonRule] = {
    "QUICK_REPLY": ButtonRule(10, "quick_reply", "payload"),
    "URL": ButtonRule(2, "url", "text", parameter_required=True, check=_check_url_button),
    "PHONE_NUMBER": ButtonRule(1, "phone_number", check=_check_phone_button),
    "COPY_CODE": ButtonRule(
        1,
        "copy_code",
        "coupon_code",
        parameter_required=True,
        text_required=False,
        check=_check_copy_code_button,
    ),
    "OTP": ButtonRule(
        1,
        "url",
        "text",
        parameter_required=True,
        categories=AUTHENTICATION_ONLY,
        text_required=False,
        check=_check_otp_button,
    ),
    "FLOW": ButtonRule(1, "flow", "action", check=_check_flow_button),
    "CATALOG": ButtonRule(1, "catalog", "action", text_required=False),
    "MPM": ButtonRule(1, "mpm", "action", parameter_required=True),
    "SPM": ButtonRule(1, "spm", "action", text_required=False),
    "VOICE_CALL": ButtonRule(1, "voice_call"),
    "REQUEST_CONTACT_INFO": ButtonRule(1, "request_contact_info", text_required=False),
}


def check_buttons(
    component: dict[str, Any], field: str, rules: Rules, limit: int = MAX_BUTTONS
) -> None:
    """A BUTTONS component: 1 to `limit` valid buttons, each type within its count."""
    raw = bounded_list(component, "buttons", field, limit)
    buttons = [_button(button, f"{field}.buttons[{i}]", rules) for i, button in enumerate(raw)]
    for btype, count in Counter(button["type"] for button in buttons).items():
        if count > BUTTON_RULES[btype].max_count:
            raise reject(
                None,
                f"{field}.buttons has {count} {btype} buttons; at most "
                f"{BUTTON_RULES[btype].max_count} are allowed.",
            )
    _check_quick_replies_grouped(buttons, field)
    component["buttons"] = buttons


def _check_quick_replies_grouped(buttons: list[dict[str, Any]], field: str) -> None:
    quick_replies = [i for i, button in enumerate(buttons) if button["type"] == "QUICK_REPLY"]
    if not quick_replies or quick_replies[-1] - quick_replies[0] + 1 == len(quick_replies):
        return
    splitter = next(i for i in range(quick_replies[0], quick_replies[-1]) if i not in quick_replies)
    raise reject(
        None,
        f"{field}.buttons: quick reply buttons must be grouped together, but "
        f"{field}.buttons[{splitter}] ({buttons[splitter]['type']}) splits them.",
    )


def _button(raw: Any, field: str, rules: Rules) -> dict[str, Any]:
    button = dict(as_object(raw, field))
    btype = member_enum(button, "type", field, BUTTON_RULES)
    button["type"] = btype
    rule = BUTTON_RULES[btype]
    check_available(btype, rule.categories, rules, f"{field}.type", None)
    if rule.text_required or button.get("text") is not None:
        text(button, "text", field, BUTTON_TEXT_LIMIT)
    if rule.check:
        rule.check(button, field)
    return button
