"""Template rules: create and edit validation, creative-feature shapes, send-time parameter checks.

Pure functions over request bodies and `Template` structs. Every failure is a `GraphError` whose
code and subcode follow Meta (facts §2.1, §2.4, §4) and whose text names the offending field,
e.g. `components[1].buttons[2].text`. Error conventions used throughout:

- a missing or wrongly typed request parameter: plain code 100 (`invalid_parameter`);
- template content Meta would reject: code 100 with Meta's subcode (`template_rejected`);
- send time: 132000 parameter count, 131008 parameter missing, 132012 parameter of the wrong
  type or name, 131009 parameter value invalid, 100 for a malformed `components` structure.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

from wamm.core.coerce import as_bool, as_int, as_list, as_object, as_str, required
from wamm.core.errors import GraphError, invalid_parameter, template_rejected
from wamm.core.model import CATEGORIES, Template

# ---------------------------------------------------------------------------------------------
# Public tables

# Creative optimisation ("degrees of freedom") features, in the seed document's order.
DOF_FEATURES: tuple[str, ...] = (
    "image_brightness_and_contrast",
    "image_touchups",
    "add_text_overlay",
    "image_animation",
    "image_background_gen",
    "auto_promotion_tag",
    "text_extraction_for_headline",
    "text_extraction_for_tap_target",
    "product_extensions",
    "text_formatting_optimization",
)
ENROLL_STATUSES = ("OPT_IN", "OPT_OUT")

# Supported template languages (facts §4.6).
LANGUAGES: frozenset[str] = frozenset(
    """
    af sq ar ar_EG ar_AE ar_LB ar_MA ar_QA az be_BY bn bn_IN bg ca zh_CN zh_HK zh_TW hr cs da
    prs_AF nl nl_BE en en_GB en_US en_AE en_AU en_CA en_GH en_IE en_IN en_JM en_MY en_NZ en_QA
    en_SG en_UG en_ZA et fil fi fr fr_BE fr_CA fr_CH fr_CI fr_MA ka de de_AT de_CH el gu ha he hi
    hu id ga it ja kn kk rw_RW ko ky_KG lo lv lt mk ms ml mr nb ps_AF fa pl pt_BR pt_PT pa ro ru
    sr si_LK sk sl es es_AR es_CL es_CO es_CR es_DO es_EC es_HN es_MX es_PA es_PE es_ES es_UY sw
    sv ta te th tr uk ur uz vi zu
    """.split()  # noqa: SIM905 - one locale table reads better than 107 quoted strings
)

PARAMETER_FORMATS = ("POSITIONAL", "NAMED")
EDITABLE_STATUSES = ("APPROVED", "REJECTED", "PAUSED")
BID_STRATEGY = "LOWEST_COST_WITH_BID_CAP"

# Meta's template-management subcodes (facts §2.1, §2.4). 2388043 ("component is missing
# expected field(s) (example)") is not in Meta's table but was observed in a real rejection.
SUBCODE_LIMIT = 2388019
SUBCODE_BEING_DELETED = 2388023
SUBCODE_DUPLICATE = 2388024
SUBCODE_NOT_EDITABLE = 2388039
SUBCODE_CHAR_LIMIT = 2388040
SUBCODE_MISSING_EXAMPLE = 2388043
SUBCODE_HEADER_FORMAT = 2388047
SUBCODE_BODY_FORMAT = 2388072
SUBCODE_FOOTER_FORMAT = 2388073
SUBCODE_TOO_MANY_VARIABLES = 2388293
SUBCODE_VARIABLE_POSITION = 2388299

# Character limits (facts §4.2; limited-time offer text from Meta's LTO guide).
NAME_LIMIT = 512
BODY_LIMIT = 1024
CARD_BODY_LIMIT = 160
HEADER_TEXT_LIMIT = 60
FOOTER_LIMIT = 60
BUTTON_TEXT_LIMIT = 25
URL_LIMIT = 2000
PHONE_LIMIT = 20
COPY_CODE_EXAMPLE_LIMIT = 15
OFFER_TEXT_LIMIT = 16
MAX_BUTTONS = 10
MAX_CARD_BUTTONS = 2
MAX_CARDS = 10

# message_send_ttl_seconds range per category (facts §3.4); -1 means "30 days" where allowed.
TTL_RANGES: dict[str, tuple[int, int]] = {
    "MARKETING": (43_200, 2_592_000),
    "UTILITY": (30, 43_200),
    "AUTHENTICATION": (30, 900),
}
TTL_DEFAULT_CATEGORIES = frozenset({"UTILITY", "AUTHENTICATION"})

# Edit budget of an APPROVED template: (window seconds, edits allowed, label) (facts §2.4).
DAY = 86_400.0
EDIT_WINDOWS: tuple[tuple[float, int, str], ...] = ((DAY, 1, "24 hours"), (30 * DAY, 10, "30 days"))

_ALL = frozenset(CATEGORIES)
_MARKETING = frozenset({"MARKETING"})
_MARKETING_UTILITY = frozenset({"MARKETING", "UTILITY"})
_AUTHENTICATION = frozenset({"AUTHENTICATION"})

_TITLES: dict[int | None, str] = {
    SUBCODE_CHAR_LIMIT: "Character limit exceeded",
    SUBCODE_MISSING_EXAMPLE: "Sample values are missing",
    SUBCODE_HEADER_FORMAT: "Header format is incorrect",
    SUBCODE_BODY_FORMAT: "Body format is incorrect",
    SUBCODE_FOOTER_FORMAT: "Footer format is incorrect",
    SUBCODE_TOO_MANY_VARIABLES: "Too many variables for the text length",
    SUBCODE_VARIABLE_POSITION: "Variables are in the wrong place",
    SUBCODE_NOT_EDITABLE: "Template can't be edited in its current status",
    None: "Template content is not valid",
}


def _reject(subcode: int | None, message: str, title: str | None = None) -> GraphError:
    return template_rejected(subcode, title or _TITLES[subcode], message)


# ---------------------------------------------------------------------------------------------
# Public structs


class TemplateSpec(msgspec.Struct, kw_only=True):
    """A validated, normalised create request."""

    name: str
    language: str
    category: str
    components: list[dict[str, Any]]
    parameter_format: str = "POSITIONAL"
    sub_category: str | None = None
    message_send_ttl_seconds: int | None = None
    creative_features: dict[str, str] = msgspec.field(default_factory=dict)
    bid_spec: dict[str, Any] | None = None
    cta_url_link_tracking_opted_out: bool = False
    library_template_name: str | None = None


class ButtonSlot(msgspec.Struct, frozen=True, kw_only=True):
    """One template button as a send sees it."""

    index: int
    type: str  # template button type, e.g. "URL"
    sub_type: str  # the send-time `sub_type` addressing it, e.g. "url"
    parameter: str | None  # send-time parameter type it takes ("text", "coupon_code", ...)
    required: bool  # the send must give that parameter


class TemplateShape(msgspec.Struct, frozen=True, kw_only=True):
    """What a send of a template must supply.

    `header_params` and `body_params` hold the variable names ("1", "2" or "first_name").
    """

    named: bool
    header_format: str | None = None
    header_params: tuple[str, ...] = ()
    body_params: tuple[str, ...] = ()
    buttons: tuple[ButtonSlot, ...] = ()
    has_offer: bool = False  # a LIMITED_TIME_OFFER component
    offer_expires: bool = False  # ... with has_expiration: the send must give expiration_time_ms
    cards: tuple[TemplateShape, ...] = ()  # carousel cards, each with its own shape


@dataclass(frozen=True, slots=True)
class _Rules:
    """What component validation depends on."""

    category: str
    named: bool


_Check = Callable[[dict[str, Any], str, _Rules], None]

# ---------------------------------------------------------------------------------------------
# Small readers


def _decoded(value: Any) -> Any:
    """Form-encoded requests carry objects and arrays as JSON text; decode those."""
    if isinstance(value, str):
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError:
            return value
    return value


def _enum(value: Any, field: str, allowed: Collection[str]) -> str:
    """A case-insensitive enum value, returned upper-case."""
    text = as_str(value, field).upper()
    if text not in allowed:
        raise invalid_parameter(
            f"Param {field} must be one of {{{', '.join(allowed)}}}; got '{value}'."
        )
    return text


def _check_length(value: str, field: str, limit: int) -> None:
    if len(value) > limit:
        raise _reject(
            SUBCODE_CHAR_LIMIT, f"{field} is {len(value)} characters long; the limit is {limit}."
        )


def _text(obj: Mapping[str, Any], key: str, field: str, limit: int) -> str:
    """The required, non-empty string `obj[key]` of at most `limit` characters."""
    text = as_str(required(obj, key, f"{field}."), f"{field}.{key}")
    if not text.strip():
        raise invalid_parameter(f"Param {field}.{key} must not be empty.")
    _check_length(text, f"{field}.{key}", limit)
    return text


def _check_available(
    value: str, allowed: frozenset[str], rules: _Rules, field: str, subcode: int | None
) -> None:
    if rules.category not in allowed:
        raise _reject(subcode, f"{field} {value} isn't available for {rules.category} templates.")


# ---------------------------------------------------------------------------------------------
# Variables ({{1}} / {{name}})

_TOKEN = re.compile(r"\{\{([^{}]*)\}\}")
_ADJACENT = re.compile(r"\{\{([^{}]*)\}\}\s*\{\{([^{}]*)\}\}")
_POSITIONAL = re.compile(r"[1-9][0-9]*")
# Named variables: lower-case letters, digits and underscores, not starting with a digit (so
# they can never be read as positional numbers).
_NAMED = re.compile(r"[a-z_][a-z0-9_]*")


def _var(name: str) -> str:
    return "{{" + name + "}}"


def _has_stray_braces(text: str) -> bool:
    rest = _TOKEN.sub("", text)
    return "{{" in rest or "}}" in rest


def _variables(text: str, field: str, subcode: int, named: bool) -> tuple[str, ...]:
    """The variable names of `text` in order of appearance, checked against the format."""
    if _has_stray_braces(text):
        raise _reject(
            subcode, f"{field} has unmatched braces; write variables as {{{{1}}}} or {{{{name}}}}."
        )
    names = tuple(_TOKEN.findall(text))
    _check_variable_kind(names, field, subcode, named)
    if named:
        repeated = [name for name, count in Counter(names).items() if count > 1]
        if repeated:
            raise _reject(
                subcode,
                f"{field} uses {_var(repeated[0])} more than once; each named variable may "
                "appear once.",
            )
    elif sorted(int(name) for name in names) != list(range(1, len(names) + 1)):
        raise _reject(
            subcode,
            f"{field} has variables {', '.join(map(_var, names))}; they "
            f"must be numbered {{{{1}}}} to {_var(str(len(names)))}, each once.",
        )
    return names


def _check_variable_kind(names: tuple[str, ...], field: str, subcode: int, named: bool) -> None:
    kinds = set()
    for name in names:
        if _POSITIONAL.fullmatch(name):
            kinds.add("POSITIONAL")
        elif _NAMED.fullmatch(name):
            kinds.add("NAMED")
        else:
            raise _reject(
                subcode,
                f"{field} has an invalid variable {_var(name)}; use numbers "
                "like {{1}} or lower-case names like {{first_name}}.",
            )
    if len(kinds) > 1:
        raise _reject(subcode, f"{field} mixes numbered and named variables.")
    expected = "NAMED" if named else "POSITIONAL"
    if kinds and kinds != {expected}:
        raise _reject(
            subcode,
            f"{field} uses {kinds.pop().lower()} variables but the "
            f"template's parameter_format is {expected}.",
        )


def _word_count(text: str) -> int:
    return sum(1 for word in _TOKEN.sub(" ", text).split() if any(c.isalnum() for c in word))


def _check_body_layout(text: str, names: tuple[str, ...], field: str) -> None:
    if not names:
        return
    stripped = text.strip()
    if stripped.startswith("{{") or stripped.endswith("}}"):
        raise _reject(
            SUBCODE_VARIABLE_POSITION,
            f"{field} can't start or end with a variable; "
            "put text before the first and after the last.",
        )
    adjacent = _ADJACENT.search(text)
    if adjacent:
        first, second = adjacent.groups()
        raise _reject(
            SUBCODE_VARIABLE_POSITION,
            f"{field} has {_var(first)} and {_var(second)} "
            "next to each other; separate them with text.",
        )
    # Meta rejects text with too many variables for its length (2388293) without publishing the
    # ratio. wamm's rule: there must be at least as many words (whitespace-separated runs
    # containing a letter or digit, variables excluded) as variables.
    words = _word_count(text)
    if len(names) > words:
        raise _reject(
            SUBCODE_TOO_MANY_VARIABLES,
            f"{field} has {len(names)} variables but only {words} words of text; add text or "
            "remove variables.",
        )


@dataclass(frozen=True, slots=True)
class _ExampleKeys:
    positional: str
    named: str
    nested: bool  # positional samples are a list of lists (body) rather than a list (header)


_BODY_EXAMPLES = _ExampleKeys("body_text", "body_text_named_params", nested=True)
_HEADER_EXAMPLES = _ExampleKeys("header_text", "header_text_named_params", nested=False)


def _check_examples(
    component: Mapping[str, Any],
    field: str,
    names: tuple[str, ...],
    rules: _Rules,
    *,
    keys: _ExampleKeys,
    subcode: int,
) -> None:
    """Every variable needs a sample (2388043); a sample for no variable is a format error."""
    if not names:
        return
    key = keys.named if rules.named else keys.positional
    example = component.get("example")
    if example is None or as_object(example, f"{field}.example").get(key) is None:
        raise _reject(
            SUBCODE_MISSING_EXAMPLE,
            f"{field}.example.{key} is required: every variable needs a sample value.",
        )
    samples_field = f"{field}.example.{key}"
    samples = as_list(example[key], samples_field)
    if rules.named:
        _check_named_samples(samples, samples_field, names, subcode)
        return
    if keys.nested:
        samples = as_list(samples[0], f"{samples_field}[0]") if samples else []
        samples_field += "[0]"
    for index, sample in enumerate(samples):
        as_str(sample, f"{samples_field}[{index}]")
    if len(samples) != len(names):
        raise _reject(
            SUBCODE_MISSING_EXAMPLE if len(samples) < len(names) else subcode,
            f"{samples_field} has {len(samples)} sample value(s) but the text has "
            f"{len(names)} variable(s).",
        )


def _check_named_samples(
    samples: list[Any], field: str, names: tuple[str, ...], subcode: int
) -> None:
    given = []
    for index, raw in enumerate(samples):
        entry = as_object(raw, f"{field}[{index}]")
        given.append(
            as_str(
                required(entry, "param_name", f"{field}[{index}]."), f"{field}[{index}].param_name"
            )
        )
        as_str(required(entry, "example", f"{field}[{index}]."), f"{field}[{index}].example")
    missing = [name for name in names if name not in given]
    if missing:
        raise _reject(SUBCODE_MISSING_EXAMPLE, f"{field} has no sample for {_var(missing[0])}.")
    unused = [name for name in given if name not in names]
    if unused:
        raise _reject(
            subcode, f"{field} has a sample for {_var(unused[0])}, which the text doesn't use."
        )


# ---------------------------------------------------------------------------------------------
# Components


def _typed(raw: Any, field: str, checks: Mapping[str, _Check], rules: _Rules) -> dict[str, Any]:
    """A component with its `type` upper-cased and checked by `checks[type]`."""
    component = dict(as_object(raw, field))
    ctype = _enum(required(component, "type", f"{field}."), f"{field}.type", checks)
    component["type"] = ctype
    _check_available(
        ctype,
        _COMPONENT_CATEGORIES.get(ctype, _ALL),
        rules,
        f"{field}.type",
        _FORMAT_SUBCODES.get(ctype),
    )
    checks[ctype](component, field, rules)
    return component


def _check_counts(components: list[dict[str, Any]], field: str, needed: str) -> None:
    counts = Counter(component["type"] for component in components)
    for ctype, count in counts.items():
        if count > 1:
            raise invalid_parameter(
                f"Param {field} may contain only one {ctype} component; found {count}."
            )
    if not counts[needed]:
        raise invalid_parameter(f"Param {field} must contain a {needed} component.")


def _check_header(component: dict[str, Any], field: str, rules: _Rules) -> None:
    fmt = _enum(required(component, "format", f"{field}."), f"{field}.format", _HEADER_FORMATS)
    component["format"] = fmt
    _check_available(fmt, _HEADER_FORMATS[fmt], rules, f"{field}.format", SUBCODE_HEADER_FORMAT)
    if fmt == "TEXT":
        text = _text(component, "text", field, HEADER_TEXT_LIMIT)
        names = _variables(text, f"{field}.text", SUBCODE_HEADER_FORMAT, rules.named)
        if len(names) > 1:
            raise _reject(
                SUBCODE_HEADER_FORMAT,
                f"{field}.text has {len(names)} variables; a header may have at most one.",
            )
        _check_examples(
            component, field, names, rules, keys=_HEADER_EXAMPLES, subcode=SUBCODE_HEADER_FORMAT
        )
    elif fmt in _MEDIA_FORMATS:
        _check_header_handle(component, field, fmt)


def _check_header_handle(component: Mapping[str, Any], field: str, fmt: str) -> None:
    example = component.get("example")
    handles = (
        None if example is None else as_object(example, f"{field}.example").get("header_handle")
    )
    if not handles:
        raise _reject(
            SUBCODE_MISSING_EXAMPLE,
            f"{field}.example.header_handle is required for {fmt} headers: upload a sample "
            "with the Resumable Upload API and give its handle.",
        )
    for index, handle in enumerate(as_list(handles, f"{field}.example.header_handle")):
        as_str(handle, f"{field}.example.header_handle[{index}]")


def _check_body(component: dict[str, Any], field: str, rules: _Rules) -> None:
    if rules.category == "AUTHENTICATION":
        # Meta presets the authentication body; only the security recommendation is optional.
        if component.get("add_security_recommendation") is not None:
            component["add_security_recommendation"] = as_bool(
                component["add_security_recommendation"], f"{field}.add_security_recommendation"
            )
        if component.get("text") is None:
            return
    _check_body_text(component, field, rules, BODY_LIMIT)


def _check_body_text(component: dict[str, Any], field: str, rules: _Rules, limit: int) -> None:
    text = _text(component, "text", field, limit)
    names = _variables(text, f"{field}.text", SUBCODE_BODY_FORMAT, rules.named)
    _check_body_layout(text, names, f"{field}.text")
    _check_examples(
        component, field, names, rules, keys=_BODY_EXAMPLES, subcode=SUBCODE_BODY_FORMAT
    )


def _check_footer(component: dict[str, Any], field: str, rules: _Rules) -> None:
    if rules.category == "AUTHENTICATION":
        if component.get("code_expiration_minutes") is not None:
            minutes = as_int(
                component["code_expiration_minutes"], f"{field}.code_expiration_minutes"
            )
            if not 1 <= minutes <= 90:
                raise invalid_parameter(
                    f"Param {field}.code_expiration_minutes must be between "
                    f"1 and 90; got {minutes}."
                )
            component["code_expiration_minutes"] = minutes
        if component.get("text") is None:
            return
    text = _text(component, "text", field, FOOTER_LIMIT)
    if "{{" in text or "}}" in text:
        raise _reject(SUBCODE_FOOTER_FORMAT, f"{field}.text can't contain variables.")


def _check_buttons(
    component: dict[str, Any], field: str, rules: _Rules, limit: int = MAX_BUTTONS
) -> None:
    raw = as_list(required(component, "buttons", f"{field}."), f"{field}.buttons")
    if not 1 <= len(raw) <= limit:
        raise _reject(None, f"{field}.buttons must hold 1 to {limit} buttons; got {len(raw)}.")
    buttons = [_button(button, f"{field}.buttons[{i}]", rules) for i, button in enumerate(raw)]
    for btype, count in Counter(button["type"] for button in buttons).items():
        if count > _BUTTON_RULES[btype].max_count:
            raise _reject(
                None,
                f"{field}.buttons has {count} {btype} buttons; at most "
                f"{_BUTTON_RULES[btype].max_count} are allowed.",
            )
    quick_replies = [i for i, button in enumerate(buttons) if button["type"] == "QUICK_REPLY"]
    if quick_replies and quick_replies[-1] - quick_replies[0] + 1 != len(quick_replies):
        splitter = next(
            i for i in range(quick_replies[0], quick_replies[-1]) if i not in quick_replies
        )
        raise _reject(
            None,
            f"{field}.buttons: quick reply buttons must be grouped together, but "
            f"{field}.buttons[{splitter}] ({buttons[splitter]['type']}) splits them.",
        )
    component["buttons"] = buttons


def _button(raw: Any, field: str, rules: _Rules) -> dict[str, Any]:
    button = dict(as_object(raw, field))
    btype = _enum(required(button, "type", f"{field}."), f"{field}.type", _BUTTON_RULES)
    button["type"] = btype
    rule = _BUTTON_RULES[btype]
    _check_available(btype, rule.categories, rules, f"{field}.type", None)
    if rule.text_required or button.get("text") is not None:
        _text(button, "text", field, BUTTON_TEXT_LIMIT)
    if rule.check:
        rule.check(button, field)
    return button


def _check_url_button(button: dict[str, Any], field: str) -> None:
    url = _text(button, "url", field, URL_LIMIT)
    if not url.startswith(("https://", "http://")):
        raise _reject(None, f"{field}.url must start with https:// or http://.")
    if _has_stray_braces(url):
        raise _reject(None, f"{field}.url has unmatched braces.")
    names = _TOKEN.findall(url)
    if names and (names != ["1"] or not url.endswith("}}")):
        raise _reject(None, f"{field}.url may have one variable, {{{{1}}}}, and only at its end.")
    if names:
        _button_example(button, field)
    if button.get("app_deep_link") is not None:
        button["app_deep_link"] = dict(as_object(button["app_deep_link"], f"{field}.app_deep_link"))


def _button_example(button: Mapping[str, Any], field: str) -> str:
    """A button's sample: `example` as a string or a list whose first item is used."""
    value = button.get("example")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        raise _reject(
            SUBCODE_MISSING_EXAMPLE,
            f"{field}.example is required: give a sample value for the button's variable.",
        )
    return as_str(value, f"{field}.example")


