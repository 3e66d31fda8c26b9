"""The templates, world and analytics views and the steering actions in a real browser (the
system's Chromium, driven by Playwright) against a real `wamm serve`; carousel and
limited-time-offer previews; one failed webhook delivery re-driven from its row.
Screenshots of each view are kept in the test's tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import seed_data as sd
from tests.inspector.conftest import (
    LIVE_TIMEOUT_MS,
    no_policy_violations,
    send,
    shot,
    summer_sale,
)
from wamm.testing.server import WammServer

pytestmark = pytest.mark.subprocess  # a browser and a server process: not in `dev test --fast`

# A sample handle, as the seed accepts it for a media header's example.
HANDLE = "4::aW1hZ2UvcG5n:ARY:e:1681000441:634974688087057:100089620928913:ARYy"
OFFER_ENDS_MS = 1_767_312_000_000  # 2026-01-02T00:00:00Z


def card(body: str, reply: str) -> dict[str, Any]:
    return {
        "components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": [HANDLE]}},
            {"type": "BODY", "text": body, "example": {"body_text": [["-30%"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": reply}]},
        ]
    }


CAROUSEL = {
    "name": "autumn_picks",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {"type": "BODY", "text": "Picks for {{1}} today", "example": {"body_text": [["Ana"]]}},
        {
            "type": "CAROUSEL",
            "cards": [card("Boots {{1}} off", "Boots"), card("Hats {{1}} off", "Hats")],
        },
    ],
}
OFFER = {
    "name": "flash_offer",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {
            "type": "LIMITED_TIME_OFFER",
            "limited_time_offer": {"text": "Ends tonight", "has_expiration": True},
        },
        {"type": "BODY", "text": "Hi {{1}}, take it", "example": {"body_text": [["Ana"]]}},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "COPY_CODE", "example": "SAVE20"},
                {"type": "URL", "text": "Shop", "url": "https://shop.example.com/sale"},
            ],
        },
    ],
}


@pytest.fixture
def wamm_seed() -> dict[str, Any]:
    """The test seed with manual review, a carousel and an offer template, and the app's
    callback on a closed port (every webhook fails, quickly)."""
    document = sd.seed()
    document["settings"]["template_review"] = "manual"
    document["settings"]["webhooks"] = {"retry_initial_seconds": 10, "retry_window_seconds": 30}
    document["businesses"][0]["wabas"][0]["templates"] += [CAROUSEL, OFFER]
    document["apps"][0]["webhook"] = {"url": "http://127.0.0.1:9/hook", "verify_token": "v"}
    return document


def template_send(name: str, components: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": sd.BR_PHONE,
        "type": "template",
        "template": {"name": name, "language": {"code": "en_US"}, "components": components},
    }


def text(value: str) -> dict[str, str]:
    return {"type": "text", "text": value}


def test_a_pending_template_is_approved_in_the_templates_view(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    created = wamm_server.graph(
        f"{sd.SIGNED_WABA}/message_templates",
        {**sd.SUMMER_SALE, "name": "winter_sale"},
    )
    page.goto(f"{wamm_server.base_url}/_wamm/ui/templates?waba_id={sd.SIGNED_WABA}")
    row = page.locator(f'[data-testid="template-row"][data-id="{created["id"]}"]')
    expect(row).to_have_attribute("data-status", "PENDING")
    row.get_by_text("Preview and creative optimisation spec").click()
    expect(row.get_by_test_id("phone-preview")).to_contain_text("Hi {{1}}, enjoy {{2}} off")
    expect(row.get_by_test_id("creative-features")).to_contain_text("IMAGE_ANIMATION")
    shot(page, tmp_path, "templates")
    row.get_by_test_id("template-approve").click()
    expect(row).to_have_attribute("data-status", "APPROVED")
    row.get_by_label("score of winter_sale").select_option("RED")
    row.get_by_test_id("template-quality").click()
    expect(row).to_have_attribute("data-quality", "RED")
    expect(row).to_have_attribute("data-status", "PAUSED")  # RED pauses an approved template
    no_policy_violations(console)


def test_terms_are_signed_and_users_act_in_the_world_view(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    page.goto(f"{wamm_server.base_url}/_wamm/ui/world")
    waba = page.locator(f'[data-testid="waba-row"][data-id="{sd.NOT_STARTED_WABA}"]')
    expect(waba).to_have_attribute("data-onboarding", "ELIGIBLE")
    business = page.locator(f'[data-testid="business"][data-id="{sd.NOT_STARTED_BUSINESS}"]')
    business.get_by_test_id("sign-terms").click()
    expect(waba).to_have_attribute("data-onboarding", "ONBOARDED")
    expect(business.get_by_test_id("sign-terms")).to_have_count(0)

    writes = page.get_by_test_id("user-writes")
    writes.get_by_label("user's phone").fill(sd.BR_PHONE)
    writes.get_by_label("text to write").fill("Do you ship to Recife?")
    writes.get_by_role("button").click()
    expect(page.get_by_test_id("inbound-row")).to_contain_text("Do you ship to Recife?")
    user = page.locator(f'[data-testid="user-row"][data-phone="{sd.BR_PHONE}"]')
    user.get_by_test_id("user-stop").click()
    expect(user).to_have_attribute("data-stopped", sd.SIGNED_WABA)
    shot(page, tmp_path, "world")
    user.get_by_test_id("user-resume").click()
    expect(user).to_have_attribute("data-stopped", "")
    no_policy_violations(console)


def test_the_recipient_replies_and_the_analytics_chart_counts_it(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    wamid = send(wamm_server)
    wamm_server.control.advance(3600)
    page.goto(f"{wamm_server.base_url}/_wamm/ui/message?wamid={wamid}")
    page.get_by_test_id("user-reply").click()
    page.get_by_test_id("user-click").click()
    page.goto(f"{wamm_server.base_url}/_wamm/ui/world")
    expect(page.get_by_test_id("inbound-row")).to_contain_text("[button] Yes")
    page.get_by_role("link", name="summer_sale (en_US)").first.click()
    chart = page.get_by_test_id("analytics-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar-sent")).to_have_count(7)
    today = page.locator('[data-testid="analytics-day"][data-day="01-01"]')
    expect(today).to_have_attribute("data-sent", "1")
    expect(today).to_have_attribute("data-clicked", "1")  # the quick reply
    shot(page, tmp_path, "analytics")
    no_policy_violations(console)


def test_carousel_cards_and_a_limited_time_offer_are_previewed(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    image = {"type": "image", "image": {"link": "https://cdn.example.com/boots.png"}}
    cards = [
        {
            "card_index": i,
            "components": [
                {"type": "header", "parameters": [image]},
                {"type": "body", "parameters": [text(off)]},
            ],
        }
        for i, off in enumerate(("30%", "10%"))
    ]
    carousel = wamm_server.graph(
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(
            "autumn_picks",
            [{"type": "body", "parameters": [text("Ana")]}, {"type": "carousel", "cards": cards}],
        ),
    )["messages"][0]["id"]
    expiry = {
        "type": "limited_time_offer",
        "limited_time_offer": {"expiration_time_ms": OFFER_ENDS_MS},
    }
    coupon = {"type": "coupon_code", "coupon_code": "SAVE20"}
    offer = wamm_server.graph(
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(
            "flash_offer",
            [
                {"type": "limited_time_offer", "parameters": [expiry]},
                {"type": "body", "parameters": [text("Ana")]},
                {"type": "button", "sub_type": "copy_code", "index": 0, "parameters": [coupon]},
            ],
        ),
    )["messages"][0]["id"]

    page.goto(f"{wamm_server.base_url}/_wamm/ui/message?wamid={carousel}")
    preview = page.get_by_test_id("phone-preview")
    expect(preview.get_by_test_id("preview-card")).to_have_count(2)
    expect(preview.get_by_test_id("preview-card").first).to_contain_text("Boots 30% off")
    expect(preview.get_by_test_id("preview-card").last).to_contain_text("Hats 10% off")
    shot(page, tmp_path, "carousel")
    page.goto(f"{wamm_server.base_url}/_wamm/ui/message?wamid={offer}")
    expect(preview.get_by_test_id("preview-offer")).to_contain_text("Ends tonight")
    expect(preview.get_by_test_id("preview-offer")).to_contain_text("Ends 2026-01-02 00:00:00 UTC")
    expect(preview.get_by_test_id("preview-button").first).to_contain_text("Copy offer codeSAVE20")
    shot(page, tmp_path, "offer")
    no_policy_violations(console)


def test_one_failed_delivery_is_sent_again_from_its_row(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    send(wamm_server, summer_sale())
    assert wamm_server.settle(3600) == {"failed": 3}
    page.goto(f"{wamm_server.base_url}/_wamm/ui/webhooks")
    rows = page.get_by_test_id("webhook-row")
    expect(rows).to_have_count(3)
    chosen = rows.last
    chosen_id = chosen.get_attribute("data-id")
    chosen.get_by_test_id("webhook-redrive").click()
    chosen = page.locator(f'[data-testid="webhook-row"][data-id="{chosen_id}"]')
    expect(chosen).not_to_have_attribute("data-state", "failed", timeout=LIVE_TIMEOUT_MS)
    expect(page.locator('[data-testid="webhook-row"][data-state="failed"]')).to_have_count(2)
    shot(page, tmp_path, "redrive")
    no_policy_violations(console)
