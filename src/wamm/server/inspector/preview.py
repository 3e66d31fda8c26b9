"""A message as the recipient's WhatsApp shows it: header, body with the parameters substituted,
footer and buttons, built from the stored request and (for a template) the template.

Values stay plain text here; the page template escapes them and applies WhatsApp's formatting
(see `formatting.py`). A template carousel's cards are previews of their own (media header,
body and buttons), drawn side by side under the message bubble; a limited-time offer is a
banner with its text and, when the template's offer expires, the expiry the send gave.
Interactive carousel cards and orders are labels, not drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from wamm.core.model import Template
from wamm.core.templates.variables import TOKEN

MEDIA_TYPES = ("image", "video", "document", "audio", "sticker")
# What a button shows when its template gives no text of its own (Meta's labels).
DEFAULT_BUTTON_TEXT = {"OTP": "Copy code", "COPY_CODE": "Copy offer code"}


@dataclass(frozen=True)
class PreviewButton:
    kind: str  # the template's button type: QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, ...
    text: str
    target: str | None = None  # the URL, phone number or code it acts on


@dataclass(frozen=True)
class Offer:
    text: str
    expires_at_ms: int | None = None  # the send's expiration_time_ms (Unix milliseconds)


@dataclass(frozen=True)
class Preview:
    header_kind: str | None = None  # text, image, video, document, location, ...
    header_text: str | None = None  # header text, a media link or a location name
    body: str = ""
    footer: str | None = None
    buttons: list[PreviewButton] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parts shown as a label only
    offer: Offer | None = None
    cards: list[Preview] = field(default_factory=list)  # a carousel's cards, in order


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parameter_text(parameter: Any) -> str:
    """What a send parameter shows in the text: its text, or a currency's or date's
    fallback value; other kinds by their type."""
    parameter = _object(parameter)
    kind = str(parameter.get("type", "text"))
    if kind == "text":
        return str(parameter.get("text", ""))
    if kind in ("currency", "date_time"):
        return str(_object(parameter.get(kind)).get("fallback_value", ""))
    value = parameter.get(kind)
    return str(value) if isinstance(value, str | int | float) else f"[{kind}]"


def substitute(text: str, parameters: list[Any]) -> str:
    """`text` with {{1}}... (positional) or {{name}} (named) replaced by the parameters; a
    variable without a parameter stays as written."""
    positional = [parameter_text(p) for p in parameters]
    named = {
        str(_object(p).get("parameter_name")): parameter_text(p)
        for p in parameters
        if _object(p).get("parameter_name")
    }

    def value(match: Any) -> str:
        name = str(match[1]).strip()
        if name.isdigit():
            index = int(name) - 1
            return positional[index] if 0 <= index < len(positional) else str(match[0])
        return named.get(name, str(match[0]))

    return TOKEN.sub(value, text)


def _sent_components(components: Any) -> dict[str, Any]:
    """The parameters sent per component: `header`, `body`, `button:<index>`,
    `limited_time_offer`; `card:<index>` holds a carousel card's own components."""
    sent: dict[str, Any] = {}
    for raw in _list(components):
        component = _object(raw)
        kind = str(component.get("type", "")).lower()
        if kind == "carousel":
            for card in _list(component.get("cards")):
                index = _object(card).get("card_index", 0)
                sent[f"card:{index}"] = _sent_components(_object(card).get("components"))
            continue
        key = f"button:{component.get('index', '0')}" if kind == "button" else kind
        sent[key] = _list(component.get("parameters"))
    return sent


def _header(component: Mapping[str, Any], parameters: list[Any]) -> tuple[str, str | None]:
    kind = str(component.get("format", "TEXT")).lower()
    if kind == "text":
        return kind, substitute(str(component.get("text", "")), parameters)
    media = _object(_object(parameters[0]).get(kind)) if parameters else {}
    return kind, media.get("link") or media.get("id") or media.get("name")


def _template_button(index: int, button: Mapping[str, Any], sent: dict[str, Any]) -> PreviewButton:
    kind = str(button.get("type", "")).upper()
    parameters = sent.get(f"button:{index}", [])
    text = str(button.get("text") or DEFAULT_BUTTON_TEXT.get(kind, kind.replace("_", " ")))
    target: str | None = None
    if kind == "URL":
        target = substitute(str(button.get("url", "")), parameters)
    elif kind == "PHONE_NUMBER":
        target = str(button.get("phone_number", ""))
    elif kind == "COPY_CODE" and parameters:
        target = str(_object(parameters[0]).get("coupon_code", ""))
    return PreviewButton(kind, text, target)


def _offer(component: Mapping[str, Any], parameters: list[Any]) -> Offer:
    offer = _object(component.get("limited_time_offer"))
    expiry = _object(_object(parameters[0]).get("limited_time_offer")) if parameters else {}
    expires = expiry.get("expiration_time_ms") if offer.get("has_expiration") else None
    valid = isinstance(expires, int) and not isinstance(expires, bool)
    return Offer(str(offer.get("text", "")), expires if valid else None)


def _cards(component: Mapping[str, Any], sent: dict[str, Any]) -> list[Preview]:
    return [
        _components_preview(_list(_object(card).get("components")), sent.get(f"card:{i}", {}))
        for i, card in enumerate(_list(component.get("cards")))
    ]


