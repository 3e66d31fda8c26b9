"""Media carousels, call buttons, call permission and contact requests and payment messages sent
through POST /{phone_number_id}/messages: accepted and stored as sent, or Meta's error envelope."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import KINDS, interactive_send
from tests.conftest import Graph, error_of
from tests.content_builders import INTERACTIVE, edit
from tests.media_helpers import not_a_media, open_window, upload


@pytest.mark.parametrize("kind", KINDS)
async def test_each_kind_is_accepted_with_a_wamid_and_stored_as_sent(
    graph: Graph, kind: str
) -> None:
    await open_window(graph)
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", interactive_send(INTERACTIVE[kind]))
    assert response.status_code == 200, response.text
    wamid = response.json()["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    assert response.json() == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": sd.BR_PHONE, "wa_id": sd.BR_PHONE}],
        "messages": [{"id": wamid}],
    }
    message = (await graph.http.get(f"/_wamm/messages/{wamid}")).json()
    assert (message["type"], message["payload"]) == ("interactive", INTERACTIVE[kind])
    assert (message["route"], message["pricing_category"]) == ("cloud_api", "service")


@pytest.mark.parametrize("kind", KINDS)
async def test_outside_the_service_window_each_kind_is_131047(graph: Graph, kind: str) -> None:
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", interactive_send(INTERACTIVE[kind]))
    assert response.status_code == 400
    assert error_of(response)["code"] == 131047


@pytest.mark.parametrize(
    ("kind", "changes", "code", "title", "details"),
    [
        (
            "carousel",
            {"action.cards": INTERACTIVE["carousel"]["action"]["cards"][:1]},
            131009,
            "Parameter value is not valid",
            "Param interactive.action.cards must hold 2 to 10 items.",
        ),
        (
            "voice_call",
            {"action.parameters.ttl_minutes": 50000},
            131009,
            "Parameter value is not valid",
            "Param interactive.action.parameters.ttl_minutes must be between 1 and 43200.",
        ),
        (
            "call_permission_request",
            {"body": None},
            131008,
            "Required parameter is missing",
            "The parameter interactive.body is required.",
        ),
        (
            "request_contact_info",
            {"action.name": "share_phone"},
            131009,
            "Parameter value is not valid",
            "Param interactive.action.name must be one of: request_contact_info.",
        ),
        (
            "order_details",
            {"action.parameters.total_amount.value": 1},
            131009,
            "Parameter value is not valid",
            "Param interactive.action.parameters.total_amount.value must equal "
            "order.subtotal + order.tax + order.shipping - order.discount.",
        ),
        (
            "order_status",
            {"action.parameters.order.status": "lost"},
            131009,
            "Parameter value is not valid",
            "Param interactive.action.parameters.order.status must be one of: canceled, "
            "completed, partially-shipped, partially_shipped, pending, processing, shipped.",
        ),
    ],
)
async def test_invalid_sends_get_meta_s_envelope(
    graph: Graph, kind: str, changes: dict[str, Any], code: int, title: str, details: str
) -> None:
    await open_window(graph)
    content = edit(INTERACTIVE[kind], changes)
    response = await graph.post(f"{sd.SIGNED_PHONE}/messages", interactive_send(content))
    assert response.status_code == 400
    assert error_of(response) == {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
    }


async def test_a_card_header_by_media_id_must_name_an_uploaded_media(graph: Graph) -> None:
    await open_window(graph)
    uploaded = await upload(graph)
    for media_id, status in ((uploaded, 200), ("123456789", 400)):
        header = {"type": "image", "image": {"id": media_id}}
        content = edit(INTERACTIVE["carousel"], {"action.cards.2.header": header})
        response = await graph.post(f"{sd.SIGNED_PHONE}/messages", interactive_send(content))
        assert response.status_code == status, response.text
    assert error_of(response) == not_a_media("interactive.action.cards[2].header.image.id")
