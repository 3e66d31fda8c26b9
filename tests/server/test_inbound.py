"""`POST /_wamm/inbound` with every inbound type: the `messages` webhook a real receiver gets,
media a business can download, the window each message opens, blocked users, BSUID changes."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests import webhook_fixtures as hooks
from tests.builders import template_send, text_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.inbound_requests import FLOW_RESPONSE, every_type
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    seed_document_fixture,
)
from wamm.core.inbound import SAMPLES, UNSUPPORTED_ERROR
from wamm.testing.receiver import WebhookReceiver

PHONE = sd.SIGNED_PHONE
METADATA = {"display_phone_number": sd.SIGNED_DISPLAY, "phone_number_id": PHONE}
CONTACT = {
    "profile": {"name": "Ana"},
    "wa_id": sd.BR_PHONE,
    "user_id": sd.BR_BSUID,
    "parent_user_id": sd.BR_PARENT_BSUID,
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


async def user_sends(graph: Graph, **body: Any) -> httpx.Response:
    return await graph.http.post(
        "/_wamm/inbound", json={"phone_number_id": PHONE, "from": sd.BR_PHONE, **body}
    )


async def webhook_message(graph: Graph, receiver: WebhookReceiver) -> dict[str, Any]:
    """The one inbound message delivered, checked for Meta's envelope."""
    await hooks.settle(graph, 1)
    (change,) = [c for c in receiver.changes("messages") if "messages" in c["value"]]
    value = change["value"]
    assert value["metadata"] == METADATA
    message: dict[str, Any] = value["messages"][0]
    if message["type"] != "system":
        assert value["contacts"] == [CONTACT]
    return message


def expected_messages(reply_to: str) -> dict[str, dict[str, Any]]:
    """Per type of `every_type`, the type-specific keys of the webhook's message."""
    requests = every_type(reply_to)
    replied = {"context": {"from": sd.SIGNED_DISPLAY, "id": reply_to}}
    flow = {"name": "flow", "body": "Sent", "response_json": FLOW_RESPONSE}
    return {
        "text": {"type": "text", "text": {"body": "Oi"}},
        **{
            kind: {"type": kind, kind: requests[kind][kind]}
            for kind in ("location", "contacts", "reaction", "order")
        },
        **{
            reply: {"type": "interactive", "interactive": requests[reply]["interactive"], **replied}
            for reply in ("button_reply", "list_reply")
        },
        "nfm_reply": {
            "type": "interactive",
            "interactive": {"type": "nfm_reply", "nfm_reply": flow},
            **replied,
        },
        "button": {"type": "button", "button": {"text": "More", "payload": "MORE"}, **replied},
        "unsupported": {
            "type": "unsupported",
            "unsupported": {"type": "poll_creation"},
            "errors": [UNSUPPORTED_ERROR],
        },
    }


MESSAGE_TYPES = list(expected_messages("wamid.X"))
USER_MESSAGE_TYPES = [kind for kind in every_type("wamid.X") if kind != "system"]


@pytest.mark.parametrize("kind", MESSAGE_TYPES)
async def test_each_type_reaches_the_webhook_in_metas_shape(
    graph: Graph, receiver: WebhookReceiver, kind: str
) -> None:
    promo = await hooks.send(graph, f"{PHONE}/messages", template_send())
    answer = (await user_sends(graph, **every_type(promo)[kind])).json()
    message = await webhook_message(graph, receiver)
    assert message == {
        "from": sd.BR_PHONE,
        "from_user_id": sd.BR_BSUID,
        "id": answer["message"]["id"],
        "timestamp": answer["message"]["timestamp"],
        **expected_messages(promo)[kind],
    }
    assert answer["message"] == message


@pytest.mark.parametrize("kind", USER_MESSAGE_TYPES)
async def test_each_type_opens_the_service_window(graph: Graph, kind: str) -> None:
    promo = await hooks.send(graph, f"{PHONE}/messages", template_send())
    assert (await graph.post(f"{PHONE}/messages", text_send())).status_code == 400  # 131047
    answer = (await user_sends(graph, **every_type(promo)[kind])).json()
    assert answer["window_expires_at"] == int(sd.CLOCK_START) + 24 * 3600
    assert (await graph.post(f"{PHONE}/messages", text_send())).status_code == 200
    listed = (await graph.http.get("/_wamm/inbound", params={"phone_number_id": PHONE})).json()
    assert listed["data"][0]["wamid"] == answer["message"]["id"]


async def downloaded(graph: Graph, media_id: str) -> tuple[dict[str, Any], bytes]:
    described = (await graph.get(media_id)).json()
    response = await graph.http.get(
        described["url"], headers={"Authorization": f"Bearer {sd.TOKEN}"}
    )
    assert response.status_code == 200
    return described, response.content


