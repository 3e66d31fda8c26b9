"""The world view: businesses, WABAs and phone numbers with their Marketing Messages
onboarding, the simulated users and what they wrote, per-template analytics; and the control
API's steering actions (sign terms, user actions) as CSRF-protected forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.onboarding import onboarding_status
from wamm.server.inspector.analytics_view import MAX_DAYS, SERIES, daily_figures
from wamm.server.inspector.chart import daily_bars
from wamm.server.inspector.pages import back_to, clock_view, form_values
from wamm.server.inspector.rendering import page
from wamm.server.request import origin
from wamm.service import control as use_cases
from wamm.service import nodes
from wamm.service import templates as template_cases
from wamm.service.runtime import Runtime

SHOWN = "50"  # users and received messages listed on the page (the newest)


def _businesses(rt: Runtime) -> list[dict[str, Any]]:
    catalog = rt.catalog
    listed = []
    for business in sorted(catalog.businesses.values(), key=lambda b: b.id):
        wabas = [
            {
                "waba": waba,
                "onboarding": onboarding_status(business, waba),
                "phones": sorted(
                    (p for p in catalog.phone_numbers.values() if p.waba_id == waba.id),
                    key=lambda p: p.id,
                ),
            }
            for waba in sorted(catalog.wabas.values(), key=lambda w: w.id)
            if waba.business_id == business.id
        ]
        onboarding = nodes.business_onboarding(business)
        listed.append({"business": business, "onboarding": onboarding, "wabas": wabas})
    return listed


async def world_page(request: Request, rt: Runtime) -> Response:
    catalog = rt.catalog
    return page(
        request,
        "world.html",
        businesses=_businesses(rt),
        phone_numbers=sorted(catalog.phone_numbers.values(), key=lambda p: p.id),
        users=(await use_cases.list_users(rt, {"limit": SHOWN}))["data"],
        received=(await use_cases.list_inbound(rt, {"limit": SHOWN}))["data"],
        templates=sorted(
            (t for t in catalog.templates.values() if not t.deleted_at),
            key=lambda t: (t.waba_id, t.name, t.language),
        ),
        clock=clock_view(rt),
    )


async def sign_terms(request: Request, rt: Runtime) -> Response:
    """The portfolio's Marketing Messages terms (`POST /_wamm/businesses/{id}/mm_terms`)."""
    form = await form_values(request, "business_id", "state")
    business = rt.catalog.businesses.get(form["business_id"])
    if business is None:
        raise GraphError(100, f"Unknown business {form['business_id']}.", http_status=404)
    await use_cases.set_mm_terms(rt, business, {"state": form["state"] or "signed"})
    return back_to("/world")


async def user_marketing(request: Request, rt: Runtime) -> Response:
    """A user stops or resumes marketing (`POST /_wamm/users/{phone}/marketing`)."""
    form = await form_values(request, "phone", "phone_number_id", "action")
    body = {"phone_number_id": form["phone_number_id"], "action": form["action"]}
    await use_cases.marketing_preference(rt, form["phone"], body)
    return back_to("/world")


async def user_writes(request: Request, rt: Runtime) -> Response:
    """A user writes to a business number (`POST /_wamm/inbound`)."""
    form = await form_values(request, "from", "phone_number_id", "text")
    await use_cases.inbound(rt, {**form, "text": form["text"] or "Hello"}, origin(request))
    return back_to("/world")


def _message_page(wamid: str) -> Response:
    return back_to(f"/message?{urlencode({'wamid': wamid})}")


async def user_replies(request: Request, rt: Runtime) -> Response:
    """The recipient taps a quick reply (`POST /_wamm/messages/{wamid}/reply`)."""
    form = await form_values(request, "wamid", "text")
    await use_cases.reply(rt, form["wamid"], {"text": form["text"] or "Yes"})
    return _message_page(form["wamid"])


async def user_clicks(request: Request, rt: Runtime) -> Response:
    """The recipient clicks the message's link (`POST /_wamm/messages/{wamid}/click`)."""
    form = await form_values(request, "wamid", "component")
    await use_cases.click(rt, form["wamid"], {"component": form["component"] or "cta"})
    return _message_page(form["wamid"])


def _days(raw: str | None) -> int:
    days = int(raw) if raw and raw.isdigit() else 7
    if not 1 <= days <= MAX_DAYS:
        raise invalid_parameter(f"days must be between 1 and {MAX_DAYS}.")
    return days


async def analytics_page(request: Request, rt: Runtime) -> Response:
    """One template's daily counts as an SVG chart, and what it cost per day."""
    template = template_cases.template_by_id(rt, request.query_params.get("template_id", ""))
    days = _days(request.query_params.get("days"))
    figures = await daily_figures(rt, template, days)
    series = {name: [getattr(day, name) for day in figures] for name in SERIES}
    title = f"{template.name} ({template.language}): the last {days} days"
    return page(
        request,
        "analytics.html",
        template=template,
        days=days,
        figures=figures,
        chart=daily_bars([day.label for day in figures], series, title),
        series=SERIES,
        currency=rt.catalog.wabas[template.waba_id].currency,
        clock=clock_view(rt),
    )
