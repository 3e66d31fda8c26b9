"""The inspector's templates, world and analytics views over HTTP, and their actions: each
calls the control API's use case, needs the form's CSRF value, and escapes what it shows."""

from __future__ import annotations

import re

import httpx

from tests import seed_data as sd
from tests.conftest import Graph
from tests.inspector.conftest import XSS, csrf_of, rows, summer_sale
from tests.inspector.test_pages import UI, send


async def create_template(graph: Graph, name: str, body: str) -> str:
    created = await graph.post(
        f"{sd.SIGNED_WABA}/message_templates",
        {
            "name": name,
            "language": "en_US",
            "category": "MARKETING",
            "components": [
                {"type": "BODY", "text": body},
                {"type": "LIMITED_TIME_OFFER", "limited_time_offer": {"text": "Ends today"}},
            ],
        },
    )
    assert created.status_code == 200, created.text
    template_id: str = created.json()["id"]
    return template_id


def template_rows(html: str) -> dict[str, dict[str, str]]:
    return {row["data-name"]: row for row in rows(html, "template-row")}


async def signed_wabas_templates(http: httpx.AsyncClient) -> httpx.Response:
    return await http.get(f"{UI}/templates", params={"waba_id": sd.SIGNED_WABA})


async def act(http: httpx.AsyncClient, path: str, form: dict[str, str]) -> httpx.Response:
    """Post an inspector form the way its page does: with the page's CSRF value."""
    page = await http.get(f"{UI}/world")
    return await http.post(f"{UI}{path}", data={**form, "csrf_token": csrf_of(page)})


