"""pywa, unmodified, parses the webhooks a live wamm delivers.

A receiver in the test process captures every POST's raw body and `X-Hub-Signature-256`; each
is then handed to pywa the way a custom-server integration does (`webhook_update_validator`,
then `webhook_update_handler`), with `app_secret` set so pywa checks the signature itself. The
tests assert on the typed updates pywa's handlers receive. pywa swallows parse failures into its
log, so every test also requires one typed update per delivery and a clean pywa log.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pywa import WhatsApp, handlers
from pywa import errors as pywa_errors
from pywa.types import (
    CallbackButton,
    Message,
    MessageStatus,
    MessageStatusType,
    MessageType,
    RawUpdate,
)
from pywa.types.base_update import BaseUpdate
from pywa.types.message_status import ConversationCategory, PricingCategory, PricingModel
from pywa.types.message_status import PricingType as PywaPricingType
from pywa.types.templates import (
    TemplateCategory,
    TemplateComponentsUpdate,
    TemplateLanguage,
    TemplateRejectionReason,
    TemplateStatus,
    TemplateStatusUpdate,
)
from pywa.types.user_preferences import (
    MarketingPreference,
    UserMarketingPreferences,
    UserPreferenceCategory,
)

from tests import seed_data as sd
from tests.builders import template_send
from tests.e2e.conftest import LiveServer, ThreadedReceiver, webhook_seed
from tests.inbound_requests import every_type
from wamm.core.ids import wamid_sequence
from wamm.testing.receiver import Delivery

HOUR = 3600
OPTED_OUT = "5511900000031"  # seeded with marketing_opt_out: its marketing sends fail 131050
SIGNED_AT = datetime.datetime.fromtimestamp(sd.CLOCK_START, datetime.UTC)


def _no_api_calls(request: httpx.Request) -> None:
    raise AssertionError(f"parsing webhooks must not call any API: {request.url}")


class Bot:
    """One business's pywa client, as a custom-server integration would run it: no server, no
    callback registration, updates fed by hand. Records the typed update of every handled POST."""

    def __init__(self, phone_id: str, waba_id: str, session: httpx.Client) -> None:
        self.waba_id = waba_id
        self.wa = WhatsApp(
            phone_id=phone_id,
            token=sd.TOKEN,
            waba_id=waba_id,
            app_id=sd.APP_ID,
            app_secret=sd.APP_SECRET,
            validate_updates=True,
            session=session,
            api_version="23.0",
        )
        self.updates: list[BaseUpdate] = []
        self.raw: list[RawUpdate] = []

        def record(_: WhatsApp, update: BaseUpdate) -> None:
            self.updates.append(update)

        self.wa.add_handlers(
            handlers.MessageStatusHandler(record),
            handlers.MessageHandler(record),
            handlers.CallbackButtonHandler(record),
            handlers.CallbackSelectionHandler(record),
            handlers.FlowCompletionHandler(record),
            handlers.PhoneNumberChangeHandler(record),
            handlers.UserMarketingPreferencesHandler(record),
            handlers.TemplateStatusUpdateHandler(record),
            handlers.TemplateComponentsUpdateHandler(record),
            handlers.RawUpdateHandler(lambda _, raw: self.raw.append(raw)),
        )

    def feed(self, delivery: Delivery) -> BaseUpdate | None:
        """Validate and dispatch one captured POST; the typed update it produced, if any."""
        assert self.wa.webhook_update_validator(delivery.body, delivery.signature) is None
        before = len(self.updates)
        assert self.wa.webhook_update_handler(delivery.body) == ("ok", 200)
        produced = self.updates[before:]
        assert len(produced) <= 1, produced
        return produced[0] if produced else None


@pytest.fixture
def subscribed(live_server: LiveServer, webhook_receiver: ThreadedReceiver) -> LiveServer:
    """The live server, re-seeded so the seed app (subscribed to every WABA) calls the
    receiver back."""
    document = webhook_seed(webhook_receiver.url)
    document["users"].append(
        {"phone": OPTED_OUT, "name": "Bia", "behaviour": {"marketing_opt_out": True}}
    )
    live_server.reset(document)
    return live_server


@pytest.fixture
def bots(subscribed: LiveServer) -> Iterator[dict[str, Bot]]:
    """The onboarded business and the not-onboarded one (whose MM sends fall back to the Cloud
    API)."""
    with contextlib.ExitStack() as stack:  # pywa wants one httpx.Client per WhatsApp

        def session() -> httpx.Client:
            client = httpx.Client(event_hooks={"request": [_no_api_calls]})
            return stack.enter_context(client)

        yield {
            sd.SIGNED_WABA: Bot(sd.SIGNED_PHONE, sd.SIGNED_WABA, session()),
            sd.NOT_STARTED_WABA: Bot(sd.NOT_STARTED_PHONE, sd.NOT_STARTED_WABA, session()),
        }


def parse_all(
    receiver: ThreadedReceiver, bots: dict[str, Bot], caplog: pytest.LogCaptureFixture
) -> list[BaseUpdate]:
    """Every captured POST through every bot: exactly the bot of the POST's WABA must turn it
    into one typed update (the other filters it out), and pywa must log no problem."""
    deliveries = receiver.deliveries()
    assert deliveries, "wamm delivered nothing"
    assert receiver.rejected() == []
    parsed: list[BaseUpdate] = []
    with caplog.at_level(logging.WARNING, logger="pywa"):
        for delivery in deliveries:
            produced = {waba: bot.feed(delivery) for waba, bot in bots.items()}
            owner = delivery.payload["entry"][0]["id"]
            update = produced[owner]
            assert update is not None, (
                f"pywa produced no update for {delivery.body.decode()}\n{caplog.text}"
            )
            assert [w for w, u in produced.items() if u is not None] == [owner]
            parsed.append(update)
    assert caplog.text == ""
    return parsed


def send(server: LiveServer, phone: str, endpoint: str, **top: Any) -> str:
    answer = server.graph(f"{phone}/{endpoint}", template_send(**top))
    wamid: str = answer["messages"][0]["id"]
    return wamid


def of_type(updates: list[BaseUpdate], kind: type[Any]) -> list[Any]:
    return [u for u in updates if isinstance(u, kind)]


# --- message statuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("webhook_version", "with_conversation"), [("v23.0", True), ("v25.0", False)]
)
def test_statuses_carry_the_route_s_pricing(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
    webhook_version: str,
    with_conversation: bool,
) -> None:
    """Statuses at the app's webhook version: v24+ leaves the conversation out."""
    document = webhook_seed(webhook_receiver.url)
    document["apps"][0]["webhook_version"] = webhook_version
    live_server.reset(document)
    mm = send(
        live_server,
        sd.SIGNED_PHONE,
        "marketing_messages",
        biz_opaque_callback_data="campaign-7",
    )
    fallback = send(live_server, sd.NOT_STARTED_PHONE, "marketing_messages")
    assert live_server.settle(2 * HOUR) == {"delivered": 6}
    statuses = of_type(parse_all(webhook_receiver, bots, caplog), MessageStatus)
    assert len(statuses) == 6
    by_wamid: dict[str, list[MessageStatus[Any]]] = {mm: [], fallback: []}
    for status in statuses:
        by_wamid[status.id].append(status)
    for wamid, category, conversation, phone, waba in (
        (mm, PricingCategory.MARKETING_LITE, ConversationCategory.MARKETING_LITE, sd.SIGNED_PHONE,
         sd.SIGNED_WABA),
        (fallback, PricingCategory.MARKETING, ConversationCategory.MARKETING,
         sd.NOT_STARTED_PHONE, sd.NOT_STARTED_WABA),
    ):  # fmt: skip
        found = sorted(by_wamid[wamid], key=lambda s: s.timestamp)
        assert [s.status for s in found] == [
            MessageStatusType.SENT,
            MessageStatusType.DELIVERED,
            MessageStatusType.READ,
        ]
        for status in found:
            assert status.error is None
            assert status.waba_id == waba
            assert status.metadata.phone_number_id == phone
            assert status.from_user.wa_id == sd.BR_PHONE
            assert status.from_user.bsuid == sd.BR_BSUID
            assert status.from_user.parent_bsuid == sd.BR_PARENT_BSUID
            assert status.from_user.name == "Ana"
            assert status.timestamp >= SIGNED_AT
            assert status.pricing is not None
            assert status.pricing.category == category
            assert status.pricing.model == PricingModel.PMP
            assert status.pricing.type == PywaPricingType.REGULAR
            assert status.pricing.billable is True
            if not with_conversation:
                assert status.conversation is None
                continue
            assert status.conversation is not None
            assert status.conversation.category == conversation
        sent = found[0]
        if with_conversation:
            assert sent.conversation is not None and sent.conversation.expiration is not None
            assert sent.conversation.expiration - sent.timestamp == datetime.timedelta(days=1)
    assert {s.tracker for s in by_wamid[mm]} == {"campaign-7"}
    assert {s.tracker for s in by_wamid[fallback]} == {None}


