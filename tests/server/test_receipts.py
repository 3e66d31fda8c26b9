"""Read receipts and typing indicators: POST /{phone_number_id}/messages with `status: read`,
and the read state of received messages in the control API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import seed_data as sd
from tests.builders import text_send
from tests.conftest import Graph, error_of, invalid_parameter_error, whatsapp_error

DAY = 86400


async def user_writes(graph: Graph, text: str, phone_number_id: str = sd.SIGNED_PHONE) -> str:
    """A user writes to the business number; the wamid of the received message."""
    body = {"phone_number_id": phone_number_id, "from": sd.BR_PHONE, "text": text}
    response = await graph.http.post("/_wamm/inbound", json=body)
    assert response.status_code == 200, response.text
    wamid: str = response.json()["message"]["id"]
    return wamid


def read(message_id: Any, **extra: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "status": "read", "message_id": message_id, **extra}


async def mark(graph: Graph, body: dict[str, Any], phone: str = sd.SIGNED_PHONE) -> httpx.Response:
    return await graph.post(f"{phone}/messages", body)


async def received(graph: Graph, **query: str) -> dict[str, dict[str, Any]]:
    """The control API's received messages, by wamid."""
    answer = (await graph.http.get("/_wamm/inbound", params=query)).json()
    return {m["wamid"]: m for m in answer["data"]}


async def advance(graph: Graph, seconds: float) -> float:
    response = await graph.http.post("/_wamm/clock/advance", json={"seconds": seconds})
    now: float = response.json()["now"]
    return now


def not_valid(details: str) -> dict[str, Any]:
    return whatsapp_error(131009, "Parameter value is not valid", details)


async def test_marking_a_message_read_marks_the_earlier_ones_too(graph: Graph) -> None:
    first = await user_writes(graph, "Hi")
    second = await user_writes(graph, "Are you there?")
    third = await user_writes(graph, "Hello?")
    now = await advance(graph, 5)
    response = await mark(graph, read(second))
    assert (response.status_code, response.json()) == (200, {"success": True})
    state = await received(graph)
    assert [state[w]["read_at"] for w in (first, second, third)] == [now, now, None]
    assert state[first]["message"]["text"] == {"body": "Hi"}
    assert "typing_indicator" not in state[second]


async def test_a_message_read_stays_read_at_its_first_mark(graph: Graph) -> None:
    wamid = await user_writes(graph, "Hi")
    first = await advance(graph, 5)
    await mark(graph, read(wamid))
    await advance(graph, 5)
    assert (await mark(graph, read(wamid))).json() == {"success": True}
    assert (await received(graph))[wamid]["read_at"] == first


async def test_a_typing_indicator_lasts_25_seconds(graph: Graph) -> None:
    wamid = await user_writes(graph, "Hi")
    now = await advance(graph, 1)
    typing = read(wamid, typing_indicator={"type": "text"})
    assert (await mark(graph, typing)).json() == {"success": True}
    indicator = {"started_at": now, "until": now + 25, "active": True}
    assert (await received(graph))[wamid]["typing_indicator"] == indicator
    await advance(graph, 25)
    assert (await received(graph))[wamid]["typing_indicator"] == {**indicator, "active": False}


async def test_the_businesss_reply_ends_the_typing_indicator(graph: Graph) -> None:
    wamid = await user_writes(graph, "Hi")
    now = await advance(graph, 1)
    await mark(graph, read(wamid, typing_indicator={"type": "text"}))
    replied_at = await advance(graph, 3)
    reply = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send())
    assert reply.status_code == 200, reply.text
    indicator = (await received(graph))[wamid]["typing_indicator"]
    assert indicator == {"started_at": now, "until": replied_at, "active": False}


async def test_messages_can_be_marked_read_within_30_days(graph: Graph) -> None:
    wamid = await user_writes(graph, "Hi")
    await advance(graph, 30 * DAY)
    assert (await mark(graph, read(wamid))).json() == {"success": True}
    late = await user_writes(graph, "Hi again")
    await advance(graph, 30 * DAY + 1)
    refused = await mark(graph, read(late))
    assert refused.status_code == 400
    assert error_of(refused) == not_valid(
        f"Message {late} was received more than 30 days ago: messages can be marked as read "
        "within 30 days of receipt."
    )


async def test_only_messages_this_number_received_can_be_marked(graph: Graph) -> None:
    elsewhere = await user_writes(graph, "Hi", phone_number_id=sd.NOT_STARTED_PHONE)
    await user_writes(graph, "Hi")  # opens the window for the text below
    sent = await graph.post(f"{sd.SIGNED_PHONE}/messages", text_send())
    outbound = sent.json()["messages"][0]["id"]
    for message_id in (elsewhere, outbound, "wamid.nothing"):
        refused = await mark(graph, read(message_id))
        assert refused.status_code == 400
        assert error_of(refused) == not_valid(
            f"message_id {message_id} is not the id of a message this phone number received."
        )
    assert (await received(graph))[elsewhere]["read_at"] is None


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (read("wamid.x", status="delivered"), "Param status must be 'read', got 'delivered'."),
        (
            {"messaging_product": "whatsapp", "status": "read"},
            "The parameter message_id is required.",
        ),
        (read(42), "Param message_id must be a string, got integer."),
        (
            read("wamid.x", typing_indicator={"type": "audio"}),
            "Param typing_indicator['type'] must be 'text', got 'audio'.",
        ),
        (read("wamid.x", typing_indicator="text"), "Param typing_indicator must be a JSON object."),
        (
            {"status": "read", "message_id": "wamid.x"},
            "The parameter messaging_product is required.",
        ),
    ],
)
async def test_a_malformed_receipt_is_100(graph: Graph, body: dict[str, Any], details: str) -> None:
    refused = await mark(graph, body)
    assert refused.status_code == 400
    assert error_of(refused) == invalid_parameter_error(details)


async def test_the_control_api_filters_and_pages_received_messages(graph: Graph) -> None:
    wamids = [await user_writes(graph, f"m{i}") for i in range(3)]
    await user_writes(graph, "other", phone_number_id=sd.NOT_STARTED_PHONE)
    first = (
        await graph.http.get(
            "/_wamm/inbound", params={"phone_number_id": sd.SIGNED_PHONE, "limit": "2"}
        )
    ).json()
    assert [m["wamid"] for m in first["data"]] == wamids[:0:-1]
    after = first["paging"]["cursors"]["after"]
    rest = (
        await graph.http.get(
            "/_wamm/inbound", params={"phone_number_id": sd.SIGNED_PHONE, "after": after}
        )
    ).json()
    assert [m["wamid"] for m in rest["data"]] == wamids[:1]
    assert "paging" not in rest
    assert set(await received(graph, **{"from": sd.BR_PHONE})) >= set(wamids)
    assert await received(graph, **{"from": sd.US_PHONE}) == {}
