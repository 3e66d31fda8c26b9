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


async def three_failed_deliveries(graph: Graph, failing: WebhookReceiver) -> None:
    """A send whose three status webhooks fail until their (short) retry window ends."""
    settings = {"webhooks": {"retry_initial_seconds": 10, "retry_window_seconds": 30}}
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    failing.fail_next = [500] * 3
    sent = await graph.post(f"{sd.SIGNED_PHONE}/marketing_messages", summer_sale())
    assert sent.status_code == 200, sent.text
    assert await settle(graph, 2 * 3600) == {"failed": 3}


async def test_failed_deliveries_are_sent_again_one_or_all(
    graph: Graph,
    http: httpx.AsyncClient,
    receiver: WebhookReceiver,
) -> None:
    await three_failed_deliveries(graph, receiver)

    async def retry(form: dict[str, str]) -> None:
        page = await http.get(f"{UI}/webhooks")
        forged = await http.post(f"{UI}/webhooks/retry", data={**form, "csrf_token": "forged"})
        assert forged.status_code == 403
        retried = await http.post(
            f"{UI}/webhooks/retry", data={**form, "csrf_token": csrf_of(page)}
        )
        assert (retried.status_code, retried.headers["location"]) == (303, f"{UI}/webhooks")

    page = await http.get(f"{UI}/webhooks")
    failed = [r["data-id"] for r in rows(page.text, "webhook-row")]
    assert len(rows(page.text, "webhook-redrive")) == 3
    assert rows(page.text, "webhook-retry") and "the 3 failed deliveries again" in page.text
    await retry({"id": failed[-1]})  # the oldest alone
    assert await settle(graph, 1) == {"delivered": 1, "failed": 2}
    page = await http.get(f"{UI}/webhooks")
    states = {r["data-id"]: r["data-state"] for r in rows(page.text, "webhook-row")}
    assert states == {failed[0]: "failed", failed[1]: "failed", failed[2]: "delivered"}

    await retry({})  # every failed one
    assert await settle(graph, 1) == {"delivered": 3}
    page = await http.get(f"{UI}/webhooks")
    assert {r["data-state"] for r in rows(page.text, "webhook-row")} == {"delivered"}
    assert rows(page.text, "webhook-retry") == rows(page.text, "webhook-redrive") == []