def _components_preview(components: list[Any], sent: dict[str, Any]) -> Preview:
    """A template's components (or a carousel card's) with the sent parameters."""
    parts: dict[str, Any] = {"buttons": [], "notes": [], "cards": []}
    for raw in components:
        component = _object(raw)
        kind = str(component.get("type", "")).upper()
        if kind == "HEADER":
            parts["header_kind"], parts["header_text"] = _header(component, sent.get("header", []))
        elif kind == "BODY":
            parts["body"] = substitute(str(component.get("text", "")), sent.get("body", []))
        elif kind == "FOOTER":
            parts["footer"] = str(component.get("text", ""))
        elif kind == "BUTTONS":
            buttons = enumerate(_list(component.get("buttons")))
            parts["buttons"] = [_template_button(i, _object(b), sent) for i, b in buttons]
        elif kind == "LIMITED_TIME_OFFER":
            parts["offer"] = _offer(component, sent.get("limited_time_offer", []))
        elif kind == "CAROUSEL":
            parts["cards"] = _cards(component, sent)
        else:
            parts["notes"].append(kind.replace("_", " ").lower())
    return Preview(**parts)


def template_preview(template: Template, payload: Mapping[str, Any]) -> Preview:
    """A template message: the template's components with the sent parameters (none: the
    template as written, its variables shown as {{1}} or {{name}})."""
    return _components_preview(template.components, _sent_components(payload.get("components")))


def _reply_buttons(action: Mapping[str, Any]) -> Preview:
    return Preview(
        buttons=[
            PreviewButton("QUICK_REPLY", str(_object(_object(b).get("reply")).get("title", "")))
            for b in _list(action.get("buttons"))
        ]
    )


def _card_note(card: Any) -> str:
    """One carousel card as a label: its position, media, body and buttons."""
    card = _object(card)
    header = _object(card.get("header"))
    kind = str(header.get("type", "media"))
    media = _object(header.get(kind))
    action = _object(card.get("action"))
    buttons = [
        str(_object(_object(b).get("quick_reply")).get("title", ""))
        for b in _list(action.get("buttons"))
    ] or [str(_object(action.get("parameters")).get("display_text", ""))]
    body = str(_object(card.get("body")).get("text", ""))
    source = media.get("link") or media.get("id") or ""
    return f"card {card.get('card_index', '?')}: {kind} {source} | {body} | {' / '.join(buttons)}"


def _carousel(action: Mapping[str, Any]) -> Preview:
    return Preview(notes=[_card_note(card) for card in _list(action.get("cards"))])


def _voice_call(action: Mapping[str, Any]) -> Preview:
    label = _object(action.get("parameters")).get("display_text") or "Call Now"
    return Preview(buttons=[PreviewButton("VOICE_CALL", str(label))])


def _order_details(action: Mapping[str, Any]) -> Preview:
    parameters = _object(action.get("parameters"))
    total = _object(parameters.get("total_amount"))
    value, offset = total.get("value"), total.get("offset")
    worth = "?"
    if isinstance(value, int) and isinstance(offset, int) and offset > 0:
        worth = f"{Decimal(value) / Decimal(offset):.2f}"  # no float overflow on huge values
    items = len(_list(_object(parameters.get("order")).get("items")))
    summary = f"order {parameters.get('reference_id', '')}: {parameters.get('currency', '')} "
    summary += worth + (f", {items} item(s)" if items else "")
    return Preview(buttons=[PreviewButton("ORDER_DETAILS", "Review and pay")], notes=[summary])


def _order_status(action: Mapping[str, Any]) -> Preview:
    parameters = _object(action.get("parameters"))
    status = _object(parameters.get("order")).get("status", "")
    return Preview(notes=[f"order {parameters.get('reference_id', '')}: {status}"])


# What each interactive type adds below its body: buttons and labels.
_INTERACTIVE_PARTS: dict[str, Callable[[Mapping[str, Any]], Preview]] = {
    "button": _reply_buttons,
    "carousel": _carousel,
    "voice_call": _voice_call,
    "call_permission_request": lambda _: Preview(notes=["call permission request"]),
    "request_contact_info": lambda _: Preview(
        buttons=[PreviewButton("REQUEST_CONTACT_INFO", "Share contact info")]
    ),
    "order_details": _order_details,
    "order_status": _order_status,
}


def _no_parts(_action: Mapping[str, Any]) -> Preview:
    return Preview()


def _interactive_header(header: Mapping[str, Any]) -> tuple[str | None, str | None]:
    kind = header.get("type")
    if not isinstance(kind, str) or not kind:
        return None, None
    if kind == "text":
        return kind, str(header.get("text", ""))
    media = _object(header.get(kind))
    return kind, str(media.get("link") or media.get("id") or "")


def _interactive(payload: Mapping[str, Any]) -> Preview:
    parts = _INTERACTIVE_PARTS.get(str(payload.get("type")), _no_parts)
    extra = parts(_object(payload.get("action")))
    return Preview(
        *_interactive_header(_object(payload.get("header"))),
        body=str(_object(payload.get("body")).get("text", "")),
        footer=str(_object(payload.get("footer")).get("text", "")) or None,
        buttons=extra.buttons,
        notes=extra.notes,
    )


def content_preview(kind: str, payload: Mapping[str, Any]) -> Preview:
    """A message that is not a template: text, media, location or interactive."""
    if kind == "text":
        return Preview(body=str(payload.get("body", "")))
    if kind in MEDIA_TYPES:
        link = payload.get("link") or payload.get("id")
        return Preview(kind, str(link or ""), str(payload.get("caption", "")))
    if kind == "location":
        return Preview(kind, str(payload.get("name", "")), str(payload.get("address", "")))
    if kind == "interactive":
        return _interactive(payload)
    return Preview(notes=[f"{kind} message"])


def message_preview(message: Mapping[str, Any], template: Template | None) -> Preview:
    """The preview of a message as the control API lists it (`message_view`)."""
    payload = _object(message.get("payload"))
    if template is not None:
        return template_preview(template, payload)
    if message.get("type") == "template":  # the template is gone from the catalog
        return Preview(notes=[f"template {payload.get('name', '')} (no longer in the catalog)"])
    return content_preview(str(message.get("type", "")), payload)
