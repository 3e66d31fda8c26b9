"""Webhooks end to end in-process: a real HTTP receiver on loopback checks every signature;
the manual clock makes every event due on demand, nothing sleeps on real time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests import seed_data as sd
from tests.builders import KINDS, interactive_send, template_send, text_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.content_builders import INTERACTIVE
from tests.media_helpers import open_window
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    HOUR,
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    seed_document_fixture,
    send,
    settle,
)
from wamm.core.ids import wamid_sequence
from wamm.core.settings import WebhookSettings
from wamm.core.webhook_wire import Field
from wamm.service.delivery import retry_at, verify_callback
from wamm.store.base import Delivery
from wamm.testing.receiver import WebhookReceiver


def statuses_of(receiver: WebhookReceiver, wamid: str) -> list[dict[str, Any]]:
    return [s for s in receiver.statuses() if s["id"] == wamid]


# --- status webhooks ---------------------------------------------------------------------------


async def test_mm_send_produces_signed_sent_delivered_read(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    wamid = await send(
        graph,
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(biz_opaque_callback_data="campaign-7"),
    )
    assert await settle(graph) == {"delivered": 3}
    assert receiver.rejected == []
    assert receiver.verifications == 1
    statuses = statuses_of(receiver, wamid)
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    first = receiver.deliveries[0]
    assert first.signature.startswith("sha256=")
    sent = statuses[0]
    assert first.payload == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": sd.SIGNED_WABA,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": sd.SIGNED_DISPLAY,
                                "phone_number_id": sd.SIGNED_PHONE,
                            },
                            "contacts": [
                                {
                                    "profile": {"name": "Ana"},
                                    "wa_id": sd.BR_PHONE,
                                    "user_id": sd.BR_BSUID,
                                    "parent_user_id": sd.BR_PARENT_BSUID,
                                }
                            ],
                            "statuses": [
                                {
                                    "id": wamid,
                                    "status": "sent",
                                    "timestamp": sent["timestamp"],
                                    "recipient_id": sd.BR_PHONE,
                                    "biz_opaque_callback_data": "campaign-7",
                                    "pricing": {
                                        "billable": True,
                                        "pricing_model": "PMP",
                                        "type": "regular",
                                        "category": "marketing_lite",
                                    },
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    delivered, read = statuses[1], statuses[2]
    assert "conversation" not in delivered and "conversation" not in read  # v24+: no conversation
    assert int(sent["timestamp"]) <= int(delivered["timestamp"]) <= int(read["timestamp"])
    assert read["pricing"]["category"] == "marketing_lite"


@pytest.mark.parametrize(
    ("phone", "endpoint", "name", "category", "billable", "pricing_type"),
    [
        (sd.NOT_STARTED_PHONE, "marketing_messages", "summer_sale", "marketing", True, "regular"),
        (sd.SIGNED_PHONE, "messages", "summer_sale", "marketing", True, "regular"),
        (sd.SIGNED_PHONE, "messages", "order_update", "utility", True, "regular"),
    ],
)
async def test_pricing_follows_the_route_and_category(
    graph: Graph,
    receiver: WebhookReceiver,
    phone: str,
    endpoint: str,
    name: str,
    category: str,
    billable: bool,
    pricing_type: str,
) -> None:
    components = (
        None
        if name == "summer_sale"
        else [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}]
    )
    wamid = await send(graph, f"{phone}/{endpoint}", template_send(name, components))
    await settle(graph)
    sent = statuses_of(receiver, wamid)[0]
    assert sent["pricing"] == {
        "billable": billable,
        "pricing_model": "PMP",
        "type": pricing_type,
        "category": category,
    }


async def test_utility_and_service_messages_inside_the_window_are_free(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE}
    )
    utility = await send(
        graph,
        f"{sd.SIGNED_PHONE}/messages",
        template_send(
            "order_update", [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}]
        ),
    )
    text = await send(graph, f"{sd.SIGNED_PHONE}/messages", text_send())
    await settle(graph, 60)
    for wamid, category in ((utility, "utility"), (text, "service")):
        assert statuses_of(receiver, wamid)[0]["pricing"] == {
            "billable": False,
            "pricing_model": "PMP",
            "type": "free_customer_service",
            "category": category,
        }


async def test_carousels_calls_and_payment_messages_go_through_the_life_cycle_for_free(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await open_window(graph)
    path = f"{sd.SIGNED_PHONE}/messages"
    wamids = [await send(graph, path, interactive_send(INTERACTIVE[kind])) for kind in KINDS]
    await settle(graph)
    for wamid in wamids:
        statuses = statuses_of(receiver, wamid)
        assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
        assert statuses[0]["pricing"] == {
            "billable": False,
            "pricing_model": "PMP",
            "type": "free_customer_service",
            "category": "service",
        }


@pytest.mark.parametrize(
    ("to", "code", "title"),
    [
        (
            sd.US_PHONE,
            131049,
            "This message was not delivered to maintain healthy ecosystem engagement.",
        ),
        ("5511900000001", 131050, "Unable to deliver the message"),
        ("5511900000002", 130472, "User's number is part of an experiment"),
        ("5511900000003", 131026, "Message undeliverable"),
        ("5511900000004", 130403, "Recipient has blocked the business"),
    ],
)
async def test_asynchronous_failures(
    graph: Graph, receiver: WebhookReceiver, to: str, code: int, title: str
) -> None:
    wamid = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to=to))
    await settle(graph)
    (failed,) = statuses_of(receiver, wamid)
    assert failed["status"] == "failed"
    assert failed["recipient_id"] == to
    assert "pricing" not in failed and "conversation" not in failed
    (error,) = failed["errors"]
    assert error["code"] == code
    assert error["title"] == error["message"] == title
    assert set(error) == {"code", "title", "message", "error_data", "href"}
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert message["status"] == "failed"


async def test_131049_failure_object_is_meta_s(graph: Graph, receiver: WebhookReceiver) -> None:
    wamid = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=sd.US_PHONE))
    await settle(graph)
    assert statuses_of(receiver, wamid)[0]["errors"] == [
        {
            "code": 131049,
            "title": "This message was not delivered to maintain healthy ecosystem engagement.",
            "message": "This message was not delivered to maintain healthy ecosystem engagement.",
            "error_data": {
                "details": "In order to maintain a healthy ecosystem engagement, the "
                "message failed to be delivered."
            },
            "href": "https://developers.facebook.com/documentation/business-messaging/whatsapp/"
            "support/error-codes/",
        }
    ]


async def test_non_marketing_templates_reach_opted_out_users(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    wamid = await send(
        graph,
        f"{sd.SIGNED_PHONE}/messages",
        template_send(
            "order_update",
            [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}],
            to="5511900000001",
        ),
    )
    await settle(graph)
    assert [s["status"] for s in statuses_of(receiver, wamid)] == ["sent", "delivered", "read"]


async def test_per_user_marketing_limit(graph: Graph, receiver: WebhookReceiver) -> None:
    await graph.http.post(
        "/_wamm/seed", json={"settings": {"marketing_limit": {"count": 2, "window_seconds": 86400}}}
    )
    wamids = [
        await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
        for _ in range(3)
    ]
    await settle(graph, 60)
    assert [statuses_of(receiver, w)[0]["status"] for w in wamids] == ["sent", "sent", "failed"]
    assert statuses_of(receiver, wamids[2])[0]["errors"][0]["code"] == 131049
    await settle(graph, 86400)
    again = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    await settle(graph, 60)
    assert statuses_of(receiver, again)[0]["status"] == "sent"


async def test_offline_user_gets_it_later_and_ttl_drops_it_on_mm(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    offline = "5511900000005"
    later = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to=offline))
    await settle(graph, HOUR)
    assert [s["status"] for s in statuses_of(receiver, later)] == ["sent"]
    await settle(graph, 2 * HOUR)
    delivered = statuses_of(receiver, later)[1]
    assert delivered["status"] == "delivered"
    created = (await graph.http.get(f"/_wamm/messages/{later}")).json()["timestamp"]
    assert int(delivered["timestamp"]) >= created + 2 * HOUR
    short_ttl = {**sd.SUMMER_SALE, "name": "short_lived", "message_send_ttl_seconds": 43200}
    await graph.post(f"{sd.SIGNED_WABA}/message_templates", short_ttl)
    await graph.http.post(
        "/_wamm/seed",
        json={"users": [{"phone": offline, "behaviour": {"offline_seconds": 24 * HOUR}}]},
    )
    dropped = await send(
        graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send("short_lived", to=offline)
    )
    fallback = await send(
        graph, f"{sd.SIGNED_PHONE}/messages", template_send("short_lived", to=offline)
    )
    await settle(graph, 30 * HOUR)
    assert [s["status"] for s in statuses_of(receiver, dropped)] == ["sent"]
    assert [s["status"] for s in statuses_of(receiver, fallback)][:2] == ["sent", "delivered"]


async def test_user_who_never_reads(graph: Graph, receiver: WebhookReceiver) -> None:
    wamid = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to="5511900000006"))
    await settle(graph, 10 * HOUR)
    assert [s["status"] for s in statuses_of(receiver, wamid)] == ["sent", "delivered"]


@pytest.mark.parametrize(
    ("recipient", "key"),
    [(sd.BR_BSUID, "recipient_user_id"), (sd.BR_PARENT_BSUID, "parent_recipient_user_id")],
)
async def test_bsuid_addressed_statuses(
    graph: Graph, receiver: WebhookReceiver, recipient: str, key: str
) -> None:
    wamid = await send(
        graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send(to=None, recipient=recipient)
    )
    await settle(graph)
    statuses = statuses_of(receiver, wamid)
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    for status in statuses:
        assert status[key] == recipient
        assert "recipient_id" not in status


async def test_unknown_bsuid_fails_with_131026(graph: Graph, receiver: WebhookReceiver) -> None:
    wamid = await send(
        graph,
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(to=None, recipient="BR.999999"),
    )
    await settle(graph)
    (failed,) = statuses_of(receiver, wamid)
    assert failed["errors"][0]["code"] == 131026
    assert failed["recipient_user_id"] == "BR.999999"


# --- delivery mechanics ------------------------------------------------------------------------


async def test_failed_posts_are_retried_with_backoff_and_recorded(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await graph.http.post(
        "/_wamm/seed",
        json={
            "settings": {
                "recipients": {
                    "sent_delay": {"value": 1},
                    "delivery_delay": {"value": 60},
                    "read_delay": {"value": 600},
                }
            }
        },
    )
    receiver.fail_next = [500, 503]
    wamid = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
    await settle(graph, 1)  # only `sent` is due: its POST fails
    log = (await graph.http.get("/_wamm/webhooks", params={"wamid": wamid})).json()
    pending = [d for d in log["data"] if d["state"] == "pending"]
    assert pending and pending[-1]["attempt_count"] == 1
    await settle(graph, 5)
    await settle(graph, 10)
    await settle(graph, 2 * HOUR)
    log = (await graph.http.get("/_wamm/webhooks", params={"wamid": wamid})).json()
    assert {d["state"] for d in log["data"]} == {"delivered"}
    sent = next(
        d
        for d in log["data"]
        if d["payload"]["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] == "sent"
    )
    assert [a["status_code"] for a in sent["attempts"]] == [500, 503, 200]
    assert sent["attempts"][0]["error"] == "HTTP 500"
    assert sent["signature"].startswith("sha256=")
    assert [s["status"] for s in statuses_of(receiver, wamid)] == ["sent", "delivered", "read"]


async def test_receiver_outage_loses_nothing(graph: Graph, receiver: WebhookReceiver) -> None:
    await receiver.stop()
    wamids = [
        await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=f"55119000001{i}"))
        for i in range(5)
    ]
    summary = await settle(graph)
    assert summary.get("pending") == 15 and "delivered" not in summary
    log = (await graph.http.get("/_wamm/webhooks")).json()
    attempted = [d for d in log["data"] if d["attempts"]]
    assert len(attempted) == 5  # each message's `sent`: its later updates wait behind it
    assert "ClientConnectorError" in attempted[0]["attempts"][0]["error"]
    await receiver.start()
    for _ in range(12):  # backoff doubles from 5 s; a few hours of virtual time cover it
        summary = await settle(graph, HOUR)
    assert summary == {"delivered": 15}
    for wamid in wamids:
        assert [s["status"] for s in statuses_of(receiver, wamid)] == ["sent", "delivered", "read"]


async def test_deliveries_give_up_after_the_retry_window(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await graph.http.post(
        "/_wamm/seed",
        json={"settings": {"webhooks": {"retry_initial_seconds": 10, "retry_window_seconds": 60}}},
    )
    receiver.fail_next = [500] * 10
    await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=sd.US_PHONE))
    for _ in range(6):
        summary = await settle(graph, 30)
    assert summary == {"failed": 1}


async def test_batching_puts_several_updates_in_one_post(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"webhooks": {"batch_size": 50}}})
    for index in range(10):
        await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=f"55119000002{index}"))
    assert await settle(graph) == {"delivered": 30}
    assert len(receiver.statuses()) == 30
    assert len(receiver.deliveries) < 10
    assert max(len(d.changes()) for d in receiver.deliveries) > 1


class HoldsFirstSent(WebhookReceiver):
    """Holds the POST carrying the `sent` status of `wamids[0]` unanswered until every message
    outside that POST has all three updates in, or until a later update of a message inside it
    arrives first: the overtaking the dispatcher must prevent. So the dispatcher gets every
    chance to overtake, and nothing depends on timing."""

    wamids: list[str]

    async def _receive(self, request: web.Request) -> web.Response:
        statuses = _statuses(await request.json())
        if any(s["id"] == self.wamids[0] and s["status"] == "sent" for s in statuses):
            await self._hold({s["id"] for s in statuses})
        return await super()._receive(request)

    async def _hold(self, held: set[str]) -> None:
        def released(receiver: WebhookReceiver) -> bool:
            received = [s["id"] for s in receiver.statuses()]
            overtaken = any(wamid in held for wamid in received)
            rest = [wamid for wamid in self.wamids if wamid not in held]
            return overtaken or all(received.count(wamid) == 3 for wamid in rest)

        try:
            await self.wait_for(released, timeout=10)
        except TimeoutError:
            self.rejected.append("the other messages' updates never arrived while sent was held")


async def test_batched_updates_of_a_message_keep_their_order_across_claims(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    one_second = {"distribution": "constant", "value": 1}
    settings = {
        "webhooks": {"batch_size": 3, "concurrency": 4},
        "recipients": dict.fromkeys(("sent_delay", "delivery_delay", "read_delay"), one_second),
    }
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    async with HoldsFirstSent(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as holding:
        callback = {"url": holding.url, "verify_token": VERIFY_TOKEN}
        response = await graph.http.post(f"/_wamm/apps/{sd.APP_ID}/webhook", json=callback)
        assert response.status_code == 200, response.text
        holding.wamids = [
            await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=f"55119000003{i:02}"))
            for i in range(16)
        ]
        # Claims take at most 3 rows per free POST: the first claims every `sent`, later ones
        # the `delivered` of the first message while its `sent` is still held.
        assert await settle(graph) == {"delivered": 48}
        assert holding.rejected == []
        for wamid in holding.wamids:
            statuses = statuses_of(holding, wamid)
            assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]


class FailsEachFirstSent(WebhookReceiver):
    """Answers 500 to the first POST carrying each message's `sent` status."""

    failed: set[str]

    async def _receive(self, request: web.Request) -> web.Response:
        sent = {s["id"] for s in _statuses(await request.json()) if s["status"] == "sent"}
        if sent - self.failed:
            self.failed |= sent
            return web.Response(status=500, text="failing the first sent on purpose")
        return await super()._receive(request)


