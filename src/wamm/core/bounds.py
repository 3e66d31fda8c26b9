"""Value ranges of the seed's `settings` (and of other seed numbers), as msgspec constraints.

A value out of range is refused when the seed is decoded, with the path of the bad key
(`$.settings.pair_limit.interval_seconds: Expected `float` > 0.0`), instead of breaking every
send later. NaN and infinities are refused by every constraint.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from wamm.core.clock import LATEST_TIME, MAX_ADVANCE_SECONDS

INT64_MAX = 2**63 - 1  # what the stores' integer columns hold

Seconds = Annotated[float, Meta(ge=0, le=MAX_ADVANCE_SECONDS)]  # a duration, 0 to 10 years
PositiveSeconds = Annotated[float, Meta(gt=0, le=MAX_ADVANCE_SECONDS)]
Hours = Annotated[float, Meta(ge=0, le=MAX_ADVANCE_SECONDS / 3600)]
Timestamp = Annotated[float, Meta(ge=0, le=LATEST_TIME)]  # unix seconds
Probability = Annotated[float, Meta(ge=0, le=1)]
Spread = Annotated[float, Meta(ge=0, le=5)]  # a lognormal sigma: e**5 ~ 150x the median
Count = Annotated[int, Meta(ge=0, le=INT64_MAX)]
PositiveCount = Annotated[int, Meta(ge=1, le=INT64_MAX)]
RngSeed = Annotated[int, Meta(ge=-INT64_MAX - 1, le=INT64_MAX)]
ClockFactor = Annotated[float, Meta(gt=0, le=1_000_000)]  # virtual seconds per real second
BatchSize = Annotated[int, Meta(ge=1, le=1000)]  # updates per webhook POST (Meta: up to 1000)
WebhookTimeout = Annotated[float, Meta(gt=0, le=3600)]
RequestBytes = Annotated[int, Meta(ge=4096, le=64 * 1024 * 1024)]  # a Graph request body

# The codes a STRICT send from a WABA that is not onboarded may answer (Meta documents none,
# see decisions.md): template unavailable (ad sync failed or WABA not eligible, the default),
# marketing disabled for the Cloud API, method not allowed, the payment-eligibility issue that
# blocks onboarding, missing permission, and the generic send failure.
StrictFallbackCode = Literal[134102, 131063, 131055, 131042, 10, 131000]