def _check_phone_button(button: dict[str, Any], field: str) -> None:
    _text(button, "phone_number", field, PHONE_LIMIT)


def _check_copy_code_button(button: dict[str, Any], field: str) -> None:
    _check_length(_button_example(button, field), f"{field}.example", COPY_CODE_EXAMPLE_LIMIT)


def _check_otp_button(button: dict[str, Any], field: str) -> None:
    otp_type = _enum(
        required(button, "otp_type", f"{field}."),
        f"{field}.otp_type",
        ("COPY_CODE", "ONE_TAP", "ZERO_TAP"),
    )
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


def _check_limited_time_offer(component: dict[str, Any], field: str, _rules: _Rules) -> None:
    offer_field = f"{field}.limited_time_offer"
    offer = dict(as_object(required(component, "limited_time_offer", f"{field}."), offer_field))
    _text(offer, "text", offer_field, OFFER_TEXT_LIMIT)
    if offer.get("has_expiration") is not None:
        offer["has_expiration"] = as_bool(offer["has_expiration"], f"{offer_field}.has_expiration")
    component["limited_time_offer"] = offer


def _check_carousel(component: dict[str, Any], field: str, rules: _Rules) -> None:
    raw = as_list(required(component, "cards", f"{field}."), f"{field}.cards")
    if not 1 <= len(raw) <= MAX_CARDS:
        raise _reject(None, f"{field}.cards must hold 1 to {MAX_CARDS} cards; got {len(raw)}.")
    cards = [_card(card, f"{field}.cards[{i}]", rules) for i, card in enumerate(raw)]
    layouts = [_card_layout(card) for card in cards]
    for index, layout in enumerate(layouts):
        if layout != layouts[0]:
            raise _reject(
                None,
                f"{field}.cards[{index}] has different components from "
                f"{field}.cards[0]; all cards must match.",
            )
    component["cards"] = cards


