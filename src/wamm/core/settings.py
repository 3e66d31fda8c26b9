"""Server-wide behaviour settings (the seed's `settings` key), with their defaults."""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.core.audiences import Audience
from wamm.core.bounds import (
    BatchSize,
    ClockFactor,
    Count,
    Hours,
    PositiveCount,
    PositiveSeconds,
    RequestBytes,
    RngSeed,
    Seconds,
    StrictFallbackCode,
    Timestamp,
    WebhookTimeout,
)
from wamm.core.business_use_case import BusinessUseCaseLimit
from wamm.core.phone_quality import PhoneQualitySettings
from wamm.core.pricing import AUTHENTICATION_INTERNATIONAL_COUNTRIES
from wamm.core.ratelimit import PairLimit
from wamm.core.recipients import MarketingLimit, RecipientDefaults


class WebhookSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Delivery of webhooks: batching, timeouts, the retry schedule and how long finished
    deliveries are kept."""

    batch_size: BatchSize = 1  # updates per POST; Meta sends up to 1000
    timeout_seconds: WebhookTimeout = 10.0
    concurrency: PositiveCount = 32  # POSTs in flight at once
    retry_initial_seconds: PositiveSeconds = 5.0  # then doubling ...
    retry_max_seconds: PositiveSeconds = 3600.0  # ... up to this interval ...
    retry_window_seconds: Seconds = 7 * 86400.0  # ... for this long (Meta: up to 7 days)
    # Delivered and finally failed deliveries (and their attempts) are deleted this long after
    # their last attempt (virtual time).
    retention_seconds: PositiveSeconds = 7 * 86400.0


class Settings(msgspec.Struct, kw_only=True):
    clock: str = "realtime"
    clock_start: Timestamp | None = None
    clock_factor: ClockFactor = 60.0
    rng_seed: RngSeed = 0
    # auto: new and edited templates are approved at once; manual: they stay PENDING until a
    # decision arrives through POST /_wamm/templates/{id}/review.
    template_review: str = "auto"
    # Meta needs up to 10 minutes to sync a new marketing template to its ad objects (134101).
    ad_sync_delay_seconds: Seconds = 0.0
    # Meta documents no code for STRICT sends from a WABA that is not onboarded (see decisions).
    strict_fallback_error_code: StrictFallbackCode = 134102
    customer_service_window_hours: Hours = 24.0
    # Recipient countries (ISO 3166) whose authentication templates are billed
    # `authentication_international` when the WABA is based elsewhere (core/pricing.py).
    authentication_international_countries: tuple[str, ...] = AUTHENTICATION_INTERNATIONAL_COUNTRIES
    recipients: RecipientDefaults = msgspec.field(default_factory=RecipientDefaults)
    marketing_limit: MarketingLimit | None = None
    pair_limit: PairLimit = msgspec.field(default_factory=PairLimit)
    business_use_case: BusinessUseCaseLimit = msgspec.field(default_factory=BusinessUseCaseLimit)
    webhooks: WebhookSettings = msgspec.field(default_factory=WebhookSettings)
    phone_quality: PhoneQualitySettings = msgspec.field(default_factory=PhoneQualitySettings)
    # Graph request bodies above this answer 413; Meta's largest legitimate send (a 32,768-
    # character template parameter, every character escaped) stays far below it.
    max_request_bytes: RequestBytes = 1024 * 1024
    # What all stored media, upload sessions and template samples may hold together (bytes);
    # an upload that would pass it fails with 131053. Expired media make room first.
    media_budget_bytes: Count = 1024 * 1024 * 1024
    # Generated audiences (seed `audiences`, `PUT /_wamm/audiences`), kept with the settings so
    # that every process sharing a store derives the same members.
    audiences: list[Audience] = msgspec.field(default_factory=list)

    def merged(self, changes: dict[str, Any]) -> Settings:
        """A copy with the non-None values of `changes` applied."""
        values = msgspec.structs.asdict(self)
        values.update({k: v for k, v in changes.items() if v is not None})
        return msgspec.convert(values, Settings)
