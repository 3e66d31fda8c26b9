"""Validation of the type-specific object of a non-template Cloud API send.

A `POST /{phone_number_id}/messages` body names its `type` and carries the content under that
key: `{"type": "text", "text": {"body": "hi"}}`. `validate_content` checks that content against
the fields and limits Meta documents and returns the normalised copy wamm stores as the message
payload: only the fields Meta defines (unknown keys are dropped, never rejected), ids as strings,
coordinates as floats. `validate_context` does the same for the reply `context`. Templates are
validated elsewhere.

Error codes come in two families, as Meta's own validators answer:
- JSON type errors are code 100 everywhere, and so is every missing or invalid value outside
  `interactive` (Graph's parameter layer);
- inside `interactive`, a missing required field is 131008 and an invalid value 131009 (the
  interactive-message validator);
- a type Meta does not define is 131051; one Meta defines but wamm does not emulate is 131051
  too, raised as `NotEmulated` so that the SDK lets it through to the server.
`error_data.details` always names the field by its path, e.g.
`interactive.action.sections[0].rows[2].title`.
"""

from __future__ import annotations

import copy
import datetime
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from wamm.core.coerce import as_bool, as_list, as_object, as_str, type_name
from wamm.core.errors import GraphError, NotEmulated, invalid_parameter

# --- Errors and the object cursor ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Codes:
    """The error codes one validator family answers with."""

    missing: int
    invalid: int

    def missing_error(self, path: str) -> GraphError:
        return GraphError(self.missing, f"The parameter {path} is required.")

    def invalid_error(self, path: str, reason: str) -> GraphError:
        return GraphError(self.invalid, f"Param {path} {reason}.")


_GRAPH = _Codes(missing=100, invalid=100)
_INTERACTIVE = _Codes(missing=131008, invalid=131009)

_DIGITS = re.compile(r"[0-9]+")
_MAX_ID = 2**64  # Graph ids are unsigned 64-bit numbers


def _one_of_reason(allowed: Collection[str]) -> str:
    return f"must be one of: {', '.join(sorted(allowed))}"


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True, slots=True)
class _Node:
    """A JSON object under validation: its fields, its path in the request, its error family.

    A JSON `null` counts as absent: SDKs such as pywa send unset optional fields as `null`.
    """

    fields: Mapping[str, Any]
    path: str
    codes: _Codes

    @classmethod
    def root(cls, key: str, value: Any) -> _Node:
        """A node holding only `key`, so that `key` itself is reported as `key`."""
        return cls({key: value}, "", _GRAPH)

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.fields.get(key) is not None

    def missing(self, key: str) -> GraphError:
        return self.codes.missing_error(self.at(key))

    def invalid(self, key: str, reason: str) -> GraphError:
        return self.codes.invalid_error(self.at(key), reason)

    def value(self, key: str) -> Any:
        if not self.has(key):
            raise self.missing(key)
        return self.fields[key]

    def string(self, key: str) -> str:
        return as_str(self.value(key), self.at(key))

    def text(self, key: str, limit: int | None = None) -> str:
        """A required, non-empty string of at most `limit` characters."""
        text = self.string(key)
        if not text or (limit is not None and len(text) > limit):
            span = "not be empty" if limit is None else f"be 1 to {limit} characters long"
            raise self.invalid(key, f"must {span}")
        return text

    def optional_text(self, key: str, limit: int | None = None) -> str | None:
        if not self.has(key):
            return None
        text = self.string(key)
        if limit is not None and len(text) > limit:
            raise self.invalid(key, f"must be at most {limit} characters long")
        return text

    def optional_flag(self, key: str) -> bool | None:
        return as_bool(self.fields[key], self.at(key)) if self.has(key) else None

    def choice(self, key: str, allowed: Collection[str]) -> str:
        value = self.string(key)
        if value not in allowed:
            raise self.invalid(key, _one_of_reason(allowed))
        return value

    def identifier(self, key: str) -> str:
        """A catalog, media, flow or product id: Graph takes a JSON number for one as well."""
        value = self.value(key)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _MAX_ID:
            return str(value)
        if not isinstance(value, str):
            path = self.at(key)
            raise invalid_parameter(f"Param {path} must be a string, got {type_name(value)}.")
        if not value:
            raise self.invalid(key, "must not be empty")
        return value

    def url(self, key: str) -> str:
        url = self.string(key)
        if not _is_http_url(url):
            raise self.invalid(key, "must be an http or https URL")
        return url

    def wamid(self, key: str) -> str:
        wamid = self.string(key)
        if not wamid.startswith("wamid.") or wamid == "wamid.":
            raise self.invalid(key, "must be a WhatsApp message id starting with wamid.")
        return wamid

    def child(self, key: str) -> _Node:
        return self._nested(self.value(key), self.at(key))

    def optional_child(self, key: str) -> _Node | None:
        return self.child(key) if self.has(key) else None

    def children(self, key: str, *, least: int = 1, most: int | None = None) -> list[_Node]:
        """An array of objects whose length lies between `least` and `most`."""
        path = self.at(key)
        items = as_list(self.value(key), path)
        if len(items) < least or (most is not None and len(items) > most):
            span = f"{least} to {most}" if most is not None else f"at least {least}"
            raise self.invalid(key, f"must hold {span} items")
        return [self._nested(item, f"{path}[{index}]") for index, item in enumerate(items)]

    def _nested(self, value: Any, path: str) -> _Node:
        return _Node(as_object(value, path), path, self.codes)


