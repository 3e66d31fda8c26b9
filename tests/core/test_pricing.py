"""Pricing rules (core/pricing.py): categories by country, pricing types, the free entry point
window's states, and the status webhook's `pricing` / `conversation` in each version."""

from __future__ import annotations

import msgspec
import pytest

from tests.builders import T0, message
from wamm.core import pricing, webhooks
from wamm.core.model import PhoneNumber
from wamm.core.pricing import EntryPoint, EntryWindow

HOUR = 3600.0
LISTED = pricing.AUTHENTICATION_INTERNATIONAL_COUNTRIES


@pytest.mark.parametrize(
    ("base", "user_country", "business_country", "expected"),
    [
        ("authentication", "IN", None, "authentication_international"),
        ("authentication", "in", "BR", "authentication_international"),
        ("authentication", "IN", "IN", "authentication"),  # same country as the business
        ("authentication", "BR", None, "authentication"),  # no such rate for Brazil
        ("authentication", None, None, "authentication"),
        ("marketing", "IN", None, "marketing"),
        ("utility", "ID", "US", "utility"),
    ],
)
def test_category(
    base: str, user_country: str | None, business_country: str | None, expected: str
) -> None:
    assert pricing.category(base, user_country, business_country, LISTED) == expected


@pytest.mark.parametrize(
    ("category", "in_window", "in_entry", "expected"),
    [
        ("marketing", False, False, "regular"),
        ("marketing", True, False, "regular"),
        ("utility", False, False, "regular"),
        ("utility", True, False, "free_customer_service"),
        ("service", True, False, "free_customer_service"),
        ("authentication", False, True, "free_entry_point"),
        ("marketing", True, True, "free_entry_point"),
    ],
)
def test_pricing_type(category: str, in_window: bool, in_entry: bool, expected: str) -> None:
    assert pricing.pricing_type(category, in_window, in_entry) == expected


def test_authentication_international_is_hyphenated_in_the_pricing_object() -> None:
    assert pricing.pricing("authentication_international", False) == {
        "billable": True,
        "pricing_model": "PMP",
        "type": "regular",
        "category": "authentication-international",
    }


REFERRED = EntryPoint(referral_at=T0)
OPENED = EntryPoint(referral_at=T0, opened_at=T0 + HOUR)


@pytest.mark.parametrize(
    ("entry", "now", "expected"),
    [
        (None, T0, EntryWindow()),
        (REFERRED, T0 + 24 * HOUR, EntryWindow(T0 + 96 * HOUR, opens=True)),  # inclusive
        (REFERRED, T0 + 24 * HOUR + 1, EntryWindow()),  # answered too late
        (OPENED, T0 + 73 * HOUR, EntryWindow(T0 + 73 * HOUR)),  # the last second
        (OPENED, T0 + 73 * HOUR + 1, EntryWindow()),
    ],
)
def test_entry_window(entry: EntryPoint | None, now: float, expected: EntryWindow) -> None:
    assert pricing.entry_window(entry, now) == expected


@pytest.mark.parametrize(
    ("current", "at", "expected"),
    [
        (None, T0, EntryPoint(T0)),
        (REFERRED, T0 + HOUR, EntryPoint(T0 + HOUR)),  # not answered: the newer entry counts
        (OPENED, T0 + 10 * HOUR, OPENED),  # an open window is not extended
        (OPENED, T0 + 74 * HOUR, EntryPoint(T0 + 74 * HOUR)),  # closed: a new entry
    ],
)
def test_after_referral(current: EntryPoint | None, at: float, expected: EntryPoint) -> None:
    assert pricing.after_referral(current, at) == expected


PHONE = PhoneNumber(id="1", waba_id="2", display_phone_number="15550001111", verified_name="A")


@pytest.mark.parametrize(
    ("version", "entry_until", "category", "conversation"),
    [
        (25, None, "marketing", None),
        (
            25,
            T0 + 72 * HOUR,
            "marketing",
            {"expiration_timestamp": str(int(T0 + 72 * HOUR)), "origin": "referral_conversion"},
        ),
        (
            23,
            None,
            "authentication_international",
            {
                "expiration_timestamp": str(int(T0 + 24 * HOUR)),
                "origin": "authentication_international",
            },
        ),
        (
            23,
            T0 + 50 * HOUR,
            "utility",
            {"expiration_timestamp": str(int(T0 + 50 * HOUR)), "origin": "referral_conversion"},
        ),
    ],
)
def test_status_conversation(
    version: int, entry_until: float | None, category: str, conversation: dict[str, str] | None
) -> None:
    sent = msgspec.structs.replace(
        message(1, [(T0, "sent")], category=category), entry_point_until=entry_until
    )
    status = webhooks.status_value(PHONE, sent, None, 7, 0, version)["statuses"][0]
    assert status["pricing"]["type"] == ("regular" if entry_until is None else "free_entry_point")
    if conversation is None:
        assert "conversation" not in status
        return
    assert status["conversation"]["expiration_timestamp"] == conversation["expiration_timestamp"]
    assert status["conversation"]["origin"] == {"type": conversation["origin"]}
