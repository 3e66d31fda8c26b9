"""Template and pricing analytics computed from what really happened to each message.

Pure functions over stored messages (their planned status events, counted only once their
virtual time has come) and recorded user actions (quick replies, link clicks):

- `queries`: the request parameters, validated (code 100 naming the parameter);
- `billing`: what one message cost, from an ILLUSTRATIVE rate card (`billing.RATE_CARD`:
  marketing 0.025, marketing_lite 0.025, utility 0.004, authentication 0.0035, service 0 per
  delivered message, in the WABA's currency; not Meta's prices), capped by a template's max price;
- `template_report`: `GET /{waba}/template_analytics`;
- `pricing_report`: the WABA field `pricing_analytics`.
"""

from __future__ import annotations

from wamm.core.analytics.billing import (
    RATE_CARD,
    Charge,
    Record,
    bid_cap,
    charge,
    price,
    record,
)
from wamm.core.analytics.pricing_report import pricing_analytics
from wamm.core.analytics.queries import (
    PricingQuery,
    TemplateQuery,
    parse_pricing_query,
    parse_template_query,
)
from wamm.core.analytics.template_report import (
    ENGAGEMENT_SECONDS,
    Action,
    DayGroup,
    TemplateInfo,
    template_analytics,
    template_info,
)
from wamm.core.analytics.values import DAY

# A message sent this long before a range can still be delivered (or read, or clicked) inside
# it: the longest marketing TTL Meta allows (30 days) covers the 7-day read and click window.
DELIVERY_SLACK_SECONDS = 30 * DAY

__all__ = [
    "DELIVERY_SLACK_SECONDS",
    "ENGAGEMENT_SECONDS",
    "RATE_CARD",
    "Action",
    "Charge",
    "DayGroup",
    "PricingQuery",
    "Record",
    "TemplateInfo",
    "TemplateQuery",
    "bid_cap",
    "charge",
    "parse_pricing_query",
    "parse_template_query",
    "price",
    "pricing_analytics",
    "record",
    "template_analytics",
    "template_info",
]
