"""The quality rules alone: the tier ladder's floor, ratings that feedback never raises, and the
events a change implies."""

from __future__ import annotations

from wamm.core.phone_quality import (
    PhoneQualitySettings,
    QualityChange,
    after_feedback,
    change,
    recent,
)

SETTINGS = PhoneQualitySettings(yellow_after=2, red_after=3, downgrade_after=4)


def test_the_lowest_tier_is_not_lowered_and_sends_no_downgrade() -> None:
    assert after_feedback("RED", "TIER_50", 4, SETTINGS) == QualityChange("RED", "TIER_50", ())


def test_feedback_never_raises_a_rating() -> None:
    assert after_feedback("RED", "TIER_1K", 1, SETTINGS).quality_rating == "RED"
    assert after_feedback("YELLOW", "TIER_1K", 1, SETTINGS).quality_rating == "YELLOW"


def test_a_number_turning_red_with_a_lower_tier_is_flagged_then_downgraded() -> None:
    assert change("GREEN", "TIER_10K", "RED", "TIER_2K").events == (
        ("FLAGGED", None),
        ("DOWNGRADE", "TIER_10K"),
    )


def test_signals_older_than_the_window_are_dropped() -> None:
    week = SETTINGS.window_seconds
    assert recent([100.0, 200.0, 300.0], 200.0 + week, SETTINGS) == [300.0]