def _card(raw: Any, field: str, rules: _Rules) -> dict[str, Any]:
    card = dict(as_object(raw, field))
    raw_components = as_list(required(card, "components", f"{field}."), f"{field}.components")
    components = [
        _typed(component, f"{field}.components[{i}]", _CARD_CHECKS, rules)
        for i, component in enumerate(raw_components)
    ]
    _check_counts(components, f"{field}.components", "HEADER")
    card["components"] = components
    return card


def _card_layout(card: Mapping[str, Any]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            component["type"],
            component.get("format", ""),
            *(button["type"] for button in component.get("buttons", [])),
        )
        for component in card["components"]
    )


def _check_card_header(component: dict[str, Any], field: str, rules: _Rules) -> None:
    _check_header(component, field, rules)
    if component["format"] not in ("IMAGE", "VIDEO"):
        raise _reject(
            SUBCODE_HEADER_FORMAT, f"{field}.format must be IMAGE or VIDEO in a carousel card."
        )


def _check_card_body(component: dict[str, Any], field: str, rules: _Rules) -> None:
    _check_body_text(component, field, rules, CARD_BODY_LIMIT)


def _check_card_buttons(component: dict[str, Any], field: str, rules: _Rules) -> None:
    _check_buttons(component, field, rules, MAX_CARD_BUTTONS)
    for index, button in enumerate(component["buttons"]):
        if button["type"] not in ("QUICK_REPLY", "URL", "PHONE_NUMBER"):
            raise _reject(
                None,
                f"{field}.buttons[{index}].type {button['type']} isn't available "
                "in a carousel card (QUICK_REPLY, URL or PHONE_NUMBER only).",
            )


