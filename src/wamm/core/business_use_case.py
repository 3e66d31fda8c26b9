"""Business use case (BUC) rate limits of the WhatsApp Business Management API.

Meta (Graph API "Rate Limits", WhatsApp Business Management API): an app may make 200 calls
per hour to each WABA, 5,000 once the WABA has a registered phone number; past that the call
fails with 80008 until enough calls have aged out of the hour. Every answer about a WABA
carries `x-business-use-case-usage`, JSON keyed by the WABA id:

    {"<WABA id>": [{"type": "whatsapp_business_management", "call_count": 12,
                    "total_cputime": 12, "total_time": 12,
                    "estimated_time_to_regain_access": 0}]}

`call_count`, `total_cputime` and `total_time` are percentages of the allowance;
`estimated_time_to_regain_access` is in minutes. wamm keeps one token bucket per (app, WABA):
`limit` tokens refilled at `limit` per hour, so the hour rolls rather than resets.
"""

from __future__ import annotations

import math
from typing import Final

import msgspec

from wamm.core.bounds import PositiveCount

HEADER: Final = b"x-business-use-case-usage"
USE_CASE: Final = "whatsapp_business_management"
HOUR = 3600.0


class BusinessUseCaseLimit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Calls per hour per app and WABA: `active_calls_per_hour` once the WABA has a registered
    business number (Meta's "active" WABA), `calls_per_hour` before."""

    calls_per_hour: PositiveCount = 200
    active_calls_per_hour: PositiveCount = 5000

    def calls(self, active: bool) -> int:
        return self.active_calls_per_hour if active else self.calls_per_hour


def header_value(
    waba_id: str, tokens_left: float, calls_per_hour: int, throttled: bool = False
) -> bytes:
    """The header once a call left `tokens_left` of `calls_per_hour` in the WABA's bucket (a
    throttled call took none)."""
    used = calls_per_hour - tokens_left
    percent = min(100, math.ceil(used * 100 / calls_per_hour - 1e-9))
    # A throttled app waits until a whole token has refilled (calls_per_hour / HOUR a second).
    regain_seconds = (1 - tokens_left) * HOUR / calls_per_hour if throttled else 0.0
    usage = {
        "type": USE_CASE,
        "call_count": percent,
        "total_cputime": percent,
        "total_time": percent,
        "estimated_time_to_regain_access": math.ceil(regain_seconds / 60 - 1e-9),
    }
    return msgspec.json.encode({waba_id: [usage]})
