"""What one message cost, from an ILLUSTRATIVE rate card.

Meta publishes its prices as CSV rate cards per recipient country and category and changes them
quarterly; wamm does not copy them. `RATE_CARD` holds one example price per pricing category
for one delivered message, whatever the country, read in the WABA's currency. The figures are
plausible orders of magnitude for testing cost reports, not Meta's rates: edit the table to model
other prices. Free messages (service messages; utility templates inside an open
customer-service window; every message inside a free entry point window) cost nothing, by the
same rule as the status webhooks' `pricing` (`core/pricing`). A
template's max price (`bid_spec.bid_amount`: per 1,000 deliveries, in the currency's smallest
unit) caps what one MM-routed delivery costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from wamm.core.model import ROUTE_MM, Message
from wamm.core.phones import UNKNOWN_COUNTRY, country_of
from wamm.core.pricing import pricing

RATE_CARD: dict[str, Decimal] = {
    "marketing": Decimal("0.025"),
    "marketing_lite": Decimal("0.025"),
    "utility": Decimal("0.004"),
    "authentication": Decimal("0.0035"),
    "authentication_international": Decimal("0.02"),
    "service": Decimal("0"),
}
ZERO_DECIMAL_CURRENCIES = frozenset({"CLP", "ISK", "JPY", "KRW", "VND"})
MONEY_PLACES = Decimal("0.000001")
REGULAR = "REGULAR"


@dataclass(frozen=True, slots=True)
class Charge:
    pricing_category: str  # analytics spelling: MARKETING_LITE, MARKETING, UTILITY, SERVICE, ...
    pricing_type: str  # REGULAR, FREE_CUSTOMER_SERVICE or FREE_ENTRY_POINT
    cost: Decimal  # of one delivery, in the WABA's currency


def bid_cap(bid_spec: Mapping[str, Any] | None, currency: str) -> Decimal | None:
    """The most one delivery may cost under a template's max price, or None without one."""
    amount = (bid_spec or {}).get("bid_amount")
    if not isinstance(amount, int | float) or isinstance(amount, bool):
        return None
    minor_units = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    cap: Decimal = Decimal(str(amount)) / 1000 / (10**minor_units)
    return cap


def charge(message: Message, in_window: bool, cap: Decimal | None = None) -> Charge:
    """Pricing category, type and per-delivery cost of a message."""
    return price(
        message.pricing_category,
        message.route,
        in_window,
        message.entry_point_until is not None,
        cap,
    )


def price(
    category: str, route: str, in_window: bool, entry_point: bool, cap: Decimal | None = None
) -> Charge:
    """Pricing category, type and per-delivery cost of a message of pricing `category` sent
    on `route`, inside the user's service window or not, in a free entry point window or not,
    under a max price `cap`."""
    billing = pricing(category, in_window, entry_point)
    cost = RATE_CARD.get(category, Decimal(0))
    if not billing["billable"]:
        cost = Decimal(0)
    if cap is not None and route == ROUTE_MM:
        cost = min(cost, cap)
    return Charge(category.upper(), str(billing["type"]).upper(), cost)


@dataclass(frozen=True, slots=True)
class Record:
    """One message as analytics sees it."""

    message: Message
    charge: Charge
    phone_number: str  # the business number's display digits
    country: str  # the recipient's ISO 3166 country


def record(message: Message, charged: Charge, phone_number: str) -> Record:
    if message.recipient_phone:
        country = country_of(message.recipient_phone)
    elif message.recipient_bsuid:
        country = message.recipient_bsuid[:2]  # a BSUID starts with the user's country
    else:
        country = UNKNOWN_COUNTRY
    return Record(message, charged, phone_number, country)


def money(value: Decimal) -> float:
    return float(value.quantize(MONEY_PLACES))


def event_time(message: Message, status: str, now: float) -> float | None:
    """When the message reached `status`, if it has by `now`."""
    return next((e.at for e in message.events if e.status == status and e.at <= now), None)
