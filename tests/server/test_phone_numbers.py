"""The business phone number node: its fields, settings, registration, profile, conversational
components and message QR codes (block users: test_block_users.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import text_send
from tests.conftest import Graph, error_of, invalid_parameter_error

PHONE = sd.SIGNED_PHONE
# What pywa 4.5 asks for in get_business_phone_number (BusinessPhoneNumber._api_fields()).
PYWA_PHONE_FIELDS = (
    "id,verified_name,display_phone_number,conversational_automation,status,quality_rating,"
    "quality_score,webhook_configuration,name_status,new_name_status,code_verification_status,"
    "account_mode,is_on_biz_app,is_official_business_account,is_pin_enabled,"
    "is_preverified_number,search_visibility,platform_type,throughput,"
    "eligibility_for_api_business_global_search,health_status,certificate,new_certificate,"
    "last_onboarded_time,country_code,country_dial_code,whatsapp_business_manager_messaging_limit"
)


def health(can_send: str, number: dict[str, Any]) -> dict[str, Any]:
    return {
        "can_send_message": can_send,
        "entities": [
            {"entity_type": "PHONE_NUMBER", "id": PHONE, "can_send_message": can_send, **number},
            {"entity_type": "WABA", "id": sd.SIGNED_WABA, "can_send_message": "AVAILABLE"},
            {"entity_type": "BUSINESS", "id": sd.SIGNED_BUSINESS, "can_send_message": "AVAILABLE"},
        ],
    }


async def test_every_field_pywa_requests(graph: Graph) -> None:
    body = (await graph.get(PHONE, fields=PYWA_PHONE_FIELDS)).json()
    certificate = body.pop("certificate")
    assert isinstance(certificate, str)
    assert body == {
        "verified_name": "Acme WA",
        "display_phone_number": sd.SIGNED_DISPLAY,
        "conversational_automation": {
            "enable_welcome_message": False,
            "prompts": [],
            "commands": [],
            "id": PHONE,
        },
        "status": "CONNECTED",
        "quality_rating": "GREEN",
        "quality_score": {"score": "GREEN"},
        "webhook_configuration": {"application": "https://example.test/webhook"},
        "name_status": "APPROVED",
        "new_name_status": "NONE",
        "code_verification_status": "VERIFIED",
        "account_mode": "LIVE",
        "is_on_biz_app": False,
        "is_official_business_account": False,
        "is_pin_enabled": False,
        "is_preverified_number": False,
        "search_visibility": "VISIBLE",
        "platform_type": "CLOUD_API",
        "throughput": {"level": "STANDARD"},
        "eligibility_for_api_business_global_search": "ELIGIBLE",
        "health_status": health("AVAILABLE", {}),
        "last_onboarded_time": "2026-01-01T00:00:00+0000",
        "country_code": "US",
        "country_dial_code": "1",
        "whatsapp_business_manager_messaging_limit": "TIER_UNLIMITED",
        "id": PHONE,
    }


@pytest.fixture
def seed_document() -> dict[str, Any]:
    document = sd.seed()
    document["apps"][0]["webhook"] = {"url": "https://example.test/webhook"}
    number = document["businesses"][1]["wabas"][0]["phone_numbers"][0]
    number.update(
        registered=False,
        code_verification_status="NOT_VERIFIED",
        account_mode="SANDBOX",
        is_on_biz_app=True,
        search_visibility="NON_VISIBLE",
        messaging_limit_tier="TIER_1K",
        business_profile={"about": "Open 9-5", "vertical": "RETAIL"},
    )
    return document


async def test_seeded_settings_show_in_the_node(graph: Graph) -> None:
    fields = (
        "status,platform_type,code_verification_status,account_mode,is_on_biz_app,"
        "search_visibility,whatsapp_business_manager_messaging_limit"
    )
    body = (await graph.get(sd.NOT_STARTED_PHONE, fields=fields)).json()
    assert body == {
        "status": "PENDING",
        "platform_type": "NOT_APPLICABLE",
        "code_verification_status": "NOT_VERIFIED",
        "account_mode": "SANDBOX",
        "is_on_biz_app": True,
        "search_visibility": "NON_VISIBLE",
        "whatsapp_business_manager_messaging_limit": "TIER_1K",
        "id": sd.NOT_STARTED_PHONE,
    }
    profile = await graph.get(f"{sd.NOT_STARTED_PHONE}/whatsapp_business_profile")
    assert profile.json() == {
        "data": [{"about": "Open 9-5", "vertical": "RETAIL", "messaging_product": "whatsapp"}]
    }


async def test_unknown_field_is_100(graph: Graph) -> None:
    response = await graph.get(PHONE, fields="verified_name,nope")
    assert error_of(response) == {
        "message": "(#100) Tried accessing nonexisting field (nope) on node type "
        "(WhatsAppBusinessPhoneNumber)",
        "type": "OAuthException",
        "code": 100,
    }


# --- two-step PIN and display name -------------------------------------------------------------


async def test_two_step_pin_is_set_on_the_node(graph: Graph) -> None:
    response = await graph.post(PHONE, {"pin": "123456"})
    assert response.json() == {"success": True}
    body = (await graph.get(PHONE, fields="is_pin_enabled")).json()
    assert body == {"is_pin_enabled": True, "id": PHONE}


@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", 123456])
async def test_pin_must_be_six_digits(graph: Graph, pin: Any) -> None:
    response = await graph.post(PHONE, {"pin": pin})
    assert response.status_code == 400
    assert error_of(response)["code"] == 100


async def test_new_display_name_goes_to_review(graph: Graph) -> None:
    body = {"messaging_product": "whatsapp", "new_display_name": "Acme Shop"}
    assert (await graph.post(PHONE, body)).json() == {"success": True}
    node = (await graph.get(PHONE, fields="verified_name,new_name_status")).json()
    assert node == {"verified_name": "Acme WA", "new_name_status": "PENDING_REVIEW", "id": PHONE}


async def test_a_post_without_a_setting_is_100(graph: Graph) -> None:
    response = await graph.post(PHONE, {"messaging_product": "whatsapp"})
    assert error_of(response) == invalid_parameter_error(
        "Nothing to update: give one of pin, new_display_name."
    )


# --- registration ------------------------------------------------------------------------------


async def test_registration_state_machine(graph: Graph) -> None:
    number = sd.NOT_STARTED_PHONE
    register = {"messaging_product": "whatsapp", "pin": "246810"}
    unverified = await graph.post(f"{number}/register", register)
    assert error_of(unverified) == {
        "message": "(#133006) Phone number re-verification needed",
        "type": "OAuthException",
        "code": 133006,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "Phone number needs to be verified before registering.",
        },
    }
    asked = await graph.post(f"{number}/request_code", {"code_method": "SMS", "language": "en"})
    assert asked.json() == {"success": True}
    wrong = await graph.post(f"{number}/verify_code", {"code": "000000"})
    assert (wrong.status_code, error_of(wrong)["code"]) == (400, 136025)
    verified = await graph.post(f"{number}/verify_code", {"code": "783882"})  # last six digits
    assert verified.json() == {"success": True}
    assert (await graph.post(f"{number}/register", register)).json() == {"success": True}
    node = (await graph.get(number, fields="status,platform_type,is_pin_enabled")).json()
    assert node == {
        "status": "CONNECTED",
        "platform_type": "CLOUD_API",
        "is_pin_enabled": True,
        "id": number,
    }
    mismatch = await graph.post(f"{number}/register", {**register, "pin": "111111"})
    assert error_of(mismatch)["message"] == "(#133005) Two step verification PIN mismatch"


async def test_deregistered_number_cannot_send(graph: Graph) -> None:
    assert (await graph.post(f"{PHONE}/deregister")).json() == {"success": True}
    response = await graph.post(f"{PHONE}/messages", text_send())
    assert error_of(response) == {
        "message": "(#133010) Phone number not registered",
        "type": "OAuthException",
        "code": 133010,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "The phone number is not registered on the WhatsApp Business Platform.",
        },
    }
    node = (await graph.get(PHONE, fields="health_status")).json()
    assert node["health_status"]["can_send_message"] == "BLOCKED"
    again = await graph.post(f"{PHONE}/deregister")
    assert error_of(again) == {
        "message": "Phone number not registered on the WhatsApp Business Platform.",
        "type": "OAuthException",
        "code": 100,
        "error_subcode": 2207051,
    }


async def test_ten_registrations_in_72_hours(graph: Graph) -> None:
    register = {"messaging_product": "whatsapp", "pin": "123456"}
    for _ in range(10):
        assert (await graph.post(f"{PHONE}/register", register)).status_code == 200
    refused = await graph.post(f"{PHONE}/register", register)
    assert (
        error_of(refused)["message"] == "(#133016) Account register deregister rate limit exceeded"
    )
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 72 * 3600})
    assert (await graph.post(f"{PHONE}/register", register)).status_code == 200


async def test_data_localization_region_is_a_country_code(graph: Graph) -> None:
    body = {"messaging_product": "whatsapp", "pin": "123456", "data_localization_region": "IN"}
    assert (await graph.post(f"{PHONE}/register", body)).status_code == 200
    wrong = await graph.post(f"{PHONE}/register", {**body, "data_localization_region": "India"})
    assert error_of(wrong) == invalid_parameter_error(
        "Param data_localization_region must be a 2-letter ISO 3166 country code (e.g. IN)."
    )


async def test_request_code_checks_its_parameters(graph: Graph) -> None:
    response = await graph.post(f"{PHONE}/request_code", {"code_method": "FAX", "language": "en"})
    assert error_of(response) == invalid_parameter_error(
        "Invalid parameter: code_method must be SMS or VOICE"
    )


# --- business profile --------------------------------------------------------------------------


async def test_business_profile_update_and_read(graph: Graph) -> None:
    update = {
        "messaging_product": "whatsapp",
        "about": "We sell anvils",
        "address": "1 Desert Road",
        "description": "Anvils since 1949",
        "email": "sales@acme.test",
        "vertical": "RETAIL",
        "websites": ["https://acme.test", "https://shop.acme.test"],
    }
    assert (await graph.post(f"{PHONE}/whatsapp_business_profile", update)).json() == {
        "success": True
    }
    read = await graph.get(f"{PHONE}/whatsapp_business_profile")
    assert read.json() == {
        "data": [
            {
                "about": "We sell anvils",
                "address": "1 Desert Road",
                "description": "Anvils since 1949",
                "email": "sales@acme.test",
                "websites": ["https://acme.test", "https://shop.acme.test"],
                "vertical": "RETAIL",
                "messaging_product": "whatsapp",
            }
        ]
    }
    some = await graph.get(f"{PHONE}/whatsapp_business_profile", fields="about,email")
    assert some.json() == {"data": [{"about": "We sell anvils", "email": "sales@acme.test"}]}


@pytest.mark.parametrize(
    ("change", "details"),
    [
        ({"about": "x" * 140}, "Param about must be at most 139 characters."),
        ({"email": "not-an-email"}, "Param email must be a valid email address."),
        ({"websites": ["acme.test"]}, "Website 'acme.test' must start with http:// or https://."),
        (
            {"websites": ["https://a", "https://b", "https://c"]},
            "Param websites must have at most 2 URLs.",
        ),
        (
            {"profile_picture_handle": " "},
            "Param profile_picture_handle must be a non-empty upload handle.",
        ),
    ],
)
async def test_business_profile_limits(graph: Graph, change: dict[str, Any], details: str) -> None:
    body = {"messaging_product": "whatsapp", **change}
    response = await graph.post(f"{PHONE}/whatsapp_business_profile", body)
    assert error_of(response) == invalid_parameter_error(details)


# --- conversational components -----------------------------------------------------------------


async def test_conversational_automation(graph: Graph) -> None:
    body = {
        "enable_welcome_message": True,
        "prompts": ["Book a table", "See the menu"],
        "commands": '[{"command_name": "hours", "command_description": "Opening hours"}]',
    }
    response = await graph.post(f"{PHONE}/conversational_automation", body)
    assert response.json() == {"success": True}
    node = (await graph.get(PHONE, fields="conversational_automation")).json()
    assert node["conversational_automation"] == {
        "enable_welcome_message": True,
        "prompts": ["Book a table", "See the menu"],
        "commands": [{"command_name": "hours", "command_description": "Opening hours"}],
        "id": PHONE,
    }


async def test_at_most_three_ice_breakers(graph: Graph) -> None:
    body = {"prompts": ["a", "b", "c", "d"]}
    response = await graph.post(f"{PHONE}/conversational_automation", body)
    assert error_of(response) == invalid_parameter_error(
        "Too many prompts provided. Maximum allowed is 3"
    )


# --- message QR codes --------------------------------------------------------------------------


async def test_qr_code_life_cycle(graph: Graph) -> None:
    body = {"prefilled_message": "Show me the deals", "generate_qr_image": "PNG"}
    created = (await graph.post(f"{PHONE}/message_qrdls", body)).json()
    code = created["code"]
    assert len(code) == 14
    assert created == {
        "code": code,
        "prefilled_message": "Show me the deals",
        "deep_link_url": f"https://wa.me/message/{code}",
        "qr_image_url": f"http://wamm.test/_wamm/qr/{PHONE}/{code}.png",
    }
    image = await graph.http.get(created["qr_image_url"])
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    updated = await graph.post(f"{PHONE}/message_qrdls", {"code": code, "prefilled_message": "Hi"})
    assert updated.json() == {
        "code": code,
        "prefilled_message": "Hi",
        "deep_link_url": f"https://wa.me/message/{code}",
    }
    one = await graph.get(f"{PHONE}/message_qrdls/{code}", fields="code,qr_image_url.format(SVG)")
    assert one.json() == {
        "data": [{"code": code, "qr_image_url": f"http://wamm.test/_wamm/qr/{PHONE}/{code}.svg"}]
    }
    svg = await graph.http.get(f"/_wamm/qr/{PHONE}/{code}.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    listed = (await graph.get(f"{PHONE}/message_qrdls")).json()
    assert listed["data"] == [
        {"code": code, "prefilled_message": "Hi", "deep_link_url": f"https://wa.me/message/{code}"}
    ]
    assert (await graph.delete(f"{PHONE}/message_qrdls/{code}")).json() == {"success": True}
    gone = await graph.get(f"{PHONE}/message_qrdls/{code}")
    assert error_of(gone)["error_subcode"] == 33
    assert (await graph.http.get(f"/_wamm/qr/{PHONE}/{code}.svg")).status_code == 404


async def test_qr_prefilled_message_is_limited(graph: Graph) -> None:
    response = await graph.post(f"{PHONE}/message_qrdls", {"prefilled_message": "x" * 141})
    assert error_of(response) == invalid_parameter_error(
        "Param prefilled_message must have 1 to 140 characters."
    )


def number_seed(**settings: Any) -> dict[str, Any]:
    number = {"id": "1065", "display_phone_number": "15550100200", "verified_name": "N", **settings}
    waba = {"id": "1020", "name": "W", "phone_numbers": [number]}
    return {"businesses": [{"id": "8000", "name": "B", "wabas": [waba]}]}


NUMBER_PATH = "$.businesses[0].wabas[0].phone_numbers[0]"


@pytest.mark.parametrize(
    ("settings", "path", "problem"),
    [
        ({"pin": "12"}, f"{NUMBER_PATH}.pin", "Invalid PIN format. PIN must be exactly 6 digits"),
        (
            {"business_profile": {"colour": "red"}},
            f"{NUMBER_PATH}.business_profile.colour",
            "unknown key; one of about, address, description, email, vertical, websites",
        ),
        (
            {"business_profile": {"email": "nope"}},
            f"{NUMBER_PATH}.business_profile",
            "Param email must be a valid email address.",
        ),
        (
            {"account_mode": "TEST"},
            f"{NUMBER_PATH}.account_mode",
            "Invalid enum value 'TEST'",
        ),
    ],
)
async def test_bad_number_seeds_name_the_key(
    graph: Graph, settings: dict[str, Any], path: str, problem: str
) -> None:
    response = await graph.http.post("/_wamm/seed", json=number_seed(**settings))
    error = error_of(response)
    assert error["error_data"]["path"] == path
    assert problem in error["error_data"]["details"]