def _statuses(payload: dict[str, Any]) -> list[dict[str, Any]]:
    changes = [change for entry in payload["entry"] for change in entry["changes"]]
    return [status for change in changes for status in change["value"].get("statuses", [])]


@pytest.mark.parametrize("batch_size", [1, 20])
async def test_a_failed_sent_holds_back_the_later_updates_of_its_message(
    graph: Graph, batch_size: int
) -> None:
    """`delivered` (due 1 s after `sent`) and `read` wait for the retry of `sent` (5 s later)."""
    delays = {"sent_delay": 1, "delivery_delay": 1, "read_delay": 1}
    recipients = {name: {"distribution": "constant", "value": v} for name, v in delays.items()}
    settings = {"webhooks": {"batch_size": batch_size}, "recipients": recipients}
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    async with FailsEachFirstSent(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as flaky:
        flaky.failed = set()
        callback = {"url": flaky.url, "verify_token": VERIFY_TOKEN}
        response = await graph.http.post(f"/_wamm/apps/{sd.APP_ID}/webhook", json=callback)
        assert response.status_code == 200, response.text
        wamids = [
            await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=f"55119000004{i:02}"))
            for i in range(20)
        ]
        assert await settle(graph, 3) == {"pending": 60}  # every `sent` failed once
        assert flaky.deliveries == []
        assert await settle(graph, 10) == {"delivered": 60}
        for wamid in wamids:
            assert [s["status"] for s in statuses_of(flaky, wamid)] == ["sent", "delivered", "read"]
        log = (await graph.http.get("/_wamm/webhooks", params={"limit": 100})).json()
        attempts = {(_statuses(d["payload"])[0]["status"], d["attempt_count"]) for d in log["data"]}
        assert attempts == {("sent", 2), ("delivered", 1), ("read", 1)}


