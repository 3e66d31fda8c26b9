"""pywa, unmodified, against a live wamm over loopback: typed results and typed errors."""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx
import pytest
from pywa import WhatsApp
from pywa import errors as pywa_errors
from pywa.types import (
    Button,
    CallPermissionRequestButton,
    ImageCarouselCard,
    SentTemplate,
    SentTemplateStatus,
    URLButton,
    VideoCarouselCard,
    VoiceCallButton,
)
from pywa.types import templates as t

from tests import seed_data as sd
from tests.e2e.conftest import LiveServer

# pywa declares BodyText.params without `self`, so a type checker reads "Ana" as the self.
SUMMER_SALE_PARAMS = [t.BodyText.params("Ana", "20%")]  # type: ignore[arg-type]
DISABLED_DETAILS = (
    "Your template is categorized as Marketing, but marketing templates are currently disabled "
    "for your Cloud API configuration. To send this template, use the Marketing Messages API "
    "for WhatsApp or enable marketing templates on Cloud API by turning off "
    "disable_marketing_messages_on_cloud_api."
)


def seasonal_template(name: str = "seasonal_promo") -> t.Template:
    """A named-parameter marketing template with a header, footer and two buttons."""
    return t.Template(
        name=name,
        category=t.TemplateCategory.MARKETING,
        language=t.TemplateLanguage.ENGLISH_US,
        parameter_format=t.ParamFormat.NAMED,
        components=[
            t.HeaderText(text="Our {{sale_name}} is on!", sale_name="Summer Sale"),
            t.BodyText(
                text="Shop through {{end_date}} with code {{code}}.",
                end_date="August",
                code="25OFF",
            ),
            t.FooterText(text="Reply STOP to opt out"),
            t.Buttons(
                buttons=[
                    t.QuickReplyButton(text="Unsubscribe"),
                    t.URLButton(
                        text="Shop", url="https://shop.example.com/{{1}}", example="summer"
                    ),
                ]
            ),
        ],
    )


def components_json(components: list[Any]) -> list[dict[str, Any]]:
    """Components in their wire form, via a Template (TemplateDetails.to_json() deep-copies
    its client, which fails on the httpx session's lock)."""
    wrapper = t.Template(
        name="x",
        language=t.TemplateLanguage.ENGLISH_US,
        category=t.TemplateCategory.MARKETING,
        components=components,
    )
    result: list[dict[str, Any]] = json.loads(wrapper.to_json())["components"]
    return result


def stored_message(live_server: LiveServer, wamid: str) -> dict[str, Any]:
    response = httpx.get(f"{live_server.base_url}/_wamm/messages/{wamid}", timeout=10)
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()
    return message


def send_summer_sale(wa: WhatsApp, to: str, *, mm: bool, name: str = "summer_sale") -> SentTemplate:
    return wa.send_template(
        to=to,
        name=name,
        language=t.TemplateLanguage.ENGLISH_US,
        params=SUMMER_SALE_PARAMS,
        use_mm_lite_api=mm,
    )


# --- templates ---------------------------------------------------------------------------------


def test_create_template_returns_an_approved_created_template(wa: WhatsApp) -> None:
    created = wa.create_template(seasonal_template())
    assert isinstance(created, t.CreatedTemplate)
    assert created.id.isdigit()
    assert created.status == t.TemplateStatus.APPROVED
    assert created.category == t.TemplateCategory.MARKETING


def test_get_templates_filters_by_status_and_carries_the_summary(wa: WhatsApp) -> None:
    created = wa.create_template(seasonal_template())
    approved = wa.get_templates(statuses=[t.TemplateStatus.APPROVED])
    items = list(approved)
    assert {item.status for item in items} == {t.TemplateStatus.APPROVED}
    names = {item.name for item in items}
    assert names == {
        "seasonal_promo",
        "summer_sale",
        "max_price_promo",
        "order_update",
        "login_code",
    }
    assert next(i for i in items if i.name == "seasonal_promo").id == created.id
    assert approved.total_count == len(items)
    assert approved.message_template_count == 8  # seven seeded plus the new one
    assert approved.message_template_limit >= approved.message_template_count
    paused = wa.get_templates(statuses=[t.TemplateStatus.PAUSED])
    assert [item.name for item in paused] == ["paused_promo"]


