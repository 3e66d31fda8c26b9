"""Webhooks: signatures and parsing on real wamm deliveries (captured with WebhookReceiver),
and the ASGI WebhookApp, called directly and served by uvicorn as wamm's callback."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.client.conftest import BASE_URL, FakeClock, no_jitter
from tests.inbound_requests import FLOW_RESPONSE, every_type
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    VERIFY_TOKEN,
    dispatcher_fixture,
    receiver_fixture,
    seed_document_fixture,
    serving,
)
from wamm.client import (
    AmbiguousSendError,
    AsyncClient,
    Body,
    Footer,
    SendError,
    TemplateEdit,
    TemplateMessage,
    TemplateQuery,
)
from wamm.client import parameters as p
from wamm.client.webhooks import (
    AccountUpdate,
    ClickUpdate,
    InvalidWebhookError,
    MessageUpdate,
    StatusUpdate,
    TemplateCategoryUpdate,
    TemplateComponentsUpdate,
    TemplateQualityUpdate,
    TemplateStatusUpdate,
    UnknownUpdate,
    Update,
    UserPreferenceUpdate,
    WebhookApp,
    parse,
    verify_signature,
)
from wamm.core import webhook_wire, webhooks
from wamm.core.model import Template
from wamm.core.webhook_wire import Field
from wamm.server.app import build_app
from wamm.service.delivery import Dispatcher
from wamm.service.runtime import Runtime
from wamm.store.base import Delivery
from wamm.testing.receiver import WebhookReceiver

SALE = TemplateMessage("summer_sale", components=[p.body(p.text("Ana"), p.text("20%"))])


@pytest.fixture
def app(runtime: Runtime, dispatcher: Dispatcher) -> Any:
    return build_app(runtime, dispatcher=dispatcher)


@pytest.fixture
async def control(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as h:
        yield h


@pytest.fixture
async def aclient(app: Any, clock: FakeClock) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        sd.TOKEN,
        base_url=BASE_URL,
        transport=httpx.ASGITransport(app=app),
        retry=no_jitter(),
        clock=clock,
        sleep=clock.asleep,
    ) as client:
        yield client


async def settle(control: httpx.AsyncClient, seconds: float = 7200) -> None:
    await control.post("/_wamm/clock/advance", json={"seconds": seconds})
    response = await control.post("/_wamm/webhooks/drain", json={"timeout": 10})
    assert response.status_code == 200, response.text


def updates_of(receiver: WebhookReceiver) -> list[Update]:
    """Every delivery: its signature checked, its body parsed."""
    for delivery in receiver.deliveries:
        assert verify_signature(delivery.body, delivery.signature, sd.APP_SECRET)
        assert not verify_signature(delivery.body, delivery.signature, "other-secret")
    return [u for d in receiver.deliveries for u in parse(d.body)]


# --- verify and parse real deliveries --------------------------------------------------------


async def test_status_updates_with_pricing(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    sent = await aclient.send_marketing(
        sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE, biz_opaque_callback_data="c-1"
    )
    fallback = await aclient.send_marketing(sd.NOT_STARTED_PHONE, SALE, to=sd.BR_PHONE)
    await settle(control)
    statuses = [u for u in updates_of(receiver) if isinstance(u, StatusUpdate)]
    mine = [u for u in statuses if u.status.id == sent.wamid]
    assert [u.status.status for u in mine] == ["sent", "delivered", "read"]
    first = mine[0]
    assert (first.waba_id, first.field, first.phone_number_id) == (
        sd.SIGNED_WABA,
        "messages",
        sd.SIGNED_PHONE,
    )
    assert first.route == "marketing_messages"
    assert first.status.pricing is not None
    assert (first.status.pricing.category, first.status.pricing.billable) == (
        "marketing_lite",
        True,
    )
    assert first.status.conversation is None  # webhook version v24+
    assert first.status.biz_opaque_callback_data == "c-1"
    assert first.status.recipient_id == sd.BR_PHONE
    assert first.contact is not None and first.contact.user_id == sd.BR_BSUID
    assert first.error is None
    other = next(u for u in statuses if u.status.id == fallback.wamid)
    assert other.route == "cloud_api"


async def test_failed_status_carries_an_exception_of_its_family(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    sent = await aclient.send_template(sd.SIGNED_PHONE, SALE, to=sd.US_PHONE)
    await settle(control)
    (failed,) = [u for u in updates_of(receiver) if isinstance(u, StatusUpdate)]
    assert failed.status.id == sent.wamid and failed.status.status == "failed"
    assert failed.route is None
    error = failed.error
    assert isinstance(error, SendError)
    assert (error.code, error.http_status) == (131049, 400)
    assert error.details and "healthy ecosystem" in error.details


async def test_user_driven_updates(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    sent = await aclient.send_marketing(
        sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE, biz_opaque_callback_data="trk"
    )
    await settle(control)
    await control.post(
        "/_wamm/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "text": "Hello"},
    )
    await control.post(f"/_wamm/messages/{sent.wamid}/reply", json={"text": "No", "payload": "P"})
    await control.post(f"/_wamm/messages/{sent.wamid}/click", json={"component": "cta"})
    await control.post(
        f"/_wamm/users/{sd.BR_PHONE}/marketing",
        json={"action": "stop", "phone_number_id": sd.SIGNED_PHONE},
    )
    await settle(control, 1)
    updates = updates_of(receiver)
    text, button = [u for u in updates if isinstance(u, MessageUpdate)]
    assert text.message.text is not None and text.message.text.body == "Hello"
    assert text.message.from_ == sd.BR_PHONE and text.message.from_user_id == sd.BR_BSUID
    assert button.message.button is not None and button.message.button.payload == "P"
    assert button.message.context is not None and button.message.context.id == sent.wamid
    (click,) = [u for u in updates if isinstance(u, ClickUpdate)]
    data = click.action.marketing_messages_link_click_data
    assert data is not None and (data.click_component, data.tracking_token) == ("cta", "trk")
    (preference,) = [u for u in updates if isinstance(u, UserPreferenceUpdate)]
    assert (preference.field, preference.preference.value) == ("user_preferences", "stop")
    assert preference.preference.category == "marketing_messages"


async def test_every_inbound_type_parses(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    sent = await aclient.send_marketing(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    requests = every_type(sent.wamid)
    for body in requests.values():
        request = {"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, **body}
        assert (await control.post("/_wamm/inbound", json=request)).status_code == 200
    await settle(control, 1)
    messages = [u.message for u in updates_of(receiver) if isinstance(u, MessageUpdate)]
    by_type = {m.interactive.type if m.interactive else m.type: m for m in messages}
    assert set(by_type) == set(requests)  # deliveries may overtake each other
    image, audio, document = by_type["image"].media, by_type["audio"], by_type["document"]
    assert image is not None and image.caption == "Box" and image.url is not None
    assert audio.audio is not None and audio.audio.voice is True
    assert document.document is not None and document.document.filename == "nota.pdf"
    sticker = by_type["sticker"].sticker
    assert sticker is not None and sticker.animated is False
    assert by_type["location"].location is not None
    assert by_type["location"].location.latitude == -23.56
    assert by_type["contacts"].contacts == requests["contacts"]["contacts"]
    reaction = by_type["reaction"].reaction
    assert reaction is not None and reaction.emoji == "❤️"
    button_reply = by_type["button_reply"].interactive
    assert button_reply is not None and button_reply.button_reply is not None
    assert button_reply.button_reply.id == "b1"
    assert by_type["button_reply"].context is not None
    assert by_type["button_reply"].context.id == sent.wamid
    list_reply = by_type["list_reply"].interactive
    assert list_reply is not None and list_reply.list_reply is not None
    flow = by_type["nfm_reply"].interactive
    assert flow is not None and flow.nfm_reply is not None
    assert (flow.nfm_reply.name, flow.nfm_reply.response_json) == ("flow", FLOW_RESPONSE)
    order = by_type["order"].order
    assert order is not None and order.product_items[0].quantity == 2
    unsupported = by_type["unsupported"]
    assert unsupported.unsupported is not None and unsupported.errors[0].code == 131051
    system = by_type["system"]
    assert system.from_ == sd.BR_PHONE and system.from_user_id == sd.BR_BSUID
    assert system.system is not None and system.system.type == "user_changed_user_id"


async def test_an_ad_entry_and_its_free_answer_parse(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    referral = {
        "source_url": "https://fb.me/ad",
        "source_id": "120",
        "source_type": "ad",
        "ctwa_clid": "ARAkLk",
        "welcome_message": {"text": "Hi!"},
    }
    request = {"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "referral": referral}
    assert (await control.post("/_wamm/inbound", json=request)).status_code == 200
    sent = await aclient.send_template(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE)
    await settle(control, 60)
    updates = updates_of(receiver)
    (entry,) = [u.message for u in updates if isinstance(u, MessageUpdate)]
    assert entry.referral is not None
    assert (entry.referral.source_type, entry.referral.ctwa_clid) == ("ad", "ARAkLk")
    assert entry.referral.welcome_message is not None
    assert entry.referral.welcome_message.text == "Hi!"
    (status,) = [
        u.status
        for u in updates
        if isinstance(u, StatusUpdate) and u.status.id == sent.wamid and u.status.status == "sent"
    ]
    assert status.pricing is not None
    assert (status.pricing.type, status.pricing.billable) == ("free_entry_point", False)
    assert status.conversation is not None and status.conversation.origin is not None
    assert status.conversation.origin.type == "referral_conversion"


async def test_template_and_account_updates(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    page = await aclient.list_templates(sd.SIGNED_WABA)
    ids = {t.name: t.id for t in page.data}
    await control.post(f"/_wamm/templates/{ids['summer_sale']}/quality", json={"score": "RED"})
    await control.post(
        f"/_wamm/templates/{ids['order_update']}/category", json={"category": "MARKETING"}
    )
    await control.post(
        f"/_wamm/businesses/{sd.REQUESTED_BUSINESS}/mm_terms", json={"state": "signed"}
    )
    await settle(control, 1)
    updates = updates_of(receiver)
    (quality,) = [u for u in updates if isinstance(u, TemplateQualityUpdate)]
    assert (quality.new_quality_score, quality.message_template_id) == (
        "RED",
        int(ids["summer_sale"]),
    )
    (paused,) = [u for u in updates if isinstance(u, TemplateStatusUpdate)]
    assert paused.event == "PAUSED" and paused.other_info is not None
    assert paused.other_info["title"] == "FIRST_PAUSE" and paused.time is not None
    (category,) = [u for u in updates if isinstance(u, TemplateCategoryUpdate)]
    assert (category.previous_category, category.new_category) == ("UTILITY", "MARKETING")
    (account,) = [u for u in updates if isinstance(u, AccountUpdate)]
    assert account.event == "MM_LITE_TERMS_SIGNED"
    assert account.waba_info == {
        "owner_business_id": sd.REQUESTED_BUSINESS,
        "waba_id": sd.REQUESTED_WABA,
    }


async def test_template_edit_update(
    aclient: AsyncClient, control: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    page = await aclient.list_templates(sd.SIGNED_WABA, TemplateQuery(name="order_update"))
    template_id = page.data[0].id
    body = Body("Order {{1}} is on its way.", example=["#1"])
    await aclient.edit_template(template_id, TemplateEdit(components=[body, Footer("Acme")]))
    await settle(control, 1)
    (edited,) = [u for u in updates_of(receiver) if isinstance(u, TemplateComponentsUpdate)]
    assert (edited.message_template_id, edited.message_template_element) == (
        int(template_id),
        "Order {{1}} is on its way.",
    )
    assert (edited.message_template_footer, edited.message_template_title) == ("Acme", None)


def test_parse_rejects_what_is_not_a_webhook() -> None:
    with pytest.raises(InvalidWebhookError):
        parse(b"not json")
    with pytest.raises(InvalidWebhookError, match="object"):
        parse(b'{"object": "page", "entry": []}')
    with pytest.raises(InvalidWebhookError):
        parse(b'{"object": "whatsapp_business_account", "entry": [{"changes": []}]}')
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "security", "value": {"x": 1}}]}],
    }
    (update,) = parse(json.dumps(body).encode())
    assert isinstance(update, UnknownUpdate) and update.value == {"x": 1}


def test_verify_signature_edge_cases() -> None:
    body = b"{}"
    good = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert verify_signature(body, good, "s")
    assert verify_signature(body, good.upper().replace("SHA256=", "sha256="), "s")
    assert not verify_signature(body, None, "s")
    assert not verify_signature(body, "sha1=abc", "s")
    assert not verify_signature(body + b" ", good, "s")


# --- the ASGI receiver -------------------------------------------------------------------------


def signed(body: bytes, secret: str = sd.APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


STATUS_BODY = json.dumps(
    {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": sd.SIGNED_WABA,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "1", "phone_number_id": "2"},
                            "statuses": [
                                {"id": "wamid.A", "status": "sent", "timestamp": "1",
                                 "biz_opaque_callback_data": "key-1"},
                            ],
                        },
                    }
                ],
            }
        ],
    }
).encode()  # fmt: skip


async def test_webhook_app_handshake_signature_dispatch() -> None:
    hooks = WebhookApp(sd.APP_SECRET, VERIFY_TOKEN)
    seen: list[str] = []

    @hooks.on(StatusUpdate)
    def on_status(update: StatusUpdate) -> None:
        seen.append(update.status.id)

    @hooks.on(Update)
    async def on_any(update: Update) -> None:
        seen.append(update.field)

    transport = httpx.ASGITransport(app=hooks)
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as http:
        ok = await http.get(
            "/any/path",
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY_TOKEN,
                "hub.challenge": "42",
            },
        )
        assert (ok.status_code, ok.text) == (200, "42")
        bad = await http.get("/", params={"hub.mode": "subscribe", "hub.verify_token": "x"})
        assert bad.status_code == 403
        unsigned = await http.post("/", content=STATUS_BODY)
        assert unsigned.status_code == 401
        garbage = await http.post("/", content=b"[]", headers=signed(b"[]"))
        assert garbage.status_code == 400
        delivered = await http.post("/", content=STATUS_BODY, headers=signed(STATUS_BODY))
        assert (delivered.status_code, delivered.text) == (200, "ok")
        assert (await http.put("/")).status_code == 405
    assert seen == ["wamid.A", "messages"]


async def test_the_core_serialiser_s_bytes_are_what_the_receiver_verifies_and_parses() -> None:
    """What wamm posts is `webhook_wire.envelope_bytes` signed with `webhook_wire.sign`: the
    HMAC of exactly those bytes, accepted by the SDK's receiver and parsed back to the updates."""
    template = Template(
        id="9001",
        waba_id=sd.SIGNED_WABA,
        seq=1,
        name="summer_sale",
        language="en_US",
        category="MARKETING",
        status="APPROVED",
        components=[],
        created_at=0.0,
    )
    rows = [
        Delivery(
            app_id=sd.APP_ID,
            waba_id=sd.SIGNED_WABA,
            field=field,
            value=webhook_wire.encode_value(value),
            event_at=1_700_000_000.5,
            due_at=0.0,
            next_attempt_at=0.0,
        )
        for field, value in [
            (Field.TEMPLATE_STATUS, webhooks.template_status_value(template, "APPROVED")),
            (Field.TEMPLATE_CATEGORY, webhooks.template_category_value(template, "UTILITY", "X")),
        ]
    ]
    body = webhook_wire.envelope_bytes(rows)
    header = webhook_wire.sign(sd.APP_SECRET, body)
    assert header == signed(body)["X-Hub-Signature-256"]
    hooks = WebhookApp(sd.APP_SECRET, VERIFY_TOKEN)
    seen: list[Update] = []
    hooks.on(Update)(seen.append)
    transport = httpx.ASGITransport(app=hooks)
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as http:
        response = await http.post(
            "/", content=body, headers={webhook_wire.SIGNATURE_HEADER: header}
        )
    assert (response.status_code, response.text) == (200, "ok")
    assert seen == parse(body)
    status, category = seen
    assert isinstance(status, TemplateStatusUpdate) and isinstance(category, TemplateCategoryUpdate)
    assert (status.waba_id, status.time, status.event) == (
        sd.SIGNED_WABA,
        1_700_000_000,
        "APPROVED",
    )
    assert status.message_template_id == 9001
    assert (category.previous_category, category.new_category) == ("UTILITY", "X")


