"""Partners on the Graph API: a portfolio's owned and client WABAs, the intent API that asks
an end business to sign the Marketing Messages terms, and max price enrolment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from wamm.core import filtering
from wamm.core import partners as rules
from wamm.core.errors import invalid_parameter
from wamm.core.fields import page_request, paged_body, paginate
from wamm.core.model import MM_TERMS, Business, MaxPriceAgreement, MmIntent, Waba
from wamm.core.onboarding import lite_api_status, onboarding_status
from wamm.service import events, nodes
from wamm.service.call import GraphCall
from wamm.service.catalog import Catalog
from wamm.service.runtime import Runtime

# The fields a WABA listing of a business answers with when none are named: those of Meta's
# client WABA example in the MM onboarding guide.
WABA_LIST_FIELDS = ("name", "timezone_id", "message_template_namespace")
FILTERABLE = ("marketing_messages_onboarding_status", "marketing_messages_lite_api_status")


async def owned_wabas(call: GraphCall, business: Business) -> dict[str, Any]:
    """GET /{business_id}/owned_whatsapp_business_accounts."""
    catalog = call.rt.catalog
    return _waba_page(call, [w for w in catalog.wabas.values() if w.business_id == business.id])


async def client_wabas(call: GraphCall, business: Business) -> dict[str, Any]:
    """GET /{business_id}/client_whatsapp_business_accounts: the WABAs clients share with it."""
    return _waba_page(call, call.rt.catalog.client_wabas(business.id))


def _position(waba: Waba) -> int:
    return int(waba.id) if waba.id.isdigit() else 0


def _waba_page(call: GraphCall, wabas: list[Waba]) -> dict[str, Any]:
    catalog, token = call.rt.catalog, call.token
    conditions = filtering.parse(call.params.get("filtering"), FILTERABLE)
    fields = call.fields()
    shown = sorted(
        (
            w
            for w in wabas
            if catalog.reaches(token, w.id)
            and filtering.matches(conditions, _filterable(catalog, w))
        ),
        key=_position,
        reverse=True,
    )
    page = paginate(shown, _position, page_request(call.query))
    data = [nodes.waba_node(catalog, w, fields, default=WABA_LIST_FIELDS) for w in page.items]
    return paged_body(data, page, _position, call.url, call.query)


def _filterable(catalog: Catalog, waba: Waba) -> dict[str, str]:
    business = catalog.business_of(waba)
    return {
        "marketing_messages_onboarding_status": onboarding_status(business, waba),
        "marketing_messages_lite_api_status": lite_api_status(business, waba),
    }


# --- the intent API --------------------------------------------------------------------------


def eligible_shared_wabas(catalog: Catalog, partner_id: str, end: Business) -> list[Waba]:
    """The end business's WABAs shared with the partner that may onboard (not INELIGIBLE_*)."""
    if partner_id not in end.client_of:
        return []
    return [
        w
        for w in catalog.wabas.values()
        if w.business_id == end.id and not onboarding_status(end, w).startswith("INELIGIBLE")
    ]


async def onboard_partner(call: GraphCall, end: Business) -> dict[str, Any]:
    """POST /{end_business_id}/onboard_partners_to_mm_lite: the partner (the token's portfolio)
    asks the end business to accept the MM terms. The business's admins would get an email;
    on wamm the control API signs for them (`POST /_wamm/businesses/{id}/mm_terms`)."""
    rt, partner_id = call.rt, call.token.business_id
    if partner_id is None:
        raise rules.not_a_partner()
    solution = rules.solution_id(call.params)
    eligible = len(eligible_shared_wabas(rt.catalog, partner_id, end))
    problem = rules.intent_problem(partner_id, end, eligible)
    if problem is not None:
        raise problem
    if end.mm_intent is not None:  # the same partner's pending request
        return {"request_id": end.mm_intent.request_id}
    _, request_id = await rt.object_id("mm_intent")
    now = rt.now()
    intent = MmIntent(
        request_id=request_id, partner_id=partner_id, solution_id=solution, created_at=now
    )
    started = end.mm_terms == "not_started"
    await _save(
        rt,
        msgspec.structs.replace(
            end,
            mm_intent=intent,
            mm_terms="request_sent" if started else end.mm_terms,
            mm_terms_time=now if started else end.mm_terms_time,
        ),
    )
    return {"request_id": request_id}


async def set_terms(rt: Runtime, business: Business, state: str) -> Business:
    """The portfolio's MM terms state set from the control API: signing answers a pending
    intent request and sends `MM_LITE_TERMS_SIGNED` for each of its WABAs."""
    if state not in MM_TERMS:
        raise invalid_parameter(f"state must be one of {', '.join(MM_TERMS)}, got '{state}'.")
    updated = msgspec.structs.replace(
        business,
        mm_terms=state,
        mm_terms_time=rt.now() if state != "not_started" else None,
        mm_intent=business.mm_intent if state == "request_sent" else None,
    )
    await _save(rt, updated)
    if state == "signed" and business.mm_terms != "signed":
        await events.terms_signed(rt, business.id)
    return updated