def test_get_template_round_trips_the_created_template(wa: WhatsApp) -> None:
    template = seasonal_template()
    created = wa.create_template(template)
    details = wa.get_template(created.id)
    assert isinstance(details, t.TemplateDetails)
    assert details.id == created.id
    assert details.name == "seasonal_promo"
    assert details.language == t.TemplateLanguage.ENGLISH_US
    assert details.category == t.TemplateCategory.MARKETING
    assert details.status == t.TemplateStatus.APPROVED
    assert details.parameter_format == t.ParamFormat.NAMED
    # pywa's components have no __eq__: compare their wire (JSON) form.
    assert components_json(details.components) == components_json(template.components)
    assert details.quality_score is not None
    assert details.quality_score.date == datetime.datetime.fromtimestamp(
        sd.CLOCK_START, datetime.UTC
    )


# --- WABA settings -----------------------------------------------------------------------------


def test_business_account_reports_marketing_messages_onboarding(wa: WhatsApp) -> None:
    account = wa.get_business_account()
    assert account.id == sd.SIGNED_WABA
    assert account.name == "Acme WA"
    assert account.currency == "USD"
    assert account.marketing_messages_onboarding_status == "ONBOARDED"
    assert account.marketing_messages_lite_api_status == "ONBOARDED"
    assert account.disable_marketing_messages_on_cloud_api is False
    assert account.subscribed_apps is not None
    assert [app.id for app in account.subscribed_apps] == [sd.APP_ID]
    not_started = wa.get_business_account(waba_id=sd.NOT_STARTED_WABA)
    assert not_started.marketing_messages_onboarding_status == "ELIGIBLE"


