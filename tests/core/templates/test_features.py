"""Creative features (core/templates/features.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import create, expect_error
from wamm.core.templates import (
    DOF_FEATURES,
    creative_features_read,
    parse_create,
    parse_creative_features,
)


def test_creative_features_accept_all_ten_keys() -> None:
    spec = {
        "creative_features_spec": {
            feature: {"enroll_status": "OPT_OUT" if i % 2 else "opt_in"}
            for i, feature in enumerate(DOF_FEATURES)
        }
    }
    parsed = parse_creative_features(spec, "degrees_of_freedom_spec")
    assert list(parsed) == list(DOF_FEATURES)
    assert set(parsed.values()) == {"OPT_IN", "OPT_OUT"}


def test_creative_feature_keys_are_case_insensitive() -> None:
    spec = {"creative_features_spec": {"IMAGE_TOUCHUPS": {"enroll_status": "OPT_OUT"}}}
    assert parse_creative_features(spec, "x") == {"image_touchups": "OPT_OUT"}


@pytest.mark.parametrize(
    ("spec", "mention"),
    [
        ({}, "degrees_of_freedom_spec.creative_features_spec"),
        (
            {"creative_features_spec": {"glitter": {"enroll_status": "OPT_IN"}}},
            'Unexpected key "glitter" on param '
            """"degrees_of_freedom_spec['creative_features_spec']".""",
        ),
        (
            {"creative_features_spec": {"image_touchups": {"enroll_status": "MAYBE"}}},
            "degrees_of_freedom_spec['creative_features_spec']['image_touchups']['enroll_status']"
            ' must be one of {OPT_IN, OPT_OUT} - got "MAYBE".',
        ),
        (
            {"creative_features_spec": {"image_touchups": {}}},
            "degrees_of_freedom_spec.creative_features_spec.image_touchups.enroll_status",
        ),
        (
            {"creative_features_spec": {"image_touchups": "OPT_IN"}},
            "degrees_of_freedom_spec.creative_features_spec.image_touchups",
        ),
        ("not json", "degrees_of_freedom_spec must be a JSON object"),
    ],
)
def test_creative_feature_errors(spec: Any, mention: str) -> None:
    expect_error(
        lambda: parse_creative_features(spec, "degrees_of_freedom_spec"), 100, None, mention
    )


def test_creative_features_read_lists_all_ten_in_order_with_opt_in_default() -> None:
    read = creative_features_read({"image_touchups": "OPT_OUT", "product_extensions": "OPT_IN"})
    assert read == {
        "creative_features_spec": [
            {"key": "IMAGE_BRIGHTNESS_AND_CONTRAST", "value": {"enroll_status": "OPT_IN"}},
            {"key": "IMAGE_TOUCHUPS", "value": {"enroll_status": "OPT_OUT"}},
            {"key": "ADD_TEXT_OVERLAY", "value": {"enroll_status": "OPT_IN"}},
            {"key": "IMAGE_ANIMATION", "value": {"enroll_status": "OPT_IN"}},
            {"key": "IMAGE_BACKGROUND_GEN", "value": {"enroll_status": "OPT_IN"}},
            {"key": "AUTO_PROMOTION_TAG", "value": {"enroll_status": "OPT_IN"}},
            {"key": "TEXT_EXTRACTION_FOR_HEADLINE", "value": {"enroll_status": "OPT_IN"}},
            {"key": "TEXT_EXTRACTION_FOR_TAP_TARGET", "value": {"enroll_status": "OPT_IN"}},
            {"key": "PRODUCT_EXTENSIONS", "value": {"enroll_status": "OPT_IN"}},
            {"key": "TEXT_FORMATTING_OPTIMIZATION", "value": {"enroll_status": "OPT_IN"}},
        ]
    }


def test_create_stores_creative_features() -> None:
    spec = parse_create(
        create(
            degrees_of_freedom_spec={
                "creative_features_spec": {"image_animation": {"enroll_status": "OPT_OUT"}}
            }
        )
    )
    assert spec.creative_features == {"image_animation": "OPT_OUT"}
