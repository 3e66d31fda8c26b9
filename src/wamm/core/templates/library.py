"""Meta's template library: the pre-written utility and authentication templates
(`GET /message_template_library`) and a create request naming one (`library_template_name`).

A library template's content is fixed: the create request gives only the name, language,
category and the inputs Meta asks for (button URLs and phone numbers, the OTP button, the
authentication body options). The request becomes an ordinary create body whose components
are the library's, so the usual create rules check it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from typing import Any

import msgspec

from wamm.core.coerce import as_bool, as_int, as_list, as_object, as_str, required
from wamm.core.content_cursor import check_keys, check_tree
from wamm.core.errors import invalid_parameter
from wamm.core.templates.keys import LIBRARY_BUTTON_INPUT
from wamm.core.templates.readers import decoded, enum

LIBRARY_FILE = "template_library.json"
# Filters of GET /message_template_library that match a whole value (case aside); `industry`
# matches one of a template's industries, `search` a part of its texts.
EXACT_FILTERS = ("topic", "usecase", "language")
BODY_INPUTS = {
    "add_contact_number": as_bool,
    "add_learn_more_link": as_bool,
    "add_security_recommendation": as_bool,
    "add_track_package_link": as_bool,
    "code_expiration_minutes": as_int,
}
# Button types whose value the business supplies, and the input key that carries it.
_BODY_FIELD = "library_template_body_inputs"
_BODY_INPUT_KEYS = frozenset(BODY_INPUTS)
BUTTON_INPUT_KEYS = {"URL": "url", "PHONE_NUMBER": "phone_number", "OTP": "otp_type"}
# Create parameters that would change a library template's fixed content.
FIXED_CONTENT = ("components", "parameter_format")


class LibraryTemplate(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One template of the library, in the shape `GET /message_template_library` lists it."""

    id: str
    name: str
    language: str
    category: str
    topic: str
    usecase: str
    industry: list[str]
    body: str
    header: str | None = None
    body_params: list[str] = msgspec.field(default_factory=list)
    body_param_types: list[str] = msgspec.field(default_factory=list)
    buttons: list[dict[str, Any]] = msgspec.field(default_factory=list)


@functools.cache
def library() -> tuple[LibraryTemplate, ...]:
    """The library shipped in `wamm/data` (Meta's is larger; the shapes are the same)."""
    raw = resources.files("wamm.data").joinpath(LIBRARY_FILE).read_bytes()
    return tuple(msgspec.json.decode(raw, type=list[LibraryTemplate]))


# --- GET /message_template_library ---------------------------------------------------------


def _matches(entry: LibraryTemplate, *, name: str, wanted: str) -> bool:
    if name == "industry":
        return wanted.upper() in entry.industry
    value: str = getattr(entry, name)
    return value.lower() == wanted.lower()


def _found(entry: LibraryTemplate, needle: str) -> bool:
    texts = (entry.name, entry.body, entry.header or "", entry.topic, entry.usecase)
    return any(needle in text.lower() for text in texts)


def library_filters(params: Mapping[str, Any]) -> list[Callable[[LibraryTemplate], bool]]:
    """The checks of the filters given: `search`, `topic`, `usecase`, `industry`, `language`."""
    checks: list[Callable[[LibraryTemplate], bool]] = []
    for name in (*EXACT_FILTERS, "industry"):
        if name in params:
            checks.append(functools.partial(_matches, name=name, wanted=as_str(params[name], name)))
    if "search" in params:
        needle = as_str(params["search"], "search").lower()
        checks.append(lambda entry: _found(entry, needle))
    return checks


def library_view(entry: LibraryTemplate) -> dict[str, Any]:
    view: dict[str, Any] = msgspec.to_builtins(entry)
    return view


# --- a create request naming a library template ----------------------------------------------


def find_library_template(name: str, language: str) -> LibraryTemplate:
    entry = next((t for t in library() if t.name == name and t.language == language), None)
    if entry is None:
        raise invalid_parameter(
            f"Param library_template_name '{name}' is not a template of the library in "
            f"language {language}."
        )
    return entry


