"""Marketing extras of a template: creative features (`degrees_of_freedom_spec`, also set at WABA
level) and the bid cap (`optimization_spec` / `bid_spec`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_int, as_object, as_str
from wamm.core.content_cursor import check_keys, meta_path
from wamm.core.errors import invalid_parameter, unexpected_key
from wamm.core.templates.keys import CREATIVE_SPEC_KEYS, FEATURE_SETTING_KEYS
from wamm.core.templates.limits import BID_STRATEGY, DOF_FEATURES, ENROLL_STATUSES
from wamm.core.templates.readers import decoded, member, member_enum


def parse_creative_features(value: Any, name: str) -> dict[str, str]:
    """`{"creative_features_spec": {feature: {"enroll_status": ...}}}` -> {feature: status}.

    Feature keys are matched case-insensitively (reads return them upper-case) and stored
    lower-case; any other key is unexpected, as in every object of the spec. Used for templates
    and for the WABA-level POST.
    """
    spec = as_object(decoded(value), name)
    check_keys(spec, CREATIVE_SPEC_KEYS, name)
    features_field = f"{name}.creative_features_spec"
    features = member(spec, "creative_features_spec", name, as_object)
    unknown = next((key for key in features if key.lower() not in DOF_FEATURES), None)
    if unknown is not None:
        raise unexpected_key(unknown, meta_path(features_field))
    parsed = {}
    for key, raw in features.items():
        setting_field = f"{features_field}.{key}"
        setting = as_object(raw, setting_field)
        check_keys(setting, FEATURE_SETTING_KEYS, setting_field)
        parsed[key.lower()] = member_enum(setting, "enroll_status", setting_field, ENROLL_STATUSES)
    return parsed


def creative_features_read(features: Mapping[str, str]) -> dict[str, Any]:
    """The template GET shape; features never set read as OPT_IN (Meta's template default)."""
    return {
        "creative_features_spec": [
            {"key": feature.upper(), "value": {"enroll_status": features.get(feature, "OPT_IN")}}
            for feature in DOF_FEATURES
        ]
    }


def parse_bid_spec(body: Mapping[str, Any], category: str) -> dict[str, Any] | None:
    """`optimization_spec` (Jun 2026 name) or the older `bid_spec` (facts §2.14)."""
    given = [key for key in ("optimization_spec", "bid_spec") if body.get(key) is not None]
    if not given:
        return None
    if len(given) > 1:
        raise invalid_parameter("Give either optimization_spec or bid_spec, not both.")
    key = given[0]
    if category != "MARKETING":
        raise invalid_parameter(f"Param {key} is only available for MARKETING templates.")
    spec = as_object(decoded(body[key]), key)
    amount = member(spec, "bid_amount", key, as_int)
    if amount <= 0:
        raise invalid_parameter(f"Param {key}.bid_amount must be a positive integer; got {amount}.")
    strategy = member(spec, "bid_strategy", key, as_str)
    if strategy.upper() != BID_STRATEGY:
        raise invalid_parameter(
            f"Param {key}.bid_strategy must be {BID_STRATEGY}; got '{strategy}'."
        )
    return {"bid_amount": amount, "bid_strategy": BID_STRATEGY}
