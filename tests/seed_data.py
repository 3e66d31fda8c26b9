"""The seed most HTTP tests start from: three portfolios covering the MM routing states."""

from __future__ import annotations

import copy
from typing import Any

TOKEN = "test-token"
MESSAGING_ONLY = "messaging-only-token"
MANAGEMENT_ONLY = "management-only-token"
OTHER_WABA_TOKEN = "other-waba-token"
EXPIRED_TOKEN = "expired-token"

APP_ID = "900000000000001"
APP_SECRET = "app-secret"

SIGNED_BUSINESS = "800000000000001"
SIGNED_WABA = "102290129340398"
SIGNED_PHONE = "106540352242922"
SIGNED_DISPLAY = "15550783881"

NOT_STARTED_BUSINESS = "800000000000002"
NOT_STARTED_WABA = "102290129340399"
NOT_STARTED_PHONE = "106540352242923"

REQUESTED_BUSINESS = "800000000000003"
REQUESTED_WABA = "102290129340400"
REQUESTED_PHONE = "106540352242924"

BR_PHONE = "5511987654321"
BR_BSUID = "BR.13491208655302741918"
BR_PARENT_BSUID = "BR.ENT.11815799212886844830"
US_PHONE = "16505551234"

CLOCK_START = 1_767_225_600.0  # 2026-01-01T00:00:00Z

SUMMER_SALE = {
    "name": "summer_sale",
    "language": "en_US",
    "category": "MARKETING",
    "components": [
        {
            "type": "BODY",
            "text": "Hi {{1}}, enjoy {{2}} off",
            "example": {"body_text": [["Ana", "20%"]]},
        },
    ],
}


