"""A WABA's MM onboarding status without I/O, table-first."""

from __future__ import annotations

import pytest

from wamm.core.model import Business, Waba
from wamm.core.onboarding import (
    ONBOARDING_STATUSES,
    lite_api_status,
    onboarding_status,
    override_problem,
)


@pytest.mark.parametrize(
    ("terms", "override", "status", "lite"),
    [
        ("signed", None, "ONBOARDED", "ONBOARDED"),
        ("request_sent", None, "ELIGIBLE", "ELIGIBLE"),
        ("not_started", None, "ELIGIBLE", "ELIGIBLE"),
        (
            "signed",
            "INELIGIBLE_COUNTRY_NOT_SUPPORTED",
            "INELIGIBLE_COUNTRY_NOT_SUPPORTED",
            "INELIGIBLE",
        ),
        ("signed", "PENDING_INTERNAL_SETUP", "PENDING_INTERNAL_SETUP", "ELIGIBLE"),
        ("not_started", "ONBOARDED", "ONBOARDED", "ONBOARDED"),
        ("signed", "", "ONBOARDED", "ONBOARDED"),  # an empty override pins nothing
    ],
)
def test_status_follows_the_terms_unless_pinned(
    terms: str, override: str | None, status: str, lite: str
) -> None:
    business = Business(id="b", name="B", mm_terms=terms)
    waba = Waba(id="w", business_id="b", name="W", onboarding_status_override=override)
    assert (onboarding_status(business, waba), lite_api_status(business, waba)) == (status, lite)


ALL = ", ".join(sorted(ONBOARDING_STATUSES))


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (None, None),
        ("", None),
        ("ONBOARDED", None),
        ("INELIGIBLE_USING_WHATSAPP_BUSINESS_APP", None),
        ("onboarded", f"unknown status 'onboarded'; one of {ALL}"),
        ("SIGNED", f"unknown status 'SIGNED'; one of {ALL}"),
    ],
)
def test_override_problem(status: str | None, problem: str | None) -> None:
    assert override_problem(status) == problem