def send_failing(
    server: LiveServer,
) -> dict[str, tuple[type[pywa_errors.WhatsAppError], int, str]]:
    """Two marketing sends the API accepts and that then fail: wamid -> (pywa exception, code,
    recipient)."""
    unhealthy = send(server, sd.SIGNED_PHONE, "marketing_messages", to=sd.US_PHONE)
    stopped = send(server, sd.SIGNED_PHONE, "marketing_messages", to=OPTED_OUT)
    assert server.settle(2 * HOUR) == {"delivered": 2}
    return {
        unhealthy: (
            pywa_errors.MessageUndeliverableDueToHealthyEcosystemEngagement,
            131049,
            sd.US_PHONE,
        ),
        stopped: (pywa_errors.UserStoppedMarketingMessages, 131050, OPTED_OUT),
    }


def test_failed_statuses_map_to_pywa_s_exceptions(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    expected = send_failing(live_server)
    failed = {s.id: s for s in of_type(parse_all(webhook_receiver, bots, caplog), MessageStatus)}
    assert set(failed) == set(expected)
    for wamid, (exception, code, to) in expected.items():
        status = failed[wamid]
        assert status.status == MessageStatusType.FAILED
        assert type(status.error) is exception, status.error
        assert status.error.code == code
        assert status.error.message and status.error.details and status.error.href
        assert status.from_user.wa_id == to
        assert status.pricing is None and status.conversation is None


# --- users ---------------------------------------------------------------------------------------


def test_marketing_stop_and_resume_are_user_preferences(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for action in ("stop", "resume"):
        live_server.control(
            "POST",
            f"/users/{sd.BR_PHONE}/marketing",
            json={"action": action, "phone_number_id": sd.SIGNED_PHONE},
        )
    live_server.settle(1)
    preferences = of_type(parse_all(webhook_receiver, bots, caplog), UserMarketingPreferences)
    assert [p.value for p in preferences] == [MarketingPreference.STOP, MarketingPreference.RESUME]
    for preference in preferences:
        assert preference.category == UserPreferenceCategory.MARKETING_MESSAGES
        assert preference.waba_id == sd.SIGNED_WABA
        assert preference.metadata.phone_number_id == sd.SIGNED_PHONE
        assert preference.from_user.wa_id == sd.BR_PHONE
        assert preference.from_user.bsuid == sd.BR_BSUID
        assert preference.timestamp == SIGNED_AT
    stop, resume = preferences
    assert stop.detail == "User requested to stop marketing messages"
    assert resume.detail == "User requested to resume marketing messages"
    assert not stop and resume  # pywa: truthy unless the user stopped marketing


def test_inbound_text_and_quick_reply_tap(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbound = live_server.control(
        "POST",
        "/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "text": "Hi there"},
    )["message"]
    promo = send(live_server, sd.SIGNED_PHONE, "marketing_messages")
    live_server.settle(2 * HOUR)
    tap = live_server.control(
        "POST",
        f"/messages/{promo}/reply",
        json={"text": "Not interested", "payload": "STOP_PROMOS"},
    )
    live_server.settle(1)
    updates = parse_all(webhook_receiver, bots, caplog)

    (text,) = [u for u in updates if type(u) is Message]
    assert text.id == inbound["id"]
    assert text.type == MessageType.TEXT
    assert text.text == "Hi there"
    assert text.from_user.wa_id == sd.BR_PHONE
    assert text.from_user.bsuid == sd.BR_BSUID
    assert text.from_user.name == "Ana"
    assert text.metadata.phone_number_id == sd.SIGNED_PHONE
    assert text.timestamp == datetime.datetime.fromtimestamp(
        int(inbound["timestamp"]), datetime.UTC
    )

    (button,) = of_type(updates, CallbackButton)
    assert button.id == tap["id"]
    assert button.is_quick_reply
    assert (button.data, button.title) == ("STOP_PROMOS", "Not interested")
    assert button.reply_to_message is not None
    assert button.reply_to_message.id == promo
    assert button.from_user.wa_id == sd.BR_PHONE


def test_an_ad_entry_and_its_free_answer(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    referral = {
        "source_url": "https://fb.me/ad",
        "source_id": "120226305854810726",
        "source_type": "ad",
        "headline": "Summer sale",
        "media_type": "image",
        "image_url": "https://scontent.example/ad.jpg",
        "ctwa_clid": "ARAkLk",
    }
    live_server.control(
        "POST",
        "/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "referral": referral},
    )
    answer = send(live_server, sd.SIGNED_PHONE, "messages")
    live_server.settle(2 * HOUR)
    updates = parse_all(webhook_receiver, bots, caplog)

    (entry,) = [u for u in updates if type(u) is Message]
    assert entry.referral is not None
    assert (entry.referral.source_id, entry.referral.ctwa_clid) == (referral["source_id"], "ARAkLk")
    assert entry.referral.media_type == "image"
    statuses = [s for s in of_type(updates, MessageStatus) if s.id == answer]
    assert statuses
    for status in statuses:
        assert status.pricing is not None
        assert status.pricing.type == PywaPricingType.FREE_ENTRY_POINT
        assert status.pricing.billable is False
        assert status.conversation is not None  # kept in v25 for free entry points
        assert status.conversation.category == ConversationCategory.REFERRAL_CONVERSION


def test_every_inbound_type(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    promo = send(live_server, sd.SIGNED_PHONE, "marketing_messages")
    for body in every_type(promo).values():
        live_server.control(
            "POST",
            "/inbound",
            json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, **body},
        )
    live_server.settle(1)
    parsed = parse_all(webhook_receiver, bots, caplog)
    # deliveries of inbound messages may overtake each other: sorted in the order sent
    updates: list[Any] = sorted(
        (u for u in parsed if not isinstance(u, MessageStatus)),
        key=lambda u: wamid_sequence(u.id, kind="inbound") or 0,
    )
    assert [type(u).__name__ for u in updates] == [
        *["Message"] * 9,
        "CallbackButton",
        "CallbackSelection",
        "FlowCompletion",
        "CallbackButton",
        "Message",
        "Message",
        "PhoneNumberChange",
    ]
    text, image, audio, video, document, sticker, location, contacts, reaction = updates[:9]
    assert [m.type for m in updates[:9]] == [
        MessageType.TEXT, MessageType.IMAGE, MessageType.AUDIO, MessageType.VIDEO,
        MessageType.DOCUMENT, MessageType.STICKER, MessageType.LOCATION, MessageType.CONTACTS,
        MessageType.REACTION,
    ]  # fmt: skip
    assert text.text == "Oi" and video.video.mime_type == "video/mp4"
    assert image.image.caption == "Box" and image.image.mime_type == "image/jpeg"
    assert audio.audio.voice is True
    assert document.document.filename == "nota.pdf"
    assert sticker.sticker.animated is False
    assert (location.location.latitude, location.location.name) == (-23.56, "Loja")
    assert contacts.contacts[0].name.formatted_name == "Bia"
    assert reaction.reaction.emoji == "❤️"
    button_reply, list_reply, flow, button, order, unsupported, change = updates[9:]
    assert (button_reply.data, button_reply.title) == ("b1", "Yes")
    assert (list_reply.data, list_reply.title) == ("r1", "Row")
    assert (flow.token, flow.response, flow.body) == ("f1", {"size": "M"}, "Sent")
    for reply in (button_reply, list_reply, flow, button):
        assert reply.reply_to_message.id == promo
    assert (button.data, button.title) == ("MORE", "More")
    assert order.type == MessageType.ORDER and order.order.catalog_id == "555"
    assert unsupported.type == MessageType.UNSUPPORTED
    assert change.old_wa_id == sd.BR_PHONE and change.new_user_id != sd.BR_BSUID
    assert change.new_user_id is not None and change.new_user_id.startswith("BR.")


# --- templates -----------------------------------------------------------------------------------


def test_manual_review_decisions_are_template_status_updates(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    live_server.control("POST", "/seed", json={"settings": {"template_review": "manual"}})
    ids = {}
    for name in ("autumn_sale", "winter_sale"):
        created = live_server.graph(
            f"{sd.SIGNED_WABA}/message_templates", {**sd.SUMMER_SALE, "name": name}
        )
        ids[name] = created["id"]
    live_server.control(
        "POST", f"/templates/{ids['autumn_sale']}/review", json={"decision": "APPROVED"}
    )
    live_server.control(
        "POST",
        f"/templates/{ids['winter_sale']}/review",
        json={"decision": "REJECTED", "reason": "PROMOTIONAL"},
    )
    live_server.settle(1)
    updates = of_type(parse_all(webhook_receiver, bots, caplog), TemplateStatusUpdate)
    events = [(u.template_name, u.new_status, u.reason) for u in updates]
    assert sorted(events) == [
        ("autumn_sale", TemplateStatus.APPROVED, TemplateRejectionReason.NONE),
        ("autumn_sale", TemplateStatus.PENDING, TemplateRejectionReason.NONE),
        ("winter_sale", TemplateStatus.PENDING, TemplateRejectionReason.NONE),
        ("winter_sale", TemplateStatus.REJECTED, TemplateRejectionReason.PROMOTIONAL),
    ]
    for update in updates:
        assert update.id == sd.SIGNED_WABA
        assert update.template_id == ids[update.template_name]
        assert update.template_language == TemplateLanguage.ENGLISH_US
        assert update.category == TemplateCategory.MARKETING
        assert update.timestamp == SIGNED_AT


def test_an_edit_is_a_template_components_update(
    live_server: LiveServer,
    webhook_receiver: ThreadedReceiver,
    bots: dict[str, Bot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"type": "BODY", "text": "Order {{1}} is ready.", "example": {"body_text": [["#1"]]}}
    created = live_server.graph(
        f"{sd.SIGNED_WABA}/message_templates",
        {"name": "pickup_ready", "language": "en_US", "category": "UTILITY", "components": [body]},
    )
    footer = {"type": "FOOTER", "text": "Acme"}
    live_server.graph(created["id"], {"components": [body, footer]})
    live_server.settle(1)
    (update,) = of_type(parse_all(webhook_receiver, bots, caplog), TemplateComponentsUpdate)
    assert (update.id, update.template_id, update.template_name) == (
        sd.SIGNED_WABA,
        created["id"],
        "pickup_ready",
    )
    assert update.template_language == TemplateLanguage.ENGLISH_US
    assert (update.template_element, update.template_footer) == ("Order {{1}} is ready.", "Acme")
    assert (update.template_title, update.template_buttons) == (None, None)


# --- signatures --------------------------------------------------------------------------------


def test_pywa_refuses_a_body_the_signature_does_not_cover(
    live_server: LiveServer, webhook_receiver: ThreadedReceiver, bots: dict[str, Bot]
) -> None:
    send(live_server, sd.SIGNED_PHONE, "marketing_messages")
    live_server.settle(1)
    delivery = webhook_receiver.deliveries()[0]
    bot = bots[sd.SIGNED_WABA]
    assert bot.wa.webhook_update_validator(delivery.body, delivery.signature) is None
    payload = json.loads(delivery.body)
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = "read"
    tampered = json.dumps(payload).encode()
    assert bot.wa.webhook_update_validator(tampered, delivery.signature) == ("Forbidden", 403)
    assert bot.wa.webhook_update_validator(delivery.body, None) == ("Unauthorized", 401)
