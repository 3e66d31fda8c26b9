"""Send-time checks of a `template.components` request against the template (facts §4.4, §4.5).

132000 parameter count, 131008 parameter missing, 132012 parameter of the wrong type or name,
131009 parameter value invalid, 100 for a malformed `components` structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from wamm.core.coerce import as_list, as_object
from wamm.core.content_cursor import check_keys, meta_path
from wamm.core.errors import GraphError, invalid_parameter, param_not_in
from wamm.core.model import Template
from wamm.core.templates.errors import invalid_value
from wamm.core.templates.limits import AUTH_CODE_LIMIT, HEADER_PARAM_LIMIT, URL_LIMIT
from wamm.core.templates.readers import member_enum
from wamm.core.templates.shape import ButtonSlot, TemplateShape, template_shape
from wamm.core.templates.values import (
    PARAMETER_KEYS,
    TEXT_TYPES,
    check_param,
    check_text_length,
    integer,
    is_plain_text,
)

_SEND_COMPONENT_TYPES = ("HEADER", "BODY", "BUTTON", "LIMITED_TIME_OFFER", "CAROUSEL")
# The `sub_type` values Graph takes on a sent button component (case aside), as its enum error
# lists them (frappe_whatsapp#188, v24.0): a phone number button takes no component at all.
SEND_SUB_TYPES = (
    "BOOKING_CONFIRMATION",
    "CATALOG",
    "COPY_CODE",
    "FLOW",
    "MPM",
    "ORDER_DETAILS",
    "QUICK_REPLY",
    "REMINDER",
    "URL",
    "VOICE_CALL",
)
_COMPONENT_KEYS = frozenset({"type", "sub_type", "index", "parameters", "cards"})
_CARD_KEYS = frozenset({"card_index", "components"})
# The characters of a button's text parameter: a URL suffix, or an authentication code.
_BUTTON_TEXT_LIMITS = {"URL": URL_LIMIT, "OTP": AUTH_CODE_LIMIT}


class _Part(NamedTuple):
    """One component of the send, with its path in the request."""

    component: Mapping[str, Any]
    field: str


def check_send_components(template: Template | TemplateShape, components: Any) -> None:
    """Check a send's `template.components` against the template (facts §4.4, §4.5).

    Accepts a precomputed `TemplateShape` so hot paths can memoise `template_shape`.
    """
    shape = template if isinstance(template, TemplateShape) else template_shape(template)
    _check_against(shape, components, "template.components")


def _check_against(shape: TemplateShape, components: Any, field: str) -> None:
    singles, buttons = _collect(components, field, len(shape.buttons))
    _check_header_params(shape, singles.get("header"), field)
    _check_text_params(
        "body", shape.body_params, singles.get("body"), shape.named, shape.body_text_limit
    )
    _check_button_params(shape, buttons, field)
    _check_offer_params(shape, singles.get("limited_time_offer"))
    _check_cards(shape, singles.get("carousel"), field)


# ---------------------------------------------------------------------------------------------
# Reading the request


def _parameters(part: _Part | None) -> list[Mapping[str, Any]]:
    if part is None or part.component.get("parameters") is None:
        return []
    params = as_list(part.component["parameters"], f"{part.field}.parameters")
    # The usual case: every parameter an object of known keys, so no paths to build.
    if all(type(param) is dict for param in params) and all(map(PARAMETER_KEYS.issuperset, params)):
        return params
    for i, param in enumerate(params):
        check_keys(
            as_object(param, f"{part.field}.parameters[{i}]"),
            PARAMETER_KEYS,
            f"{part.field}.parameters[{i}]",
        )
    return params


def _index(value: Any, field: str, count: int, what: str) -> int:
    """A button's `index` or a card's `card_index`: one of the template's `count`."""
    if value is None:
        raise GraphError(131008, f"{field} is required.")
    index = integer(value)
    if index is None:
        raise invalid_value(field, f"must be a whole number; got {value!r}.")
    if not 0 <= index < count:
        raise invalid_value(
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
        where = f"{field}[{i}]"
        part = _Part(as_object(component, where), where)
        check_keys(part.component, _COMPONENT_KEYS, where)
        ctype = member_enum(part.component, "type", part.field, _SEND_COMPONENT_TYPES).lower()
        if ctype == "button":
            _add_button(buttons, part, button_count)
        elif ctype in singles:
            raise invalid_parameter(
                f"Param {field} may contain only one {ctype} component; "
                f"{singles[ctype].field} and {part.field} are both {ctype}."
            )
        else:
            singles[ctype] = part
    return singles, buttons


def _add_button(buttons: dict[int, _Part], part: _Part, button_count: int) -> None:
    sub_type = part.component.get("sub_type")
    if isinstance(sub_type, str) and sub_type.upper() not in SEND_SUB_TYPES:
        raise param_not_in(meta_path(f"{part.field}.sub_type"), SEND_SUB_TYPES, sub_type)
    index = _index(part.component.get("index"), f"{part.field}.index", button_count, "button")
    if index in buttons:
        raise invalid_value(
            f"{part.field}.index",
            f"repeats button {index}, already given in {buttons[index].field}.",
        )
    buttons[index] = part


def _count_error(label: str, expected: int, got: int) -> GraphError:
    """Meta's 132000 details text, e.g. "body: number of localizable_params (2) does not match
    the expected number of params (1)" (quoted in real answers, docs/errors.md)."""
    return GraphError(
        132000,
        f"{label}: number of localizable_params ({got}) does not match the expected number "
        f"of params ({expected})",
    )


def _check_first(part: _Part, params: list[Mapping[str, Any]], ptype: str, wanted: str) -> None:
    """The first (only) parameter of `part` is of type `ptype`."""
    check_param(params[0], f"{part.field}.parameters[0]", (ptype,), wanted)


# ---------------------------------------------------------------------------------------------
# Header, body and named parameters


def _check_header_params(shape: TemplateShape, part: _Part | None, field: str) -> None:
    fmt = shape.header_format
    if fmt is None or fmt == "TEXT":
        _check_text_params("header", shape.header_params, part, shape.named, HEADER_PARAM_LIMIT)
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
        raise _count_error("header", 1, len(params))
    _check_first(
        part, params, wanted, f"the template's header is {fmt}, which takes a {wanted} parameter"
    )


def _check_text_params(
    label: str, expected: tuple[str, ...], part: _Part | None, named: bool, limit: int
) -> None:
    params = _parameters(part)
    if len(params) != len(expected):
        raise _count_error(label, len(expected), len(params))
    if part is None:
        return
    for i, param in enumerate(params):
        if is_plain_text(param, limit):
            continue  # valid as it is: skip building the paths an error would name
        field = f"{part.field}.parameters[{i}]"
        check_param(
            param, field, TEXT_TYPES, f"a {label} variable takes text, currency or date_time"
        )
        check_text_length(param, field, limit)
    if named:
        _check_param_names(expected, params, part.field)


def _check_param_names(
    expected: tuple[str, ...], params: list[Mapping[str, Any]], field: str
) -> None:
    names = []
    for param in params:
        name = param.get("parameter_name")
        if not isinstance(name, str) or not name:
            # Meta's answer names neither the field nor the template (docs/errors.md).
            raise invalid_parameter("Parameter name is missing or empty")
        names.append(name)
    if sorted(names) != sorted(expected):
        raise GraphError(
            132012,
            f"{field}.parameters are named {', '.join(names)} but the "
            f"template's variables are {', '.join(expected)}.",
        )


# ---------------------------------------------------------------------------------------------
# Buttons, offer and carousel cards


def _check_button_params(shape: TemplateShape, buttons: dict[int, _Part], field: str) -> None:
    for index, part in buttons.items():
        slot = shape.buttons[index]
        sub_type = part.component.get("sub_type")
        if sub_type is None:
            raise GraphError(131008, f"{part.field}.sub_type is required.")
        if not isinstance(sub_type, str) or sub_type.lower() != slot.sub_type:
            raise invalid_value(
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
            raise _count_error(label, 0, len(params))
        return
    if len(params) > 1:
        raise _count_error(label, 1, len(params))
    if params:
        _check_first(part, params, slot.parameter, f"{label} takes a {slot.parameter} parameter")
        limit = _BUTTON_TEXT_LIMITS.get(slot.type)
        if limit is not None:
            check_text_length(params[0], f"{part.field}.parameters[0]", limit)
    elif slot.required:
        raise GraphError(
            131008, f"{part.field}.parameters needs a {slot.parameter} parameter for {label}."
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
        raise _count_error("limited_time_offer", expected, len(params))
    if params:
        _check_first(
            part, params, "limited_time_offer", "the offer takes a limited_time_offer parameter"
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
    seen = _check_sent_cards(shape, part)
    missing = [index for index in range(len(shape.cards)) if index not in seen]
    if missing:
        raise GraphError(
            131008,
            f"{part.field}.cards has no card with card_index {missing[0]}; "
            "every card needs its header media.",
        )


def _check_sent_cards(shape: TemplateShape, part: _Part) -> set[int]:
    """Check each sent card against its template card; return the card indexes sent."""
    seen: set[int] = set()
    for i, raw in enumerate(as_list(part.component["cards"], f"{part.field}.cards")):
        card_field = f"{part.field}.cards[{i}]"
        card = as_object(raw, card_field)
        check_keys(card, _CARD_KEYS, card_field)
        index = _index(card.get("card_index"), f"{card_field}.card_index", len(shape.cards), "card")
        if index in seen:
            raise invalid_value(f"{card_field}.card_index", f"repeats card {index}.")
        seen.add(index)
        _check_against(shape.cards[index], card.get("components"), f"{card_field}.components")
    return seen
