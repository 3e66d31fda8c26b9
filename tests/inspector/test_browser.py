"""The inspector in a real browser (the system's Chromium, driven by Playwright) against a real
`wamm serve`: live updates, the phone preview, the webhook log, escaping and the login.
Screenshots of each view are kept in the test's tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests import seed_data as sd
from tests.inspector.conftest import (
    LIVE_TIMEOUT_MS,
    XSS,
    no_policy_violations,
    send,
    shot,
    summer_sale,
)
from wamm.testing.server import WammServer, running_wamm

pytestmark = pytest.mark.subprocess  # a browser and a server process: not in `dev test --fast`


@pytest.fixture
def wamm_seed() -> dict[str, Any]:
    return sd.seed()  # the manual clock at 2026-01-01T00:00:00Z


def test_a_sent_message_appears_live_and_changes_status_in_place(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    page.goto(f"{wamm_server.base_url}/")  # a browser's root goes to the inspector
    assert page.url == f"{wamm_server.base_url}/_wamm/ui/"
    page.evaluate("window.notReloaded = true")
    wamid = send(wamm_server)
    row = page.locator(f'[data-testid="message-row"][data-wamid="{wamid}"]')
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(row).to_have_attribute("data-status", "accepted")
    expect(row).to_contain_text("summer_sale")

    clock = page.get_by_test_id("clock-advance")
    clock.locator('input[name="seconds"]').fill("3600")
    clock.get_by_role("button").click()
    expect(page.get_by_test_id("clock-now")).to_have_text("2026-01-01 01:00:00 UTC")
    expect(row).to_have_attribute("data-status", "read", timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("window.notReloaded") is True  # updated in place, not reloaded
    assert page.get_by_test_id("message-row").count() == 1
    shot(page, tmp_path, "messages")
    no_policy_violations(console)


def test_the_preview_substitutes_parameters_and_shows_markup_as_text(
    page: Page, wamm_server: WammServer, console: list[str], tmp_path: Path
) -> None:
    wamid = send(wamm_server, summer_sale(f"*{XSS}*", "_30%_"))
    wamm_server.control.advance(5)
    page.goto(f"{wamm_server.base_url}/_wamm/ui/")
    page.get_by_role("link", name=wamid).click()
    preview = page.get_by_test_id("phone-preview")
    expect(preview).to_contain_text(f"Hi {XSS}, enjoy 30% off")
    expect(preview.locator("strong")).to_have_text(XSS)
    expect(preview.locator("em")).to_have_text("30%")
    assert preview.locator("img").count() == 0
    expect(page.get_by_test_id("status-event").first).to_contain_text("sent")
    shot(page, tmp_path, "message")
    assert not [line for line in console if line.startswith("dialog")], console  # no alert ran
    no_policy_violations(console)


def test_a_delivered_webhook_shows_its_payload_and_signature(
    wamm_server: WammServer, wamm_webhooks: Any, page: Page, console: list[str], tmp_path: Path
) -> None:
    wamid = send(wamm_server)
    wamm_server.settle(3600)
    logged = httpx.get(
        f"{wamm_server.base_url}/_wamm/webhooks", params={"wamid": wamid}, timeout=10
    ).json()["data"]
    assert {d["state"] for d in logged} == {"delivered"}
    page.goto(f"{wamm_server.base_url}/_wamm/ui/webhooks")
    rows = page.get_by_test_id("webhook-row")
    expect(rows).to_have_count(len(logged))
    newest = rows.first
    expect(newest).to_have_attribute("data-state", "delivered")
    newest.get_by_text("Payload, signature and attempts").click()
    expect(newest.get_by_test_id("webhook-signature")).to_have_text(logged[0]["signature"])
    expect(newest).to_contain_text(wamid)
    expect(newest).to_contain_text("200")  # the receiver's answer to the attempt
    shot(page, tmp_path, "webhooks")
    no_policy_violations(console)


def test_with_an_admin_token_the_browser_signs_in_once(
    page: Page, tmp_path: Path, console: list[str]
) -> None:
    with running_wamm(tmp_path, "--admin-token", "browser-secret") as server:
        page.goto(f"{server.base_url}/_wamm/ui/webhooks")
        expect(page).to_have_url(f"{server.base_url}/_wamm/ui/login?next=%2F_wamm%2Fui%2Fwebhooks")
        page.get_by_label("Admin token").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("That is not the admin token.")
        page.get_by_label("Admin token").fill("browser-secret")
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{server.base_url}/_wamm/ui/webhooks")
        (cookie,) = [c for c in page.context.cookies() if c["name"] == "wamm_inspector_session"]
        assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Strict")
        assert "browser-secret" not in cookie["value"]
        page.goto(f"{server.base_url}/_wamm/ui/")  # asked once: the next page just opens
        expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    no_policy_violations(console)