@dataclass
class HangingReceiver(WebhookReceiver):
    """Answers the handshake, but holds every POST unanswered until `release()`."""

    held: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    async def _receive(self, request: web.Request) -> web.Response:
        self.held += 1
        async with self._arrived:
            self._arrived.notify_all()
        await self._released.wait()
        return await super()._receive(request)

    def release(self) -> None:
        self._released.set()


OTHER_APP = {"id": "900000000000002", "secret": "other-secret", "name": "Other app"}


async def test_a_hanging_receiver_holds_only_its_own_apps_slots(
    graph: Graph, seed_document: dict[str, Any]
) -> None:
    """App A's callback never answers; app B, subscribed to the same WABA, gets its updates at
    once: each app has its own `concurrency` POST slots."""
    async with (
        HangingReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as hanging,
        WebhookReceiver(app_secret=OTHER_APP["secret"], verify_token=VERIFY_TOKEN) as other,
    ):
        seed_document["apps"][0]["webhook"] = {"url": hanging.url, "verify_token": VERIFY_TOKEN}
        callback = {"url": other.url, "verify_token": VERIFY_TOKEN}
        seed_document["apps"].append({**OTHER_APP, "webhook": callback})
        seed_document["businesses"][0]["wabas"][0]["subscribed_apps"].append(OTHER_APP["id"])
        seed_document["settings"]["webhooks"] = {"concurrency": 2, "timeout_seconds": 60}
        assert (await graph.http.post("/_wamm/reset", json=seed_document)).status_code == 200
        wamids = [
            await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=f"55119000005{i:02}"))
            for i in range(6)
        ]
        await graph.http.post("/_wamm/clock/advance", json={"seconds": 2 * HOUR})
        arrived = await other.wait_for(lambda r: len(r.statuses()) == 3 * len(wamids), 10)
        assert arrived
        for wamid in wamids:
            assert [s["status"] for s in statuses_of(other, wamid)] == ["sent", "delivered", "read"]
        await hanging.wait_for(lambda _: hanging.held == 2)
        assert hanging.held == 2  # A's two slots, no more
        hanging.release()


