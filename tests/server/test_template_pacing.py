"""Template pacing: sends of a paced template are held (`held_for_quality_assessment`), then
released when the template's quality turns GREEN or dropped with the pause's code when it is
paused. The virtual clock and the drain move time; nothing sleeps."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph
from tests.core.templates.builders import SEED_BODY, body, stored
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    HOUR,
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    send,
    settle,
)
from wamm.core.errors import async_error_object
from wamm.core.model import Template
from wamm.core.templates.pacing import RELEASE, held_outcome, paced_after
from wamm.testing.receiver import WebhookReceiver

ORDER_UPDATE = (
    "order_update",
    [{"type": "body", "parameters": [{"type": "text", "text": "#1"}]}],
)


@pytest.fixture(name="seed_document")
def seed_document_fixture(receiver: WebhookReceiver) -> dict[str, Any]:
    """The webhook world with pacing on for the onboarded business's WABA; its order_update
    template is rated GREEN, so it is not paced."""
    document = sd.seed()
    document["apps"][0]["webhook"] = {"url": receiver.url, "verify_token": VERIFY_TOKEN}
    waba = document["businesses"][0]["wabas"][0]
    waba["template_pacing"] = True
    for template in waba["templates"]:
        if template["name"] == "order_update":
            template["quality_score"] = "GREEN"
    return document


async def answer_of(graph: Graph, name: str = "summer_sale", phone: str = sd.SIGNED_PHONE) -> Any:
    components = ORDER_UPDATE[1] if name == "order_update" else None
    response = await graph.post(f"{phone}/messages", template_send(name, components))
    assert response.status_code == 200, response.text
    return response.json()["messages"][0]


async def template_id(graph: Graph, name: str = "summer_sale") -> str:
    listing = await graph.get(f"{sd.SIGNED_WABA}/message_templates", name=name, fields="id")
    found: str = listing.json()["data"][0]["id"]
    return found


async def rate(graph: Graph, score: str) -> None:
    path = f"/_wamm/templates/{await template_id(graph)}/quality"
    response = await graph.http.post(path, json={"score": score})
    assert response.status_code == 200, response.text


def statuses_of(receiver: WebhookReceiver, wamid: str) -> list[dict[str, Any]]:
    return [s for s in receiver.statuses() if s["id"] == wamid]


@pytest.mark.parametrize(
    ("name", "phone", "message_status"),
    [
        ("summer_sale", sd.SIGNED_PHONE, "held_for_quality_assessment"),  # paced WABA
        ("order_update", sd.SIGNED_PHONE, "accepted"),  # rated GREEN: not paced
        ("summer_sale", sd.NOT_STARTED_PHONE, "accepted"),  # pacing off (the default)
    ],
)
async def test_a_paced_template_s_send_is_held(
    graph: Graph, receiver: WebhookReceiver, name: str, phone: str, message_status: str
) -> None:
    sent = await answer_of(graph, name, phone)
    assert sent == {"id": sent["id"], "message_status": message_status}
    await settle(graph)
    held = message_status != "accepted"
    assert [s["status"] for s in statuses_of(receiver, sent["id"])] == (
        [] if held else ["sent", "delivered", "read"]
    )


async def test_a_green_rating_releases_the_held_sends(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    wamid = (await answer_of(graph))["id"]
    await settle(graph)
    released_at = sd.CLOCK_START + 2 * HOUR
    await rate(graph, "GREEN")
    await settle(graph)
    statuses = statuses_of(receiver, wamid)
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    assert int(statuses[0]["timestamp"]) >= released_at
    assert (await answer_of(graph))["message_status"] == "accepted"  # pacing is over


@pytest.mark.parametrize(
    ("score", "code"),
    [("RED", 132015)],  # a RED rating pauses the template (first time)
)
async def test_pausing_the_template_drops_the_held_sends(
    graph: Graph, receiver: WebhookReceiver, score: str, code: int
) -> None:
    wamid = (await answer_of(graph))["id"]
    await rate(graph, score)
    await settle(graph)
    [failed] = statuses_of(receiver, wamid)
    assert failed == {
        "id": wamid,
        "status": "failed",
        "timestamp": failed["timestamp"],
        "recipient_id": sd.BR_PHONE,
        "errors": [async_error_object(code)],
    }


async def test_unpausing_paces_the_template_again(graph: Graph) -> None:
    await rate(graph, "RED")
    response = await graph.post(f"{await template_id(graph)}/unpause")
    assert response.json() == {"success": True}
    assert (await answer_of(graph))["message_status"] == "held_for_quality_assessment"


# --- the rules, table-first -------------------------------------------------------------------

BASE = stored([SEED_BODY])  # an approved MARKETING template
PACED = msgspec.structs.replace(BASE, paced=True)


def _with(template: Template, **changes: Any) -> Template:
    return msgspec.structs.replace(template, **changes)


EDITED = [body("Hi {{1}}, now {{2}} off", "Ana", "30%")]


@pytest.mark.parametrize(
    ("previous", "updated", "pacing_on", "paced"),
    [
        (None, BASE, True, True),  # created and approved
        (None, BASE, False, False),  # the WABA is not paced
        (None, _with(BASE, category="AUTHENTICATION"), True, False),
        (None, _with(BASE, quality_score="GREEN"), True, False),
        (None, _with(BASE, status="PENDING"), True, False),
        (_with(BASE, status="PENDING"), BASE, True, True),  # approved after review
        (_with(BASE, status="PAUSED"), BASE, True, True),  # unpaused
        (BASE, _with(BASE, components=EDITED), True, True),  # edited
        (BASE, BASE, True, False),  # nothing new: not paced
        (PACED, _with(PACED, quality_score="YELLOW"), True, True),
        (PACED, _with(PACED, quality_score="GREEN"), True, False),
        (PACED, _with(PACED, status="PAUSED"), True, False),
    ],
)
def test_when_a_template_is_paced(
    previous: Template | None, updated: Template, pacing_on: bool, paced: bool
) -> None:
    assert paced_after(previous, updated, pacing_on) is paced


@pytest.mark.parametrize(
    ("previous", "updated", "outcome"),
    [
        (PACED, BASE, RELEASE),
        (PACED, _with(BASE, status="PAUSED"), 132015),
        (PACED, _with(BASE, status="DISABLED"), 132016),
        (PACED, _with(BASE, status="DELETED"), 132001),
        (PACED, PACED, None),  # still paced: the sends stay held
        (BASE, _with(BASE, status="PAUSED"), None),  # nothing was held
        (None, BASE, None),
    ],
)
def test_what_happens_to_held_sends(
    previous: Template | None, updated: Template, outcome: int | None
) -> None:
    assert held_outcome(previous, updated) == outcome
