"""Template changes time brings, applied by the webhook dispatcher (service/template_clock.py):
an announced recategorisation once due, with no send or read of the template, and the archival
of approved templates unused for a year (`message_template_status_update` ARCHIVED), undone by
the control API's unarchive (event UNARCHIVED)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    HOUR,
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    settle,
)
from wamm.core.webhook_wire import Field
from wamm.service.runtime import Runtime
from wamm.service.template_clock import ARCHIVE_AFTER_SECONDS
from wamm.testing.receiver import WebhookReceiver

DAY = 24 * HOUR
MESSAGES = f"{sd.SIGNED_PHONE}/messages"


@pytest.fixture(name="seed_document")
def seed_document_fixture(receiver: WebhookReceiver) -> dict[str, Any]:
    """The seed app's webhook goes to `receiver`; auto-archival is off for the WABA of the
    not-started business."""
    document = sd.seed()
    document["apps"][0]["webhook"] = {"url": receiver.url, "verify_token": VERIFY_TOKEN}
    waba = document["businesses"][1]["wabas"][0]
    assert waba["id"] == sd.NOT_STARTED_WABA
    waba["template_auto_archival_enabled"] = False
    return document


async def template_id(graph: Graph, name: str, waba: str = sd.SIGNED_WABA) -> str:
    listing = await graph.get(f"{waba}/message_templates", name=name, fields="id")
    found: str = listing.json()["data"][0]["id"]
    return found


def status_events(receiver: WebhookReceiver, template: str) -> list[dict[str, Any]]:
    return [
        change["value"]
        for change in receiver.changes(Field.TEMPLATE_STATUS)
        if str(change["value"]["message_template_id"]) == template
    ]


async def stored_template(runtime: Runtime, template: str) -> Any:
    """The template as the store holds it (what another process would load)."""
    stored = (await runtime.store.load_catalog()).templates
    return next(t for t in stored if t.id == template)


async def test_a_due_recategorisation_is_applied_without_a_send_or_read(
    graph: Graph, runtime: Runtime
) -> None:
    order_update = await template_id(graph, "order_update")
    await graph.http.post(
        f"/_wamm/templates/{order_update}/category",
        json={"category": "MARKETING", "notice": True},
    )
    await settle(graph, 24 * HOUR - 1)
    assert (await stored_template(runtime, order_update)).category == "UTILITY"
    await settle(graph, 1)
    stored = await stored_template(runtime, order_update)
    assert (stored.category, stored.previous_category, stored.correct_category) == (
        "MARKETING",
        "UTILITY",
        None,
    )
    assert stored.updated_at == sd.CLOCK_START + 24 * HOUR


async def test_an_unused_template_is_archived_after_a_year(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    summer_sale = await template_id(graph, "summer_sale")
    await settle(graph, ARCHIVE_AFTER_SECONDS - DAY)
    assert status_events(receiver, summer_sale) == []
    await settle(graph, DAY)
    assert status_events(receiver, summer_sale) == [
        {
            "event": "ARCHIVED",
            "message_template_id": int(summer_sale),
            "message_template_name": "summer_sale",
            "message_template_language": "en_US",
            "reason": "NONE",
            "message_template_category": "MARKETING",
        }
    ]
    read = (await graph.get(summer_sale, fields="status")).json()
    assert read["status"] == "ARCHIVED"
    response = await graph.post(MESSAGES, template_send())
    assert error_of(response)["code"] == 132001


async def test_a_send_keeps_a_template_from_archival_for_another_year(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    summer_sale = await template_id(graph, "summer_sale")
    await settle(graph, 300 * DAY)
    assert (await graph.post(MESSAGES, template_send())).status_code == 200
    await settle(graph, ARCHIVE_AFTER_SECONDS - 300 * DAY + DAY)
    assert status_events(receiver, summer_sale) == []
    await settle(graph, 300 * DAY - DAY)
    assert [value["event"] for value in status_events(receiver, summer_sale)] == ["ARCHIVED"]


async def test_a_waba_with_auto_archival_off_keeps_its_templates(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    kept = await template_id(graph, "summer_sale", sd.NOT_STARTED_WABA)
    await settle(graph, 2 * ARCHIVE_AFTER_SECONDS)
    assert status_events(receiver, kept) == []


async def test_unarchive_approves_again_with_event_unarchived(
    graph: Graph, receiver: WebhookReceiver
) -> None:
    summer_sale = await template_id(graph, "summer_sale")
    refused = await graph.http.post(f"/_wamm/templates/{summer_sale}/unarchive")
    assert refused.status_code == 400
    assert error_of(refused)["error_data"]["details"] == (
        f"Template {summer_sale} is APPROVED, not ARCHIVED."
    )
    await settle(graph, ARCHIVE_AFTER_SECONDS)
    response = await graph.http.post(f"/_wamm/templates/{summer_sale}/unarchive")
    assert response.status_code == 200
    assert response.json()["status"] == "APPROVED"
    await settle(graph, 1)
    assert [value["event"] for value in status_events(receiver, summer_sale)] == [
        "ARCHIVED",
        "UNARCHIVED",
    ]
    assert (await graph.post(MESSAGES, template_send())).status_code == 200