@dataclass(frozen=True, slots=True)
class _ButtonRule:
    max_count: int
    sub_type: str  # the send-time `sub_type` addressing the button
    parameter: str | None = None  # the send-time parameter type it takes
    parameter_required: bool = False
    categories: frozenset[str] = _MARKETING_UTILITY
    text_required: bool = True
    check: Callable[[dict[str, Any], str], None] | None = None


# Button types (facts §4.2, §4.4). Authentication sends address OTP buttons as sub_type "url".
_BUTTON_RULES: dict[str, _ButtonRule] = {
    "QUICK_REPLY": _ButtonRule(10, "quick_reply", "payload"),
    "URL": _ButtonRule(2, "url", "text", parameter_required=True, check=_check_url_button),
    "PHONE_NUMBER": _ButtonRule(1, "phone_number", check=_check_phone_button),
    "COPY_CODE": _ButtonRule(
        1,
        "copy_code",
        "coupon_code",
        parameter_required=True,
        text_required=False,
        check=_check_copy_code_button,
    ),
    "OTP": _ButtonRule(
        1,
        "url",
        "text",
        parameter_required=True,
        categories=_AUTHENTICATION,
        text_required=False,
        check=_check_otp_button,
    ),
    "FLOW": _ButtonRule(1, "flow", "action", check=_check_flow_button),
    "CATALOG": _ButtonRule(1, "catalog", "action", text_required=False),
    "MPM": _ButtonRule(1, "mpm", "action", parameter_required=True),
    "SPM": _ButtonRule(1, "spm", "action", text_required=False),
    "VOICE_CALL": _ButtonRule(1, "voice_call"),
    "REQUEST_CONTACT_INFO": _ButtonRule(1, "request_contact_info", text_required=False),
}

