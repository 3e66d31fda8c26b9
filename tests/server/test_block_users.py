"""`/{phone_number_id}/block_users`: Meta's limits and errors, and what a block changes (sends
to the user fail with 130403, the user's messages are dropped)."""

from __future__ import annotations

from typing import Any

import httpx

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, invalid_parameter_error

PHONE = sd.SIGNED_PHONE
EDGE = f"{PHONE}/block_users"
OTHER_USER = "5511900000009"


def users(*names: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "block_users": [{"user": n} for n in names]}


async def writes(graph: Graph, user: str = sd.BR_PHONE) -> httpx.Response:
    return await graph.http.post("/_wamm/inbound", json={"phone_number_id": PHONE, "from": user})


async def test_block_a_user_who_wrote_today(graph: Graph) -> None:
    await writes(graph)
    response = await graph.post(EDGE, users(f"+{sd.BR_PHONE}"))
    assert response.json() == {
        "messaging_product": "whatsapp",
        "block_users": {"added_users": [{"input": f"+{sd.BR_PHONE}", "wa_id": sd.BR_PHONE}]},
    }
    listed = (await graph.get(EDGE)).json()
    assert listed["data"] == [
        {"messaging_product": "whatsapp", "wa_id": sd.BR_PHONE, "input": f"+{sd.BR_PHONE}"}
    ]
    assert set(listed["paging"]["cursors"]) == {"before", "after"}


async def test_partial_failure_is_139100_with_both_lists(graph: Graph) -> None:
    await writes(graph)
    response = await graph.post(EDGE, users(sd.BR_PHONE, OTHER_USER, sd.SIGNED_DISPLAY))
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body["error"].pop("fbtrace_id"), str)
    assert body == {
        "messaging_product": "whatsapp",
        "block_users": {
            "added_users": [{"input": sd.BR_PHONE, "wa_id": sd.BR_PHONE}],
            "failed_users": [
                {
                    "input": OTHER_USER,
                    "wa_id": OTHER_USER,
                    "errors": [
                        {
                            "message": "Re-engagement required",
                            "code": 131047,
                            "error_data": {"details": "User has not messaged in the last 24 hours"},
                        }
                    ],
                },
                {
                    "input": sd.SIGNED_DISPLAY,
                    "wa_id": sd.SIGNED_DISPLAY,
                    "errors": [
                        {
                            "message": "Self Block",
                            "code": 131021,
                            "error_data": {"details": "Failed to block self phone number."},
                        }
                    ],
                },
            ],
        },
        "error": {
            "message": "(#139100) Failed to block/unblock users",
            "type": "OAuthException",
            "code": 139100,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "Failed to block some users, see the block_users response list "
                "for details",
            },
        },
    }


async def test_the_24_hour_limit(graph: Graph) -> None:
    await writes(graph)
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 24 * 3600 + 1})
    response = await graph.post(EDGE, users(sd.BR_PHONE))
    assert response.json()["block_users"]["failed_users"][0]["errors"][0]["code"] == 131047


async def test_at_most_1000_users_per_request(graph: Graph) -> None:
    response = await graph.post(EDGE, users(*[f"55119{n:08d}" for n in range(1001)]))
    assert error_of(response) == {
        "message": "(#130429) Rate limit hit",
        "type": "OAuthException",
        "code": 130429,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "Too many users in one request: at most 1000 may be named.",
        },
    }


async def test_messaging_product_is_required(graph: Graph) -> None:
    response = await graph.post(EDGE, {"block_users": [{"user": sd.BR_PHONE}]})
    assert error_of(response) == invalid_parameter_error(
        "Param messaging_product must be 'whatsapp'."
    )


async def test_sends_to_a_blocked_user_fail_with_130403(graph: Graph) -> None:
    await writes(graph)
    await graph.post(EDGE, users(sd.BR_PHONE))
    sent = await graph.post(f"{PHONE}/messages", template_send())
    assert sent.status_code == 200
    wamid = sent.json()["messages"][0]["id"]
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert [(e["status"], e.get("error_code")) for e in message["events"]] == [("failed", 130403)]


async def test_inbound_from_a_blocked_user_is_dropped(graph: Graph) -> None:
    await writes(graph)
    await graph.post(EDGE, users(sd.BR_PHONE))
    dropped = await writes(graph)
    assert dropped.json() == {
        "phone_number_id": PHONE,
        "from": sd.BR_PHONE,
        "user_id": sd.BR_BSUID,
        "dropped": "the business blocked this user",
    }


async def test_quick_replies_of_a_blocked_user_are_dropped(graph: Graph) -> None:
    await writes(graph)
    wamid = (await graph.post(f"{PHONE}/messages", template_send())).json()["messages"][0]["id"]
    await graph.http.post("/_wamm/clock/advance", json={"seconds": 3600})
    await graph.post(EDGE, users(sd.BR_PHONE))
    reply = await graph.http.post(f"/_wamm/messages/{wamid}/reply", json={"text": "Stop"})
    assert reply.json()["dropped"] == "the business blocked this user"


async def test_unblock_restores_sending(graph: Graph) -> None:
    await writes(graph)
    await graph.post(EDGE, users(sd.BR_PHONE))
    response = await graph.http.request(
        "DELETE",
        f"/v23.0/{EDGE}",
        json=users(sd.BR_PHONE),
        headers={"Authorization": f"Bearer {sd.TOKEN}"},
    )
    assert response.json() == {
        "messaging_product": "whatsapp",
        "block_users": {"removed_users": [{"input": sd.BR_PHONE, "wa_id": sd.BR_PHONE}]},
    }
    assert (await graph.get(EDGE)).json() == {"data": []}
    wamid = (await graph.post(f"{PHONE}/messages", template_send())).json()["messages"][0]["id"]
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert message["events"][0]["status"] == "sent"


async def test_a_reset_clears_the_blocklist(graph: Graph) -> None:
    await writes(graph)
    await graph.post(EDGE, users(sd.BR_PHONE))
    assert (await graph.http.post("/_wamm/reset", json=sd.seed())).status_code == 200
    assert (await graph.get(EDGE)).json() == {"data": []}
