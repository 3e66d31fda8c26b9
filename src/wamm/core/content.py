"""Validation of the type-specific object of a non-template Cloud API send.

A `POST /{phone_number_id}/messages` body names its `type` and carries the content under that
key: `{"type": "text", "text": {"body": "hi"}}`. `validate_content` checks that content against
the fields and limits Meta documents and returns the normalised copy wamm stores as the message
payload: only the fields Meta defines, ids as strings, coordinates as floats. A key Meta does
not define in an object is refused (code 100, `Unexpected key`); where one object serves several
interactive types (`action`, `header`), the keys of all of them are accepted there.
`validate_context` does the same for the reply `context`. Templates are validated elsewhere.

Error codes come in two families, as Meta's own validators answer:
- JSON type errors are code 100 everywhere, and so is every missing or invalid value outside
  `interactive` (Graph's parameter layer);
- inside `interactive`, a missing required field is 131008 and an invalid value 131009 (the
  interactive-message validator);
- a type Meta does not define is 131051.
`error_data.details` always names the field by its path, e.g.
`interactive.action.sections[0].rows[2].title`. The path-aware cursor and the field tables are
in `content_cursor`; the payment messages' actions (`order_details`, `order_status`) in `orders`.
"""

from __future__ import annotations

import copy
import datetime
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from wamm.core import orders
from wamm.core.content_cursor import (
    DIGITS,
    INTERACTIVE,
    Field,
    Flag,
    Id,
    Node,
    Text,
    check_unique,
    compact,
    either,
    keys,
    optional_texts,
    read_fields,
)
from wamm.core.errors import GraphError, invalid_parameter

# --- text, media, location, contacts, reaction ---------------------------------------------------

_TEXT_FIELDS = (Text("body", 4096, required=True), Flag("preview_url"))


_TEXT_KEYS = keys(*_TEXT_FIELDS)


def _text(root: Node) -> dict[str, Any]:
    return read_fields(root.child("text").only(_TEXT_KEYS), _TEXT_FIELDS)


_CAPTION = Text("caption", 1024)

# What each media object takes besides its `id` or `link`.
_MEDIA_FIELDS: dict[str, tuple[Field, ...]] = {
    "image": (_CAPTION,),
    "video": (_CAPTION,),
    "document": (_CAPTION, Text("filename")),
    "audio": (Flag("voice"),),
    "sticker": (),
}
# A field one media type defines is refused on the media types that do not (audio has no caption).
_MEDIA_FIELD_KEYS = frozenset(field.key for fields in _MEDIA_FIELDS.values() for field in fields)
_MEDIA_KEYS = _MEDIA_FIELD_KEYS | {"id", "link"}


def _media(kind: str, root: Node) -> dict[str, Any]:
    return _media_object(root.child(kind), kind)


def _media_object(node: Node, kind: str) -> dict[str, Any]:
    fields = _MEDIA_FIELDS[kind]
    node.only(_MEDIA_KEYS)
    for key in sorted(_MEDIA_FIELD_KEYS - {field.key for field in fields}):
        if node.has(key):
            raise node.invalid(key, f"is not supported for {kind} messages")
    return {**_media_source(node), **read_fields(node, fields)}


def _media_source(node: Node) -> dict[str, str]:
    if either(node, "id", "link") == "link":
        return {"link": node.url("link")}
    media_id = node.identifier("id")
    if not DIGITS.fullmatch(media_id):
        raise node.invalid("id", "must be a numeric media id")
    return {"id": media_id}


_COORDINATE_BOUNDS = {"latitude": 90.0, "longitude": 180.0}
_LOCATION_FIELDS = optional_texts("name", "address")
_LOCATION_KEYS = keys(*_LOCATION_FIELDS, *_COORDINATE_BOUNDS)


def _location(root: Node) -> dict[str, Any]:
    node = root.child("location").only(_LOCATION_KEYS)
    coordinates = {key: _coordinate(node, key, bound) for key, bound in _COORDINATE_BOUNDS.items()}
    return {**coordinates, **read_fields(node, _LOCATION_FIELDS)}


