"""The SDK's partner operations: a portfolio's client and owned WABAs (filtered on their
Marketing Messages onboarding status), the intent API that asks a client to accept the MM
terms, and max price enrolment. `Client` and `AsyncClient` expose each as a method (see
`api`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from wamm.client.models import (
    EndBusinessResults,
    MaxPriceAgreement,
    MaxPriceEndBusiness,
    OnboardingRequest,
    Page,
    Waba,
)
from wamm.client.transport import Call, decoder

# The fields of Meta's client WABA example, plus the statuses a partner filters on.
WABA_LIST_FIELDS = (
    "name",
    "timezone_id",
    "message_template_namespace",
    "marketing_messages_onboarding_status",
)


def _listing(
    onboarding_status: Sequence[str] | None, fields: Sequence[str], limit: int | None
) -> dict[str, str]:
    params = {"fields": ",".join(fields)} if fields else {}
    if onboarding_status is not None:
        condition = {
            "field": "marketing_messages_onboarding_status",
            "operator": "IN",
            "value": list(onboarding_status),
        }
        params["filtering"] = json.dumps([condition])
    if limit is not None:
        params["limit"] = str(limit)
    return params


def list_client_wabas(
    business_id: str,
    *,
    onboarding_status: Sequence[str] | None = None,
    fields: Sequence[str] = WABA_LIST_FIELDS,
    limit: int | None = None,
) -> Call[Page[Waba]]:
    """One page of the WABAs client businesses share with the partner portfolio
    `business_id`; with `onboarding_status` (e.g. `["ELIGIBLE"]`) only those whose
    `marketing_messages_onboarding_status` is one of them (Meta's `filtering`, operator IN)."""
    path = f"{business_id}/client_whatsapp_business_accounts"
    params = _listing(onboarding_status, fields, limit)
    return Call("GET", path, decoder(Page[Waba]), params=params)


def list_owned_wabas(
    business_id: str,
    *,
    onboarding_status: Sequence[str] | None = None,
    fields: Sequence[str] = WABA_LIST_FIELDS,
    limit: int | None = None,
) -> Call[Page[Waba]]:
    """One page of the WABAs the portfolio owns, filtered like `list_client_wabas`."""
    path = f"{business_id}/owned_whatsapp_business_accounts"
    params = _listing(onboarding_status, fields, limit)
    return Call("GET", path, decoder(Page[Waba]), params=params)


def onboard_to_marketing_messages(
    end_business_id: str, *, solution_id: str | None = None
) -> Call[OnboardingRequest]:
    """Ask a client business (the token's portfolio is the partner) to accept the Marketing
    Messages API terms: its admins are emailed the request. Sending it again while it is
    pending answers the same `request_id`; another partner's pending request fails with
    `PartnerError` (1752041). The client's WABAs show ONBOARDED once it signs, announced by
    `MM_LITE_TERMS_SIGNED` account updates."""
    params = {"solution_id": solution_id} if solution_id is not None else {}
    path = f"{end_business_id}/onboard_partners_to_mm_lite"
    return Call("POST", path, decoder(OnboardingRequest), params=params)


def request_max_price_agreement(
    business_id: str, signer_name: str, signer_email: str
) -> Call[MaxPriceAgreement]:
    """Send the max price beta agreement to `signer_email` (status `pending` until accepted).
    Asking again within 5 minutes is refused with HTTP 429 (`retry_after` seconds)."""
    body = {"signer_name": signer_name, "signer_email": signer_email}
    path = f"{business_id}/max_price_agreements"
    return Call("POST", path, decoder(MaxPriceAgreement), body=body)


def get_max_price_agreement(business_id: str) -> Call[MaxPriceAgreement]:
    """The portfolio's max price agreement: `none`, `pending` or `accepted`."""
    return Call("GET", f"{business_id}/max_price_agreements", decoder(MaxPriceAgreement))


def enrol_max_price_end_businesses(
    partner_business_id: str, end_business_ids: Sequence[str]
) -> Call[EndBusinessResults]:
    """Allowlist up to 15 client businesses for max price (the partner's agreement must be
    accepted): each comes back `enrolled` or `rejected` with the reason."""
    body = {"end_business_ids": list(end_business_ids)}
    path = f"{partner_business_id}/max_price_end_businesses"
    return Call("POST", path, decoder(EndBusinessResults), body=body)


def remove_max_price_end_businesses(
    partner_business_id: str, end_business_ids: Sequence[str]
) -> Call[EndBusinessResults]:
    """Take end businesses off the max price allowlist: `removed` or `not_found` each."""
    body = {"end_business_ids": list(end_business_ids)}
    path = f"{partner_business_id}/max_price_end_businesses"
    return Call("DELETE", path, decoder(EndBusinessResults), body=body)


def list_max_price_end_businesses(partner_business_id: str) -> Call[Page[MaxPriceEndBusiness]]:
    """The end businesses the partner allowlisted for max price."""
    path = f"{partner_business_id}/max_price_end_businesses"
    return Call("GET", path, decoder(Page[MaxPriceEndBusiness]))
