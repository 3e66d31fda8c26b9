"""A WABA's Marketing Messages onboarding status (`marketing_messages_onboarding_status`).

It follows the portfolio's MM terms (signed: ONBOARDED, otherwise ELIGIBLE) unless the seed pins
one of Meta's statuses on the WABA (`onboarding_status`), e.g. INELIGIBLE_COUNTRY_NOT_SUPPORTED
to keep a signed portfolio's WABA off the MM route. The legacy
`marketing_messages_lite_api_status` folds it into INELIGIBLE | ELIGIBLE | ONBOARDED.
"""

from __future__ import annotations

from wamm.core.model import Business, Waba

ONBOARDED = "ONBOARDED"
# Meta's values of `marketing_messages_onboarding_status`: what a seed may pin on a WABA.
ONBOARDING_STATUSES = frozenset(
    {
        "INELIGIBLE_ON_BEHALF_OF_WABA",
        "INELIGIBLE_INACTIVE_OR_RESTRICTED",
        "INELIGIBLE_COUNTRY_NOT_SUPPORTED",
        "INELIGIBLE_USING_WHATSAPP_BUSINESS_APP",
        "ELIGIBLE",
        "PENDING_VALID_PAYMENT_METHOD",
        "PENDING_INTERNAL_SETUP",
        ONBOARDED,
    }
)


def override_problem(status: str | None) -> str | None:
    """Why `status` cannot be pinned on a WABA, or None (no status pins nothing)."""
    if not status or status in ONBOARDING_STATUSES:
        return None
    return f"unknown status {status!r}; one of {', '.join(sorted(ONBOARDING_STATUSES))}"


def onboarding_status(business: Business, waba: Waba) -> str:
    """The WABA's `marketing_messages_onboarding_status`."""
    if waba.onboarding_status_override:
        return waba.onboarding_status_override
    if business.mm_terms == "signed":
        return ONBOARDED
    return "ELIGIBLE"


def lite_api_status(business: Business, waba: Waba) -> str:
    """The legacy `marketing_messages_lite_api_status` (INELIGIBLE | ELIGIBLE | ONBOARDED)."""
    status = onboarding_status(business, waba)
    if status == ONBOARDED:
        return ONBOARDED
    return "INELIGIBLE" if status.startswith("INELIGIBLE") else "ELIGIBLE"