def _coordinate(node: Node, key: str, bound: float) -> float:
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
    Text("formatted_name", required=True),
    *optional_texts("first_name", "last_name", "middle_name", "suffix", "prefix"),
)
_CONTACT_ORG_FIELDS = optional_texts("company", "department", "title")
_CONTACT_LIST_FIELDS: dict[str, tuple[Field, ...]] = {
    "addresses": optional_texts(
        "street", "city", "state", "zip", "country", "country_code", "type"
    ),
    "emails": optional_texts("email", "type"),
    "phones": optional_texts("phone", "type", "wa_id"),
    "urls": optional_texts("url", "type"),
}
_CONTACT_KEYS = keys("name", "birthday", "org", *_CONTACT_LIST_FIELDS)
_CONTACT_NAME_KEYS = keys(*_CONTACT_NAME_FIELDS)
_CONTACT_ORG_KEYS = keys(*_CONTACT_ORG_FIELDS)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _contacts(root: Node) -> dict[str, Any]:
    # The wire object is an array; wamm stores it wrapped so that every payload is an object.
    return {"contacts": [_contact(node) for node in root.children("contacts", most=_MAX_CONTACTS)]}


def _contact(node: Node) -> dict[str, Any]:
    node.only(_CONTACT_KEYS)
    org = node.optional_child("org")
    contact = compact(
        {
            "name": read_fields(node.child("name").only(_CONTACT_NAME_KEYS), _CONTACT_NAME_FIELDS),
            "birthday": _birthday(node),
            "org": None
            if org is None
            else read_fields(org.only(_CONTACT_ORG_KEYS), _CONTACT_ORG_FIELDS),
        }
    )
    for key, fields in _CONTACT_LIST_FIELDS.items():
        if node.has(key):
            allowed = keys(*fields)
            entries = node.children(key, least=0)
            contact[key] = [read_fields(entry.only(allowed), fields) for entry in entries]
    return contact


def _birthday(node: Node) -> str | None:
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


_REACTION_KEYS = keys("message_id", "emoji")


def _reaction(root: Node) -> dict[str, Any]:
    node = root.child("reaction").only(_REACTION_KEYS)
    message_id = node.wamid("message_id")
    emoji = node.string("emoji")
    # An empty emoji is how Meta removes a reaction.
    if emoji and not _SINGLE_EMOJI.fullmatch(emoji):
        raise node.invalid("emoji", "must be a single emoji, or empty to remove the reaction")
    return {"message_id": message_id, "emoji": emoji}


# --- interactive: actions ------------------------------------------------------------------------

_REPLY_FIELDS = (Text("id", 256, required=True), Text("title", 20, required=True))
_REPLY_KEYS = keys(*_REPLY_FIELDS)
_BUTTON_KEYS = keys("type", "reply", "quick_reply")


def _replies(action: Node, button_type: str) -> dict[str, Any]:
    """Up to three reply buttons: `reply` ones in a button message, `quick_reply` in a card."""
    replies = [_reply_of(button, button_type) for button in action.children("buttons", most=3)]
    buttons = [{"type": button_type, button_type: _reply_fields(reply)} for reply in replies]
    check_unique(replies, "id")
    check_unique(replies, "title")
    return {"buttons": buttons}


def _reply_of(button: Node, button_type: str) -> Node:
    button.only(_BUTTON_KEYS).choice("type", (button_type,))
    return button.child(button_type).only(_REPLY_KEYS)


def _reply_fields(reply: Node) -> dict[str, Any]:
    fields = read_fields(reply, _REPLY_FIELDS)
    if fields["id"] != fields["id"].strip():
        raise reply.invalid("id", "must not start or end with whitespace")
    return fields


@dataclass(frozen=True, slots=True)
class _Sections:
    """A sectioned action: `list` has rows, `product_list` has products."""

    items_key: str
    max_items: int  # across all sections
    item_fields: tuple[Field, ...]


_MAX_SECTIONS = 10
_LIST_SECTIONS = _Sections(
    "rows",
    max_items=10,
    item_fields=(
        Text("id", 200, required=True),
        Text("title", 24, required=True),
        Text("description", 72),
    ),
)
_PRODUCT_SECTIONS = _Sections(
    "product_items", max_items=30, item_fields=(Id("product_retailer_id", required=True),)
)


