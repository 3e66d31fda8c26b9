"""Partner onboarding of the Marketing Messages API: the intent API's checks and the max
price enrolment requests (pure rules; the use cases are in `service/partners.py`).

Sources: the intent API reference (reference/business/whatsapp-business-partner-onboarding-
to-mm-lite-api), the partner guide (marketing-messages/onboard-business-customers) and the max
price enrolment guide (marketing-messages/pricing/enroll-max-price). Texts no source gives are
wamm's (docs/decisions.md, "Partners").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.coerce import as_str, type_name
from wamm.core.errors import GraphError, invalid_parameter, missing_parameter
from wamm.core.model import Business

# The partner guide's answer when the end business cannot receive a request.
INVALID_RECIPIENT = "(#100) Invalid recipient type"
# An agreement email may be sent again 5 minutes after the last one (enroll-max-price).
AGREEMENT_RESEND_SECONDS = 300
MAX_END_BUSINESSES = 15  # per Solution Partner during the beta (15 since June 17, 2026)


def invalid_recipient(details: str) -> GraphError:
    return GraphError(100, details, message=INVALID_RECIPIENT)


def not_a_partner() -> GraphError:
    """The intent API called with a token no partner portfolio holds."""
    return GraphError(
        200,
        "The app does not have sufficient permissions: the access token belongs to no "
        "partner business portfolio.",
    )


def intent_problem(partner_id: str, end: Business, eligible_wabas: int) -> GraphError | None:
    """Why a partner may not send `end` an onboarding request, or None. A pending request of
    the same partner is not a problem: the API answers its id again (idempotent)."""
    if end.id == partner_id:
        return invalid_recipient("A partner cannot send an onboarding request to itself.")
    if end.mm_terms == "signed":
        return invalid_recipient(
            "The business already accepted the Marketing Messages API for WhatsApp terms."
        )
    if end.mm_intent is not None and end.mm_intent.partner_id != partner_id:
        return GraphError(1752041, message="(#1752041) Duplicate Request")
    if eligible_wabas == 0:
        return invalid_recipient(
            "The business shares no WhatsApp Business Account eligible for the Marketing "
            "Messages API for WhatsApp with the partner."
        )
    return None


def solution_id(params: Mapping[str, Any]) -> str | None:
    """The optional `solution_id` (a numeric id)."""
    raw = params.get("solution_id")
    if raw is None:
        return None
    value = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
    if not isinstance(value, str) or not value.isdigit():
        raise invalid_parameter("Param solution_id must be a valid numeric string.")
    return value


def signer(params: Mapping[str, Any]) -> tuple[str, str]:
    """`signer_name` and `signer_email` of a max price agreement request, both required."""
    values = []
    for name in ("signer_name", "signer_email"):
        if params.get(name) is None:
            raise missing_parameter(name)
        value = as_str(params[name], name).strip()
        if not value:
            raise invalid_parameter(f"Param {name} must not be empty.")
        values.append(value)
    name, email = values
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise invalid_parameter(f"Param signer_email must be an email address, got '{email}'.")
    return name, email


def resend_wait(requested_at: float, now: float) -> int:
    """Seconds before a pending agreement's email may be sent again (0: now)."""
    return max(0, int(requested_at + AGREEMENT_RESEND_SECONDS - now + 0.999))


def agreement_throttled(wait: int) -> GraphError:
    """Asking for the agreement email again within 5 minutes: HTTP 429 with `retry_after`."""
    return GraphError(
        4,
        f"The agreement email was sent less than {AGREEMENT_RESEND_SECONDS // 60} minutes ago.",
        message="(#4) Application request limit reached",
        http_status=429,
        beside={"retry_after": wait},
    )


def agreement_required() -> GraphError:
    """Allowlisting end businesses before the partner accepted the max price agreement."""
    return GraphError(
        200,
        "Sign the max price beta agreement (POST /{business_id}/max_price_agreements) and "
        "accept it before allowlisting end businesses.",
        message="(#200) Agreement required",
    )


def end_business_ids(params: Mapping[str, Any]) -> list[str]:
    """`end_business_ids`: 1 to 15 business ids, duplicates dropped, in the order given."""
    raw = params.get("end_business_ids")
    if raw is None:
        raise missing_parameter("end_business_ids")
    if not isinstance(raw, list) or not raw:
        got = type_name(raw) if raw else "an empty array"
        raise invalid_parameter(
            f"Param end_business_ids must be a non-empty array of business ids, got {got}."
        )
    ids: list[str] = []
    for index, item in enumerate(raw):
        value = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
        if not isinstance(value, str) or not value.isdigit():
            raise invalid_parameter(f"Param end_business_ids[{index}] must be a business id.")
        if value not in ids:
            ids.append(value)
    if len(ids) > MAX_END_BUSINESSES:
        raise invalid_parameter(
            f"Param end_business_ids takes at most {MAX_END_BUSINESSES} business ids."
        )
    return ids
