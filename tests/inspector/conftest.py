"""Inspector fixtures: a Graph send to build pages from, and the HTML parsed for assertions."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests import seed_data as sd

XSS = "<img src=x onerror=alert(1)>"


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