def _sections(action: Node, rule: _Sections) -> tuple[list[dict[str, Any]], list[Node]]:
    """The normalised sections and the item nodes of all of them, in order."""
    section_keys, item_keys = keys("title", rule.items_key), keys(*rule.item_fields)
    sections = [s.only(section_keys) for s in action.children("sections", most=_MAX_SECTIONS)]
    items = [
        [item.only(item_keys) for item in section.children(rule.items_key, most=rule.max_items)]
        for section in sections
    ]
    all_items = [item for section_items in items for item in section_items]
    if len(all_items) > rule.max_items:
        extra = all_items[rule.max_items]
        raise extra.codes.invalid_error(
            extra.path, f"exceeds the {rule.max_items} {rule.items_key} allowed across all sections"
        )
    # Meta needs section titles only to tell several sections apart.
    title = (Text("title", 24, required=len(sections) > 1),)
    normalised = [
        {
            **read_fields(section, title),
            rule.items_key: [read_fields(item, rule.item_fields) for item in section_items],
        }
        for section, section_items in zip(sections, items, strict=True)
    ]
    return normalised, all_items


def _list_action(action: Node) -> dict[str, Any]:
    button = action.text("button", 20)
    sections, rows = _sections(action, _LIST_SECTIONS)
    check_unique(rows, "id")
    return {"button": button, "sections": sections}


_PRODUCT_FIELDS = (Id("catalog_id", required=True), Id("product_retailer_id", required=True))


def _product_action(action: Node) -> dict[str, Any]:
    return read_fields(action, _PRODUCT_FIELDS)


def _product_list_action(action: Node) -> dict[str, Any]:
    catalog_id = action.identifier("catalog_id")
    sections, _ = _sections(action, _PRODUCT_SECTIONS)
    return {"catalog_id": catalog_id, "sections": sections}


def _named(action: Node, name: str) -> dict[str, Any]:
    """Check `action.name`, which several interactive types require to repeat a fixed value."""
    return {"name": action.choice("name", (name,))}


_CTA_URL_KEYS = keys("display_text", "url")


def _cta_url_action(action: Node) -> dict[str, Any]:
    name = _named(action, "cta_url")
    parameters = action.child("parameters").only(_CTA_URL_KEYS)
    return {
        **name,
        "parameters": {
            "display_text": parameters.text("display_text", 20),
            "url": parameters.url("url"),
        },
    }


def _location_request_action(action: Node) -> dict[str, Any]:
    return _named(action, "send_location")


_CATALOG_FIELDS = (Id("thumbnail_product_retailer_id"),)
_CATALOG_KEYS = keys(*_CATALOG_FIELDS)


def _catalog_action(action: Node) -> dict[str, Any]:
    name = _named(action, "catalog_message")
    parameters = action.optional_child("parameters")
    if parameters is None:
        return name
    return {**name, "parameters": read_fields(parameters.only(_CATALOG_KEYS), _CATALOG_FIELDS)}


_FLOW_FIELDS = (
    Text("flow_message_version", required=True, allowed=frozenset({"3"})),
    # Meta's flow page advises at most 30 characters (older copies said 20).
    Text("flow_cta", 30, required=True),
    Text("flow_token"),
    Text("mode", allowed=frozenset({"draft", "published"})),
    Text("flow_action", allowed=frozenset({"navigate", "data_exchange"})),
)
_FLOW_KEYS = keys(*_FLOW_FIELDS, "flow_id", "flow_name", "flow_action_payload")
_FLOW_PAYLOAD_KEYS = keys("screen", "data")  # `data` is the flow's own: any keys


def _flow_action(action: Node) -> dict[str, Any]:
    name = _named(action, "flow")
    parameters = action.child("parameters").only(_FLOW_KEYS)
    reference = either(parameters, "flow_id", "flow_name")
    normalised = {
        **read_fields(parameters, _FLOW_FIELDS),
        reference: parameters.identifier(reference),
    }
    payload = parameters.optional_child("flow_action_payload")
    if payload is not None:
        normalised["flow_action_payload"] = _flow_payload(payload)
    return {**name, "parameters": normalised}


