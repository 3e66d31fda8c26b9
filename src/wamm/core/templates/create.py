"""The create request, POST /{waba_id}/message_templates: `parse_create` -> `TemplateSpec`, and
the name, language and TTL rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from wamm.core.coerce import as_int, as_str, required
from wamm.core.errors import invalid_parameter
from wamm.core.model import CATEGORIES
from wamm.core.templates.content import parse_components
from wamm.core.templates.features import parse_bid_spec, parse_creative_features
from wamm.core.templates.keys import check_body_keys
from wamm.core.templates.limits import (
    LANGUAGES,
    NAME_LIMIT,
    PARAMETER_FORMATS,
    TTL_DEFAULT_CATEGORIES,
    TTL_RANGES,
)
from wamm.core.templates.readers import enum, optional_bool, optional_str
from wamm.core.templates.rules import Rules

_NAME = re.compile(r"[a-z0-9_]+")


class TemplateSpec(msgspec.Struct, kw_only=True):
    """A validated, normalised create request (its fields are the `Template`'s of the same
    names: `Template.from_spec` builds one)."""

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


def parse_ttl(value: Any, category: str) -> int | None:
    """`message_send_ttl_seconds` within the category's range (-1 where allowed)."""
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


def parse_create(body: Mapping[str, Any]) -> TemplateSpec:
    """Validate and normalise a POST /{waba_id}/message_templates body."""
    check_body_keys(body)
    name = _parse_name(required(body, "name"))
    language = _parse_language(required(body, "language"))
    category = enum(required(body, "category"), "category", CATEGORIES)
    parameter_format = enum(
        body.get("parameter_format") or "POSITIONAL", "parameter_format", PARAMETER_FORMATS
    )
    rules = Rules(category, parameter_format == "NAMED")
    sub_category = optional_str(body, "sub_category")
    features = body.get("degrees_of_freedom_spec")
    return TemplateSpec(
        name=name,
        language=language,
        category=category,
        components=parse_components(required(body, "components"), rules),
        parameter_format=parameter_format,
        sub_category=sub_category.upper() if sub_category else None,
        message_send_ttl_seconds=parse_ttl(body.get("message_send_ttl_seconds"), category),
        creative_features=(
            {} if features is None else parse_creative_features(features, "degrees_of_freedom_spec")
        ),
        bid_spec=parse_bid_spec(body, category),
        cta_url_link_tracking_opted_out=optional_bool(body, "cta_url_link_tracking_opted_out"),
        library_template_name=optional_str(body, "library_template_name"),
    )