# --- Field tables --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    """A string field: required ones must be non-empty; `limit` is Meta's character limit."""

    key: str
    limit: int | None = None
    required: bool = False
    allowed: frozenset[str] | None = None

    def read(self, node: _Node) -> str | None:
        read = node.text if self.required else node.optional_text
        text = read(self.key, self.limit)
        if text is not None and self.allowed is not None and text not in self.allowed:
            raise node.invalid(self.key, _one_of_reason(self.allowed))
        return text


@dataclass(frozen=True, slots=True)
class _Id:
    """An id field (string, or a JSON number Graph turns into one)."""

    key: str
    required: bool = False

    def read(self, node: _Node) -> str | None:
        return node.identifier(self.key) if self.required or node.has(self.key) else None


@dataclass(frozen=True, slots=True)
class _Flag:
    """An optional boolean field."""

    key: str

    def read(self, node: _Node) -> bool | None:
        return node.optional_flag(self.key)


_Field = _Text | _Id | _Flag


def _fields(node: _Node, fields: Iterable[_Field]) -> dict[str, Any]:
    """The values of `fields` read from `node`, absent optional ones left out."""
    values = ((field.key, field.read(node)) for field in fields)
    return {key: value for key, value in values if value is not None}


def _optional_texts(*keys: str) -> tuple[_Field, ...]:
    return tuple(_Text(key) for key in keys)


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _check_unique(nodes: Iterable[_Node], key: str) -> None:
    """Reject the first node whose (already validated) `key` repeats an earlier one."""
    seen: set[Any] = set()
    for node in nodes:
        value = node.fields[key]
        if value in seen:
            raise node.invalid(key, "must be unique within the message")
        seen.add(value)


def _either(node: _Node, first: str, second: str) -> str:
    """Which of two mutually exclusive alternatives `node` gives; exactly one is required."""
    given = [key for key in (first, second) if node.has(key)]
    if not given:
        raise node.codes.missing_error(f"{node.at(first)} or {node.at(second)}")
    if len(given) == 2:
        raise node.invalid(second, f"cannot be combined with {node.at(first)}")
    return given[0]


# --- text, media, location, contacts, reaction ---------------------------------------------------

_TEXT_FIELDS = (_Text("body", 4096, required=True), _Flag("preview_url"))


