"""Counting WhatsApp Business Management calls against each WABA's business use case rate,
and the `x-business-use-case-usage` value every answer about a WABA carries.

Management calls (WABA, template and business number reads and writes) count; sends, media
and blocking do not (Meta paces messaging by throughput and pair limits instead), so the send
path only reads the value this process last saw for its WABA: no store round trip.
"""

from __future__ import annotations

from wamm.core.business_use_case import HOUR, BusinessUseCaseLimit, header_value
from wamm.core.errors import TooManyCalls
from wamm.service.catalog import Catalog
from wamm.service.limits import RateLimits


class BusinessUseCases:
    def __init__(self, limits: RateLimits) -> None:
        self._limits = limits
        # (app id, WABA id) -> the header value of the last counted call in this process
        self._last: dict[tuple[str | None, str], bytes] = {}

    async def count(
        self,
        catalog: Catalog,
        limit: BusinessUseCaseLimit,
        app_id: str | None,
        waba_id: str,
        now: float,
    ) -> bytes:
        """Count one management call: its header value, or `TooManyCalls` past the rate."""
        calls_per_hour = limit.calls(is_active(catalog, waba_id))
        granted, left = await self._limits.draw(
            "buc", f"{app_id}:{waba_id}", now, calls_per_hour / HOUR, calls_per_hour
        )
        header = header_value(waba_id, left, calls_per_hour, throttled=not granted)
        self._last[app_id, waba_id] = header
        if not granted:
            raise TooManyCalls(header)
        return header

    def last(self, app_id: str | None, waba_id: str) -> bytes:
        """The value this process last reported for the app and WABA (no calls yet: zero)."""
        header = self._last.get((app_id, waba_id))
        if header is None:
            header = self._last[app_id, waba_id] = header_value(waba_id, 1.0, 1)  # a full bucket
        return header

    def clear(self) -> None:
        self._last.clear()


def is_active(catalog: Catalog, waba_id: str) -> bool:
    """Meta's "active" WABA: one with a registered business number."""
    return any(
        phone.waba_id == waba_id and phone.registered for phone in catalog.phone_numbers.values()
    )