# Header formats and the categories allowed to use them.
_HEADER_FORMATS: dict[str, frozenset[str]] = {
    "TEXT": _ALL,
    "IMAGE": _ALL,
    "VIDEO": _ALL,
    "DOCUMENT": _ALL,
    "GIF": _MARKETING,
    "LOCATION": _MARKETING_UTILITY,
}
_MEDIA_FORMATS = frozenset({"IMAGE", "VIDEO", "DOCUMENT", "GIF"})

_COMPONENT_CHECKS: dict[str, _Check] = {
    "HEADER": _check_header,
    "BODY": _check_body,
    "FOOTER": _check_footer,
    "BUTTONS": _check_buttons,
    "LIMITED_TIME_OFFER": _check_limited_time_offer,
    "CAROUSEL": _check_carousel,
}
_CARD_CHECKS: dict[str, _Check] = {
    "HEADER": _check_card_header,
    "BODY": _check_card_body,
    "BUTTONS": _check_card_buttons,
}
# Authentication templates are body + footer + OTP buttons only (no header).
_COMPONENT_CATEGORIES: dict[str, frozenset[str]] = {
    "HEADER": _MARKETING_UTILITY,
    "LIMITED_TIME_OFFER": _MARKETING,
    "CAROUSEL": _MARKETING,
}
_FORMAT_SUBCODES: dict[str, int] = {
    "HEADER": SUBCODE_HEADER_FORMAT,
    "BODY": SUBCODE_BODY_FORMAT,
    "FOOTER": SUBCODE_FOOTER_FORMAT,
}


def _parse_components(value: Any, rules: _Rules) -> list[dict[str, Any]]:
    raw = as_list(_decoded(value), "components")
    if not raw:
        raise invalid_parameter("Param components must contain at least one component.")
    components = [
        _typed(component, f"components[{i}]", _COMPONENT_CHECKS, rules)
        for i, component in enumerate(raw)
    ]
    _check_counts(components, "components", "BODY")
    types = {component["type"] for component in components}
    if {"LIMITED_TIME_OFFER", "FOOTER"} <= types:
        raise _reject(
            SUBCODE_FOOTER_FORMAT,
            "components: a template with a LIMITED_TIME_OFFER component can't have a FOOTER.",
        )
    return components


# ---------------------------------------------------------------------------------------------
# Create

_NAME = re.compile(r"[a-z0-9_]+")


def _parse_name(value: Any) -> str:
    name = as_str(value, "name")
    if len(name) > NAME_LIMIT:
        raise invalid_parameter(
            f"Param name is {len(name)} characters long; the limit is {NAME_LIMIT}."
        )
    if not _NAME.fullmatch(name):
        raise invalid_parameter(
            f"Param name '{name}' may contain only lower-case letters, digits and underscores."
        )
    return name


def _parse_language(value: Any) -> str:
    language = as_str(value, "language")
    if language not in LANGUAGES:
        raise invalid_parameter(
            f"Param language '{language}' is not a supported template "
            "language code (for example en_US or pt_BR)."
        )
    return language


def _parse_ttl(value: Any, category: str) -> int | None:
    if value is None:
        return None
    ttl = as_int(value, "message_send_ttl_seconds")
    if ttl == -1 and category in TTL_DEFAULT_CATEGORIES:
        return ttl
    low, high = TTL_RANGES[category]
    if not low <= ttl <= high:
        also = " (or -1)" if category in TTL_DEFAULT_CATEGORIES else ""
        raise invalid_parameter(
            f"Param message_send_ttl_seconds must be between {low} and "
            f"{high}{also} for {category} templates; got {ttl}."
        )
    return ttl


def _parse_bid_spec(body: Mapping[str, Any], category: str) -> dict[str, Any] | None:
    """`optimization_spec` (Jun 2026 name) or the older `bid_spec` (facts §2.14)."""
    given = [key for key in ("optimization_spec", "bid_spec") if body.get(key) is not None]
    if not given:
        return None
    if len(given) > 1:
        raise invalid_parameter("Give either optimization_spec or bid_spec, not both.")
    key = given[0]
    if category != "MARKETING":
        raise invalid_parameter(f"Param {key} is only available for MARKETING templates.")
    spec = as_object(_decoded(body[key]), key)
    amount = as_int(required(spec, "bid_amount", f"{key}."), f"{key}.bid_amount")
    if amount <= 0:
        raise invalid_parameter(f"Param {key}.bid_amount must be a positive integer; got {amount}.")
    strategy = as_str(required(spec, "bid_strategy", f"{key}."), f"{key}.bid_strategy")
    if strategy.upper() != BID_STRATEGY:
        raise invalid_parameter(
            f"Param {key}.bid_strategy must be {BID_STRATEGY}; got '{strategy}'."
        )
    return {"bid_amount": amount, "bid_strategy": BID_STRATEGY}


def _optional_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return None if value is None else as_str(value, key)


def _optional_bool(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key)
    return False if value is None else as_bool(value, key)


def parse_create(body: Mapping[str, Any]) -> TemplateSpec:
    """Validate and normalise a POST /{waba_id}/message_templates body."""
    name = _parse_name(required(body, "name"))
    language = _parse_language(required(body, "language"))
    category = _enum(required(body, "category"), "category", CATEGORIES)
    parameter_format = _enum(
        body.get("parameter_format") or "POSITIONAL", "parameter_format", PARAMETER_FORMATS
    )
    rules = _Rules(category, parameter_format == "NAMED")
    sub_category = _optional_str(body, "sub_category")
    features = body.get("degrees_of_freedom_spec")
    return TemplateSpec(
        name=name,
        language=language,
        category=category,
        components=_parse_components(required(body, "components"), rules),
        parameter_format=parameter_format,
        sub_category=sub_category.upper() if sub_category else None,
        message_send_ttl_seconds=_parse_ttl(body.get("message_send_ttl_seconds"), category),
        creative_features=(
            {} if features is None else parse_creative_features(features, "degrees_of_freedom_spec")
        ),
        bid_spec=_parse_bid_spec(body, category),
        cta_url_link_tracking_opted_out=_optional_bool(body, "cta_url_link_tracking_opted_out"),
        library_template_name=_optional_str(body, "library_template_name"),
    )