def _flow_payload(payload: Node) -> dict[str, Any]:
    payload.only(_FLOW_PAYLOAD_KEYS)
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
_ADDRESS_KEYS = keys("country", *_ADDRESS_PASSTHROUGH)


def _address_action(action: Node) -> dict[str, Any]:
    name = _named(action, "address_message")
    parameters = action.child("parameters").only(_ADDRESS_KEYS)
    normalised = {"country": parameters.choice("country", _ADDRESS_COUNTRIES)}
    for key in _ADDRESS_PASSTHROUGH:
        if parameters.has(key):
            normalised[key] = copy.deepcopy(parameters.fields[key])
    return {**name, "parameters": normalised}


# --- interactive: media carousels, calls -------------------------------------------------------

_CARD_HEADER = frozenset({"image", "video"})
_CARD_BODY_LIMIT = 160
_CARD_BODY_LINE_BREAKS = 2


def _carousel_action(action: Node) -> dict[str, Any]:
    nodes = action.children("cards", least=2, most=10)
    cards = [_card(card, len(nodes)) for card in nodes]
    check_unique(nodes, "card_index", [card["card_index"] for card in cards])
    # Meta: button types and numbers must match across all cards.
    first = _buttons_of(cards[0])
    for node, card in zip(nodes[1:], cards[1:], strict=True):
        if _buttons_of(card) != first:
            raise node.invalid("action", f"must have the same buttons as {nodes[0].at('action')}")
    return {"cards": cards}


_CARD_KEYS = keys("card_index", "type", "header", "body", "action")
_CARD_BODY_KEYS = keys("text")


def _card(card: Node, count: int) -> dict[str, Any]:
    card.only(_CARD_KEYS)
    body = card.optional_child("body")
    return compact(
        {
            "card_index": card.integer("card_index", least=0, most=count - 1),
            "type": card.choice("type", ("cta_url",)) if card.has("type") else None,
            "header": _header_content(card.child("header"), _CARD_HEADER),
            "body": None if body is None else {"text": _card_body_text(body)},
            "action": _card_action(card.child("action")),
        }
    )


def _card_body_text(body: Node) -> str:
    text = body.only(_CARD_BODY_KEYS).text("text", _CARD_BODY_LIMIT)
    if text.count("\n") > _CARD_BODY_LINE_BREAKS:
        raise body.invalid("text", f"must have at most {_CARD_BODY_LINE_BREAKS} line breaks")
    return text


def _card_action(action: Node) -> dict[str, Any]:
    """One URL button, or quick-reply buttons."""
    action.only(_ACTION_KEYS)
    if either(action, "name", "buttons") == "name":
        return _cta_url_action(action)
    return _replies(action, "quick_reply")


def _buttons_of(card: dict[str, Any]) -> tuple[str, int]:
    action = card["action"]
    return ("quick_reply", len(action["buttons"])) if "buttons" in action else ("cta_url", 1)


_CALL_TTL_MINUTES = (1, 43200)  # Meta: up to 30 days; 7 days when not given
_VOICE_CALL_KEYS = keys("display_text", "ttl_minutes", "payload")


def _voice_call_action(action: Node) -> dict[str, Any]:
    name = _named(action, "voice_call")
    parameters = action.optional_child("parameters")
    if parameters is None:
        return name
    parameters.only(_VOICE_CALL_KEYS)
    ttl = parameters.optional_integer("ttl_minutes", *_CALL_TTL_MINUTES)
    return {
        **name,
        "parameters": compact(
            {
                "display_text": parameters.optional_text("display_text", 20),
                "ttl_minutes": ttl,
                "payload": parameters.optional_text("payload", 512),
            }
        ),
    }


# --- interactive: the envelope -------------------------------------------------------------------

