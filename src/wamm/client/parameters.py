"""Send-time template values: parameters, the components that carry them, and the template
object of a send.

Each parameter is checked when built with wamm's own send-time rules
(`wamm.core.templates.values.check_param`): an empty text, a currency without an ISO code, a
coupon code that is not 1-20 letters or digits, media without id or link... raise
`ValidationError` at once. `TemplateMessage.check_against(template)` checks the whole set
against a template read from the API (counts 132000, names and types 132012, missing 131008).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from wamm.client.errors import validating
from wamm.client.models import Template
from wamm.client.templates import core_template
from wamm.core.templates import check_send_components, values
from wamm.core.templates.values import check_param

# The parameter types wamm's send-time rules have a value check for (one table: wamm's).
CHECKED_TYPES = frozenset(values._VALUE_CHECKS)


@dataclass(frozen=True)
class Parameter:
    """One send-time parameter: `{"type": T, T: value}`, plus `parameter_name` for templates
    with named variables."""

    type: str
    value: Any
    name: str | None = None

    def __post_init__(self) -> None:
        if self.type not in CHECKED_TYPES:
            return  # a type wamm has no rule for (product, ...) is left to the API
        with validating():
            check_param(self.to_dict(), "parameter", (self.type,), f"a {self.type} parameter")

    def to_dict(self) -> dict[str, Any]:
        """The parameter in Meta's shape."""
        param: dict[str, Any] = {"type": self.type, self.type: self.value}
        if self.name is not None:
            param["parameter_name"] = self.name
        return param


def text(value: str, *, name: str | None = None) -> Parameter:
    """A text variable (`name` for named templates)."""
    return Parameter("text", value, name)


def currency(
    fallback_value: str, code: str, amount_1000: int, *, name: str | None = None
) -> Parameter:
    """A currency variable: ISO 4217 `code` and the amount times 1000."""
    value = {"fallback_value": fallback_value, "code": code, "amount_1000": amount_1000}
    return Parameter("currency", value, name)


def date_time(fallback_value: str, *, name: str | None = None) -> Parameter:
    """A date-time variable."""
    return Parameter("date_time", {"fallback_value": fallback_value}, name)


def media(kind: str, *, id: str | None = None, link: str | None = None) -> Parameter:
    """A media header parameter (`image`, `video`, `document`, `gif`): an uploaded id or a
    link."""
    source = {key: value for key, value in (("id", id), ("link", link)) if value is not None}
    return Parameter(kind, source)


def location(
    latitude: float, longitude: float, name: str | None = None, address: str | None = None
) -> Parameter:
    """A location header parameter."""
    value: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    value.update({k: v for k, v in (("name", name), ("address", address)) if v is not None})
    return Parameter("location", value)


def payload(value: str) -> Parameter:
    """A quick-reply button's payload."""
    return Parameter("payload", value)


def coupon_code(code: str) -> Parameter:
    """A copy-code button's coupon code (1 to 20 letters or digits)."""
    return Parameter("coupon_code", code)


@dataclass(frozen=True)
class SendComponent:
    """One component of a send: `header`, `body`, `button` (with `sub_type` and `index`) or
    `limited_time_offer`, and its parameters."""

    type: str
    parameters: Sequence[Parameter] = ()
    sub_type: str | None = None
    index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The component in Meta's shape."""
        component: dict[str, Any] = {"type": self.type}
        if self.sub_type is not None:
            component["sub_type"] = self.sub_type
            component["index"] = str(self.index)
        component["parameters"] = [param.to_dict() for param in self.parameters]
        return component


def header(param: Parameter) -> SendComponent:
    """The header's value: a text variable, or the media / location of a media header."""
    return SendComponent("header", (param,))


def body(*params: Parameter) -> SendComponent:
    """The body's variables, in order (or by name)."""
    return SendComponent("body", params)


def button(index: int, sub_type: str, param: Parameter) -> SendComponent:
    """The value of button `index` (zero-based): `url` suffix, `quick_reply` payload,
    `copy_code` coupon."""
    return SendComponent("button", (param,), sub_type=sub_type, index=index)


def limited_time_offer(expiration_time_ms: int) -> SendComponent:
    """When a limited-time offer expires (unix time in milliseconds)."""
    offer = Parameter("limited_time_offer", {"expiration_time_ms": expiration_time_ms})
    return SendComponent("limited_time_offer", (offer,))


SendComponentLike: TypeAlias = SendComponent | Mapping[str, Any]


@dataclass(frozen=True)
class TemplateMessage:
    """The `template` object of a send: which template, in which language, with what values."""

    name: str
    language: str = "en_US"
    components: Sequence[SendComponentLike] = ()

    def to_dict(self) -> dict[str, Any]:
        """`{"name", "language": {"code"}, "components"}`."""
        template: dict[str, Any] = {"name": self.name, "language": {"code": self.language}}
        if self.components:
            template["components"] = [
                dict(c) if isinstance(c, Mapping) else c.to_dict() for c in self.components
            ]
        return template

    def check_against(self, template: Template) -> None:
        """Check the values against `template` (read with `components`, `category` and
        `parameter_format`) as the API would at send time."""
        with validating():
            check_send_components(core_template(template), self.to_dict().get("components"))