# ---------------------------------------------------------------------------------------------
# Creative features


def parse_creative_features(value: Any, name: str) -> dict[str, str]:
    """`{"creative_features_spec": {feature: {"enroll_status": ...}}}` -> {feature: status}.

    Feature keys are matched case-insensitively (reads return them upper-case) and stored
    lower-case. Used for templates and for the WABA-level POST.
    """
    spec = as_object(_decoded(value), name)
    features_field = f"{name}.creative_features_spec"
    features = as_object(required(spec, "creative_features_spec", f"{name}."), features_field)
    parsed = {}
    for key, setting in features.items():
        feature = as_str(key, features_field).lower()
        if feature not in DOF_FEATURES:
            raise invalid_parameter(
                f"Param {features_field} has an unknown feature '{key}'; "
                f"known features: {', '.join(DOF_FEATURES)}."
            )
        setting_field = f"{features_field}.{key}"
        status = required(as_object(setting, setting_field), "enroll_status", f"{setting_field}.")
        parsed[feature] = _enum(status, f"{setting_field}.enroll_status", ENROLL_STATUSES)
    return parsed


def creative_features_read(features: Mapping[str, str]) -> dict[str, Any]:
    """The template GET shape; features never set read as OPT_IN (Meta's template default)."""
    return {
        "creative_features_spec": [
            {"key": feature.upper(), "value": {"enroll_status": features.get(feature, "OPT_IN")}}
            for feature in DOF_FEATURES
        ]
    }


# ---------------------------------------------------------------------------------------------
# Edit

_EDIT_FIELDS = (
    "category",
    "components",
    "parameter_format",
    "message_send_ttl_seconds",
    "degrees_of_freedom_spec",
    "bid_spec",
    "optimization_spec",
    "cta_url_link_tracking_opted_out",
)


def _check_editable(template: Template, now: float) -> None:
    if template.status not in EDITABLE_STATUSES:
        raise _reject(
            SUBCODE_NOT_EDITABLE,
            f"Template {template.name} ({template.language}) is {template.status}; only "
            "APPROVED, REJECTED or PAUSED templates can be edited.",
        )
    if template.status != "APPROVED":
        return
    for window, limit, label in EDIT_WINDOWS:
        recent = sorted(time for time in template.edit_times if now - time < window)
        if len(recent) >= limit:
            # The edit becomes possible when enough of the recent edits leave the window.
            hours = math.ceil((recent[len(recent) - limit] + window - now) / 3600)
            raise _reject(
                None,
                f"Template {template.name} ({template.language}) was edited {len(recent)} "
                f"time(s) in the last {label}; an approved template allows {limit}. Try again "
                f"in {hours} hour(s).",
                title="Template edit limit reached",
            )


def parse_edit(template: Template, body: Mapping[str, Any], now: float) -> dict[str, Any]:
    """Validate a POST /{template_id} edit; return the new values keyed by Template attribute.

    A category or parameter_format change re-validates the components (given or current)
    against it; a category change re-validates the TTL the same way.
    """
    given = {key: body[key] for key in _EDIT_FIELDS if body.get(key) is not None}
    if not given:
        raise invalid_parameter(f"Nothing to edit: give at least one of {', '.join(_EDIT_FIELDS)}.")
    _check_editable(template, now)
    category = _edited_category(template, given)
    changes = _edited_content(template, given, category)
    if given.keys() & {"category", "message_send_ttl_seconds"}:
        changes["message_send_ttl_seconds"] = _parse_ttl(
            given.get("message_send_ttl_seconds", template.message_send_ttl_seconds), category
        )
    if "degrees_of_freedom_spec" in given:
        changes["creative_features"] = template.creative_features | parse_creative_features(
            given["degrees_of_freedom_spec"], "degrees_of_freedom_spec"
        )
    if given.keys() & {"bid_spec", "optimization_spec"}:
        if template.bid_spec is None:
            raise invalid_parameter(
                "bid_spec can only be edited on a template created with one; it can't be added "
                "later."
            )
        changes["bid_spec"] = _parse_bid_spec(given, category)
    if "cta_url_link_tracking_opted_out" in given:
        changes["cta_url_link_tracking_opted_out"] = as_bool(
            given["cta_url_link_tracking_opted_out"], "cta_url_link_tracking_opted_out"
        )
    return changes


def _edited_category(template: Template, given: Mapping[str, Any]) -> str:
    category = _enum(given.get("category", template.category), "category", CATEGORIES)
    if template.status == "APPROVED" and category != template.category:
        raise _reject(
            None,
            f"category of an APPROVED template can't change (it is {template.category}; the "
            f"edit asks for {category}).",
        )
    return category


def _edited_content(template: Template, given: Mapping[str, Any], category: str) -> dict[str, Any]:
    """New category, parameter_format and components, when the edit touches any of them."""
    if not given.keys() & {"category", "parameter_format", "components"}:
        return {}
    parameter_format = _enum(
        given.get("parameter_format", template.parameter_format),
        "parameter_format",
        PARAMETER_FORMATS,
    )
    rules = _Rules(category, parameter_format == "NAMED")
    return {
        "category": category,
        "parameter_format": parameter_format,
        "components": _parse_components(given.get("components", template.components), rules),
    }


# ---------------------------------------------------------------------------------------------
# Shape


def template_shape(template: Template) -> TemplateShape:
    """What a send of `template` must supply. Pure; callers may memoise it per template id."""
    shape = _shape(template.components, template.parameter_format.upper() == "NAMED")
    if template.category == "AUTHENTICATION":
        # The preset authentication body has one variable: the code.
        shape = msgspec.structs.replace(shape, body_params=("1",))
    return shape


