"""The edit request (core/templates/edit.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import (
    DAY,
    HOUR,
    NOW,
    SEED_BODY,
    body,
    expect_error,
    image_header,
    named_body,
    stored,
    with_status,
)
from wamm.core.templates import parse_edit

EDIT = {"components": [body("Hi {{1}}, now {{2}} off", "Ana", "30%")]}


@pytest.mark.parametrize("status", ["APPROVED", "REJECTED", "PAUSED"])
def test_editable_statuses(status: str) -> None:
    changes = parse_edit(with_status(stored([SEED_BODY]), status), EDIT, NOW)
    assert changes["components"] == EDIT["components"]


@pytest.mark.parametrize(
    "status",
    [
        "PENDING",
        "DISABLED",
        "IN_APPEAL",
        "LIMIT_EXCEEDED",
        "PENDING_DELETION",
        "DELETED",
        "ARCHIVED",
    ],
)
def test_other_statuses_cannot_be_edited(status: str) -> None:
    template = with_status(stored([SEED_BODY]), status)
    expect_error(
        lambda: parse_edit(template, EDIT, NOW),
        100,
        2388039,
        status,
        "only APPROVED, REJECTED or PAUSED",
    )


@pytest.mark.parametrize(
    ("status", "edit_times", "allowed"),
    [
        ("APPROVED", [], True),
        ("APPROVED", [NOW - 23 * HOUR], False),
        ("APPROVED", [NOW - 25 * HOUR], True),
        ("APPROVED", [NOW - (2 + 2 * i) * DAY for i in range(9)], True),
        ("APPROVED", [NOW - (2 + 2 * i) * DAY for i in range(10)], False),
        ("APPROVED", [NOW - (4 + 3 * i) * DAY for i in range(10)], True),  # oldest is 31 days
        ("APPROVED", [NOW - 31 * DAY] * 20, True),
        ("REJECTED", [NOW - i * HOUR for i in range(20)], True),
        ("PAUSED", [NOW - i * HOUR for i in range(20)], True),
    ],
)
def test_edit_limits(status: str, edit_times: list[float], allowed: bool) -> None:
    template = with_status(stored([SEED_BODY]), status, edit_times)
    if allowed:
        assert "components" in parse_edit(template, EDIT, NOW)
    else:
        expect_error(lambda: parse_edit(template, EDIT, NOW), 100, None, "Try again in")


def test_edit_limit_says_when_to_retry() -> None:
    template = with_status(stored([SEED_BODY]), "APPROVED", [NOW - 20 * HOUR])
    error = expect_error(
        lambda: parse_edit(template, EDIT, NOW),
        100,
        None,
        "1 time(s) in the last 24 hours",
        "Try again in 4 hour(s)",
    )
    assert error.user_title == "Template edit limit reached"


@pytest.mark.parametrize("edit", [{}, {"name": "renamed", "language": "pt_BR"}, {"category": None}])
def test_empty_edit(edit: dict[str, Any]) -> None:
    expect_error(lambda: parse_edit(stored([SEED_BODY]), edit, NOW), 100, None, "Nothing to edit")


def test_approved_category_cannot_change() -> None:
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), {"category": "utility"}, NOW),
        100,
        None,
        "category",
        "MARKETING",
        "UTILITY",
    )


def test_approved_same_category_is_fine() -> None:
    changes = parse_edit(stored([SEED_BODY]), {"category": "marketing"}, NOW)
    assert changes["category"] == "MARKETING"


def test_rejected_category_change_revalidates_components() -> None:
    template = with_status(stored([{**image_header(), "format": "GIF"}, SEED_BODY]), "REJECTED")
    expect_error(
        lambda: parse_edit(template, {"category": "UTILITY"}, NOW),
        100,
        2388047,
        "components[0].format GIF isn't available for UTILITY",
    )
    changes = parse_edit(with_status(stored([SEED_BODY]), "REJECTED"), {"category": "UTILITY"}, NOW)
    assert (changes["category"], changes["components"]) == ("UTILITY", [SEED_BODY])


def test_edit_components_are_validated_like_create() -> None:
    bad = {"components": [SEED_BODY, {"type": "FOOTER", "text": "x" * 61}]}
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), bad, NOW), 100, 2388040, "components[1].text"
    )


def test_edit_uses_the_template_parameter_format() -> None:
    template = stored([named_body("Hi {{name}} ok", name="Ana")], parameter_format="NAMED")
    expect_error(lambda: parse_edit(template, EDIT, NOW), 100, 2388072, "parameter_format is NAMED")
    changes = parse_edit(template, {**EDIT, "parameter_format": "positional"}, NOW)
    assert changes["parameter_format"] == "POSITIONAL"


def test_edit_ttl_follows_category_ranges() -> None:
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), {"message_send_ttl_seconds": 60}, NOW),
        100,
        None,
        "message_send_ttl_seconds",
        "MARKETING",
    )
    changes = parse_edit(stored([SEED_BODY]), {"message_send_ttl_seconds": "86400"}, NOW)
    assert changes == {"message_send_ttl_seconds": 86400}


def test_edit_merges_creative_features() -> None:
    template = stored(
        [SEED_BODY],
        degrees_of_freedom_spec={
            "creative_features_spec": {"image_touchups": {"enroll_status": "OPT_OUT"}}
        },
    )
    edit = {
        "degrees_of_freedom_spec": {
            "creative_features_spec": {"image_animation": {"enroll_status": "OPT_OUT"}}
        }
    }
    assert parse_edit(template, edit, NOW) == {
        "creative_features": {"image_touchups": "OPT_OUT", "image_animation": "OPT_OUT"}
    }


@pytest.mark.parametrize("key", ["bid_spec", "optimization_spec"])
def test_edit_bid_spec_of_a_template_created_with_one(key: str) -> None:
    template = stored(
        [SEED_BODY], bid_spec={"bid_amount": 5000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}
    )
    edit = {key: {"bid_amount": 7000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}}
    assert parse_edit(template, edit, NOW) == {
        "bid_spec": {"bid_amount": 7000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}
    }


def test_bid_spec_cannot_be_added_by_edit() -> None:
    edit = {"bid_spec": {"bid_amount": 7000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"}}
    expect_error(
        lambda: parse_edit(stored([SEED_BODY]), edit, NOW),
        100,
        None,
        "bid_spec can only be edited on a template created with one",
    )


def test_edit_link_tracking_flag() -> None:
    changes = parse_edit(stored([SEED_BODY]), {"cta_url_link_tracking_opted_out": "true"}, NOW)
    assert changes == {"cta_url_link_tracking_opted_out": True}


def test_components_edit_returns_category_and_format_too() -> None:
    assert parse_edit(stored([SEED_BODY]), EDIT, NOW) == {
        "category": "MARKETING",
        "parameter_format": "POSITIONAL",
        "components": EDIT["components"],
    }