@pytest.mark.parametrize(
    ("body", "content", "mime_type", "extra"),
    [
        (
            {
                "image": {
                    "data": base64.b64encode(PNG).decode(),
                    "mime_type": "image/png",
                    "caption": "Box",
                }
            },
            PNG,
            "image/png",
            {"caption": "Box"},
        ),
        ({"audio": {"voice": True}}, SAMPLES["audio"][1], "audio/ogg", {"voice": True}),
        ({"video": {}}, SAMPLES["video"][1], "video/mp4", {}),
        (
            {"document": {"filename": "nota.pdf", "caption": "Nota"}},
            SAMPLES["document"][1],
            "application/pdf",
            {"caption": "Nota", "filename": "nota.pdf"},
        ),
        ({"sticker": {}}, SAMPLES["sticker"][1], "image/webp", {"animated": False}),
    ],
)
async def test_media_are_stored_and_downloadable(
    graph: Graph,
    receiver: WebhookReceiver,
    body: dict[str, Any],
    content: bytes,
    mime_type: str,
    extra: dict[str, Any],
) -> None:
    (kind,) = body
    await user_sends(graph, type=kind, **body)
    message = await webhook_message(graph, receiver)
    media = message[kind]
    assert media == {
        **extra,
        "mime_type": mime_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "id": media["id"],
        "url": media["url"],
    }
    assert media["url"].startswith("http://wamm.test/_wamm/media/download?mid=")
    described, fetched = await downloaded(graph, media["id"])
    assert fetched == content
    assert (described["mime_type"], described["file_size"]) == (mime_type, len(content))


async def test_a_media_of_the_wrong_kind_is_refused(graph: Graph) -> None:
    response = await user_sends(graph, type="sticker", sticker={"mime_type": "image/png"})
    assert response.status_code == 400
    assert error_of(response) == invalid_parameter_error(
        "Param sticker.mime_type must be a type of sticker media, got 'image/png' (image)."
    )


async def test_a_reply_carries_the_context_of_the_business_message(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    wamid = await hooks.send(graph, f"{PHONE}/messages", template_send())
    await user_sends(graph, type="image", context={"id": wamid})
    message = await webhook_message(graph, receiver)
    assert message["context"] == {"from": sd.SIGNED_DISPLAY, "id": wamid}
    unknown = await user_sends(graph, context={"id": "wamid.NOPE"})
    assert error_of(unknown) == invalid_parameter_error(
        f"Param context.id names no message sent from {PHONE}."
    )


async def test_a_blocked_user_s_media_is_dropped(graph: Graph, receiver: WebhookReceiver) -> None:
    await user_sends(graph)
    await graph.post(
        f"{PHONE}/block_users",
        {"messaging_product": "whatsapp", "block_users": [{"user": sd.BR_PHONE}]},
    )
    await hooks.settle(graph, 1)
    before = len(receiver.changes("messages"))
    answer = (await user_sends(graph, type="image")).json()
    assert answer["dropped"] == "the business blocked this user"
    await hooks.settle(graph, 1)
    assert len(receiver.changes("messages")) == before


async def test_a_bsuid_change_is_a_system_message_and_later_traffic_follows_it(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    new_bsuid = "BR.99887766554433221100"
    changed = await user_sends(
        graph, type="system", system={"type": "user_changed_user_id", "user_id": new_bsuid}
    )
    answer = changed.json()
    assert (answer["previous_user_id"], answer["user_id"]) == (sd.BR_BSUID, new_bsuid)
    await hooks.settle(graph, 1)
    (change,) = receiver.changes("messages")
    assert change["value"] == {
        "messaging_product": "whatsapp",
        "metadata": METADATA,
        "messages": [
            {
                "from": sd.BR_PHONE,
                "from_user_id": sd.BR_BSUID,
                "id": answer["message"]["id"],
                "timestamp": answer["message"]["timestamp"],
                "type": "system",
                "system": {
                    "body": f"User Ana changed from {sd.BR_BSUID} to {new_bsuid}",
                    "user_id": new_bsuid,
                    "type": "user_changed_user_id",
                },
            }
        ],
    }
    user = next(
        u
        for u in (await graph.http.get("/_wamm/users")).json()["data"]
        if u["phone"] == sd.BR_PHONE
    )
    assert user["bsuid"] == new_bsuid

    await user_sends(graph, text="Still me")
    to_new = await hooks.send(graph, f"{PHONE}/messages", text_send(to=None, recipient=new_bsuid))
    to_old = await hooks.send(
        graph, f"{PHONE}/messages", template_send(to=None, recipient=sd.BR_BSUID)
    )
    await hooks.settle(graph)
    (inbound,) = [
        c["value"]
        for c in receiver.changes("messages")
        if c["value"].get("messages", [{}])[0].get("type") == "text"
    ]
    assert inbound["contacts"][0]["user_id"] == new_bsuid
    assert inbound["messages"][0]["from_user_id"] == new_bsuid
    delivered = [s for s in receiver.statuses() if s["id"] == to_new]
    assert {s["recipient_user_id"] for s in delivered} == {new_bsuid}
    old = (await graph.http.get(f"/_wamm/messages/{to_old}")).json()
    assert [(e["status"], e.get("error_code")) for e in old["events"]] == [("failed", 131026)]


async def test_wamm_makes_up_the_new_bsuid_when_none_is_given(graph: Graph) -> None:
    first = (await user_sends(graph, type="system")).json()
    second = (await user_sends(graph, type="system")).json()
    assert first["previous_user_id"] == sd.BR_BSUID
    assert second["previous_user_id"] == first["user_id"]
    assert first["user_id"].startswith("BR.") and second["user_id"] != first["user_id"]


@pytest.mark.parametrize(
    ("system", "message"),
    [
        ({"user_id": "US.123"}, "Param system.user_id must be a BSUID of the user's country"),
        ({"user_id": sd.BR_BSUID}, f"Param system.user_id {sd.BR_BSUID} already names a user."),
    ],
)
async def test_a_bsuid_change_to_an_unusable_id_is_refused(
    graph: Graph, system: dict[str, str], message: str
) -> None:
    response = await user_sends(graph, type="system", system=system)
    assert response.status_code == 400
    assert message in error_of(response)["error_data"]["details"]
