"""Failed webhook deliveries re-driven from the inspector's delivery log."""

from __future__ import annotations

import httpx

from tests import seed_data as sd
from tests.conftest import Graph
from tests.inspector.conftest import csrf_of, rows, summer_sale
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    seed_document_fixture,
    settle,
)
from wamm.testing.receiver import WebhookReceiver

UI = "/_wamm/ui"


async def test_failed_deliveries_are_sent_again_from_the_log(
    graph: Graph,
    http: httpx.AsyncClient,
    receiver: WebhookReceiver,
) -> None:
    settings = {"webhooks": {"retry_initial_seconds": 10, "retry_window_seconds": 30}}
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    receiver.fail_next = [500] * 3
    sent = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", summer_sale())
    assert sent.status_code == 200, sent.text
    assert await settle(graph, 2 * 3600) == {"failed": 3}

    page = await http.get(f"{UI}/webhooks")
    assert {r["data-state"] for r in rows(page.text, "webhook-row")} == {"failed"}
    assert rows(page.text, "webhook-retry") and "the 3 failed deliveries again" in page.text
    forged = await http.post(f"{UI}/webhooks/retry", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    retried = await http.post(f"{UI}/webhooks/retry", data={"csrf_token": csrf_of(page)})
    assert (retried.status_code, retried.headers["location"]) == (303, f"{UI}/webhooks")

    assert await settle(graph, 1) == {"delivered": 3}
    page = await http.get(f"{UI}/webhooks")
    assert {r["data-state"] for r in rows(page.text, "webhook-row")} == {"delivered"}
    assert rows(page.text, "webhook-retry") == []


async def test_one_failed_delivery_is_sent_again_from_its_row(
    graph: Graph,
    http: httpx.AsyncClient,  # noqa: F811
    receiver: WebhookReceiver,  # noqa: F811
) -> None:
    settings = {"webhooks": {"retry_initial_seconds": 10, "retry_window_seconds": 30}}
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    receiver.fail_next = [500] * 3
    sent = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", summer_sale())
    assert sent.status_code == 200, sent.text
    assert await settle(graph, 2 * 3600) == {"failed": 3}

    page = await http.get(f"{UI}/webhooks")
    failed = [r["data-id"] for r in rows(page.text, "webhook-row")]
    assert len(rows(page.text, "webhook-redrive")) == 3
    form = {"csrf_token": csrf_of(page), "id": failed[-1]}
    forged = await http.post(f"{UI}/webhooks/retry", data={**form, "csrf_token": "x"})
    assert forged.status_code == 403
    retried = await http.post(f"{UI}/webhooks/retry", data=form)
    assert (retried.status_code, retried.headers["location"]) == (303, f"{UI}/webhooks")
    assert await settle(graph, 1) == {"delivered": 1, "failed": 2}
    page = await http.get(f"{UI}/webhooks")
    states = {r["data-id"]: r["data-state"] for r in rows(page.text, "webhook-row")}
    assert states == {failed[0]: "failed", failed[1]: "failed", failed[2]: "delivered"}
