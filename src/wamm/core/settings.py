"""Server-wide behaviour settings (the seed's `settings` key), with their defaults."""

from __future__ import annotations

from typing import Any

import msgspec


class Settings(msgspec.Struct, kw_only=True):
    clock: str = "realtime"
    clock_start: float | None = None
    clock_factor: float = 60.0
    rng_seed: int = 0
    # auto: new and edited templates are approved at once; manual: they stay PENDING until a
    # decision arrives through POST /_wamm/templates/{id}/review.
    template_review: str = "auto"
    # Meta needs up to 10 minutes to sync a new marketing template to its ad objects (134101).
    ad_sync_delay_seconds: float = 0.0
    # Meta documents no code for STRICT sends from a WABA that is not onboarded (see decisions).
    strict_fallback_error_code: int = 134102
    customer_service_window_hours: float = 24.0

    def merged(self, changes: dict[str, Any]) -> Settings:
        """A copy with the non-None values of `changes` applied."""
        values = msgspec.structs.asdict(self)
        values.update({k: v for k, v in changes.items() if v is not None})
        return msgspec.convert(values, Settings)