def _shape(components: list[dict[str, Any]], named: bool) -> TemplateShape:
    by_type = {str(component.get("type", "")).upper(): component for component in components}
    header = by_type.get("HEADER", {})
    header_format = str(header["format"]).upper() if header.get("format") else None
    offer = by_type.get("LIMITED_TIME_OFFER")
    return TemplateShape(
        named=named,
        header_format=header_format,
        header_params=tuple(_TOKEN.findall(header.get("text", ""))),
        body_params=tuple(_TOKEN.findall(by_type.get("BODY", {}).get("text", ""))),
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
    rule = _BUTTON_RULES.get(btype, _ButtonRule(1, btype.lower()))
    parameter = rule.parameter
    if btype == "URL" and not _TOKEN.search(str(button.get("url", ""))):
        parameter = None  # a static URL takes nothing
    return ButtonSlot(
        index=index,
        type=btype,
        sub_type=rule.sub_type,
        parameter=parameter,
        required=parameter is not None and rule.parameter_required,
    )


# ---------------------------------------------------------------------------------------------
# Send-time parameter values (each checker gets the value under the key named like the type)

_CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")
_COUPON_CODE = re.compile(r"[A-Za-z0-9]{1,20}")


def _invalid_value(field: str, problem: str) -> GraphError:
    return GraphError(131009, f"{field} {problem}")


def _send_object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid_value(field, "must be an object.")
    return value


def _check_non_empty(value: Any, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _invalid_value(field, "must be a non-empty string.")


def _integer(value: Any) -> int | None:
    """`value` as an int when it is one or a numeric string, else None."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_number(value: Any) -> bool:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_currency(value: Any, field: str) -> None:
    currency = _send_object(value, field)
    _check_non_empty(currency.get("fallback_value"), f"{field}.fallback_value")
    code = currency.get("code")
    if not isinstance(code, str) or not _CURRENCY_CODE.fullmatch(code):
        raise _invalid_value(f"{field}.code", "must be an ISO 4217 currency code such as USD.")
    if _integer(currency.get("amount_1000")) is None:
        raise _invalid_value(f"{field}.amount_1000", "must be an integer (the amount times 1000).")


def _check_date_time(value: Any, field: str) -> None:
    _check_non_empty(_send_object(value, field).get("fallback_value"), f"{field}.fallback_value")


def _check_media(value: Any, field: str) -> None:
    media = _send_object(value, field)
    if not any(isinstance(media.get(key), str) and media[key] for key in ("id", "link")):
        raise _invalid_value(field, "needs an id (uploaded media) or a link.")


def _check_location(value: Any, field: str) -> None:
    location = _send_object(value, field)
    for key in ("latitude", "longitude"):
        if not _is_number(location.get(key)):
            raise _invalid_value(f"{field}.{key}", "must be a number.")


def _check_coupon_code(value: Any, field: str) -> None:
    if not isinstance(value, str) or not _COUPON_CODE.fullmatch(value):
        raise _invalid_value(field, "must be 1 to 20 letters or digits.")


def _check_action(value: Any, field: str) -> None:
    _send_object(value, field)


def _check_offer_value(value: Any, field: str) -> None:
    expiration = _integer(_send_object(value, field).get("expiration_time_ms"))
    if expiration is None or expiration <= 0:
        raise _invalid_value(
            f"{field}.expiration_time_ms", "must be a positive integer (unix time in milliseconds)."
        )


_VALUE_CHECKS: dict[str, Callable[[Any, str], None]] = {
    "text": _check_non_empty,
    "currency": _check_currency,
    "date_time": _check_date_time,
    "image": _check_media,
    "video": _check_media,
    "document": _check_media,
    "gif": _check_media,
    "location": _check_location,
    "payload": _check_non_empty,
    "coupon_code": _check_coupon_code,
    "action": _check_action,
    "limited_time_offer": _check_offer_value,
}
_TEXT_TYPES = ("text", "currency", "date_time")
_SEND_COMPONENT_TYPES = ("header", "body", "button", "limited_time_offer", "carousel")


def _check_param(
    param: Mapping[str, Any], field: str, allowed: Collection[str], wanted: str
) -> None:
    ptype = param.get("type")
    if not isinstance(ptype, str):
        raise _invalid_value(f"{field}.type", "is required and must be a string.")
    ptype = ptype.lower()
    if ptype not in allowed:
        raise GraphError(132012, f"{field}.type is '{ptype}' but {wanted}.")
    _VALUE_CHECKS[ptype](param.get(ptype), f"{field}.{ptype}")


# ---------------------------------------------------------------------------------------------
# Send-time components


class _Part(NamedTuple):
    """One component of the send, with its path in the request."""

    component: Mapping[str, Any]
    field: str


def _parameters(part: _Part | None) -> list[Mapping[str, Any]]:
    if part is None or part.component.get("parameters") is None:
        return []
    params = as_list(part.component["parameters"], f"{part.field}.parameters")
    return [as_object(param, f"{part.field}.parameters[{i}]") for i, param in enumerate(params)]


def _count_error(label: str, expected: int, got: int, part: _Part | None) -> GraphError:
    where = f" in {part.field}.parameters" if part else ""
    return GraphError(
        132000, f"{label}: the template has {expected} parameter(s) but {got} were sent{where}."
    )


def _index(value: Any, field: str, count: int, what: str) -> int:
    if value is None:
        raise GraphError(131008, f"{field} is required.")
    index = _integer(value)
    if index is None:
        raise _invalid_value(field, f"must be a whole number; got {value!r}.")
    if not 0 <= index < count:
        raise _invalid_value(
            field, f"is {index} but there is no {what} {index}: the template has {count}."
        )
    return index


def _collect(
    components: Any, field: str, button_count: int
) -> tuple[dict[str, _Part], dict[int, _Part]]:
    """The sent components: one per type, and button components by index."""
    singles: dict[str, _Part] = {}
    buttons: dict[int, _Part] = {}
    raw = [] if components is None else as_list(components, field)
    for i, component in enumerate(raw):
        part = _Part(as_object(component, f"{field}[{i}]"), f"{field}[{i}]")
        ctype = _enum(
            required(part.component, "type", f"{part.field}."),
            f"{part.field}.type",
            [ctype.upper() for ctype in _SEND_COMPONENT_TYPES],
        ).lower()
        if ctype == "button":
            index = _index(
                part.component.get("index"), f"{part.field}.index", button_count, "button"
            )
            if index in buttons:
                raise _invalid_value(
                    f"{part.field}.index",
                    f"repeats button {index}, already given in {buttons[index].field}.",
                )
            buttons[index] = part
        elif ctype in singles:
            raise invalid_parameter(
                f"Param {field} may contain only one {ctype} component; "
                f"{singles[ctype].field} and {part.field} are both {ctype}."
            )
        else:
            singles[ctype] = part
    return singles, buttons


def check_send_components(template: Template | TemplateShape, components: Any) -> None:
    """Check a send's `template.components` against the template (facts §4.4, §4.5).

    Accepts a precomputed `TemplateShape` so hot paths can memoise `template_shape`.
    """
    shape = template if isinstance(template, TemplateShape) else template_shape(template)
    _check_against(shape, components, "template.components")


def _check_against(shape: TemplateShape, components: Any, field: str) -> None:
    singles, buttons = _collect(components, field, len(shape.buttons))
    _check_header_params(shape, singles.get("header"), field)
    _check_text_params("body", shape.body_params, singles.get("body"), shape.named)
    _check_button_params(shape, buttons, field)
    _check_offer_params(shape, singles.get("limited_time_offer"))
    _check_cards(shape, singles.get("carousel"), field)


def _check_header_params(shape: TemplateShape, part: _Part | None, field: str) -> None:
    fmt = shape.header_format
    if fmt is None or fmt == "TEXT":
        _check_text_params("header", shape.header_params, part, shape.named)
        return
    params = _parameters(part)
    wanted = fmt.lower()
    if part is None or not params:
        where = f"{part.field}.parameters" if part else field
        raise GraphError(
            131008,
            f"header: the template's header is {fmt}, so {where} needs one {wanted} parameter.",
        )
    if len(params) > 1:
        raise _count_error("header", 1, len(params), part)
    _check_param(
        params[0],
        f"{part.field}.parameters[0]",
        (wanted,),
        f"the template's header is {fmt}, which takes a {wanted} parameter",
    )


def _check_text_params(
    label: str, expected: tuple[str, ...], part: _Part | None, named: bool
) -> None:
    params = _parameters(part)
    if len(params) != len(expected):
        raise _count_error(label, len(expected), len(params), part)
    if part is None:
        return
    for i, param in enumerate(params):
        _check_param(
            param,
            f"{part.field}.parameters[{i}]",
            _TEXT_TYPES,
            f"a {label} variable takes text, currency or date_time",
        )
    if named:
        _check_param_names(expected, params, part.field)


def _check_param_names(
    expected: tuple[str, ...], params: list[Mapping[str, Any]], field: str
) -> None:
    names = []
    for i, param in enumerate(params):
        name = param.get("parameter_name")
        if not isinstance(name, str):
            raise GraphError(
                132012,
                f"{field}.parameters[{i}].parameter_name is required: the "
                "template uses named parameters.",
            )
        names.append(name)
    if sorted(names) != sorted(expected):
        raise GraphError(
            132012,
            f"{field}.parameters are named {', '.join(names)} but the "
            f"template's variables are {', '.join(expected)}.",
        )


def _check_button_params(shape: TemplateShape, buttons: dict[int, _Part], field: str) -> None:
    for index, part in buttons.items():
        slot = shape.buttons[index]
        sub_type = part.component.get("sub_type")
        if sub_type is None:
            raise GraphError(131008, f"{part.field}.sub_type is required.")
        if not isinstance(sub_type, str) or sub_type.lower() != slot.sub_type:
            raise _invalid_value(
                f"{part.field}.sub_type",
                f"is {sub_type!r} but button {index} is a {slot.type} button (sub_type "
                f"{slot.sub_type}).",
            )
        _check_button_param(slot, part)
    for slot in shape.buttons:
        if slot.required and slot.index not in buttons:
            raise GraphError(
                131008,
                f"{field}: button {slot.index} ({slot.type}) needs a {slot.parameter} "
                f"parameter; send a button component with sub_type {slot.sub_type} and index "
                f"{slot.index}.",
            )


def _check_button_param(slot: ButtonSlot, part: _Part) -> None:
    label = f"button {slot.index} ({slot.type})"
    params = _parameters(part)
    if slot.parameter is None:
        if params:
            raise _count_error(label, 0, len(params), part)
        return
    if len(params) > 1:
        raise _count_error(label, 1, len(params), part)
    if not params:
        if slot.required:
            raise GraphError(
                131008, f"{part.field}.parameters needs a {slot.parameter} parameter for {label}."
            )
        return
    _check_param(
        params[0],
        f"{part.field}.parameters[0]",
        (slot.parameter,),
        f"{label} takes a {slot.parameter} parameter",
    )


def _check_offer_params(shape: TemplateShape, part: _Part | None) -> None:
    if part is None:
        if shape.offer_expires:
            raise GraphError(
                131008,
                "limited_time_offer: the template's offer expires, so send "
                "a limited_time_offer component with expiration_time_ms.",
            )
        return
    params = _parameters(part)
    expected = 1 if shape.has_offer else 0
    if len(params) != expected:
        raise _count_error("limited_time_offer", expected, len(params), part)
    if params:
        _check_param(
            params[0],
            f"{part.field}.parameters[0]",
            ("limited_time_offer",),
            "the offer takes a limited_time_offer parameter",
        )


def _check_cards(shape: TemplateShape, part: _Part | None, field: str) -> None:
    if part is None:
        if shape.cards:
            raise GraphError(
                131008,
                f"{field}: the template is a carousel of {len(shape.cards)} "
                "cards; send a carousel component with every card.",
            )
        return
    if not shape.cards:
        raise GraphError(132000, f"{part.field}: the template has no carousel.")
    if part.component.get("cards") is None:
        raise GraphError(131008, f"{part.field}.cards is required.")
    cards = as_list(part.component["cards"], f"{part.field}.cards")
    seen: set[int] = set()
    for i, raw in enumerate(cards):
        card_field = f"{part.field}.cards[{i}]"
        card = as_object(raw, card_field)
        index = _index(card.get("card_index"), f"{card_field}.card_index", len(shape.cards), "card")
        if index in seen:
            raise _invalid_value(f"{card_field}.card_index", f"repeats card {index}.")
        seen.add(index)
        _check_against(shape.cards[index], card.get("components"), f"{card_field}.components")
    missing = [index for index in range(len(shape.cards)) if index not in seen]
    if missing:
        raise GraphError(
            131008,
            f"{part.field}.cards has no card with card_index {missing[0]}; "
            "every card needs its header media.",
        )


# ---------------------------------------------------------------------------------------------
# Errors the service layer raises


def duplicate_error(name: str, language: str) -> GraphError:
    return template_rejected(
        SUBCODE_DUPLICATE,
        "Content in This Language Already Exists",
        f"The template {name} already has {language} content. Edit that template or create "
        "one with another name.",
    )


def limit_error(limit: int) -> GraphError:
    return template_rejected(
        SUBCODE_LIMIT,
        "Message Template Limit Exceeded",
        f"This WhatsApp Business Account already has {limit} message templates, its maximum. "
        "Delete templates you no longer use before creating new ones.",
    )


def name_being_deleted_error(language: str) -> GraphError:
    return template_rejected(
        SUBCODE_BEING_DELETED,
        "Message Template Language Is Being Deleted",
        f"{language} content under this name was deleted recently and the name can't be reused "
        "for it for 30 days. Use another name or try again later.",
    )
