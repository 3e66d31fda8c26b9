"""Inspector fixtures: a Graph send to build pages from, and the HTML parsed for assertions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests import seed_data as sd
from tests.inspector.browser import CHROMIUM, keep_screenshot, require_browser
from wamm.testing.server import WammServer

XSS = "<img src=x onerror=alert(1)>"
LIVE_TIMEOUT_MS = 2000  # the issue: a sent message shows in an open page within 2 s


def summer_sale(first: str = "Ana", discount: str = "20%", to: str = sd.BR_PHONE) -> dict[str, Any]:
    """A marketing template send of the seed's `summer_sale` (body: "Hi {{1}}, enjoy {{2}} off")."""
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {
            "name": "summer_sale",
            "language": {"code": "en_US"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": first},
                        {"type": "text", "text": discount},
                    ],
                }
            ],
        },
    }


def rows(html: str, testid: str) -> list[dict[str, str]]:
    """The attributes of every element with `data-testid="<testid>"`, in page order."""
    found = []
    for tag in re.findall(rf'<\w+ [^>]*data-testid="{testid}"[^>]*>', html):
        found.append(dict(re.findall(r'([\w-]+)="([^"]*)"', tag)))
    return found


def csrf_of(response: httpx.Response) -> str:
    """The CSRF token of the form in an inspector page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, response.text
    return match[1]


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A Chromium per test: Playwright's sync API holds an event loop while it runs, so it must
    stop before fixtures set up earlier (a webhook receiver's thread) close their own."""
    require_browser()
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def console() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, console: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    opened.on("console", lambda message: console.append(_text(message)))
    opened.on("dialog", lambda dialog: console.append(f"dialog: {dialog.message}"))
    yield opened
    context.close()


def _text(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


def shot(page: Page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"inspector-{name}.png"
    page.screenshot(path=path, full_page=True)
    keep_screenshot(path)


def send(server: WammServer, body: dict[str, Any] | None = None) -> str:
    answer = server.graph(f"{sd.SIGNED_PHONE}/marketing_messages", body or summer_sale())
    wamid: str = answer["messages"][0]["id"]
    return wamid


def no_policy_violations(console: list[str]) -> None:
    assert not [line for line in console if "Content Security Policy" in line], console
