"""Sends, accounts, analytics and every error family, through the AsyncClient against an
in-process wamm (httpx.ASGITransport, no sockets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import KINDS
from tests.client.conftest import BASE_URL, no_jitter
from tests.content_builders import INTERACTIVE, edit, url_card
from wamm.client import (
    NO_RETRIES,
    AdInsightsQuery,
    AsyncClient,
    AuthError,
    BSUIDNotSupportedError,
    GraphAPIError,
    MarketingTemplatesDisabledError,
    PricingAnalyticsQuery,
    RateLimitError,
    SendError,
    TemplateAnalyticsQuery,
    TemplateError,
    TemplateMessage,
    TemplateQuery,
    ValidationError,
)
from wamm.client import parameters as p
from wamm.server.app import build_app
from wamm.service.runtime import Runtime

SALE = TemplateMessage("summer_sale", "en_US", [p.body(p.text("Ana"), p.text("20%"))])
MAX_PRICE = TemplateMessage("max_price_promo", components=[p.body(p.text("Ana"), p.text("5%"))])


@pytest.fixture
def seed_document() -> dict[str, Any]:
    document = sd.seed()
    document["businesses"][2]["wabas"][0]["phone_numbers"][0]["throughput_mps"] = 1
    return document


def other_client(runtime: Runtime, token: str, **options: Any) -> AsyncClient:
    return AsyncClient(
        token,
        base_url=BASE_URL,
        transport=httpx.ASGITransport(app=build_app(runtime)),
        **options,
    )


async def message_view(control: httpx.AsyncClient, wamid: str) -> dict[str, Any]:
    view: dict[str, Any] = (await control.get(f"/_wamm/messages/{wamid}")).json()
    return view


# --- sending ---------------------------------------------------------------------------------


async def test_send_marketing_with_every_option(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    result = await aclient.send_marketing(
        sd.SIGNED_PHONE,
        SALE,
        to="+55 11 98765-4321",
        product_policy="STRICT",
        message_activity_sharing=False,
        biz_opaque_callback_data="campaign-7",
    )
    assert result.messages[0].message_status == "accepted"
    assert result.contacts[0].wa_id == sd.BR_PHONE
    view = await message_view(control, result.wamid)
    assert (view["route"], view["pricing_category"]) == ("marketing_messages", "marketing_lite")
    assert view["product_policy"] == "STRICT"
    assert view["message_activity_sharing"] is False
    assert view["biz_opaque_callback_data"] == "campaign-7"

    priced = await aclient.send_marketing(
        sd.SIGNED_PHONE, MAX_PRICE, to=sd.BR_PHONE, bid_multiplier=1.5
    )
    assert priced.wamid


async def test_send_by_bsuid_and_fallback_route(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    by_bsuid = await aclient.send_marketing(sd.SIGNED_PHONE, SALE, recipient=sd.BR_BSUID)
    assert by_bsuid.contacts[0].user_id == sd.BR_BSUID and by_bsuid.contacts[0].wa_id is None
    fallback = await aclient.send_marketing(sd.NOT_STARTED_PHONE, SALE, to=sd.BR_PHONE)
    assert (await message_view(control, fallback.wamid))["route"] == "cloud_api"
    cloud = await aclient.send_template(
        sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE, biz_opaque_callback_data="x"
    )
    assert (await message_view(control, cloud.wamid))["endpoint"] == "messages"


async def test_non_template_messages_and_the_service_window(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    with pytest.raises(SendError) as raised:
        await aclient.send_message(sd.SIGNED_PHONE, "text", {"body": "Hi"}, to=sd.BR_PHONE)
    assert raised.value.code == 131047
    await control.post(
        "/_wamm/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )
    first = await aclient.send_message(sd.SIGNED_PHONE, "text", {"body": "Hi"}, to=sd.BR_PHONE)
    assert first.messages[0].message_status is None
    reply = await aclient.send_message(
        sd.SIGNED_PHONE, "reaction", {"message_id": first.wamid, "emoji": "👍"},
        to=sd.BR_PHONE, reply_to=first.wamid,
    )  # fmt: skip
    assert reply.wamid != first.wamid


async def test_mark_as_read_with_a_typing_indicator(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    written = await control.post(
        "/_wamm/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )
    wamid = written.json()["message"]["id"]
    assert (await aclient.mark_as_read(sd.SIGNED_PHONE, wamid, typing=True)).success
    (received,) = (await control.get("/_wamm/inbound")).json()["data"]
    assert received["read_at"] is not None
    assert received["typing_indicator"]["active"] is True
    with pytest.raises(GraphAPIError) as raised:
        await aclient.mark_as_read(sd.SIGNED_PHONE, "wamid.unknown")
    assert (raised.value.code, raised.value.details) == (
        131009,
        "message_id wamid.unknown is not the id of a message this phone number received.",
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.send_template(sd.SIGNED_PHONE, SALE), "The parameter to is required."),
        (lambda c: c.send_template(sd.SIGNED_PHONE, SALE, to="abc"), "phone number"),
        (lambda c: c.send_template(sd.SIGNED_PHONE, SALE, recipient="nope"), "business-scoped"),
        (
            lambda c: c.send_marketing(sd.SIGNED_PHONE, SALE, to="15550001", product_policy="X"),
            "product_policy",
        ),
        (
            lambda c: c.send_marketing(sd.SIGNED_PHONE, SALE, to="15550001", bid_multiplier=0),
            "per_message_bid_multiplier",
        ),
        (
            lambda c: c.send_template(
                sd.SIGNED_PHONE, SALE, to="15550001", biz_opaque_callback_data="x" * 513
            ),
            "512",
        ),
        (lambda c: c.send_message(sd.SIGNED_PHONE, "text", {}, to="15550001"), "body"),
        (lambda c: c.send_template(sd.SIGNED_PHONE, TemplateMessage(""), to="15550001"), "name"),
    ],
    ids=["no-recipient", "phone", "bsuid", "policy", "bid", "callback", "content", "template"],
)
async def test_sends_meta_would_reject_fail_locally(
    aclient: AsyncClient, control: httpx.AsyncClient, call: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        await call(aclient)
    listed = (await control.get("/_wamm/messages")).json()
    assert listed["data"] == []


@pytest.mark.parametrize("kind", KINDS)
async def test_plain_dicts_of_every_interactive_kind_reach_the_server(
    aclient: AsyncClient, control: httpx.AsyncClient, kind: str
) -> None:
    """No local refusal of what Meta takes: the send reaches wamm and is stored as sent."""
    opened = {"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    assert (await control.post("/_wamm/inbound", json=opened)).status_code == 200
    sent = await aclient.send_message(
        sd.SIGNED_PHONE, "interactive", INTERACTIVE[kind], to=sd.BR_PHONE
    )
    assert (await message_view(control, sent.wamid))["payload"] == INTERACTIVE[kind]


async def test_a_key_meta_does_not_define_fails_locally_with_graph_s_text(
    aclient: AsyncClient, control: httpx.AsyncClient
) -> None:
    content = edit(INTERACTIVE["button"], {"action.buttons.0.reply.payload": "x"})
    with pytest.raises(ValidationError) as refused:
        await aclient.send_message(sd.SIGNED_PHONE, "interactive", content, to=sd.BR_PHONE)
    assert refused.value.code == 100
    assert str(refused.value) == (
        '(#100) Unexpected key "payload" on param '
        "\"interactive['action']['buttons'][0]['reply']\"."
    )
    assert (await control.get("/_wamm/messages")).json()["data"] == []


async def test_a_carousel_meta_would_refuse_fails_locally(aclient: AsyncClient) -> None:
    one_card = edit(INTERACTIVE["carousel"], {"action.cards": [url_card(0)]})
    with pytest.raises(ValidationError) as refused:
        await aclient.send_message(sd.SIGNED_PHONE, "interactive", one_card, to=sd.BR_PHONE)
    assert refused.value.code == 131009
    assert str(refused.value) == "Param interactive.action.cards must hold 2 to 10 items."


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: p.text(""), "non-empty"),
        (lambda: p.coupon_code("25 OFF!"), "letters or digits"),
        (lambda: p.currency("$5", "dollars", 5000), "ISO 4217"),
        (lambda: p.media("image"), "id"),
        (lambda: p.location(1000, "x"), "number"),  # type: ignore[arg-type]
        (lambda: p.date_time(""), "non-empty"),
        (lambda: p.payload(""), "non-empty"),
        (lambda: p.limited_time_offer(0), "expiration_time_ms"),
    ],
)
def test_parameters_meta_would_reject_fail_when_built(build: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_valid_parameters_render_meta_s_shapes() -> None:
    assert p.currency("$5", "USD", 5000, name="price").to_dict() == {
        "type": "currency",
        "currency": {"fallback_value": "$5", "code": "USD", "amount_1000": 5000},
        "parameter_name": "price",
    }
    assert p.location(-23.5, -46.6, "Shop", "Av. Paulista").to_dict()["location"]["name"] == "Shop"
    assert p.button(1, "url", p.text("summer")).to_dict() == {
        "type": "button",
        "sub_type": "url",
        "index": "1",
        "parameters": [{"type": "text", "text": "summer"}],
    }
    assert p.button(0, "quick_reply", p.payload("STOP")).parameters[0].value == "STOP"
    assert p.date_time("Friday").value == {"fallback_value": "Friday"}
    assert p.Parameter("product", {"product_retailer_id": "sku"}).to_dict()["type"] == "product"
    raw = TemplateMessage("t", components=[{"type": "body", "parameters": []}]).to_dict()
    assert raw["components"] == [{"type": "body", "parameters": []}]


async def test_send_values_checked_against_the_template(aclient: AsyncClient) -> None:
    template = await aclient.list_templates(sd.SIGNED_WABA, TemplateQuery(name="summer_sale"))
    sale = template.data[0]
    SALE.check_against(sale)
    with pytest.raises(ValidationError) as raised:
        TemplateMessage("summer_sale", components=[p.body(p.text("Ana"))]).check_against(sale)
    assert raised.value.code == 132000
    with pytest.raises(TemplateError) as server:
        await aclient.send_template(sd.SIGNED_PHONE, TemplateMessage("summer_sale"), to=sd.BR_PHONE)
    assert server.value.code == 132000


# --- error families --------------------------------------------------------------------------


async def test_marketing_disabled_on_cloud_api_131063(aclient: AsyncClient) -> None:
    updated = await aclient.update_waba(
        sd.REQUESTED_WABA, disable_marketing_messages_on_cloud_api=True
    )
    assert updated.id == sd.REQUESTED_WABA
    with pytest.raises(MarketingTemplatesDisabledError) as raised:
        await aclient.send_marketing(sd.REQUESTED_PHONE, SALE, to=sd.BR_PHONE)
    error = raised.value
    assert (error.code, error.http_status, error.is_transient) == (131063, 400, False)
    assert error.details and "disable_marketing_messages_on_cloud_api" in error.details
    assert error.fbtrace_id


async def test_bsuid_not_supported_131062(aclient: AsyncClient) -> None:
    with pytest.raises(BSUIDNotSupportedError) as raised:
        await aclient.send_marketing(sd.SIGNED_PHONE, MAX_PRICE, recipient=sd.BR_BSUID)
    assert raised.value.code == 131062


async def test_template_errors_132001_132015_134102(aclient: AsyncClient) -> None:
    with pytest.raises(TemplateError) as missing:
        await aclient.send_template(sd.SIGNED_PHONE, TemplateMessage("nope"), to=sd.BR_PHONE)
    assert (missing.value.code, missing.value.http_status) == (132001, 404)
    paused = TemplateMessage("paused_promo", components=SALE.components)
    with pytest.raises(TemplateError) as raised:
        await aclient.send_template(sd.SIGNED_PHONE, paused, to=sd.BR_PHONE)
    assert raised.value.code == 132015
    with pytest.raises(TemplateError) as strict:
        await aclient.send_marketing(
            sd.NOT_STARTED_PHONE, SALE, to=sd.BR_PHONE, product_policy="STRICT"
        )
    assert (strict.value.code, strict.value.http_status) == (134102, 500)


async def test_throughput_130429_is_retried_on_wamm_s_clock(
    runtime: Runtime, control: httpx.AsyncClient
) -> None:
    async def advance(seconds: float) -> None:
        await control.post("/_wamm/clock/advance", json={"seconds": seconds})

    async with other_client(runtime, sd.TOKEN, rate_limit=None, retry=NO_RETRIES) as client:
        await client.send_template(sd.REQUESTED_PHONE, SALE, to=sd.BR_PHONE)
        with pytest.raises(RateLimitError) as raised:
            await client.send_template(sd.REQUESTED_PHONE, SALE, to=sd.US_PHONE)
    assert (raised.value.code, raised.value.subcode, raised.value.is_transient) == (
        130429,
        2494055,
        True,
    )
    retrying = other_client(runtime, sd.TOKEN, rate_limit=None, retry=no_jitter(), sleep=advance)
    async with retrying as client:
        assert (await client.send_template(sd.REQUESTED_PHONE, SALE, to=sd.US_PHONE)).wamid


async def test_pair_limit_131056_backs_off_4_to_the_x(
    runtime: Runtime, control: httpx.AsyncClient
) -> None:
    await control.post(
        "/_wamm/seed", json={"settings": {"pair_limit": {"burst": 1, "interval_seconds": 6}}}
    )
    slept: list[float] = []

    async def advance(seconds: float) -> None:
        slept.append(seconds)
        await control.post("/_wamm/clock/advance", json={"seconds": seconds})

    async with other_client(
        runtime, sd.TOKEN, rate_limit=None, retry=no_jitter(), sleep=advance
    ) as client:
        await client.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
        assert (await client.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)).wamid
    assert slept == [1.0, 4.0, 16.0]


async def test_auth_errors(runtime: Runtime) -> None:
    async with other_client(runtime, sd.EXPIRED_TOKEN) as expired:
        with pytest.raises(AuthError) as raised:
            await expired.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    assert (raised.value.code, raised.value.subcode, raised.value.http_status) == (190, 463, 401)
    async with other_client(runtime, sd.MESSAGING_ONLY) as messaging:
        with pytest.raises(AuthError) as denied:
            await messaging.get_waba(sd.SIGNED_WABA)
    assert (denied.value.code, denied.value.http_status) == (200, 403)


# --- accounts, subscriptions, analytics -----------------------------------------------------


async def test_waba_settings_and_business(aclient: AsyncClient) -> None:
    waba = await aclient.get_waba(sd.SIGNED_WABA)
    assert waba.marketing_messages_onboarding_status == "ONBOARDED"
    assert waba.disable_marketing_messages_on_cloud_api is False
    assert waba.owner_business_info is not None
    assert waba.degrees_of_freedom_spec is not None
    assert set(waba.degrees_of_freedom_spec.as_dict().values()) == {"OPT_OUT"}
    await aclient.update_waba(
        sd.SIGNED_WABA,
        creative_features={"image_touchups": "OPT_IN"},
        is_enabled_for_insights=True,
    )
    again = await aclient.get_waba(sd.SIGNED_WABA)
    assert again.degrees_of_freedom_spec is not None
    assert again.degrees_of_freedom_spec.as_dict()["image_touchups"] == "OPT_IN"
    assert again.is_enabled_for_insights is True
    business = await aclient.get_business(sd.SIGNED_BUSINESS)
    assert business.marketing_messages_onboarding_status is not None
    assert business.marketing_messages_onboarding_status.status == "TERM_OF_SERVICE_SIGNED"
    other = await aclient.get_waba(sd.NOT_STARTED_WABA, fields=["currency", "timezone_id"])
    assert (other.currency, other.marketing_messages_onboarding_status) == ("USD", None)


async def test_phone_numbers_and_subscriptions(aclient: AsyncClient) -> None:
    page = await aclient.list_phone_numbers(sd.SIGNED_WABA, limit=10)
    assert [n.id for n in page.data] == [sd.SIGNED_PHONE]
    assert [n.display_phone_number async for n in aclient.iter_phone_numbers(sd.SIGNED_WABA)] == [
        sd.SIGNED_DISPLAY
    ]
    phone = await aclient.get_phone_number(sd.SIGNED_PHONE)
    assert phone.throughput is not None and phone.throughput.level == "STANDARD"
    apps = await aclient.list_subscribed_apps(sd.SIGNED_WABA)
    assert apps.data[0].whatsapp_business_api_data.id == sd.APP_ID
    assert (await aclient.unsubscribe_app(sd.SIGNED_WABA)).success
    assert (await aclient.list_subscribed_apps(sd.SIGNED_WABA)).data == []
    assert (await aclient.subscribe_app(sd.SIGNED_WABA)).success


async def test_analytics(aclient: AsyncClient, control: httpx.AsyncClient) -> None:
    sale = (await aclient.list_templates(sd.SIGNED_WABA, TemplateQuery(name="summer_sale"))).data[0]
    query = TemplateAnalyticsQuery(
        start="2026-01-01", end="2026-01-01", template_ids=[sale.id], metric_types=["SENT"],
        product_type="MARKETING_MESSAGES_API_FOR_WHATSAPP",
    )  # fmt: skip
    with pytest.raises(AuthError) as raised:
        await aclient.template_analytics(sd.SIGNED_WABA, query)
    assert raised.value.code == 200007
    await aclient.update_waba(sd.SIGNED_WABA, is_enabled_for_insights=True)
    await aclient.send_marketing(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    await control.post("/_wamm/clock/advance", json={"seconds": 3600})
    report = await aclient.template_analytics(sd.SIGNED_WABA, query)
    (point,) = report.data[0].data_points
    assert (point.template_id, point.sent) == (sale.id, 1)
    pricing = await aclient.pricing_analytics(
        sd.SIGNED_WABA,
        PricingAnalyticsQuery(
            start=int(sd.CLOCK_START), end=int(sd.CLOCK_START) + 86400,
            dimensions=["PRICING_CATEGORY"], metric_types=["VOLUME", "COST"],
            pricing_types=["REGULAR"], pricing_categories=["MARKETING_LITE"],
            phone_numbers=[sd.SIGNED_DISPLAY], country_codes=["BR"],
        ),
    )  # fmt: skip
    (priced,) = pricing.data[0].data_points
    assert (priced.pricing_category, priced.volume) == ("MARKETING_LITE", 1)
    with pytest.raises(ValidationError):
        TemplateAnalyticsQuery(start=1, end=2, template_ids=[])


async def test_ad_insights(aclient: AsyncClient, control: httpx.AsyncClient) -> None:
    sale = (await aclient.list_templates(sd.SIGNED_WABA, TemplateQuery(name="summer_sale"))).data[0]
    linked = await aclient.get_template(sale.id, fields=["ad_id", "ad_account_id"])
    sent = await aclient.send_marketing(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    await control.post("/_wamm/clock/advance", json={"seconds": 3600})
    wamid = sent.messages[0].id
    assert (await control.post(f"/_wamm/messages/{wamid}/click", json={})).status_code == 200
    bought = {"type": "WEBSITE_PURCHASES", "value": 20}
    assert (await control.post(f"/_wamm/messages/{wamid}/conversion", json=bought)).is_success
    fields = ["ad_id", "marketing_messages_delivered", "marketing_messages_website_purchase_values"]
    query = AdInsightsQuery(
        fields=fields, since=dt.date(2026, 1, 1), until=int(sd.CLOCK_START), level="ad"
    )
    report = await aclient.ad_insights(f"act_{linked.ad_account_id}", query)
    assert report.data == [
        {
            "ad_id": str(linked.ad_id),
            "marketing_messages_delivered": "1",
            "marketing_messages_website_purchase_values": "20",
            "date_start": "2026-01-01",
            "date_stop": "2026-01-01",
        }
    ]
    assert (await aclient.ad_insights(str(linked.ad_id))).data == []  # last_30d: before today
    with pytest.raises(ValidationError):
        AdInsightsQuery(since="2026-01-01")


async def test_analytics_without_data_is_empty(aclient: AsyncClient) -> None:
    query = PricingAnalyticsQuery(
        start=dt.date(2026, 1, 1), end=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    )
    assert query.field().startswith("pricing_analytics.start(2026-01-01).end(1767312000)")
    assert (await aclient.pricing_analytics(sd.SIGNED_WABA, query)).data[0].data_points == []


async def test_client_without_fake_clock_defaults(runtime: Runtime) -> None:
    async with other_client(runtime, sd.TOKEN) as client:
        assert (await client.get_phone_number(sd.SIGNED_PHONE)).id == sd.SIGNED_PHONE