def waba_creative_features(live_server: LiveServer) -> dict[str, str]:
    """The WABA-level creative features, read with plain httpx (pywa has no reader for them)."""
    response = httpx.get(
        f"{live_server.base_url}/v23.0/{sd.SIGNED_WABA}",
        params={"fields": "degrees_of_freedom_spec"},
        headers={"Authorization": f"Bearer {sd.TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    [entry] = response.json()["degrees_of_freedom_spec"]["data"]
    [features] = entry["creative_features_spec"]
    return dict(features)


def test_update_business_account_settings_are_read_back(
    wa: WhatsApp, live_server: LiveServer
) -> None:
    wa.update_business_account_settings(
        disable_marketing_messages_on_cloud_api=True,
        degrees_of_freedom_spec=t.DegreesOfFreedomSpec(
            creative_features_spec=t.CreativeFeaturesSpec(
                image_touchups=True, add_text_overlay=False
            )
        ),
    )
    assert wa.get_business_account().disable_marketing_messages_on_cloud_api is True
    features = waba_creative_features(live_server)
    assert features["image_touchups"] == "OPT_IN"
    assert features["add_text_overlay"] == "OPT_OUT"


# --- sending -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mm", "to", "route", "pricing"),
    [
        (True, sd.BR_PHONE, "marketing_messages", "marketing_lite"),
        (True, sd.BR_BSUID, "marketing_messages", "marketing_lite"),
        (False, sd.BR_PHONE, "cloud_api", "marketing"),
        (False, sd.BR_BSUID, "cloud_api", "marketing"),
    ],
    ids=["mm-phone", "mm-bsuid", "cloud-phone", "cloud-bsuid"],
)
def test_send_template_is_stored_with_route_and_pricing(
    wa: WhatsApp, live_server: LiveServer, mm: bool, to: str, route: str, pricing: str
) -> None:
    sent = send_summer_sale(wa, to, mm=mm)
    assert sent.id.startswith("wamid.")
    assert sent.input == to
    assert sent.status == "accepted"
    assert sent.from_phone_id == sd.SIGNED_PHONE
    message = stored_message(live_server, sent.id)
    assert message["route"] == route
    assert message["pricing_category"] == pricing
    assert message["endpoint"] == ("marketing_messages" if mm else "messages")
    assert message["recipient"]["input"] == to
    assert message["recipient"]["wa_id"] == sd.BR_PHONE


def test_a_paced_template_s_send_is_held_for_quality_assessment(
    wa: WhatsApp, live_server: LiveServer
) -> None:
    document = sd.seed()
    document["businesses"][0]["wabas"][0]["template_pacing"] = True
    live_server.reset(document)
    sent = send_summer_sale(wa, sd.BR_PHONE, mm=True)
    assert sent.status is SentTemplateStatus.HELD_FOR_QUALITY_ASSESSMENT
    assert stored_message(live_server, sent.id)["status"] == "held_for_quality_assessment"


def test_send_of_a_created_named_template_with_button_params(
    wa: WhatsApp, live_server: LiveServer
) -> None:
    template = seasonal_template("named_promo")
    wa.create_template(template)
    header, body, _, buttons = template.components
    assert isinstance(header, t.HeaderText)
    assert isinstance(body, t.BodyText)
    assert isinstance(buttons, t.Buttons)
    unsubscribe, shop = buttons.buttons
    assert isinstance(unsubscribe, t.QuickReplyButton)
    assert isinstance(shop, t.URLButton)
    sent = wa.send_template(
        to=sd.US_PHONE,
        template=template,  # pywa validates the params against it
        params=[
            header.params(sale_name="Winter Sale"),
            body.params(end_date="March", code="WINTER"),
            unsubscribe.params(callback_data="unsubscribe", index=0),
            shop.params(url_variable="winter", index=1),
        ],
        use_mm_lite_api=True,
    )
    message = stored_message(live_server, sent.id)
    assert message["template"]["name"] == "named_promo"
    assert message["route"] == "marketing_messages"
    body_params = message["payload"]["components"][1]["parameters"]
    assert [(p["parameter_name"], p["text"]) for p in body_params] == [
        ("end_date", "March"),
        ("code", "WINTER"),
    ]


# --- typed errors ------------------------------------------------------------------------------


def test_marketing_on_cloud_api_when_disabled_raises_131063(wa: WhatsApp) -> None:
    wa.update_business_account_settings(disable_marketing_messages_on_cloud_api=True)
    with pytest.raises(pywa_errors.MarketingTemplatesDisabledForCloudAPI) as caught:
        send_summer_sale(wa, sd.BR_PHONE, mm=False)
    assert caught.value.code == 131063
    assert caught.value.status_code == 400
    assert caught.value.details == DISABLED_DETAILS
    # The Marketing Messages API is still open.
    assert send_summer_sale(wa, sd.BR_PHONE, mm=True).status == "accepted"


def test_unknown_template_raises_template_not_exists(wa: WhatsApp) -> None:
    with pytest.raises(pywa_errors.TemplateNotExists) as caught:
        send_summer_sale(wa, sd.BR_PHONE, mm=False, name="no_such_template")
    assert caught.value.code == 132001
    assert caught.value.details == "template name (no_such_template) does not exist in en_US"


def test_bid_spec_template_to_a_bsuid_raises_bsuid_not_supported(wa: WhatsApp) -> None:
    with pytest.raises(pywa_errors.BSUIDRecipientNotSupported) as caught:
        send_summer_sale(wa, sd.BR_BSUID, mm=True, name="max_price_promo")
    assert caught.value.code == 131062
    assert caught.value.details is not None
    assert "bid_spec" in caught.value.details


# --- interactive messages ----------------------------------------------------------------------


@pytest.fixture
def open_window(live_server: LiveServer) -> None:
    inbound = {"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    response = httpx.post(f"{live_server.base_url}/_wamm/inbound", json=inbound, timeout=10)
    assert response.status_code == 200, response.text


def stored_interactive(live_server: LiveServer, wamid: str) -> dict[str, Any]:
    message = stored_message(live_server, wamid)
    assert (message["type"], message["pricing_category"]) == ("interactive", "service")
    payload: dict[str, Any] = message["payload"]
    return payload


@pytest.mark.usefixtures("open_window")
def test_carousels_with_url_or_quick_reply_buttons(wa: WhatsApp, live_server: LiveServer) -> None:
    def shop(name: str) -> URLButton:
        return URLButton(title="Shop", url=f"https://shop.example.com/{name}")

    def replies(index: int) -> list[Button]:
        return [Button("Like", f"like-{index}"), Button("Save", f"save-{index}")]

    by_url = wa.send_carousel(
        sd.BR_PHONE,
        body="New in this week",
        cards=[
            ImageCarouselCard(
                image="https://cdn.example.com/fern.jpg", body="Fern", buttons=shop("fern")
            ),
            VideoCarouselCard(video="https://cdn.example.com/moss.mp4", buttons=shop("moss")),
        ],
    )
    by_reply = wa.send_carousel(
        sd.BR_PHONE,
        body="Pick your favourites",
        cards=[
            ImageCarouselCard(image=f"https://cdn.example.com/{n}.jpg", buttons=replies(n))
            for n in range(3)
        ],
    )
    cards = stored_interactive(live_server, by_url.id)["action"]["cards"]
    assert [card["header"]["type"] for card in cards] == ["image", "video"]
    assert cards[0]["action"]["parameters"] == {
        "display_text": "Shop",
        "url": "https://shop.example.com/fern",
    }
    cards = stored_interactive(live_server, by_reply.id)["action"]["cards"]
    assert [len(card["action"]["buttons"]) for card in cards] == [2, 2, 2]


@pytest.mark.usefixtures("open_window")
def test_call_buttons_call_permission_and_contact_requests(
    wa: WhatsApp, live_server: LiveServer
) -> None:
    call = wa.send_message(
        sd.BR_PHONE,
        "Call us on WhatsApp",
        buttons=VoiceCallButton(title="Call us", ttl_minutes=datetime.timedelta(days=3)),
    )
    permission = wa.send_message(
        sd.BR_PHONE, "May we call you about your order?", buttons=CallPermissionRequestButton()
    )
    contact = wa.request_contact_info(sd.BR_PHONE, "Please share your phone number.")
    assert stored_interactive(live_server, call.id)["action"] == {
        "name": "voice_call",
        "parameters": {"display_text": "Call us", "ttl_minutes": 4320},
    }
    assert stored_interactive(live_server, permission.id)["type"] == "call_permission_request"
    assert stored_interactive(live_server, contact.id)["action"] == {"name": "request_contact_info"}


def test_a_carousel_of_one_card_raises_pywa_s_typed_error(wa: WhatsApp) -> None:
    card = ImageCarouselCard(
        image="https://cdn.example.com/a.jpg", buttons=URLButton("Go", "https://a.example")
    )
    with pytest.raises(pywa_errors.InvalidParameter) as raised:
        wa.send_carousel(sd.BR_PHONE, body="Just one", cards=[card])
    assert (raised.value.code, raised.value.status_code) == (131009, 400)
    assert raised.value.details == "Param interactive.action.cards must hold 2 to 10 items."


# --- template library, bulk authentication templates, comparison ------------------------------


def test_create_from_the_template_library(wa: WhatsApp) -> None:
    created = wa.create_template(
        t.LibraryTemplate(
            name="acme_shipped",
            library_template_name="shipment_confirmation_1",
            category=t.TemplateCategory.UTILITY,
            language=t.TemplateLanguage.ENGLISH_US,
            library_template_button_inputs=[
                t.URLButton.library_input(
                    base_url="https://acme.example.com/track/{{1}}",
                    url_suffix_example="https://acme.example.com/track/A1",
                ),
                t.PhoneNumberButton.library_input(phone_number="+15550001234"),
            ],
        )
    )
    assert (created.status, created.category) == (
        t.TemplateStatus.APPROVED,
        t.TemplateCategory.UTILITY,
    )
    template = wa.get_template(created.id)
    assert template.library_template_name == "shipment_confirmation_1"


def upsert_authentication(wa: WhatsApp, languages: list[t.TemplateLanguage]) -> t.CreatedTemplates:
    """pywa's `upsert_authentication_template`, one layer down: pywa 4.5 posts the template
    as a JSON string there, where the Graph API wants an object; this posts the object pywa
    builds and reads the answer with pywa's own reader."""
    template = t._AuthenticationTemplates(
        name="acme_login_code",
        languages=languages,
        components=[
            t.AuthenticationBody(add_security_recommendation=True),
            t.AuthenticationFooter(code_expiration_minutes=10),
            t.Buttons(buttons=[t.CopyCodeOTPButton()]),
        ],
    )
    answer = wa.api.upsert_message_templates(
        waba_id=sd.SIGNED_WABA,
        template=json.loads(template.to_json()),
    )
    return t.CreatedTemplates.from_dict(answer, client=wa)


def test_upsert_authentication_template_in_several_languages(wa: WhatsApp) -> None:
    languages = [t.TemplateLanguage.ENGLISH_US, t.TemplateLanguage.SPANISH]
    created = upsert_authentication(wa, languages)
    assert [(c.status, c.category) for c in created] == [
        (t.TemplateStatus.APPROVED, t.TemplateCategory.AUTHENTICATION)
    ] * 2
    again = upsert_authentication(wa, languages[:1])
    assert [c.id for c in again] == [created[0].id]


def test_compare_templates_needs_a_thousand_sends(wa: WhatsApp) -> None:
    ids = {template.name: template.id for template in wa.get_templates()}
    end = datetime.datetime.fromtimestamp(sd.CLOCK_START, datetime.UTC)
    with pytest.raises(pywa_errors.WhatsAppError) as raised:
        wa.compare_templates(
            ids["order_update"],
            ids["summer_sale"],
            start=end - datetime.timedelta(days=30),
            end=end,
        )
    assert raised.value.code == 100
    assert "comparing needs at least 1000 sends" in str(raised.value.details)