async def test_statuses_after_a_reset_describe_the_new_messages(
    graph: Graph, receiver: WebhookReceiver, seed_document: dict[str, Any]
) -> None:
    first = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to="5511900000101"))
    await settle(graph)
    await graph.http.post("/_wamm/reset", json=seed_document)
    receiver.deliveries.clear()
    second = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to="5511900000102"))
    await settle(graph)
    assert wamid_sequence(first) == wamid_sequence(second)  # numbering starts again
    assert [s["recipient_id"] for s in statuses_of(receiver, second)] == ["5511900000102"] * 3


async def test_callback_that_fails_verification_is_not_used(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    receiver.verify_token = "something-else"
    await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
    await settle(graph, 1)
    log = (await graph.http.get("/_wamm/webhooks")).json()
    attempt = log["data"][-1]["attempts"][0]
    assert attempt["status_code"] == 403
    assert attempt["error"].startswith("callback verification failed")
    assert receiver.deliveries == []


async def test_same_seed_and_requests_give_the_same_webhooks(
    graph: Graph, receiver: WebhookReceiver, seed_document: dict[str, Any]
) -> None:
    runs = []
    for _ in range(2):
        await graph.http.post("/_wamm/reset", json=seed_document)
        receiver.deliveries.clear()
        await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
        await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=sd.US_PHONE))
        await settle(graph)
        runs.append(sorted(d.body for d in receiver.deliveries))
    assert runs[0] == runs[1]
    assert len(runs[0]) == 4


