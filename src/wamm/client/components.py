"""Builders for the components of a template definition (create and edit).

Each builder is a small frozen dataclass whose `to_dict()` is the Graph shape. Samples are
given as a sequence for positional variables (`{{1}}`, `{{2}}`) or as a mapping for named
ones (`{{first_name}}`). Builders are checked as part of a whole `TemplateDefinition` (see
`wamm.client.templates`), because what is valid depends on the category and parameter format.
Plain dicts in Meta's shape are accepted wherever a builder is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias


class Component(Protocol):
    """Anything with a Graph shape: every builder here."""

    def to_dict(self) -> dict[str, Any]:
        """The component (or button) in Meta's JSON shape."""
        ...


ComponentLike: TypeAlias = Component | Mapping[str, Any]
Samples: TypeAlias = Sequence[str] | Mapping[str, str]


def as_dict(component: ComponentLike) -> dict[str, Any]:
    """A builder's or a plain mapping's Graph shape."""
    return dict(component) if isinstance(component, Mapping) else component.to_dict()


def _samples(key: str, samples: Samples, nested: bool) -> dict[str, Any]:
    if isinstance(samples, Mapping):
        named = [{"param_name": name, "example": value} for name, value in samples.items()]
        return {f"{key}_named_params": named}
    values = list(samples)
    return {key: [values] if nested else values}


@dataclass(frozen=True)
class HeaderText:
    """A TEXT header (at most 60 characters, at most one variable, with its sample)."""

    text: str
    example: Samples = ()

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "HEADER", "format": "TEXT", ...}`."""
        header: dict[str, Any] = {"type": "HEADER", "format": "TEXT", "text": self.text}
        if self.example:
            header["example"] = _samples("header_text", self.example, nested=False)
        return header


@dataclass(frozen=True)
class HeaderMedia:
    """An IMAGE, VIDEO, DOCUMENT or GIF header with a sample's upload handle, or a LOCATION
    header (no handle)."""

    format: str
    handle: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "HEADER", "format": ..., "example": {"header_handle": [...]}}`."""
        header: dict[str, Any] = {"type": "HEADER", "format": self.format.upper()}
        if self.handle is not None:
            header["example"] = {"header_handle": [self.handle]}
        return header


@dataclass(frozen=True)
class Body:
    """The body: text with variables and their samples. Authentication templates take no text,
    only `add_security_recommendation`."""

    text: str | None = None
    example: Samples = ()
    add_security_recommendation: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "BODY", "text": ..., "example": {...}}`."""
        body: dict[str, Any] = {"type": "BODY"}
        if self.text is not None:
            body["text"] = self.text
        if self.example:
            body["example"] = _samples("body_text", self.example, nested=True)
        if self.add_security_recommendation is not None:
            body["add_security_recommendation"] = self.add_security_recommendation
        return body


@dataclass(frozen=True)
class Footer:
    """A footer (at most 60 characters, no variables); for authentication templates,
    `code_expiration_minutes` (1 to 90) instead of text."""

    text: str | None = None
    code_expiration_minutes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "FOOTER", ...}`."""
        footer: dict[str, Any] = {"type": "FOOTER"}
        if self.text is not None:
            footer["text"] = self.text
        if self.code_expiration_minutes is not None:
            footer["code_expiration_minutes"] = self.code_expiration_minutes
        return footer


@dataclass(frozen=True)
class QuickReply:
    """A quick-reply button (label at most 25 characters)."""

    text: str

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "QUICK_REPLY", "text": ...}`."""
        return {"type": "QUICK_REPLY", "text": self.text}


@dataclass(frozen=True)
class UrlButton:
    """A URL button; the URL may end with `{{1}}`, which then needs an `example`."""

    text: str
    url: str
    example: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "URL", "text": ..., "url": ..., "example": [...]}`."""
        button: dict[str, Any] = {"type": "URL", "text": self.text, "url": self.url}
        if self.example is not None:
            button["example"] = [self.example]
        return button


@dataclass(frozen=True)
class PhoneNumberButton:
    """A call button (number at most 20 characters)."""

    text: str
    phone_number: str

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "PHONE_NUMBER", ...}`."""
        return {"type": "PHONE_NUMBER", "text": self.text, "phone_number": self.phone_number}


@dataclass(frozen=True)
class CopyCodeButton:
    """A copy-code (coupon) button with a sample code of at most 15 characters."""

    example: str

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "COPY_CODE", "example": ...}`."""
        return {"type": "COPY_CODE", "example": self.example}


@dataclass(frozen=True)
class OtpButton:
    """An authentication template's one-time-password button (COPY_CODE, ONE_TAP, ZERO_TAP;
    the latter two need `supported_apps`)."""

    otp_type: str = "COPY_CODE"
    supported_apps: Sequence[Mapping[str, str]] = ()

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "OTP", "otp_type": ..., ...}`."""
        button: dict[str, Any] = {"type": "OTP", "otp_type": self.otp_type}
        if self.supported_apps:
            button["supported_apps"] = [dict(app) for app in self.supported_apps]
        return button


@dataclass(frozen=True)
class Buttons:
    """The BUTTONS component (at most 10; quick replies grouped together)."""

    buttons: Sequence[ComponentLike] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "BUTTONS", "buttons": [...]}`."""
        return {"type": "BUTTONS", "buttons": [as_dict(button) for button in self.buttons]}


@dataclass(frozen=True)
class LimitedTimeOffer:
    """A marketing template's limited-time offer (text at most 16 characters)."""

    text: str
    has_expiration: bool = False

    def to_dict(self) -> dict[str, Any]:
        """`{"type": "LIMITED_TIME_OFFER", "limited_time_offer": {...}}`."""
        offer = {"text": self.text, "has_expiration": self.has_expiration}
        return {"type": "LIMITED_TIME_OFFER", "limited_time_offer": offer}