_TEXT_HEADER = frozenset({"text"})
_ANY_HEADER = frozenset({"text", "image", "video", "document"})
_FOOTER_FIELDS = (Text("text", 60, required=True),)
_TEXT_ONLY_KEYS = keys("text")  # body and footer
_HEADER_KEYS = keys("type", *_ANY_HEADER)
_INTERACTIVE_KEYS = keys("type", "header", "body", "footer", "action")
# One `action` object serves every interactive type: the keys of all of them.
_ACTION_KEYS = keys(
    "button",
    "buttons",
    "sections",
    "catalog_id",
    "product_retailer_id",
    "name",
    "parameters",
    "cards",
)


@dataclass(frozen=True, slots=True)
class _InteractiveKind:
    """What one `interactive.type` accepts around its action."""

    type: str
    action: Callable[[Node], dict[str, Any]]
    header_types: frozenset[str] = frozenset()  # empty: no header allowed
    header_required: bool = False
    body_limit: int = 1024
    body_required: bool = True
    footer_allowed: bool = True


_INTERACTIVE_KINDS = {
    kind.type: kind
    for kind in (
        _InteractiveKind("button", partial(_replies, button_type="reply"), _ANY_HEADER),
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
        # Carousel cards carry the media; the message itself is only a body.
        _InteractiveKind("carousel", _carousel_action, footer_allowed=False),
        _InteractiveKind("voice_call", _voice_call_action, _ANY_HEADER),
        # WhatsApp draws the call permission request; only its body is the business's.
        _InteractiveKind(
            "call_permission_request",
            partial(_named, name="call_permission_request"),
            footer_allowed=False,
        ),
        _InteractiveKind("request_contact_info", partial(_named, name="request_contact_info")),
        _InteractiveKind("order_details", orders.order_details_action, _ANY_HEADER),
        _InteractiveKind("order_status", orders.order_status_action, _ANY_HEADER),
    )
}


def _interactive(root: Node) -> dict[str, Any]:
    node = replace(root.child("interactive").only(_INTERACTIVE_KEYS), codes=INTERACTIVE)
    kind = _interactive_kind(node)
    return compact(
        {
            "type": kind.type,
            "header": _header(node, kind),
            "body": _body(node, kind),
            "footer": _footer(node, kind),
            "action": kind.action(node.child("action").only(_ACTION_KEYS)),
        }
    )


def _interactive_kind(node: Node) -> _InteractiveKind:
    return _INTERACTIVE_KINDS[node.choice("type", _INTERACTIVE_KINDS)]


def _header(node: Node, kind: _InteractiveKind) -> dict[str, Any] | None:
    if not node.has("header"):
        if kind.header_required:
            raise node.missing("header")
        return None
    if not kind.header_types:
        raise node.invalid("header", f"is not supported for {kind.type} messages")
    return _header_content(node.child("header"), kind.header_types)


def _header_content(header: Node, types: frozenset[str]) -> dict[str, Any]:
    header_type = header.only(_HEADER_KEYS).choice("type", types)
    if header_type == "text":
        return {"type": "text", "text": header.text("text", 60)}
    return {"type": header_type, header_type: _media_object(header.child(header_type), header_type)}


def _body(node: Node, kind: _InteractiveKind) -> dict[str, Any] | None:
    if not node.has("body") and not kind.body_required:
        return None
    body = node.child("body").only(_TEXT_ONLY_KEYS)
    return read_fields(body, (Text("text", kind.body_limit, required=True),))


def _footer(node: Node, kind: _InteractiveKind) -> dict[str, Any] | None:
    if not node.has("footer"):
        return None
    if not kind.footer_allowed:
        raise node.invalid("footer", f"is not supported for {kind.type} messages")
    return read_fields(node.child("footer").only(_TEXT_ONLY_KEYS), _FOOTER_FIELDS)


# --- Public interface ----------------------------------------------------------------------------

_VALIDATORS: dict[str, Callable[[Node], dict[str, Any]]] = {
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
    return validate(Node.root(message_type, content))


_CONTEXT_KEYS = keys("message_id")


def validate_context(context: Any) -> dict[str, Any]:
    """The normalised reply `context`: `{"message_id": "wamid..."}`."""
    node = Node.root("context", context).child("context").only(_CONTEXT_KEYS)
    return {"message_id": node.wamid("message_id")}