async def test_webhook_app_answers_500_when_a_handler_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hooks = WebhookApp(sd.APP_SECRET, VERIFY_TOKEN)

    @hooks.on(StatusUpdate)
    async def broken(update: StatusUpdate) -> None:
        raise RuntimeError("database down")

    transport = httpx.ASGITransport(app=hooks)
    async with httpx.AsyncClient(transport=transport, base_url="http://hooks") as http:
        response = await http.post("/", content=STATUS_BODY, headers=signed(STATUS_BODY))
    assert (response.status_code, response.text) == (500, "handler failed")


async def test_webhook_app_lifespan() -> None:
    hooks = WebhookApp(sd.APP_SECRET, VERIFY_TOKEN)
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: Any) -> None:
        sent.append(message)

    await hooks({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


# --- wamm delivering to a served WebhookApp, settling an ambiguous send ------------------------


class LostAnswer(httpx.AsyncBaseTransport):
    """Delivers each request, then loses the answer: the server acted, the client never knows."""

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        await response.aread()
        raise httpx.ReadTimeout("the answer was lost", request=request)


async def test_served_receiver_settles_an_ambiguous_send(
    app: Any, control: httpx.AsyncClient, clock: FakeClock
) -> None:
    lossy = AsyncClient(
        sd.TOKEN,
        base_url=BASE_URL,
        transport=LostAnswer(app),
        key_in_callback_data=True,
        clock=clock,
        sleep=clock.asleep,
    )
    received: list[StatusUpdate] = []
    hooks = WebhookApp(sd.APP_SECRET, VERIFY_TOKEN, ledger=lossy.ledger)
    hooks.on(StatusUpdate)(received.append)
    async with lossy, serving(hooks) as url:
        answer = await control.post(
            f"/_wamm/apps/{sd.APP_ID}/webhook", json={"url": url, "verify_token": VERIFY_TOKEN}
        )
        assert answer.json()["verified"] is True
        with pytest.raises(AmbiguousSendError) as raised:
            await lossy.send_marketing(sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE, idempotency_key="o-1")
        assert raised.value.body["biz_opaque_callback_data"] == "o-1"
        assert lossy.ledger.state("o-1") == "ambiguous"
        await settle(control)
        assert [u.status.status for u in received] == ["sent", "delivered", "read"]
        assert lossy.ledger.state("o-1") == "accepted"
        again = await lossy.send_marketing(
            sd.SIGNED_PHONE, SALE, to=sd.BR_PHONE, idempotency_key="o-1"
        )
        assert again.wamid == received[0].status.id
    messages = (await control.get("/_wamm/messages")).json()["data"]
    assert len(messages) == 1  # sent once, despite the retry
