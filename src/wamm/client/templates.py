"""Template definitions and edits, checked locally by wamm's own template rules.

`TemplateDefinition` runs `wamm.core.templates.parse_create` — the code the emulator answers
with — on its body when it is built, so a definition Meta would reject raises `ValidationError`
(with Meta's code and subcode, e.g. 2388072 for a body format problem) before any request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wamm.client.components import ComponentLike, as_dict
from wamm.client.errors import ValidationError, validating
from wamm.client.models import BidSpec, Template
from wamm.core import model
from wamm.core.templates import parse_create, parse_creative_features, parse_edit
from wamm.core.templates.content import parse_components
from wamm.core.templates.create import parse_ttl
from wamm.core.templates.features import parse_bid_spec
from wamm.core.templates.keys import check_body_keys
from wamm.core.templates.readers import enum
from wamm.core.templates.rules import Rules
from wamm.core.templates.upsert import parse_upsert

DOF_SPEC = "degrees_of_freedom_spec"


def creative_features_spec(features: Mapping[str, str]) -> dict[str, Any]:
    """`{"creative_features_spec": {feature: {"enroll_status": status}}}`, the shape to set
    creative optimisations with (templates and WABAs alike)."""
    return {
        "creative_features_spec": {
            feature: {"enroll_status": status} for feature, status in features.items()
        }
    }


def _body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The request body: the values that are set, in their Graph shapes."""
    body: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key == "components":
            body[key] = [as_dict(component) for component in value]
        elif key == "creative_features":
            body[DOF_SPEC] = creative_features_spec(value)
        elif isinstance(value, BidSpec):
            body[key] = {"bid_amount": value.bid_amount, "bid_strategy": value.bid_strategy}
        else:
            body[key] = value
    return body


@dataclass(frozen=True)
class TemplateDefinition:
    """A template to create. Checked when built: raises `ValidationError` for what Meta would
    reject (names, languages, components and their samples, TTL range, bid spec, ...)."""

    name: str
    language: str
    category: str
    components: Sequence[ComponentLike]
    parameter_format: str | None = None
    message_send_ttl_seconds: int | None = None
    creative_features: Mapping[str, str] | None = None
    bid_spec: BidSpec | None = None
    sub_category: str | None = None
    cta_url_link_tracking_opted_out: bool | None = None

    def __post_init__(self) -> None:
        with validating():
            parse_create(self.to_body())

    def to_body(self) -> dict[str, Any]:
        """The POST /{waba_id}/message_templates body."""
        return _body(vars(self))


@dataclass(frozen=True)
class TemplateEdit:
    """Changes to a template. Creative features are checked when built, and with `category`
    given, components, TTL and bid spec too; `check_against` checks the edit in full."""

    components: Sequence[ComponentLike] | None = None
    category: str | None = None
    parameter_format: str | None = None
    message_send_ttl_seconds: int | None = None
    creative_features: Mapping[str, str] | None = None
    bid_spec: BidSpec | None = None
    cta_url_link_tracking_opted_out: bool | None = None

    def __post_init__(self) -> None:
        body = self.to_body()
        if not body:
            raise ValidationError("Nothing to edit: give at least one change.")
        with validating():
            check_body_keys(body)
            if DOF_SPEC in body:
                parse_creative_features(body[DOF_SPEC], DOF_SPEC)
            if self.category is not None:
                self._check_in(enum(self.category, "category", model.CATEGORIES), body)

    def _check_in(self, category: str, body: dict[str, Any]) -> None:
        named = (self.parameter_format or "").upper() == "NAMED"
        if "components" in body:
            parse_components(body["components"], Rules(category, named))
        parse_ttl(self.message_send_ttl_seconds, category)
        parse_bid_spec(body, category)

    def to_body(self) -> dict[str, Any]:
        """The POST /{template_id} body."""
        return _body(vars(self))

    def check_against(self, template: Template) -> None:
        """Check the edit as the API would for `template` (read with `category`, `status`,
        `components` and `parameter_format`): status, category change, components."""
        with validating():
            parse_edit(core_template(template), self.to_body(), 0.0)


@dataclass(frozen=True)
class LibraryTemplateDefinition:
    """A template to create from Meta's template library: the library template's name and
    the inputs it asks for (`button_inputs`: the URL, phone number or OTP button values;
    `body_inputs`: e.g. `add_security_recommendation`, `code_expiration_minutes`).

    Not checked locally: Meta's library holds templates wamm's small library does not."""

    name: str
    language: str
    category: str
    library_template_name: str
    button_inputs: Sequence[Mapping[str, Any]] | None = None
    body_inputs: Mapping[str, Any] | None = None
    message_send_ttl_seconds: int | None = None

    def to_body(self) -> dict[str, Any]:
        """The POST /{waba_id}/message_templates body."""
        body = _body(
            {
                "name": self.name,
                "language": self.language,
                "category": self.category,
                "library_template_name": self.library_template_name,
                "message_send_ttl_seconds": self.message_send_ttl_seconds,
            }
        )
        if self.button_inputs is not None:
            body["library_template_button_inputs"] = [dict(b) for b in self.button_inputs]
        if self.body_inputs is not None:
            body["library_template_body_inputs"] = dict(self.body_inputs)
        return body


@dataclass(frozen=True)
class AuthenticationTemplates:
    """One authentication template in several languages (`upsert_message_templates`):
    each language is created, or updated when the WABA has it. Checked when built like a
    `TemplateDefinition` in each language."""

    name: str
    languages: Sequence[str]
    components: Sequence[ComponentLike]
    message_send_ttl_seconds: int | None = None

    def __post_init__(self) -> None:
        with validating():
            parse_upsert(self.to_body())

    def to_body(self) -> dict[str, Any]:
        """The POST /{waba_id}/upsert_message_templates body."""
        return _body(
            {
                "name": self.name,
                "languages": list(self.languages),
                "category": "AUTHENTICATION",
                "components": self.components,
                "message_send_ttl_seconds": self.message_send_ttl_seconds,
            }
        )


def core_template(template: Template) -> model.Template:
    """wamm's own template record for a template read from the API."""
    return model.Template(
        id=template.id,
        waba_id="",
        seq=0,
        name=template.name or "",
        language=template.language or "",
        category=template.category or "MARKETING",
        status=template.status or "APPROVED",
        components=template.components or [],
        parameter_format=template.parameter_format or "POSITIONAL",
        bid_spec=None if template.bid_spec is None else {"bid_amount": 1},
    )
