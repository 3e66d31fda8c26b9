"""How Meta prices one business message: its pricing category, its pricing type and the
`pricing` / `conversation` objects its status webhooks carry (per-message pricing, PMP).

- Pricing type (facts §6): messages inside a free entry point window are `free_entry_point`;
  otherwise service messages, and utility templates inside an open customer-service window, are
  `free_customer_service`; everything else is `regular` (billable).
- Free entry point window (Meta's pricing page): a user writes through a click-to-WhatsApp ad or
  a Facebook Page call-to-action button (the inbound message has a `referral`); if the business
  answers within 24 hours, that answer opens a 72-hour window in which every message is free.
  Its status webhooks keep `conversation` (origin `referral_conversion`, expiring with the
  window) even in the webhook versions that otherwise leave it out.
- Authentication-international (Meta's "Authentication-international rates"): an authentication
  template to a user of a country with such a rate is billed `authentication_international`
  when the business is based in another country. Eligibility and per-business start times are
  Meta's decision; wamm treats every business as eligible from the start (decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REGULAR = "regular"
FREE_CUSTOMER_SERVICE = "free_customer_service"
FREE_ENTRY_POINT = "free_entry_point"
ENTRY_POINT_ORIGIN = "referral_conversion"
AUTHENTICATION = "authentication"
AUTHENTICATION_INTERNATIONAL = "authentication_international"

HOUR = 3600.0
ENTRY_POINT_REPLY_HOURS = 24.0  # the business must answer the entry within this
ENTRY_POINT_HOURS = 72.0  # how long the window its answer opens lasts

# Meta's rate cards list an authentication-international rate for these recipient countries
# (ISO 3166); the setting `authentication_international_countries` replaces the list.
AUTHENTICATION_INTERNATIONAL_COUNTRIES = (
    *("AE", "BD", "EG", "ID", "IN"),
    *("MY", "NG", "PK", "SA", "ZA"),
)

# The webhook's `pricing.category` spells this one with a hyphen; `conversation.origin.type`
# and pricing analytics with an underscore (Meta's status webhook reference).
_WEBHOOK_CATEGORY = {AUTHENTICATION_INTERNATIONAL: "authentication-international"}


def category(
    base: str, user_country: str | None, business_country: str | None, countries: tuple[str, ...]
) -> str:
    """The pricing category of a send whose routing decided `base`: authentication becomes
    authentication_international for a user of a listed country other than the business's."""
    if base != AUTHENTICATION or user_country is None:
        return base
    country = user_country.upper()
    foreign = business_country is None or business_country.upper() != country
    return AUTHENTICATION_INTERNATIONAL if foreign and country in countries else base


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """A user's latest entry through an ad or Page button on one business number, and when the
    business's answer opened its free window (None: not answered yet)."""

    referral_at: float
    opened_at: float | None = None

    def closes_at(self) -> float | None:
        return None if self.opened_at is None else self.opened_at + ENTRY_POINT_HOURS * HOUR


def after_referral(current: EntryPoint | None, at: float) -> EntryPoint:
    """The entry state once the user writes through an ad or Page button at `at`: a window
    still open is kept (a new entry does not extend it), otherwise the entry awaits an answer."""
    closes = current.closes_at() if current is not None else None
    if current is not None and closes is not None and at <= closes:
        return current
    return EntryPoint(referral_at=at)


@dataclass(frozen=True, slots=True)
class EntryWindow:
    """Where a send at some moment stands: inside a free window closing at `until` (None: not
    in one), and whether this send is the answer that opens it."""

    until: float | None = None
    opens: bool = False


NO_ENTRY_WINDOW = EntryWindow()


def entry_window(entry: EntryPoint | None, now: float) -> EntryWindow:
    """The free entry point window a business message sent at `now` falls in (bounds
    inclusive, like the customer-service window's)."""
    if entry is None:
        return NO_ENTRY_WINDOW
    closes = entry.closes_at()
    if closes is not None:
        return EntryWindow(closes) if now <= closes else NO_ENTRY_WINDOW
    if now <= entry.referral_at + ENTRY_POINT_REPLY_HOURS * HOUR:
        return EntryWindow(now + ENTRY_POINT_HOURS * HOUR, opens=True)
    return NO_ENTRY_WINDOW


def pricing_type(category: str, in_service_window: bool, in_entry_point: bool) -> str:
    if in_entry_point:
        return FREE_ENTRY_POINT
    if category == "service" or (category == "utility" and in_service_window):
        return FREE_CUSTOMER_SERVICE
    return REGULAR


def pricing(category: str, in_service_window: bool, in_entry_point: bool = False) -> dict[str, Any]:
    """The status webhook's `pricing` object (PMP)."""
    kind = pricing_type(category, in_service_window, in_entry_point)
    return {
        "billable": kind == REGULAR,
        "pricing_model": "PMP",
        "type": kind,
        "category": _WEBHOOK_CATEGORY.get(category, category),
    }