def library_create_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """The create body a library request stands for: the library template's components
    with the business's inputs, the library's category, everything else as given."""
    if given := [key for key in FIXED_CONTENT if key in body]:
        raise invalid_parameter(
            f"Param {given[0]} can't be given with library_template_name: a library "
            "template's content is fixed."
        )
    name = as_str(body["library_template_name"], "library_template_name")
    entry = find_library_template(name, as_str(required(body, "language"), "language"))
    category = enum(required(body, "category"), "category", (entry.category,))
    inputs = _body_inputs(body.get("library_template_body_inputs"))
    buttons = _buttons(entry, body.get("library_template_button_inputs"))
    return {
        **body,
        "category": category,
        "components": _components(entry, inputs, buttons),
    }


def _body_inputs(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    value = decoded(value)
    # One object, or (as pywa sends them) a list of objects taken together.
    parts = value if isinstance(value, list) else [value]
    given: dict[str, Any] = {}
    for i, part in enumerate(parts):
        field = f"library_template_body_inputs[{i}]" if isinstance(value, list) else _BODY_FIELD
        inputs = as_object(part, field)
        check_keys(inputs, _BODY_INPUT_KEYS, field)
        given.update(inputs)
    return {key: BODY_INPUTS[key](raw, f"{_BODY_FIELD}.{key}") for key, raw in given.items()}


def _buttons(entry: LibraryTemplate, value: Any) -> list[dict[str, Any]]:
    """The library's buttons, those needing a value taking it from the button inputs (one
    input per such button, in the library's order)."""
    inputs = [] if value is None else as_list(decoded(value), "library_template_button_inputs")
    check_tree(inputs, LIBRARY_BUTTON_INPUT, "library_template_button_inputs")
    inputs_by_type = _inputs_by_type(inputs)
    return [_button(button, inputs_by_type) for button in entry.buttons]


def _inputs_by_type(inputs: Sequence[Any]) -> dict[str, Mapping[str, Any]]:
    by_type: dict[str, Mapping[str, Any]] = {}
    for i, raw in enumerate(inputs):
        field = f"library_template_button_inputs[{i}]"
        button = as_object(raw, field)
        kind = enum(required(button, "type", f"{field}."), f"{field}.type", BUTTON_INPUT_KEYS)
        if kind in by_type:
            raise invalid_parameter(f"Param {field}: a second {kind} button input.")
        by_type[kind] = button
    return by_type


def _button(button: Mapping[str, Any], inputs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    kind = button["type"]
    if kind not in BUTTON_INPUT_KEYS:
        return dict(button)
    given = inputs.get(kind)
    if given is None:
        raise invalid_parameter(
            f"Param library_template_button_inputs must give the {kind} button of this "
            "library template."
        )
    if kind == "URL":
        return _url_button(button, given)
    if kind == "PHONE_NUMBER":
        field = "library_template_button_inputs.phone_number"
        phone = as_str(required(given, "phone_number", "library_template_button_inputs."), field)
        return {"type": kind, "text": button["text"], "phone_number": phone}
    return {key: value for key, value in given.items() if key != "text"} | {"type": "OTP"}


def _url_button(button: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    field = "library_template_button_inputs.url"
    url = as_object(required(given, "url", "library_template_button_inputs."), field)
    base = as_str(required(url, "base_url", f"{field}."), f"{field}.base_url")
    result: dict[str, Any] = {"type": "URL", "text": button["text"], "url": base}
    if "{{" in base:
        example = required(url, "url_suffix_example", f"{field}.")
        result["example"] = [as_str(example, f"{field}.url_suffix_example")]
    return result


def _components(
    entry: LibraryTemplate, inputs: Mapping[str, Any], buttons: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if entry.category == "AUTHENTICATION":
        return _authentication_components(inputs, buttons)
    components: list[dict[str, Any]] = []
    if entry.header:
        components.append({"type": "HEADER", "format": "TEXT", "text": entry.header})
    body: dict[str, Any] = {"type": "BODY", "text": entry.body}
    if entry.body_params:
        body["example"] = {"body_text": [entry.body_params]}
    components.append(body)
    if buttons:
        components.append({"type": "BUTTONS", "buttons": buttons})
    return components


def _authentication_components(
    inputs: Mapping[str, Any], buttons: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"type": "BODY"}
    if "add_security_recommendation" in inputs:
        body["add_security_recommendation"] = inputs["add_security_recommendation"]
    components = [body]
    if "code_expiration_minutes" in inputs:
        minutes = inputs["code_expiration_minutes"]
        components.append({"type": "FOOTER", "code_expiration_minutes": minutes})
    return [*components, {"type": "BUTTONS", "buttons": buttons}]