def _text(root: _Node) -> dict[str, Any]:
    return _fields(root.child("text"), _TEXT_FIELDS)


_CAPTION = _Text("caption", 1024)

# What each media object takes besides its `id` or `link`.
_MEDIA_FIELDS: dict[str, tuple[_Field, ...]] = {
    "image": (_CAPTION,),
    "video": (_CAPTION,),
    "document": (_CAPTION, _Text("filename")),
    "audio": (_Flag("voice"),),
    "sticker": (),
}
# A field one media type defines is refused on the media types that do not (audio has no caption).
_MEDIA_FIELD_KEYS = frozenset(field.key for fields in _MEDIA_FIELDS.values() for field in fields)


def _media(kind: str, root: _Node) -> dict[str, Any]:
    return _media_object(root.child(kind), kind)


def _media_object(node: _Node, kind: str) -> dict[str, Any]:
    fields = _MEDIA_FIELDS[kind]
    for key in sorted(_MEDIA_FIELD_KEYS - {field.key for field in fields}):
        if node.has(key):
            raise node.invalid(key, f"is not supported for {kind} messages")
    return {**_media_source(node), **_fields(node, fields)}


def _media_source(node: _Node) -> dict[str, str]:
    if _either(node, "id", "link") == "link":
        return {"link": node.url("link")}
    media_id = node.identifier("id")
    if not _DIGITS.fullmatch(media_id):
        raise node.invalid("id", "must be a numeric media id")
    return {"id": media_id}


_COORDINATE_BOUNDS = {"latitude": 90.0, "longitude": 180.0}
_LOCATION_FIELDS = _optional_texts("name", "address")


def _location(root: _Node) -> dict[str, Any]:
    node = root.child("location")
    coordinates = {key: _coordinate(node, key, bound) for key, bound in _COORDINATE_BOUNDS.items()}
    return {**coordinates, **_fields(node, _LOCATION_FIELDS)}


def _coordinate(node: _Node, key: str, bound: float) -> float:
    number = _as_number(node.value(key))
    if number is None:
        raise invalid_parameter(f"Param {node.at(key)} must be a number or a numeric string.")
    if not -bound <= number <= bound:
        raise node.invalid(key, f"must be between -{bound:g} and {bound:g}")
    return number


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