# --- max price enrolment ---------------------------------------------------------------------


def _agreement_view(agreement: MaxPriceAgreement | None) -> dict[str, Any]:
    if agreement is None:
        return {"status": "none"}
    return {
        "status": agreement.status,
        "signer_name": agreement.signer_name,
        "signer_email": agreement.signer_email,
    }


async def get_agreement(_call: GraphCall, business: Business) -> dict[str, Any]:
    """GET /{business_id}/max_price_agreements: none, pending or accepted."""
    return _agreement_view(business.max_price_agreement)


async def request_agreement(call: GraphCall, business: Business) -> dict[str, Any]:
    """POST /{business_id}/max_price_agreements: the signer gets an email with the agreement
    (accepted on wamm through `POST /_wamm/businesses/{id}/max_price_agreement`)."""
    rt = call.rt
    name, email = rules.signer(call.params)
    current, now = business.max_price_agreement, rt.now()
    if current is not None and current.status == "accepted":
        return _agreement_view(current)
    if current is not None and (wait := rules.resend_wait(current.requested_at, now)):
        raise rules.agreement_throttled(wait)
    agreement = MaxPriceAgreement(
        status="pending", signer_name=name, signer_email=email, requested_at=now
    )
    await _save(rt, msgspec.structs.replace(business, max_price_agreement=agreement))
    return {**_agreement_view(agreement), "message": f"Agreement email sent to {email}"}


async def accept_agreement(rt: Runtime, business: Business) -> dict[str, Any]:
    """The signer accepts the pending max price agreement (control API)."""
    agreement = business.max_price_agreement
    if agreement is None:
        raise invalid_parameter(
            f"Business {business.id} has no max price agreement to accept: request one with "
            "POST /{business_id}/max_price_agreements first."
        )
    accepted = msgspec.structs.replace(agreement, status="accepted")
    await _save(rt, msgspec.structs.replace(business, max_price_agreement=accepted))
    return {"id": business.id, **_agreement_view(accepted)}


def _require_agreement(business: Business) -> None:
    agreement = business.max_price_agreement
    if agreement is None or agreement.status != "accepted":
        raise rules.agreement_required()


def _graph_time(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


async def list_end_businesses(call: GraphCall, partner: Business) -> dict[str, Any]:
    """GET /{partner_business_id}/max_price_end_businesses: the allowlist (at most 15)."""
    _require_agreement(partner)
    catalog = call.rt.catalog
    data = []
    for end_id, enrolled in partner.max_price_end_businesses.items():
        end = catalog.businesses.get(end_id)
        data.append(
            {
                "end_business_id": end_id,
                "end_business_name": end.name if end is not None else None,
                "enrolled_time": _graph_time(enrolled),
            }
        )
    return {"data": data}


def _rejection(catalog: Catalog, partner: Business, end_id: str, room: int) -> str | None:
    end = catalog.businesses.get(end_id)
    if end is None or partner.id not in end.client_of:
        return "The business does not own or share a WhatsApp Business Account with the partner."
    if room <= 0:
        return f"The partner already allowlisted {rules.MAX_END_BUSINESSES} end businesses."
    return None


async def enrol_end_businesses(call: GraphCall, partner: Business) -> dict[str, Any]:
    """POST /{partner_business_id}/max_price_end_businesses: allowlist clients for max price;
    each id is `enrolled` or `rejected` with the reason."""
    _require_agreement(partner)
    rt = call.rt
    enrolled = dict(partner.max_price_end_businesses)
    results = []
    for end_id in rules.end_business_ids(call.params):
        if end_id in enrolled:
            results.append({"end_business_id": end_id, "status": "enrolled"})
            continue
        reason = _rejection(rt.catalog, partner, end_id, rules.MAX_END_BUSINESSES - len(enrolled))
        if reason is not None:
            results.append({"end_business_id": end_id, "status": "rejected", "reason": reason})
            continue
        enrolled[end_id] = rt.now()
        results.append({"end_business_id": end_id, "status": "enrolled"})
    await _save(rt, msgspec.structs.replace(partner, max_price_end_businesses=enrolled))
    return {"results": results}


async def remove_end_businesses(call: GraphCall, partner: Business) -> dict[str, Any]:
    """DELETE /{partner_business_id}/max_price_end_businesses: `removed`, or `not_found` for
    an id that was not allowlisted."""
    _require_agreement(partner)
    enrolled = dict(partner.max_price_end_businesses)
    results = []
    for end_id in rules.end_business_ids(call.params):
        status = "removed" if enrolled.pop(end_id, None) is not None else "not_found"
        results.append({"end_business_id": end_id, "status": status})
    await _save(call.rt, msgspec.structs.replace(partner, max_price_end_businesses=enrolled))
    return {"results": results}


async def _save(rt: Runtime, business: Business) -> None:
    await rt.store.write([business])
    rt.catalog.put(business)