def _templates() -> list[dict[str, Any]]:
    return [
        SUMMER_SALE,
        {
            **SUMMER_SALE,
            "name": "max_price_promo",
            "bid_spec": {"bid_amount": 5000, "bid_strategy": "LOWEST_COST_WITH_BID_CAP"},
        },
        {
            "name": "order_update",
            "language": "en_US",
            "category": "UTILITY",
            "components": [
                {
                    "type": "BODY",
                    "text": "Order {{1}} has shipped today.",
                    "example": {"body_text": [["#1"]]},
                }
            ],
        },
        {
            "name": "login_code",
            "language": "en_US",
            "category": "AUTHENTICATION",
            "components": [
                {"type": "BODY", "add_security_recommendation": True},
                {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
            ],
        },
        {**SUMMER_SALE, "name": "paused_promo", "status": "PAUSED"},
        {**SUMMER_SALE, "name": "disabled_promo", "status": "DISABLED"},
        {**SUMMER_SALE, "name": "pending_promo", "status": "PENDING"},
    ]


def _waba(waba_id: str, name: str, phone_id: str, display: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": waba_id,
        "name": name,
        "currency": "USD",
        "timezone_id": "1",
        "subscribed_apps": [APP_ID],
        "phone_numbers": [{"id": phone_id, "display_phone_number": display, "verified_name": name}],
        "templates": _templates(),
        **extra,
    }


BASE_SEED: dict[str, Any] = {
    "settings": {
        "clock": "manual",
        "clock_start": CLOCK_START,
        "rng_seed": 7,
        "template_review": "auto",
    },
    "apps": [{"id": APP_ID, "secret": APP_SECRET, "name": "Test app"}],
    "businesses": [
        {
            "id": SIGNED_BUSINESS,
            "name": "Acme",
            "mm_terms": "signed",
            "wabas": [_waba(SIGNED_WABA, "Acme WA", SIGNED_PHONE, SIGNED_DISPLAY)],
        },
        {
            "id": NOT_STARTED_BUSINESS,
            "name": "Globex",
            "mm_terms": "not_started",
            "wabas": [_waba(NOT_STARTED_WABA, "Globex WA", NOT_STARTED_PHONE, "15550783882")],
        },
        {
            "id": REQUESTED_BUSINESS,
            "name": "Initech",
            "mm_terms": "request_sent",
            "wabas": [_waba(REQUESTED_WABA, "Initech WA", REQUESTED_PHONE, "15550783883")],
        },
    ],
    "tokens": [
        {
            "value": TOKEN,
            "app_id": APP_ID,
            "scopes": [
                "whatsapp_business_messaging",
                "whatsapp_business_management",
                "business_management",
            ],
            "wabas": [SIGNED_WABA, NOT_STARTED_WABA, REQUESTED_WABA],
        },
        {
            "value": MESSAGING_ONLY,
            "scopes": ["whatsapp_business_messaging"],
            "wabas": [SIGNED_WABA],
        },
        {
            "value": MANAGEMENT_ONLY,
            "scopes": ["whatsapp_business_management"],
            "wabas": [SIGNED_WABA],
        },
        {
            "value": OTHER_WABA_TOKEN,
            "scopes": ["whatsapp_business_messaging", "whatsapp_business_management"],
            "wabas": [NOT_STARTED_WABA],
        },
        {
            "value": EXPIRED_TOKEN,
            "scopes": ["whatsapp_business_messaging"],
            "wabas": [SIGNED_WABA],
            "expires_at": CLOCK_START - 1,
        },
    ],
    "users": [
        {
            "phone": BR_PHONE,
            "bsuid": BR_BSUID,
            "parent_bsuid": BR_PARENT_BSUID,
            "country": "BR",
            "name": "Ana",
        },
        {"phone": US_PHONE, "country": "US", "name": "Jessica"},
    ],
}


def seed(**overrides: Any) -> dict[str, Any]:
    """A deep copy of BASE_SEED with top-level keys replaced."""
    document = copy.deepcopy(BASE_SEED)
    document.update(copy.deepcopy(overrides))
    return document


# --- partners ------------------------------------------------------------------------------------

PARTNER_BUSINESS = "800000000000010"
OTHER_PARTNER_BUSINESS = "800000000000011"
INELIGIBLE_CLIENT = "800000000000012"
INELIGIBLE_WABA = "102290129340410"
PARTNER_TOKEN = "partner-token"
OTHER_PARTNER_TOKEN = "other-partner-token"
_PARTNER_SCOPES = [
    "whatsapp_business_messaging",
    "whatsapp_business_management",
    "business_management",
]


def with_partners(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (a BASE_SEED copy) with two partner portfolios: the three base portfolios
    and an ineligible one (Umbrella) are clients of PARTNER_BUSINESS, and Globex is a client
    of OTHER_PARTNER_BUSINESS too; each partner's system user holds a token."""
    clients = document["businesses"]
    clients[0]["client_of"] = [PARTNER_BUSINESS]
    clients[1]["client_of"] = [PARTNER_BUSINESS, OTHER_PARTNER_BUSINESS]
    clients[2]["client_of"] = [PARTNER_BUSINESS]
    umbrella = {
        "id": INELIGIBLE_CLIENT,
        "name": "Umbrella",
        "client_of": [PARTNER_BUSINESS],
        "wabas": [
            {
                "id": INELIGIBLE_WABA,
                "name": "Umbrella WA",
                "onboarding_status": "INELIGIBLE_COUNTRY_NOT_SUPPORTED",
            }
        ],
    }
    document["businesses"] = [
        {"id": PARTNER_BUSINESS, "name": "Partner Solutions"},
        {"id": OTHER_PARTNER_BUSINESS, "name": "Other Partner"},
        *clients,
        umbrella,
    ]
    document["tokens"] += [
        {
            "value": PARTNER_TOKEN,
            "app_id": APP_ID,
            "scopes": _PARTNER_SCOPES,
            "business_id": PARTNER_BUSINESS,
        },
        {
            "value": OTHER_PARTNER_TOKEN,
            "scopes": _PARTNER_SCOPES,
            "business_id": OTHER_PARTNER_BUSINESS,
        },
    ]
    return document