_MAX_CONTACTS = 257
_CONTACT_NAME_FIELDS = (
    _Text("formatted_name", required=True),
    *_optional_texts("first_name", "last_name", "middle_name", "suffix", "prefix"),
)
_CONTACT_ORG_FIELDS = _optional_texts("company", "department", "title")
_CONTACT_LIST_FIELDS: dict[str, tuple[_Field, ...]] = {
    "addresses": _optional_texts(
        "street", "city", "state", "zip", "country", "country_code", "type"
    ),
    "emails": _optional_texts("email", "type"),
    "phones": _optional_texts("phone", "type", "wa_id"),
    "urls": _optional_texts("url", "type"),
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _contacts(root: _Node) -> dict[str, Any]:
    # The wire object is an array; wamm stores it wrapped so that every payload is an object.
    return {"contacts": [_contact(node) for node in root.children("contacts", most=_MAX_CONTACTS)]}


def _contact(node: _Node) -> dict[str, Any]:
    org = node.optional_child("org")
    contact = _compact(
        {
            "name": _fields(node.child("name"), _CONTACT_NAME_FIELDS),
            "birthday": _birthday(node),
            "org": None if org is None else _fields(org, _CONTACT_ORG_FIELDS),
        }
    )
    for key, fields in _CONTACT_LIST_FIELDS.items():
        if node.has(key):
            contact[key] = [_fields(entry, fields) for entry in node.children(key, least=0)]
    return contact


def _birthday(node: _Node) -> str | None:
    birthday = node.optional_text("birthday")
    if birthday is not None and not _is_date(birthday):
        raise node.invalid("birthday", "must be a date in YYYY-MM-DD format")
    return birthday


def _is_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# Approximates Unicode's Extended_Pictographic set, which the standard `re` module cannot name.
_PICTOGRAPHS = (
    r"\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf"
    r"\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    r"\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    r"\U0001f000-\U0001faff"
)
_EMOJI_ELEMENT = (
    r"(?:[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators
    r"|[0-9#*]\ufe0f?\u20e3"  # a keycap
    rf"|[{_PICTOGRAPHS}][\ufe0f\U0001f3fb-\U0001f3ff]?(?:[\U000e0020-\U000e007e]+\U000e007f)?)"
)
_SINGLE_EMOJI = re.compile(rf"{_EMOJI_ELEMENT}(?:\u200d{_EMOJI_ELEMENT})*")


def _reaction(root: _Node) -> dict[str, Any]:
    node = root.child("reaction")
    message_id = node.wamid("message_id")
    emoji = node.string("emoji")
    # An empty emoji is how Meta removes a reaction.
    if emoji and not _SINGLE_EMOJI.fullmatch(emoji):
        raise node.invalid("emoji", "must be a single emoji, or empty to remove the reaction")
    return {"message_id": message_id, "emoji": emoji}


# --- interactive: actions ------------------------------------------------------------------------

_REPLY_FIELDS = (_Text("id", 256, required=True), _Text("title", 20, required=True))


def _button_action(action: _Node) -> dict[str, Any]:
    replies = [_reply_of(button) for button in action.children("buttons", most=3)]
    buttons = [{"type": "reply", "reply": _reply_fields(reply)} for reply in replies]
    _check_unique(replies, "id")
    _check_unique(replies, "title")
    return {"buttons": buttons}


def _reply_of(button: _Node) -> _Node:
    button.choice("type", ("reply",))
    return button.child("reply")


def _reply_fields(reply: _Node) -> dict[str, Any]:
    fields = _fields(reply, _REPLY_FIELDS)
    if fields["id"] != fields["id"].strip():
        raise reply.invalid("id", "must not start or end with whitespace")
    return fields


@dataclass(frozen=True, slots=True)
class _Sections:
    """A sectioned action: `list` has rows, `product_list` has products."""

    items_key: str
    max_items: int  # across all sections
    item_fields: tuple[_Field, ...]


_MAX_SECTIONS = 10
_LIST_SECTIONS = _Sections(
    "rows",
    max_items=10,
    item_fields=(
        _Text("id", 200, required=True),
        _Text("title", 24, required=True),
        _Text("description", 72),
    ),
)
_PRODUCT_SECTIONS = _Sections(
    "product_items", max_items=30, item_fields=(_Id("product_retailer_id", required=True),)
)


def _sections(action: _Node, rule: _Sections) -> tuple[list[dict[str, Any]], list[_Node]]:
    """The normalised sections and the item nodes of all of them, in order."""
    sections = action.children("sections", most=_MAX_SECTIONS)
    items = [section.children(rule.items_key, most=rule.max_items) for section in sections]
    all_items = [item for section_items in items for item in section_items]
    if len(all_items) > rule.max_items:
        extra = all_items[rule.max_items]
        raise extra.codes.invalid_error(
            extra.path, f"exceeds the {rule.max_items} {rule.items_key} allowed across all sections"
        )
    # Meta needs section titles only to tell several sections apart.
    title = (_Text("title", 24, required=len(sections) > 1),)
    normalised = [
        {
            **_fields(section, title),
            rule.items_key: [_fields(item, rule.item_fields) for item in section_items],
        }
        for section, section_items in zip(sections, items, strict=True)
    ]
    return normalised, all_items


def _list_action(action: _Node) -> dict[str, Any]:
    button = action.text("button", 20)
    sections, rows = _sections(action, _LIST_SECTIONS)
    _check_unique(rows, "id")
    return {"button": button, "sections": sections}


_PRODUCT_FIELDS = (_Id("catalog_id", required=True), _Id("product_retailer_id", required=True))


def _product_action(action: _Node) -> dict[str, Any]:
    return _fields(action, _PRODUCT_FIELDS)


def _product_list_action(action: _Node) -> dict[str, Any]:
    catalog_id = action.identifier("catalog_id")
    sections, _ = _sections(action, _PRODUCT_SECTIONS)
    return {"catalog_id": catalog_id, "sections": sections}


def _named(action: _Node, name: str) -> dict[str, Any]:
    """Check `action.name`, which several interactive types require to repeat a fixed value."""
    return {"name": action.choice("name", (name,))}


def _cta_url_action(action: _Node) -> dict[str, Any]:
    name = _named(action, "cta_url")
    parameters = action.child("parameters")
    return {
        **name,
        "parameters": {
            "display_text": parameters.text("display_text", 20),
            "url": parameters.url("url"),
        },
    }


def _location_request_action(action: _Node) -> dict[str, Any]:
    return _named(action, "send_location")


_CATALOG_FIELDS = (_Id("thumbnail_product_retailer_id"),)


def _catalog_action(action: _Node) -> dict[str, Any]:
    name = _named(action, "catalog_message")
    parameters = action.optional_child("parameters")
    return (
        name if parameters is None else {**name, "parameters": _fields(parameters, _CATALOG_FIELDS)}
    )


_FLOW_FIELDS = (
    _Text("flow_message_version", required=True, allowed=frozenset({"3"})),
    # Meta's flow page advises at most 30 characters (older copies said 20).
    _Text("flow_cta", 30, required=True),
    _Text("flow_token"),
    _Text("mode", allowed=frozenset({"draft", "published"})),
    _Text("flow_action", allowed=frozenset({"navigate", "data_exchange"})),
)


def _flow_action(action: _Node) -> dict[str, Any]:
    name = _named(action, "flow")
    parameters = action.child("parameters")
    reference = _either(parameters, "flow_id", "flow_name")
    normalised = {**_fields(parameters, _FLOW_FIELDS), reference: parameters.identifier(reference)}
    payload = parameters.optional_child("flow_action_payload")
    if payload is not None:
        normalised["flow_action_payload"] = _flow_payload(payload)
    return {**name, "parameters": normalised}


def _flow_payload(payload: _Node) -> dict[str, Any]:
    normalised: dict[str, Any] = {"screen": payload.text("screen")}
    data = payload.optional_child("data")
    if data is not None:
        if not data.fields:
            raise payload.invalid("data", "must be a non-empty object")
        normalised["data"] = copy.deepcopy(dict(data.fields))
    return normalised


_ADDRESS_COUNTRIES = ("IN", "SG")
# Prefilled values, saved addresses and validation errors pass through unchecked.
_ADDRESS_PASSTHROUGH = ("values", "saved_addresses", "validation_errors")


def _address_action(action: _Node) -> dict[str, Any]:
    name = _named(action, "address_message")
    parameters = action.child("parameters")
    normalised = {"country": parameters.choice("country", _ADDRESS_COUNTRIES)}
    for key in _ADDRESS_PASSTHROUGH:
        if parameters.has(key):
            normalised[key] = copy.deepcopy(parameters.fields[key])
    return {**name, "parameters": normalised}


# --- interactive: the envelope -------------------------------------------------------------------

_TEXT_HEADER = frozenset({"text"})
_ANY_HEADER = frozenset({"text", "image", "video", "document"})
_FOOTER_FIELDS = (_Text("text", 60, required=True),)


@dataclass(frozen=True, slots=True)
class _InteractiveKind:
    """What one `interactive.type` accepts around its action."""

    type: str
    action: Callable[[_Node], dict[str, Any]]
    header_types: frozenset[str] = frozenset()  # empty: no header allowed
    header_required: bool = False
    body_limit: int = 1024
    body_required: bool = True


_INTERACTIVE_KINDS = {
    kind.type: kind
    for kind in (
        _InteractiveKind("button", _button_action, _ANY_HEADER),
        # Meta's list-message page allows a 4096-character body, unlike the other types.
        _InteractiveKind("list", _list_action, _TEXT_HEADER, body_limit=4096),
        _InteractiveKind("cta_url", _cta_url_action, _ANY_HEADER),
        _InteractiveKind("flow", _flow_action, _ANY_HEADER),
        _InteractiveKind("location_request_message", _location_request_action),
        _InteractiveKind("address_message", _address_action, _TEXT_HEADER),
        # Catalog messages show a fixed header; single products show the product instead.
        _InteractiveKind("catalog_message", _catalog_action),
        _InteractiveKind("product", _product_action, body_required=False),
        _InteractiveKind("product_list", _product_list_action, _TEXT_HEADER, header_required=True),
    )
}
# Interactive types Meta offers that wamm does not emulate.
_UNEMULATED_INTERACTIVE = frozenset(
    {
        "carousel",
        "voice_call",
        "call_permission_request",
        "request_contact_info",
        "order_details",
        "order_status",
    }
)


def _interactive(root: _Node) -> dict[str, Any]:
    node = replace(root.child("interactive"), codes=_INTERACTIVE)
    kind = _interactive_kind(node)
    return _compact(
        {
            "type": kind.type,
            "header": _header(node, kind),
            "body": _body(node, kind),
            "footer": _fields(node.child("footer"), _FOOTER_FIELDS) if node.has("footer") else None,
            "action": kind.action(node.child("action")),
        }
    )


def _interactive_kind(node: _Node) -> _InteractiveKind:
    name = node.string("type")
    if name in _UNEMULATED_INTERACTIVE:
        raise NotEmulated(131051, f"Unsupported interactive type: {name}.")
    return _INTERACTIVE_KINDS[node.choice("type", _INTERACTIVE_KINDS)]


def _header(node: _Node, kind: _InteractiveKind) -> dict[str, Any] | None:
    if not node.has("header"):
        if kind.header_required:
            raise node.missing("header")
        return None
    if not kind.header_types:
        raise node.invalid("header", f"is not supported for {kind.type} messages")
    header = node.child("header")
    header_type = header.choice("type", kind.header_types)
    if header_type == "text":
        return {"type": "text", "text": header.text("text", 60)}
    return {"type": header_type, header_type: _media_object(header.child(header_type), header_type)}


def _body(node: _Node, kind: _InteractiveKind) -> dict[str, Any] | None:
    if not node.has("body") and not kind.body_required:
        return None
    return _fields(node.child("body"), (_Text("text", kind.body_limit, required=True),))


# --- Public interface ----------------------------------------------------------------------------

_VALIDATORS: dict[str, Callable[[_Node], dict[str, Any]]] = {
    "text": _text,
    **{kind: partial(_media, kind) for kind in _MEDIA_FIELDS},
    "location": _location,
    "contacts": _contacts,
    "interactive": _interactive,
    "reaction": _reaction,
}

SUPPORTED_TYPES: frozenset[str] = frozenset(_VALIDATORS)


def validate_content(message_type: str, content: Any) -> dict[str, Any]:
    """The normalised content of a `message_type` send, or the GraphError Meta would answer.

    `contacts`, an array on the wire, comes back as `{"contacts": [...]}`.
    """
    validate = _VALIDATORS.get(message_type)
    if validate is None:
        supported = ", ".join(sorted(SUPPORTED_TYPES))
        raise GraphError(
            131051, f"Unsupported message type: {message_type}. Supported types: {supported}."
        )
    return validate(_Node.root(message_type, content))


def validate_context(context: Any) -> dict[str, Any]:
    """The normalised reply `context`: `{"message_id": "wamid..."}`."""
    return {"message_id": _Node.root("context", context).child("context").wamid("message_id")}
