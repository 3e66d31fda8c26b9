"""pywa, unmodified, on the phone number's calls against a live wamm: the number's fields,
registration, business profile, blocklist, conversational components and QR codes."""

from __future__ import annotations

import httpx
import pytest
from pywa import WhatsApp
from pywa import errors as pywa_errors
from pywa.types import Command, Industry

from tests import seed_data as sd
from tests.e2e.conftest import LiveServer

PHONE = sd.SIGNED_PHONE


def test_get_business_phone_number_reads_every_field(wa: WhatsApp) -> None:
    number = wa.get_business_phone_number()
    assert (number.id, number.verified_name, number.display_phone_number) == (
        PHONE,
        "Acme WA",
        sd.SIGNED_DISPLAY,
    )
    assert (number.status, number.platform_type, number.account_mode) == (
        "CONNECTED",
        "CLOUD_API",
        "LIVE",
    )
    assert number.code_verification_status == "VERIFIED"
    assert number.quality_score == {"score": "GREEN"}
    assert (number.is_pin_enabled, number.is_on_biz_app, number.is_preverified_number) == (
        False,
        False,
        False,
    )
    assert (number.country_code, number.country_dial_code) == ("US", "1")
    assert number.health_status is not None
    assert number.health_status["can_send_message"] == "AVAILABLE"
    assert number.conversational_automation is not None
    assert number.conversational_automation.id == PHONE
    assert number.whatsapp_business_manager_messaging_limit == "TIER_UNLIMITED"
    assert number.last_onboarded_time is not None


def test_get_business_phone_numbers_reads_the_same_fields(wa: WhatsApp) -> None:
    numbers = list(wa.get_business_phone_numbers())
    assert [n.id for n in numbers] == [PHONE]
    assert numbers[0] == wa.get_business_phone_number()


def test_register_and_deregister(wa: WhatsApp) -> None:
    assert wa.deregister_phone_number().success
    with pytest.raises(pywa_errors.WhatsAppError) as refused:
        wa.send_message(to=sd.BR_PHONE, text="hi")
    assert refused.value.code == 133010
    assert wa.register_phone_number(pin="123456").success
    with pytest.raises(pywa_errors.WhatsAppError) as mismatch:
        wa.register_phone_number(pin="654321")
    assert mismatch.value.code == 133005
    assert wa.get_business_phone_number().is_pin_enabled is True


def test_verification_code(wa: WhatsApp) -> None:
    wa.deregister_phone_number()
    assert wa.request_verification_code(code_method="SMS", language_code="en").success
    assert wa.verify_phone_number(code=sd.SIGNED_DISPLAY[-6:]).success


def test_display_name_change_goes_to_review(wa: WhatsApp) -> None:
    assert wa.update_display_name("Acme Anvils").success
    assert wa.get_business_phone_number().new_name_status == "PENDING_REVIEW"


def test_business_profile_round_trip(wa: WhatsApp) -> None:
    assert wa.update_business_profile(
        about="We sell anvils",
        address="1 Desert Road",
        description="Anvils since 1949",
        email="sales@acme.test",
        industry=Industry.RETAIL,
        websites=["https://acme.test"],
    ).success
    profile = wa.get_business_profile()
    assert (profile.about, profile.address, profile.description, profile.email) == (
        "We sell anvils",
        "1 Desert Road",
        "Anvils since 1949",
        "sales@acme.test",
    )
    assert (profile.industry, profile.websites) == (Industry.RETAIL, ("https://acme.test",))


def test_block_list_round_trip(wa: WhatsApp, live_server: LiveServer) -> None:
    live_server.control.inbound(PHONE, sd.BR_PHONE, "Hello")
    blocked = wa.block_users([sd.BR_PHONE])
    assert [u.wa_id for u in blocked.added_users] == [sd.BR_PHONE]
    assert blocked.failed_users == ()
    assert [u.wa_id for u in wa.get_blocked_users()] == [sd.BR_PHONE]
    with pytest.raises(pywa_errors.WhatsAppError) as partly:
        wa.block_users(["5511900000009"])
    assert partly.value.code == 139100
    unblocked = wa.unblock_users([sd.BR_PHONE])
    assert [u.wa_id for u in unblocked.removed_users] == [sd.BR_PHONE]
    assert list(wa.get_blocked_users()) == []


def test_conversational_automation(wa: WhatsApp) -> None:
    assert wa.update_conversational_automation(
        ice_breakers=["Book a table"],
        commands=[Command(name="hours", description="Opening hours")],
    ).success
    automation = wa.get_business_phone_number().conversational_automation
    assert automation is not None
    assert automation.ice_breakers == ("Book a table",)
    assert automation.commands == (Command(name="hours", description="Opening hours"),)


def test_qr_codes(wa: WhatsApp, live_server: LiveServer) -> None:
    created = wa.create_qr_code("Show me the deals", image_type="SVG")
    assert created.deep_link_url == f"https://wa.me/message/{created.code}"
    assert created.qr_image_url is not None
    image = httpx.get(created.qr_image_url)
    assert image.headers["content-type"] == "image/svg+xml"
    updated = wa.update_qr_code(created.code, "Deals please")
    assert updated.prefilled_message == "Deals please"
    fetched = wa.get_qr_code(created.code, image_type="PNG")
    assert fetched is not None
    assert fetched.qr_image_url == (f"{live_server.base_url}/_wamm/qr/{PHONE}/{created.code}.png")
    assert [q.code for q in wa.get_qr_codes()] == [created.code]
    assert wa.delete_qr_code(created.code).success
    assert list(wa.get_qr_codes()) == []