# --- other webhook fields ---------------------------------------------------------------------


async def test_review_decision_sends_template_status_update(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    await graph.http.post("/_wamm/seed", json={"settings": {"template_review": "manual"}})
    created = (
        await graph.post(
            f"{sd.SIGNED_WABA}/message_templates", {**sd.SUMMER_SALE, "name": "under_review"}
        )
    ).json()
    await graph.http.post(
        f"/_wamm/templates/{created['id']}/review",
        json={"decision": "REJECTED", "reason": "PROMOTIONAL"},
    )
    await settle(graph, 1)
    changes = receiver.changes("message_template_status_update")
    assert [c["value"]["event"] for c in changes] == ["PENDING", "REJECTED"]
    assert changes[1]["value"] == {
        "event": "REJECTED",
        "message_template_id": int(created["id"]),
        "message_template_name": "under_review",
        "message_template_language": "en_US",
        "reason": "PROMOTIONAL",
        "message_template_category": "MARKETING",
    }
    entry = receiver.deliveries[-1].payload["entry"][0]
    assert entry["id"] == sd.SIGNED_WABA and isinstance(entry["time"], int)


async def signed_template_id(graph: Graph, name: str) -> str:
    """The id of the signed WABA's template called `name`."""
    listing = await graph.get(f"{sd.SIGNED_WABA}/message_templates", name=name, fields="id")
    template_id: str = listing.json()["data"][0]["id"]
    return template_id


async def test_low_quality_pauses_then_disables(graph: Graph, receiver: WebhookReceiver) -> None:
    template_id = await signed_template_id(graph, "summer_sale")
    for _ in range(3):
        response = await graph.http.post(
            f"/_wamm/templates/{template_id}/quality", json={"score": "RED"}
        )
        await graph.post(f"{template_id}/unpause")
    assert response.json()["status"] == "DISABLED"
    await settle(graph, 1)
    events = [
        (c["value"]["event"], c["value"].get("other_info", {}).get("title"))
        for c in receiver.changes("message_template_status_update")
    ]
    assert events == [
        ("PAUSED", "FIRST_PAUSE"),
        ("APPROVED", "UNPAUSE"),
        ("PAUSED", "SECOND_PAUSE"),
        ("APPROVED", "UNPAUSE"),
        ("DISABLED", None),
    ]
    quality = receiver.changes("message_template_quality_update")[0]["value"]
    assert quality == {
        "previous_quality_score": "UNKNOWN",
        "new_quality_score": "RED",
        "message_template_id": int(template_id),
        "message_template_name": "summer_sale",
        "message_template_language": "en_US",
    }
    blocked = await graph.post(f"{sd.SIGNED_PHONE}/messages", template_send())
    assert error_of(blocked)["code"] == 132016


async def test_updates_of_one_field_keep_their_order_after_a_failed_attempt(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    template_id = await signed_template_id(graph, "summer_sale")
    receiver.fail_next = [500]  # the first quality update's first POST
    for score in ("YELLOW", "GREEN"):
        response = await graph.http.post(
            f"/_wamm/templates/{template_id}/quality", json={"score": score}
        )
        assert response.status_code == 200, response.text
    assert await settle(graph, 1) == {"pending": 2}  # the second waits for the first's retry
    assert await settle(graph, 10) == {"delivered": 2}
    scores = [c["value"]["new_quality_score"] for c in receiver.changes(Field.TEMPLATE_QUALITY)]
    assert scores == ["YELLOW", "GREEN"]


async def test_recategorisation_sends_template_category_update(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    template_id = await signed_template_id(graph, "order_update")
    await graph.http.post(
        f"/_wamm/templates/{template_id}/category", json={"category": "MARKETING"}
    )
    await settle(graph, 1)
    (change,) = receiver.changes("template_category_update")
    assert change["value"]["previous_category"] == "UTILITY"
    assert change["value"]["new_category"] == "MARKETING"
    read = (await graph.get(template_id, fields="category,previous_category")).json()
    assert (read["category"], read["previous_category"]) == ("MARKETING", "UTILITY")


async def test_an_announced_recategorisation_notifies_24_hours_ahead(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    template_id = await signed_template_id(graph, "order_update")
    announced = await graph.http.post(
        f"/_wamm/templates/{template_id}/category",
        json={"category": "MARKETING", "notice": True},
    )
    assert announced.json()["category"] == "UTILITY"  # unchanged until the notice runs out
    await settle(graph, 1)
    names = {
        "message_template_id": int(template_id),
        "message_template_name": "order_update",
        "message_template_language": "en_US",
    }
    due = int(sd.CLOCK_START) + 24 * HOUR
    assert [c["value"] for c in receiver.changes(Field.TEMPLATE_CATEGORY)] == [
        {
            **names,
            "correct_category": "MARKETING",
            "new_category": "UTILITY",
            "category_update_timestamp": due,
        }
    ]
    fields = "category,correct_category"
    read = (await graph.get(template_id, fields=fields)).json()
    assert (read["category"], read["correct_category"]) == ("UTILITY", "MARKETING")
    await settle(graph, 24 * HOUR)
    assert receiver.changes(Field.TEMPLATE_CATEGORY)[1]["value"] == {
        **names,
        "previous_category": "UTILITY",
        "new_category": "MARKETING",
    }
    read = (await graph.get(template_id, fields="category,previous_category")).json()
    assert (read["category"], read["previous_category"]) == ("MARKETING", "UTILITY")


EDITED_ORDER_UPDATE = [
    {"type": "HEADER", "format": "TEXT", "text": "Shipping news"},
    {"type": "BODY", "text": "Order {{1}} left our warehouse.", "example": {"body_text": [["#1"]]}},
    {"type": "FOOTER", "text": "Acme shipping"},
    {
        "type": "BUTTONS",
        "buttons": [
            {"type": "URL", "text": "Track", "url": "https://acme.example.com/track"},
            {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550001234"},
            {"type": "QUICK_REPLY", "text": "Thanks"},
        ],
    },
]


async def test_editing_components_sends_message_template_components_update(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    template_id = await signed_template_id(graph, "order_update")
    edited = await graph.post(template_id, {"components": EDITED_ORDER_UPDATE})
    assert edited.status_code == 200, edited.text
    await settle(graph, 1)
    (change,) = receiver.changes("message_template_components_update")
    assert change["value"] == {
        "message_template_id": int(template_id),
        "message_template_name": "order_update",
        "message_template_language": "en_US",
        "message_template_element": "Order {{1}} left our warehouse.",
        "message_template_title": "Shipping news",
        "message_template_footer": "Acme shipping",
        "message_template_buttons": [
            {
                "message_template_button_type": "URL",
                "message_template_button_text": "Track",
                "message_template_button_url": "https://acme.example.com/track",
            },
            {
                "message_template_button_type": "PHONE_NUMBER",
                "message_template_button_text": "Call us",
                "message_template_button_phone_number": "+15550001234",
            },
        ],
    }


async def test_an_edit_leaving_components_alone_sends_no_components_update(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    template_id = await signed_template_id(graph, "order_update")
    edited = await graph.post(template_id, {"message_send_ttl_seconds": 3600})
    assert edited.status_code == 200, edited.text
    await settle(graph, 1)
    assert receiver.changes("message_template_components_update") == []


async def test_deleting_a_template_is_announced(graph: Graph, receiver: WebhookReceiver) -> None:
    await graph.delete(f"{sd.SIGNED_WABA}/message_templates", name="order_update")
    await settle(graph, 1)
    (change,) = receiver.changes("message_template_status_update")
    assert change["value"]["event"] == "DELETED"


async def test_signing_terms_sends_account_update(graph: Graph, receiver: WebhookReceiver) -> None:
    await graph.http.post(
        f"/_wamm/businesses/{sd.REQUESTED_BUSINESS}/mm_terms", json={"state": "signed"}
    )
    await settle(graph, 1)
    (change,) = receiver.changes("account_update")
    assert change["value"] == {
        "event": "MM_LITE_TERMS_SIGNED",
        "waba_info": {"owner_business_id": sd.REQUESTED_BUSINESS, "waba_id": sd.REQUESTED_WABA},
    }


async def test_inbound_message_webhook_and_reply_window(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    response = await graph.http.post(
        "/_wamm/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "text": "Hi there"},
    )
    inbound = response.json()["message"]
    await settle(graph, 1)
    (change,) = receiver.changes("messages")
    assert change["value"] == {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": sd.SIGNED_DISPLAY, "phone_number_id": sd.SIGNED_PHONE},
        "contacts": [
            {
                "profile": {"name": "Ana"},
                "wa_id": sd.BR_PHONE,
                "user_id": sd.BR_BSUID,
                "parent_user_id": sd.BR_PARENT_BSUID,
            }
        ],
        "messages": [
            {
                "from": sd.BR_PHONE,
                "from_user_id": sd.BR_BSUID,
                "id": inbound["id"],
                "timestamp": inbound["timestamp"],
                "type": "text",
                "text": {"body": "Hi there"},
            }
        ],
    }
    assert (await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send())).status_code == 200


async def test_a_delivered_body_is_in_meta_spelling_and_signed_as_posted(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    text = "Grüße 😀 https://wa.me/49"
    await graph.http.post(
        "/_wamm/inbound",
        json={"phone_number_id": sd.SIGNED_PHONE, "from": sd.BR_PHONE, "text": text},
    )
    await settle(graph, 1)
    (delivery,) = receiver.deliveries  # the receiver accepted its signature over these bytes
    assert delivery.body.isascii()
    assert (
        b'"text":{"body":"Gr\\u00fc\\u00dfe \\ud83d\\ude00 https:\\/\\/wa.me\\/49"}'
        in delivery.body
    )
    assert delivery.payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"] == {
        "body": text
    }


async def test_quick_reply_and_link_click(graph: Graph, receiver: WebhookReceiver) -> None:
    wamid = await send(
        graph,
        f"{sd.SIGNED_PHONE}/marketing_messages",
        template_send(biz_opaque_callback_data="trk-1"),
    )
    early = await graph.http.post(f"/_wamm/messages/{wamid}/click", json={"component": "cta"})
    assert early.status_code == 400  # not delivered yet
    await settle(graph)
    await graph.http.post(
        f"/_wamm/messages/{wamid}/reply", json={"text": "Not interested", "payload": "STOP_PROMOS"}
    )
    await graph.http.post(f"/_wamm/messages/{wamid}/click", json={"component": "cta"})
    await settle(graph, 1)
    button = next(
        c["value"]["messages"][0] for c in receiver.changes("messages") if "messages" in c["value"]
    )
    assert button["type"] == "button"
    assert button["button"] == {"payload": "STOP_PROMOS", "text": "Not interested"}
    assert button["context"] == {"from": sd.SIGNED_DISPLAY, "id": wamid}
    action = next(
        c["value"]["user_actions"][0]
        for c in receiver.changes("messages")
        if "user_actions" in c["value"]
    )
    assert action["action_type"] == "marketing_messages_link_click"
    data = action["marketing_messages_link_click_data"]
    assert data["click_component"] == "cta" and data["tracking_token"] == "trk-1"


async def test_stop_and_resume_marketing(graph: Graph, receiver: WebhookReceiver) -> None:
    stop = await graph.http.post(
        f"/_wamm/users/{sd.BR_PHONE}/marketing",
        json={"action": "stop", "phone_number_id": sd.SIGNED_PHONE},
    )
    assert stop.json() == {"phone": sd.BR_PHONE, "marketing_stopped": [sd.SIGNED_WABA]}
    stopped = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    other_business = await send(
        graph, f"{sd.NOT_STARTED_PHONE}/marketing_messages", template_send()
    )
    await graph.http.post(
        f"/_wamm/users/{sd.BR_PHONE}/marketing",
        json={"action": "resume", "phone_number_id": sd.SIGNED_PHONE},
    )
    resumed = await send(graph, f"{sd.SIGNED_PHONE}/marketing_messages", template_send())
    await settle(graph)
    preferences = [c["value"]["user_preferences"][0] for c in receiver.changes("user_preferences")]
    assert [(p["value"], p["category"], p["wa_id"]) for p in preferences] == [
        ("stop", "marketing_messages", sd.BR_PHONE),
        ("resume", "marketing_messages", sd.BR_PHONE),
    ]
    assert preferences[0]["detail"] == "User requested to stop marketing messages"
    assert statuses_of(receiver, stopped)[0]["errors"][0]["code"] == 131050
    assert statuses_of(receiver, other_business)[0]["status"] == "sent"
    assert statuses_of(receiver, resumed)[0]["status"] == "sent"


# --- subscriptions and callbacks -----------------------------------------------------------------


async def test_subscribed_apps_edge(graph: Graph, receiver: WebhookReceiver) -> None:
    listed = (await graph.get(f"{sd.SIGNED_WABA}/subscribed_apps")).json()
    assert listed["data"][0]["whatsapp_business_api_data"]["id"] == sd.APP_ID
    bad = await graph.post(
        f"{sd.SIGNED_WABA}/subscribed_apps",
        {"override_callback_uri": receiver.url, "verify_token": "wrong"},
    )
    assert bad.status_code == 400
    assert error_of(bad)["code"] == 2200
    good = await graph.post(
        f"{sd.SIGNED_WABA}/subscribed_apps",
        {"override_callback_uri": receiver.url + "?override=1", "verify_token": VERIFY_TOKEN},
    )
    assert good.json() == {"success": True}
    listed = (await graph.get(f"{sd.SIGNED_WABA}/subscribed_apps")).json()
    assert listed["data"][0]["override_callback_uri"] == receiver.url + "?override=1"
    assert (await graph.delete(f"{sd.SIGNED_WABA}/subscribed_apps")).json() == {"success": True}
    await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
    await settle(graph)
    assert receiver.deliveries == []
    assert (await graph.get(f"{sd.SIGNED_WABA}/subscribed_apps")).json() == {"data": []}


async def test_sends_follow_callback_and_subscription_changes_at_once(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    async def sent_and_settled() -> str:
        wamid = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
        await settle(graph)
        return wamid

    first = await sent_and_settled()
    async with WebhookReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as other:
        moved = await graph.http.post(
            f"/_wamm/apps/{sd.APP_ID}/webhook",
            json={"url": other.url, "verify_token": VERIFY_TOKEN},
        )
        assert moved.json()["verified"] is True
        second = await sent_and_settled()
        assert (await graph.delete(f"{sd.SIGNED_WABA}/subscribed_apps")).json() == {"success": True}
        third = await sent_and_settled()
        assert {s["id"] for s in receiver.statuses()} == {first}
        assert {s["id"] for s in other.statuses()} == {second}
    assert third not in {first, second}


async def test_setting_an_app_callback_verifies_it(graph: Graph, receiver: WebhookReceiver) -> None:
    ok = await graph.http.post(
        f"/_wamm/apps/{sd.APP_ID}/webhook", json={"url": receiver.url, "verify_token": VERIFY_TOKEN}
    )
    assert ok.json()["verified"] is True
    refused = await graph.http.post(
        f"/_wamm/apps/{sd.APP_ID}/webhook", json={"url": receiver.url, "verify_token": "nope"}
    )
    assert refused.status_code == 400
    assert error_of(refused)["code"] == 2200


LONG_LABEL_URL = "http://" + "a" * 64 + ".example/hook"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (LONG_LABEL_URL, "a host name label is longer than 63 characters"),
        ("http://a..example/hook", "the host name has an empty label"),
        ("ftp://example.com/hook", "the scheme must be http or https"),
        ("http:///hook", "it has no host"),
        ("http://example.com:99999/hook", "it cannot be parsed (Port out of range 0-65535)"),
    ],
)
async def test_bad_callback_urls_are_100_naming_the_parameter(
    graph: Graph, url: str, problem: str
) -> None:
    override = await graph.post(
        f"{sd.SIGNED_WABA}/subscribed_apps",
        {"override_callback_uri": url, "verify_token": VERIFY_TOKEN},
    )
    app_webhook = await graph.http.post(
        f"/_wamm/apps/{sd.APP_ID}/webhook", json={"url": url, "verify_token": VERIFY_TOKEN}
    )
    for response, name in ((override, "override_callback_uri"), (app_webhook, "url")):
        assert response.status_code == 400
        assert error_of(response) == invalid_parameter_error(
            f"Param {name} is not a valid callback URL: {problem}."
        )


async def test_a_bad_seeded_callback_url_names_its_path(graph: Graph) -> None:
    response = await graph.http.post(
        "/_wamm/seed",
        json={"apps": [{"id": sd.APP_ID, "secret": "s", "webhook": {"url": LONG_LABEL_URL}}]},
    )
    assert response.status_code == 400
    assert error_of(response)["error_data"] == {
        "path": "$.apps[0].webhook.url",
        "details": "not a valid callback URL: a host name label is longer than 63 characters",
    }


async def test_any_handshake_failure_is_a_failed_verification() -> None:
    async with aiohttp.ClientSession() as session:
        result = await verify_callback(session, LONG_LABEL_URL, VERIFY_TOKEN, 1.0)
    assert (result.ok, result.status_code) == (False, None)
    assert result.error is not None
    assert result.error.startswith("callback verification failed: UnicodeError: ")


def test_backoff_doubles_up_to_its_maximum_however_many_attempts() -> None:
    policy = WebhookSettings(
        retry_initial_seconds=5, retry_max_seconds=3600, retry_window_seconds=10 * 365 * 86400
    )

    def after(attempts: int) -> float | None:
        row = Delivery(
            app_id="1", waba_id="2", field="messages", value=b"", event_at=0, due_at=0,
            next_attempt_at=0, attempts=attempts,
        )  # fmt: skip
        return retry_at(row, 1000.0, policy)

    assert [after(n) for n in (1, 2, 3)] == [1005.0, 1010.0, 1020.0]
    assert after(20) == after(5000) == 1000.0 + 3600
