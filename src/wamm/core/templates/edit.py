"""The edit request, POST /{template_id}: which templates may change, how often, and what."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_bool
from wamm.core.errors import invalid_parameter
from wamm.core.model import CATEGORIES, Template
from wamm.core.templates.content import parse_components
from wamm.core.templates.create import parse_ttl
from wamm.core.templates.errors import reject
from wamm.core.templates.features import parse_bid_spec, parse_creative_features
from wamm.core.templates.keys import check_body_keys
from wamm.core.templates.limits import (
    EDIT_WINDOWS,
    EDITABLE_STATUSES,
    PARAMETER_FORMATS,
    SUBCODE_NOT_EDITABLE,
)
from wamm.core.templates.readers import enum
from wamm.core.templates.rules import Rules

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


def parse_edit(template: Template, body: Mapping[str, Any], now: float) -> dict[str, Any]:
    """Validate a POST /{template_id} edit; return the new values keyed by Template attribute.

    A category or parameter_format change re-validates the components (given or current)
    against it; a category change re-validates the TTL the same way.
    """
    check_body_keys(body)
    given = {key: body[key] for key in _EDIT_FIELDS if body.get(key) is not None}
    if not given:
        raise invalid_parameter(f"Nothing to edit: give at least one of {', '.join(_EDIT_FIELDS)}.")
    _check_editable(template, now)
    _check_not_library(template, given)
    category = _edited_category(template, given)
    return _edited_content(template, given, category) | _edited_settings(template, given, category)


def _check_editable(template: Template, now: float) -> None:
    if template.status not in EDITABLE_STATUSES:
        raise reject(
            SUBCODE_NOT_EDITABLE,
            f"Template {template.name} ({template.language}) is {template.status}; only "
            "APPROVED, REJECTED or PAUSED templates can be edited.",
        )
    if template.status == "APPROVED":
        _check_edit_budget(template, now)


def _check_not_library(template: Template, given: Mapping[str, Any]) -> None:
    """A template made from the library keeps the library's fixed content."""
    if template.library_template_name is not None and "components" in given:
        raise reject(
            SUBCODE_NOT_EDITABLE,
            f"Template {template.name} ({template.language}) was created from the template "
            f"library ({template.library_template_name}); its components can't be edited.",
            title="Library template content can't be edited",
        )


def _check_edit_budget(template: Template, now: float) -> None:
    for window, limit, label in EDIT_WINDOWS:
        recent = sorted(time for time in template.edit_times if now - time < window)
        if len(recent) >= limit:
            # The edit becomes possible when enough of the recent edits leave the window.
            hours = math.ceil((recent[len(recent) - limit] + window - now) / 3600)
            raise reject(
                None,
                f"Template {template.name} ({template.language}) was edited {len(recent)} "
                f"time(s) in the last {label}; an approved template allows {limit}. Try again "
                f"in {hours} hour(s).",
                title="Template edit limit reached",
            )


def _edited_category(template: Template, given: Mapping[str, Any]) -> str:
    category = enum(given.get("category", template.category), "category", CATEGORIES)
    if template.status == "APPROVED" and category != template.category:
        raise reject(
            None,
            f"category of an APPROVED template can't change (it is {template.category}; the "
            f"edit asks for {category}).",
        )
    return category


def _edited_content(template: Template, given: Mapping[str, Any], category: str) -> dict[str, Any]:
    """New category, parameter_format and components, when the edit touches any of them."""
    if not given.keys() & {"category", "parameter_format", "components"}:
        return {}
    parameter_format = enum(
        given.get("parameter_format", template.parameter_format),
        "parameter_format",
        PARAMETER_FORMATS,
    )
    rules = Rules(category, parameter_format == "NAMED")
    return {
        "category": category,
        "parameter_format": parameter_format,
        "components": parse_components(given.get("components", template.components), rules),
    }


def _edited_settings(template: Template, given: Mapping[str, Any], category: str) -> dict[str, Any]:
    """New TTL, creative features, bid spec and link tracking, when the edit gives them."""
    changes: dict[str, Any] = {}
    if given.keys() & {"category", "message_send_ttl_seconds"}:
        changes["message_send_ttl_seconds"] = parse_ttl(
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
        changes["bid_spec"] = parse_bid_spec(given, category)
    if "cta_url_link_tracking_opted_out" in given:
        changes["cta_url_link_tracking_opted_out"] = as_bool(
            given["cta_url_link_tracking_opted_out"], "cta_url_link_tracking_opted_out"
        )
    return changes