async def test_the_templates_view_shows_each_templates_state_and_spec(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get(f"{UI}/templates", params={"waba_id": sd.SIGNED_WABA})
    assert page.status_code == 200
    shown = template_rows(page.text)
    assert shown["summer_sale"]["data-status"] == "APPROVED"
    assert (shown["summer_sale"]["data-category"], shown["summer_sale"]["data-quality"]) == (
        "MARKETING",
        "UNKNOWN",
    )
    assert "Hi {{1}}, enjoy {{2}} off" in page.text  # previewed as written
    assert "IMAGE_BRIGHTNESS_AND_CONTRAST" in page.text and "OPT_IN" in page.text
    assert shown["pending_promo"]["data-status"] == "PENDING"  # seeded so, whatever the mode
    assert len(rows(page.text, "template-approve")) == 1  # a decision only for that one
    other = await http.get(f"{UI}/templates", params={"waba_id": sd.NOT_STARTED_WABA})
    assert {r["data-waba"] for r in rows(other.text, "template-row")} == {sd.NOT_STARTED_WABA}


async def test_a_pending_template_is_approved_or_rejected_from_its_row(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    await http.post("/_wamm/seed", json={"settings": {"template_review": "manual"}})
    first = await create_template(graph, "flash_sale", f"Flash {XSS} sale")
    second = await create_template(graph, "flash_sale_two", "Second sale")
    page = await signed_wabas_templates(http)
    assert template_rows(page.text)["flash_sale"]["data-status"] == "PENDING"
    assert len(rows(page.text, "template-approve")) == 3  # and the seed's pending_promo
    assert "<img" not in page.text and "Flash &lt;img src=x onerror=alert(1)&gt; sale" in page.text
    assert rows(page.text, "preview-offer")  # the offer banner in the template's preview

    decision = {"template_id": first, "decision": "APPROVED"}
    forged = await http.post(f"{UI}/templates/review", data={**decision, "csrf_token": "x"})
    assert forged.status_code == 403
    approved = await act(http, "/templates/review", decision)
    assert (approved.status_code, approved.headers["location"]) == (
        303,
        f"{UI}/templates?waba_id={sd.SIGNED_WABA}",
    )
    await act(http, "/templates/review", {"template_id": second, "decision": "REJECTED"})
    read = (await graph.get(second, fields="status,rejected_reason")).json()
    assert (read["status"], read["rejected_reason"]) == ("REJECTED", "INVALID_FORMAT")
    page = await signed_wabas_templates(http)
    statuses = {n: r["data-status"] for n, r in template_rows(page.text).items()}
    assert (statuses["flash_sale"], statuses["flash_sale_two"]) == ("APPROVED", "REJECTED")
    again = await act(http, "/templates/review", decision)
    assert again.status_code == 400
    assert f"Template {first} is APPROVED, not PENDING." in again.text


async def test_quality_and_category_change_from_the_templates_view(
    http: httpx.AsyncClient,
) -> None:
    page = await signed_wabas_templates(http)
    template_id = template_rows(page.text)["summer_sale"]["data-id"]
    await act(http, "/templates/quality", {"template_id": template_id, "score": "YELLOW"})
    await act(http, "/templates/category", {"template_id": template_id, "category": "UTILITY"})
    row = template_rows((await signed_wabas_templates(http)).text)["summer_sale"]
    assert (row["data-quality"], row["data-category"]) == ("YELLOW", "UTILITY")
    wrong = await act(http, "/templates/category", {"template_id": template_id, "category": "X"})
    assert wrong.status_code == 400
    assert "category must be one of MARKETING, UTILITY, AUTHENTICATION." in wrong.text
    unknown = await act(http, "/templates/quality", {"template_id": "404", "score": "RED"})
    assert unknown.status_code == 404


async def test_the_world_view_shows_onboarding_and_signs_terms(http: httpx.AsyncClient) -> None:
    page = await http.get(f"{UI}/world")
    assert page.status_code == 200
    businesses = {b["data-id"]: b for b in rows(page.text, "business")}
    assert businesses[sd.NOT_STARTED_BUSINESS]["data-terms"] == "not_started"
    wabas = {w["data-id"]: w["data-onboarding"] for w in rows(page.text, "waba-row")}
    assert (wabas[sd.SIGNED_WABA], wabas[sd.NOT_STARTED_WABA]) == ("ONBOARDED", "ELIGIBLE")
    assert "80 msg/s" in page.text and "disable_marketing_messages_on_cloud_api" in page.text
    assert len(rows(page.text, "sign-terms")) == 2  # the two portfolios that have not signed

    terms = {"business_id": sd.NOT_STARTED_BUSINESS, "state": "signed"}
    assert (await http.post(f"{UI}/world/terms", data=terms)).status_code == 403
    signed = await act(http, "/world/terms", terms)
    assert (signed.status_code, signed.headers["location"]) == (303, f"{UI}/world")
    business = (await http.get("/_wamm/state")).json()
    page = await http.get(f"{UI}/world")
    wabas = {w["data-id"]: w["data-onboarding"] for w in rows(page.text, "waba-row")}
    assert wabas[sd.NOT_STARTED_WABA] == "ONBOARDED", business
    assert len(rows(page.text, "sign-terms")) == 1


async def test_users_stop_resume_and_write_from_the_world_view(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    await send(graph)
    stop = {"phone": sd.BR_PHONE, "phone_number_id": sd.SIGNED_PHONE, "action": "stop"}
    assert (await act(http, "/world/marketing", stop)).status_code == 303
    page = await http.get(f"{UI}/world")
    (user,) = [u for u in rows(page.text, "user-row") if u["data-phone"] == sd.BR_PHONE]
    assert user["data-stopped"] == sd.SIGNED_WABA
    await act(http, "/world/marketing", {**stop, "action": "resume"})
    page = await http.get(f"{UI}/world")
    (user,) = [u for u in rows(page.text, "user-row") if u["data-phone"] == sd.BR_PHONE]
    assert user["data-stopped"] == ""

    written = {"from": sd.BR_PHONE, "phone_number_id": sd.SIGNED_PHONE, "text": f"hi {XSS}"}
    assert (await act(http, "/world/inbound", written)).status_code == 303
    listed = (await http.get("/_wamm/inbound")).json()["data"]
    page = await http.get(f"{UI}/world")
    (received,) = rows(page.text, "inbound-row")
    assert (received["data-wamid"], received["data-read"]) == (listed[0]["wamid"], "false")
    assert "hi &lt;img src=x onerror=alert(1)&gt;" in page.text and "<img" not in page.text
    bad = await act(http, "/world/marketing", {**stop, "action": "pause"})
    assert (
        bad.status_code == 400 and "action must be stop or resume, got &#39;pause&#39;." in bad.text
    )


async def test_the_recipient_replies_and_clicks_from_the_message_page(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    wamid = await send(graph)
    too_early = await act(http, "/message/reply", {"wamid": wamid, "text": "Yes"})
    assert too_early.status_code == 400  # not delivered yet
    await http.post("/_wamm/clock/advance", json={"seconds": 60})
    page = await http.get(f"{UI}/message", params={"wamid": wamid})
    assert rows(page.text, "user-reply") and rows(page.text, "user-click")
    replied = await act(http, "/message/reply", {"wamid": wamid, "text": "Yes please"})
    assert replied.headers["location"] == f"{UI}/message?wamid={wamid.replace('=', '%3D')}"
    clicked = await act(http, "/message/click", {"wamid": wamid, "component": "cta"})
    assert clicked.status_code == 303
    (answer,) = (await http.get("/_wamm/inbound")).json()["data"]
    assert answer["message"]["button"] == {"payload": "Yes please", "text": "Yes please"}


async def test_the_analytics_page_charts_a_templates_days_and_cost(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    await send(graph)
    await send(graph, summer_sale("Bea", to="5511987650000"))
    await http.post("/_wamm/clock/advance", json={"seconds": 3600})
    templates = (await signed_wabas_templates(http)).text
    template_id = template_rows(templates)["summer_sale"]["data-id"]
    page = await http.get(f"{UI}/analytics", params={"template_id": template_id, "days": "3"})
    assert page.status_code == 200
    days = rows(page.text, "analytics-day")
    assert [(d["data-day"], d["data-sent"], d["data-read"]) for d in days] == [
        ("12-30", "0", "0"),
        ("12-31", "0", "0"),
        ("01-01", "2", "2"),
    ]
    assert days[-1]["data-spent"] == "0.05"  # two delivered marketing messages at 0.025
    (chart,) = re.findall(r"<svg [^>]*>", page.text)
    assert 'data-testid="analytics-chart"' in chart
    assert page.text.count('class="bar bar-sent"') == 3
    assert "<script" not in page.text.split("<main>")[1]
    wrong = await http.get(f"{UI}/analytics", params={"template_id": template_id, "days": "91"})
    assert wrong.status_code == 400
