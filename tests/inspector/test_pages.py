"""The inspector's pages over HTTP: where they live, what they show, and their guard."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import interactive_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.content_builders import INTERACTIVE
from tests.inspector.conftest import XSS, csrf_of, rows, summer_sale
from tests.media_helpers import open_window
from wamm.server.app import build_app
from wamm.service import control
from wamm.service.runtime import Runtime

UI = "/_wamm/ui"
ADMIN_TOKEN = "inspector-admin-secret"


async def send(graph: Graph, body: dict[str, Any] | None = None) -> str:
    response = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", body or summer_sale())
    assert response.status_code == 200, response.text
    wamid: str = response.json()["messages"][0]["id"]
    return wamid


async def test_a_browser_opening_the_root_goes_to_the_inspector(http: httpx.AsyncClient) -> None:
    browser = await http.get("/", headers={"accept": "text/html,application/xhtml+xml,*/*"})
    assert (browser.status_code, browser.headers["location"]) == (307, f"{UI}/")
    # Graph clients (no HTML wanted) keep the Graph error for a path without an object id.
    client = await http.get("/", headers={"accept": "application/json"})
    assert client.status_code == 400
    assert error_of(client) == invalid_parameter_error(
        "Unsupported request: give an object id in the path."
    )
    posted = await http.post("/", headers={"accept": "text/html"})
    assert posted.status_code == 400


async def test_the_message_list_shows_a_sent_message(http: httpx.AsyncClient, graph: Graph) -> None:
    wamid = await send(graph)
    page = await http.get(f"{UI}/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    (row,) = rows(page.text, "message-row")
    assert (row["data-wamid"], row["data-status"]) == (wamid, "accepted")
    assert "summer_sale" in page.text and "MM API" in page.text and "marketing_lite" in page.text


async def test_pages_forbid_inline_scripts_and_load_nothing_from_elsewhere(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get(f"{UI}/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts and all(re.fullmatch(r' src="/_wamm/ui/static/[^"]+"', s) for s in scripts)
    for source in re.findall(r'<script src="([^"]+)"', page.text):
        served = await http.get(source)
        assert served.status_code == 200 and served.headers["content-type"].startswith(
            ("application/javascript", "text/javascript")
        )
    assert not re.search(r"\son\w+=|style=", page.text)  # no inline handlers or styles


async def test_filters_narrow_the_list(http: httpx.AsyncClient, graph: Graph) -> None:
    ana = await send(graph)
    jessica = await send(graph, summer_sale("Jess", to=sd.US_PHONE))
    text = await graph.post(
        f"{sd.SIGNED_PHONE}/marketing_messages",
        {**summer_sale(), "template": {**summer_sale()["template"], "name": "max_price_promo"}},
    )
    promo = text.json()["messages"][0]["id"]

    async def listed(**filters: str) -> list[str]:
        page = await http.get(f"{UI}/", params=filters)
        assert page.status_code == 200, page.text
        return [row["data-wamid"] for row in rows(page.text, "message-row")]

    assert await listed() == [promo, jessica, ana]
    assert await listed(recipient=sd.US_PHONE) == [jessica]
    assert await listed(template="max_price_promo") == [promo]
    assert await listed(route="cloud_api") == []
    assert await listed(phone_number_id=sd.SIGNED_PHONE, status="accepted") == [
        promo,
        jessica,
        ana,
    ]
    await http.post("/_wamm/clock/advance", json={"seconds": 3600})
    assert await listed(status="failed") == [jessica]  # US marketing is blocked: 131049
    page = await http.get(f"{UI}/", params={"status": "failed"})
    assert "failed (131049)" in page.text


async def test_the_control_api_filters_by_template_too(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    await send(graph)
    listed = (await http.get("/_wamm/messages", params={"template": "order_update"})).json()
    assert listed == {"data": []}
    listed = (await http.get("/_wamm/messages", params={"template": "summer_sale"})).json()
    assert [m["template"]["name"] for m in listed["data"]] == ["summer_sale"]


async def test_the_message_page_previews_with_parameters_and_escapes_them(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    wamid = await send(graph, summer_sale(f"*{XSS}*"))
    page = await http.get(f"{UI}/message", params={"wamid": wamid})
    assert page.status_code == 200
    body = re.search(r'data-testid="preview-body">(.*?)</div>', page.text, re.DOTALL)
    assert body and body[1] == (
        "Hi <strong>&lt;img src=x onerror=alert(1)&gt;</strong>, enjoy 20% off"
    )
    assert "<img" not in page.text
    assert "&#34;to&#34;: &#34;5511987654321&#34;" in page.text  # the request as stored
    events = rows(page.text, "status-event")
    assert [e["class"] for e in events] == ["planned"] * len(events) and events


async def test_the_message_page_labels_carousel_cards_and_order_totals(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    await open_window(graph)
    pages = []
    for kind in ("carousel", "order_details"):
        response = await graph.post(
            f"{sd.SIGNED_PHONE}/messages", interactive_send(INTERACTIVE[kind])
        )
        wamid = response.json()["messages"][0]["id"]
        pages.append(await http.get(f"{UI}/message", params={"wamid": wamid}))
    assert [page.status_code for page in pages] == [200, 200]
    assert "[card 1: video https://example.com/1.video | *Card 1*" in pages[0].text
    assert "[order order-4471.b: INR 21.00, 1 item(s)]" in pages[1].text
    assert "Review and pay" in pages[1].text


async def test_the_message_page_shows_a_free_entry_point(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    referral = {"source_url": "https://fb.me/ad", "source_id": "120", "source_type": "ad"}
    entry = {"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "referral": referral}
    assert (await http.post("/_wamm/inbound", json=entry)).status_code == 200
    wamid = await send(graph)
    page = await http.get(f"{UI}/message", params={"wamid": wamid})
    shown = re.search(r'data-testid="pricing-type">(.*?)</td>', page.text)
    assert shown and shown[1] == (
        "free_entry_point (free entry point window until 2026-01-04 00:00:00 UTC)"
    )


async def test_an_unknown_message_is_a_404_page(http: httpx.AsyncClient) -> None:
    page = await http.get(f"{UI}/message", params={"wamid": "wamid.nope"})
    assert page.status_code == 404
    assert "No message with id wamid.nope." in page.text


@pytest.fixture
def seed_document() -> dict[str, Any]:
    document = sd.seed()
    document["apps"][0]["webhook"] = {"url": "http://127.0.0.1:9/hook", "verify_token": "v"}
    return document


async def test_the_webhook_log_shows_payloads_and_signatures(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    wamid = await send(graph)
    await http.post("/_wamm/clock/advance", json={"seconds": 3600})
    logged = (await http.get("/_wamm/webhooks", params={"wamid": wamid})).json()["data"]
    page = await http.get(f"{UI}/webhooks")
    assert page.status_code == 200
    shown = rows(page.text, "webhook-row")
    assert [(r["data-id"], r["data-state"]) for r in shown] == [
        (str(d["id"]), d["state"]) for d in logged
    ]
    assert all(d["signature"] in page.text for d in logged)
    pending = await http.get(f"{UI}/webhooks", params={"state": "delivered"})
    assert rows(pending.text, "webhook-row") == []


async def test_advancing_the_clock_needs_the_forms_csrf_value(
    http: httpx.AsyncClient, graph: Graph
) -> None:
    wamid = await send(graph)
    page = await http.get(f"{UI}/")
    (clock,) = rows(page.text, "clock-advance")
    assert clock["action"] == f"{UI}/clock/advance"
    forged = await http.post(f"{UI}/clock/advance", data={"seconds": "3600", "csrf_token": "x"})
    assert forged.status_code == 403
    cross_site = await http.post(
        f"{UI}/clock/advance",
        data={"seconds": "3600", "csrf_token": csrf_of(page)},
        headers={"origin": "http://evil.example"},
    )
    assert cross_site.status_code == 403
    assert (await http.get("/_wamm/clock")).json()["now"] == sd.CLOCK_START

    advanced = await http.post(
        f"{UI}/clock/advance",
        data={"seconds": "3600", "csrf_token": csrf_of(page)},
        headers={"hx-request": "true", "origin": "http://wamm.test"},
    )
    assert advanced.status_code == 200
    assert '<time data-testid="clock-now" sse-swap="clock">2026-01-01 01:00:00 UTC</time>' in (
        advanced.text
    )
    page = await http.get(f"{UI}/")
    assert [r["data-status"] for r in rows(page.text, "message-row") if r["data-wamid"] == wamid]
    assert rows(page.text, "message-row")[0]["data-status"] == "read"

    bad = await http.post(
        f"{UI}/clock/advance",
        data={"seconds": "-5", "csrf_token": csrf_of(page)},
        headers={"hx-request": "true"},
    )
    assert bad.status_code == 422 and "a number from 0 to 10 years" in bad.text


@pytest.fixture
async def guarded_http(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(runtime, admin_token=ADMIN_TOKEN))
    async with httpx.AsyncClient(transport=transport, base_url="http://wamm.test") as client:
        yield client


async def test_with_an_admin_token_the_pages_ask_for_it_once(
    guarded_http: httpx.AsyncClient,
) -> None:
    http = guarded_http
    first = await http.get(f"{UI}/webhooks")
    assert first.status_code == 303
    assert first.headers["location"] == f"{UI}/login?next=%2F_wamm%2Fui%2Fwebhooks"
    assert (await http.get(f"{UI}/events", params={"at": "0:0"})).status_code == 303
    assert (await http.get(f"{UI}/events", headers={"hx-request": "true"})).status_code == 401

    form = await http.get(first.headers["location"])
    assert form.status_code == 200 and 'type="password" name="token"' in form.text
    wrong = await http.post(
        f"{UI}/login", data={"token": "guess", "csrf_token": csrf_of(form), "next": f"{UI}/"}
    )
    assert wrong.status_code == 401 and "That is not the admin token." in wrong.text
    assert "wamm_inspector_session" not in http.cookies

    signed = await http.post(
        f"{UI}/login",
        data={"token": ADMIN_TOKEN, "csrf_token": csrf_of(form), "next": f"{UI}/webhooks"},
    )
    assert (signed.status_code, signed.headers["location"]) == (303, f"{UI}/webhooks")
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("wamm_inspector_session=") and ADMIN_TOKEN not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/_wamm/ui" in cookie
    assert (await http.get(f"{UI}/webhooks")).status_code == 200
    # The control API's guard is unchanged: the cookie is the inspector's only.
    assert (await http.get("/_wamm/state")).status_code == 401


async def test_signing_in_never_sends_the_browser_to_another_site(
    guarded_http: httpx.AsyncClient,
) -> None:
    form = await guarded_http.get(f"{UI}/login", params={"next": "https://evil.example/"})
    assert 'name="next" value="/_wamm/ui/"' in form.text
    signed = await guarded_http.post(
        f"{UI}/login",
        data={"token": ADMIN_TOKEN, "csrf_token": csrf_of(form), "next": f"{UI}//evil.example"},
    )
    assert signed.headers["location"] == f"{UI}/"


async def test_a_status_filtered_page_reads_a_bounded_number_of_messages(
    http: httpx.AsyncClient, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "SCAN_CHUNK", 2)
    monkeypatch.setattr(control, "STATUS_SCAN", 4)
    jessica = await send(graph, summer_sale("Jess", to=sd.US_PHONE))  # fails: 131049
    for _ in range(4):
        await send(graph)
    await http.post("/_wamm/clock/advance", json={"seconds": 3600})

    first = (await http.get("/_wamm/messages", params={"status": "failed"})).json()
    assert first["data"] == []  # the four newest are read: none failed
    after = first["paging"]["cursors"]["after"]
    second = (await http.get("/_wamm/messages", params={"status": "failed", "after": after})).json()
    assert [m["wamid"] for m in second["data"]] == [jessica] and "paging" not in second
    page = await http.get(f"{UI}/", params={"status": "failed"})
    assert rows(page.text, "message-row") == [] and "Older messages" in page.text
