"""Which API delivers a template send, and at which pricing category, or which error Meta gives.

The matrix (facts §3.2 / §3.3, decisions.md "Routing"):

| endpoint           | WABA terms   | policy   | disable flag | outcome                          |
|--------------------|--------------|----------|--------------|----------------------------------|
| marketing_messages | signed       | any      | any          | MM route, `marketing_lite`       |
| marketing_messages | not signed   | STRICT   | any          | `strict_fallback_error_code`     |
| marketing_messages | not_started  | FALLBACK | any          | Cloud API route, `marketing`     |
| marketing_messages | request_sent | FALLBACK | false        | Cloud API route, `marketing`     |
| marketing_messages | request_sent | FALLBACK | true         | 131063                           |
| marketing_messages | not signed   | FALLBACK | -            | as /messages (bid_spec: 131061)  |
| messages           | not_started  | -        | any          | Cloud API route, `marketing`     |
| messages           | started      | -        | true         | 131063                           |

"Signed" means the WABA's onboarding status is ONBOARDED (an override such as
INELIGIBLE_COUNTRY_NOT_SUPPORTED keeps it off the MM route). The disable flag "has no effect"
for a WABA whose portfolio never started MM onboarding (Meta's words), hence `not_started`.
"""

from __future__ import annotations

import msgspec

from wamm.core.errors import GraphError
from wamm.core.model import (
    ROUTE_CLOUD,
    ROUTE_MM,
    Business,
    Template,
    Waba,
)
from wamm.core.onboarding import onboarding_status
from wamm.core.sending import ENDPOINT_MARKETING, POLICY_STRICT
from wamm.core.versions import MM_ONLY_MARKETING_CODE_SINCE

BID_SPEC_BSUID_DETAILS = (
    "The template specified in the request uses bid_spec, which is not supported for "
    "Business-scoped user ID (BSUID) recipients. To send this template, please provide the phone "
    "number of recipients or use a template without the bid_spec field."
)
AUTH_BSUID_DETAILS = (
    "Authentication templates cannot be sent to a business-scoped user ID (BSUID). Send them to "
    "the user's phone number instead."
)


class Decision(msgspec.Struct, frozen=True):
    route: str
    pricing_category: str


class SendFacts(msgspec.Struct, frozen=True):
    """Everything the decision depends on besides the template and the WABA."""

    endpoint: str
    product_policy: str
    to_bsuid: bool
    api_version: int
    now: float
    ad_sync_delay: float
    strict_error_code: int


MM_LITE = Decision(ROUTE_MM, "marketing_lite")
CLOUD_MARKETING = Decision(ROUTE_CLOUD, "marketing")


def decide(template: Template, business: Business, waba: Waba, facts: SendFacts) -> Decision:
    if template.category == "AUTHENTICATION" and facts.to_bsuid:
        raise GraphError(131062, AUTH_BSUID_DETAILS)
    if facts.endpoint == ENDPOINT_MARKETING:
        return _marketing_endpoint(template, business, waba, facts)
    return _messages_endpoint(template, business, waba)


def _marketing_disabled(business: Business, waba: Waba) -> bool:
    return waba.disable_marketing_messages_on_cloud_api and business.mm_terms != "not_started"


def _messages_endpoint(template: Template, business: Business, waba: Waba) -> Decision:
    if template.category != "MARKETING":
        return Decision(ROUTE_CLOUD, template.category.lower())
    if template.bid_spec is not None:
        raise GraphError(131061)
    if _marketing_disabled(business, waba):
        raise GraphError(131063)
    return CLOUD_MARKETING


def _marketing_endpoint(
    template: Template, business: Business, waba: Waba, facts: SendFacts
) -> Decision:
    if template.category != "MARKETING":
        code = 134100 if facts.api_version >= MM_ONLY_MARKETING_CODE_SINCE else 131055
        raise GraphError(code)
    if facts.to_bsuid and template.bid_spec is not None:
        raise GraphError(131062, BID_SPEC_BSUID_DETAILS)
    if onboarding_status(business, waba) == "ONBOARDED":
        if facts.now < template.created_at + facts.ad_sync_delay:
            raise GraphError(134101)
        return MM_LITE
    if facts.product_policy == POLICY_STRICT:
        raise GraphError(
            facts.strict_error_code,
            "The WhatsApp Business Account has not completed onboarding to the Marketing "
            "Messages API for WhatsApp and product_policy is STRICT, so the message was not "
            "sent through the Cloud API.",
        )
    return _messages_endpoint(template, business, waba)
