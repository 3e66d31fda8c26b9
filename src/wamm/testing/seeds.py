"""Seed documents for tests: reading seed files, the demo world with a manual clock, and the
ids a test needs from a seed (token, WABA, phone number, app and its secret)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from wamm.core.seed import DEMO_SEED_PATH, SeedFileError
from wamm.core.seed import load_file as load_seed

__all__ = [
    "DEMO_SEED_PATH",
    "TEST_CLOCK_START",
    "SeedFileError",
    "WammIds",
    "demo_seed",
    "load_seed",
]

TEST_CLOCK_START = "2026-01-01T00:00:00Z"


@cache
def _demo() -> dict[str, Any]:
    return load_seed(DEMO_SEED_PATH)


def demo_seed() -> dict[str, Any]:
    """The demo world of `wamm serve` (three portfolios: Acme onboarded to MM, Globex not
    started, Initech requested with marketing disabled on the Cloud API), as tests want it:
    a manual clock starting at 2026-01-01T00:00:00Z, and the demo app subscribed to every
    WABA so that every business's webhooks reach the app's callback."""
    document = copy.deepcopy(_demo())
    document["settings"] = {
        **document.get("settings", {}),
        "clock": "manual",
        "clock_start": TEST_CLOCK_START,
    }
    app_ids = [str(app["id"]) for app in document.get("apps", [])]
    for business in document.get("businesses", []):
        for waba in business.get("wabas", []):
            waba["subscribed_apps"] = app_ids
    return document


@dataclass(frozen=True)
class WammIds:
    """The ids of one business of a seed: its first WABA and phone number, the first token
    that may use that WABA, and the first app (whose secret signs webhooks). None where the
    seed has no such thing."""

    token: str | None = None
    business_id: str | None = None
    waba_id: str | None = None
    phone_number_id: str | None = None
    app_id: str | None = None
    app_secret: str | None = None

    @classmethod
    def from_seed(cls, document: Mapping[str, Any], business: str | None = None) -> WammIds:
        """The ids of `business` (a name or an id; default: the seed's first business)."""
        chosen = _business(document, business)
        waba = _first(chosen.get("wabas", []))
        phone = _first(waba.get("phone_numbers", []))
        app = _first(document.get("apps", []))
        return cls(
            token=_token(document, _id(waba.get("id"))),
            business_id=_id(chosen.get("id")),
            waba_id=_id(waba.get("id")),
            phone_number_id=_id(phone.get("id")),
            app_id=_id(app.get("id")),
            app_secret=app.get("secret"),
        )


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _first(items: list[dict[str, Any]]) -> dict[str, Any]:
    return items[0] if items else {}


def _business(document: Mapping[str, Any], wanted: str | None) -> dict[str, Any]:
    businesses: list[dict[str, Any]] = document.get("businesses", [])
    if wanted is None:
        return _first(businesses)
    for business in businesses:
        if wanted in (business.get("name"), _id(business.get("id"))):
            return business
    names = ", ".join(str(b.get("name", b.get("id"))) for b in businesses)
    raise LookupError(f"the seed has no business {wanted!r} (it has: {names or 'none'})")


def _token(document: Mapping[str, Any], waba_id: str | None) -> str | None:
    tokens: list[dict[str, Any]] = document.get("tokens", [])
    usable = [t for t in tokens if waba_id in {_id(w) for w in t.get("wabas", [])}]
    chosen = _first(usable or tokens)
    return chosen.get("value")
