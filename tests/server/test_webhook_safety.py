"""What a tenant's callback cannot do to wamm: redirect its requests (to the control API or
anywhere), pass the handshake without echoing hub.challenge, or use wamm to tell a closed port
from an open one. And the outbox does not grow forever: finished deliveries are pruned after
the retention period, failed ones can be sent again. Receivers are real, on loopback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from tests import seed_data as sd
from tests.builders import template_send
from tests.conftest import Graph, error_of, invalid_parameter_error
from tests.webhook_fixtures import (  # noqa: F401 - fixtures
    HOUR,
    VERIFY_TOKEN,
    dispatcher_fixture,
    http_fixture,
    receiver_fixture,
    seed_document_fixture,
    send,
    serving,
    settle,
)
from wamm.server.app import build_app
from wamm.service import delivery
from wamm.service.delivery import Dispatcher
from wamm.service.runtime import Runtime
from wamm.testing.process import free_port
from wamm.testing.receiver import WebhookReceiver

DAY = 24 * HOUR
OTHER_USER = "5521988887777"
NOT_ECHOED = (
    "callback verification failed: HTTP 200, the response body was not the hub.challenge value"
)


@pytest.fixture
async def wamm_url(runtime: Runtime, dispatcher: Dispatcher) -> AsyncIterator[str]:
    """The test's wamm served on a real loopback port too, where a redirect could reach it."""
    async with serving(build_app(runtime, dispatcher=dispatcher)) as url:
        yield url.removesuffix("/hook")


class Redirecting(WebhookReceiver):
    """Answers the handshake (or only redirects it, `redirect_handshake`) and redirects every
    webhook POST to `location`."""

    location = ""
    redirect_handshake = False

    async def _verify(self, request: web.Request) -> web.Response:
        if self.redirect_handshake:
            raise web.HTTPFound(self.location)
        return await super()._verify(request)

    async def _receive(self, request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(self.location)


class Answering(WebhookReceiver):
    """Answers the handshake 200 with `body` instead of the challenge (None: the challenge)."""

    body: str | None = "ok"

    async def _verify(self, request: web.Request) -> web.Response:
        challenge = request.query.get("hub.challenge", "")
        return web.Response(text=challenge if self.body is None else self.body.format(challenge))


async def subscribe(graph: Graph, url: str, verify_token: str = VERIFY_TOKEN) -> httpx.Response:
    return await graph.post(
        f"{sd.SIGNED_WABA}/subscribed_apps",
        {"override_callback_uri": url, "verify_token": verify_token},
    )


async def log_of(graph: Graph, **filters: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = (await graph.http.get("/_wamm/webhooks", params=filters)).json()[
        "data"
    ]
    return data


# --- redirects ---------------------------------------------------------------------------------


async def test_a_webhook_post_redirected_to_the_control_api_is_a_failed_attempt(
    graph: Graph, wamm_url: str
) -> None:
    evil = Redirecting(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN)
    async with evil:
        evil.location = f"{wamm_url}/_wamm/reset"
        assert (await subscribe(graph, evil.url)).json() == {"success": True}
        wamid = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
        assert await settle(graph, 1) == {"pending": 3}
    state = (await graph.http.get("/_wamm/state")).json()
    assert [b["id"] for b in state["businesses"]] == [b["id"] for b in sd.seed()["businesses"]]
    assert (await graph.http.get(f"/_wamm/messages/{wamid}")).status_code == 200
    (sent,) = [d for d in await log_of(graph, wamid=wamid) if d["attempt_count"]]
    assert [(a["status_code"], a["error"]) for a in sent["attempts"]] == [
        (307, "HTTP 307 (redirects are not followed)")
    ]


async def test_a_redirected_handshake_is_not_followed(graph: Graph) -> None:
    redirecting = Redirecting(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN)
    async with (
        WebhookReceiver(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as good,
        redirecting,
    ):
        redirecting.location = good.url
        redirecting.redirect_handshake = True
        refused = await subscribe(graph, redirecting.url)
        control = await graph.http.post(
            f"/_wamm/apps/{sd.APP_ID}/webhook",
            json={"url": redirecting.url, "verify_token": VERIFY_TOKEN},
        )
    assert error_of(refused)["code"] == 2200
    assert error_of(control)["error_data"]["details"] == (
        "callback verification failed: HTTP 302 (redirects are not followed)"
    )
    assert good.verifications == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/_wamm/reset",
        "http://localhost/_wamm/state",
        "http://[::1]:8000/_wamm",
        "http://0.0.0.0:8000/_wamm/reset?x=1",
        "http://wamm.internal/%5Fwamm/reset",
        "http://wamm.internal/hooks/../_wamm/reset",
        "https://wamm.internal//hooks/./..//_wamm/reset",
    ],
)
async def test_a_callback_at_wamm_s_control_api_is_refused(graph: Graph, url: str) -> None:
    override = await subscribe(graph, url)
    app_webhook = await graph.http.post(
        f"/_wamm/apps/{sd.APP_ID}/webhook", json={"url": url, "verify_token": VERIFY_TOKEN}
    )
    seeded = await graph.http.post(
        "/_wamm/seed", json={"apps": [{"id": sd.APP_ID, "secret": "s", "webhook": {"url": url}}]}
    )
    problem = "it points at wamm's control API (/_wamm/)"
    for response, name in ((override, "override_callback_uri"), (app_webhook, "url")):
        assert response.status_code == 400
        assert error_of(response) == invalid_parameter_error(
            f"Param {name} is not a valid callback URL: {problem}."
        )
    assert error_of(seeded)["error_data"] == {
        "path": "$.apps[0].webhook.url",
        "details": f"not a valid callback URL: {problem}",
    }


# --- the handshake -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["ok", "{}\n", " {} "])
async def test_only_the_exact_challenge_verifies_a_callback(graph: Graph, body: str) -> None:
    answering = Answering(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN)
    async with answering:
        answering.body = body
        override = await subscribe(graph, answering.url)
        control = await graph.http.post(
            f"/_wamm/apps/{sd.APP_ID}/webhook",
            json={"url": answering.url, "verify_token": VERIFY_TOKEN},
        )
        answering.body = None
        echoed = await subscribe(graph, answering.url)
    assert (override.status_code, error_of(override)["code"]) == (400, 2200)
    assert error_of(control)["error_data"]["details"] == NOT_ECHOED
    assert echoed.json() == {"success": True}


async def test_the_dispatcher_posts_nothing_to_a_callback_that_does_not_echo(
    graph: Graph,
) -> None:
    async with Answering(app_secret=sd.APP_SECRET, verify_token=VERIFY_TOKEN) as answering:
        seeded = {
            "apps": [{"id": sd.APP_ID, "secret": sd.APP_SECRET, "webhook": {"url": answering.url}}]
        }
        assert (await graph.http.post("/_wamm/seed", json=seeded)).status_code == 200
        await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
        assert await settle(graph, 1) == {"pending": 3}
    attempts = [a for d in await log_of(graph) for a in d["attempts"]]
    assert {(a["status_code"], a["error"]) for a in attempts} == {(200, NOT_ECHOED)}
    assert answering.deliveries == []


# --- what a failed verification tells a tenant ---------------------------------------------------


@contextlib.asynccontextmanager
async def not_http() -> AsyncIterator[int]:
    """A port that answers like an SSH server, then hangs up."""

    async def greet(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(greet, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


def without_trace(response: httpx.Response) -> bytes:
    """The raw body, its trace id (different in every answer) cut out."""
    trace: str = response.json()["error"]["fbtrace_id"]
    return response.content.replace(trace.encode(), b"")


async def test_graph_callers_cannot_tell_a_closed_port_from_an_open_one(graph: Graph) -> None:
    answers = []
    async with not_http() as open_port:
        for port in (free_port(), open_port):
            url = f"http://127.0.0.1:{port}/hook"
            answers.append(await subscribe(graph, url))
            answers.append(
                await graph.http.post(
                    f"/_wamm/apps/{sd.APP_ID}/webhook",
                    json={"url": url, "verify_token": VERIFY_TOKEN},
                )
            )
    closed_graph, closed_control, open_graph, open_control = answers
    assert closed_graph.status_code == open_graph.status_code == 400
    assert without_trace(closed_graph) == without_trace(open_graph)
    assert error_of(open_graph) == {
        "message": "(#2200) Callback verification failed",
        "type": "OAuthException",
        "code": 2200,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "The callback URL did not answer the verification request with "
            "hub.challenge.",
        },
    }
    details = [error_of(r)["error_data"]["details"] for r in (closed_control, open_control)]
    assert "ClientConnectorError" in details[0]
    assert details[0] != details[1]  # the control API says what happened


# --- retention and retries -----------------------------------------------------------------------


async def test_finished_deliveries_are_pruned_after_the_retention_period(
    graph: Graph,
    runtime: Runtime,
    receiver: WebhookReceiver,
) -> None:
    settings = {"webhooks": {"retention_seconds": DAY, "retry_window_seconds": 30 * DAY}}
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
    assert await settle(graph, 2 * HOUR) == {"delivered": 3}
    delivered_ids = [d["id"] for d in await log_of(graph)]
    await receiver.stop()
    await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=OTHER_USER))
    assert await settle(graph, DAY - 60) == {"delivered": 3, "pending": 3}
    assert await settle(graph, 120) == {"pending": 3}  # still retrying: kept
    assert await runtime.store.attempts_of(delivered_ids) == []
    assert len(await log_of(graph)) == 3


async def test_pruning_goes_in_batches_until_every_old_row_is_gone(
    graph: Graph,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "PRUNE_BATCH", 2)
    await graph.http.post(
        "/_wamm/seed", json={"settings": {"webhooks": {"retention_seconds": HOUR}}}
    )
    for index in range(3):
        await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=f"552190000000{index}"))
    assert await settle(graph, 2 * HOUR) == {"delivered": 9}
    assert await settle(graph, 2 * HOUR) == {}


async def test_failed_deliveries_can_be_sent_again(
    graph: Graph,
    receiver: WebhookReceiver,
) -> None:
    settings = {"webhooks": {"retry_initial_seconds": 10, "retry_window_seconds": 30}}
    await graph.http.post("/_wamm/seed", json={"settings": settings})
    receiver.fail_next = [500] * 6
    first = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send())
    second = await send(graph, f"{sd.SIGNED_PHONE}/messages", template_send(to=OTHER_USER))
    assert await settle(graph, 2 * HOUR) == {"failed": 6}

    async def retry(body: dict[str, Any]) -> httpx.Response:
        return await graph.http.post("/_wamm/webhooks/retry", json=body)

    assert (await retry({"app_id": "404"})).json() == {"success": True, "requeued": 0}
    assert (await retry({"wamid": first})).json() == {"success": True, "requeued": 3}
    assert await settle(graph, 1) == {"delivered": 3, "failed": 3}
    assert [s["id"] for s in receiver.statuses()] == [first] * 3
    history = {tuple(a["status_code"] for a in d["attempts"]) for d in await log_of(graph)}
    assert history == {(500,), (500, 200)}
    one = next(d["id"] for d in await log_of(graph) if d["state"] == "failed")
    assert (await retry({"id": str(one)})).json() == {"success": True, "requeued": 1}
    assert (await retry({"id": one})).json() == {"success": True, "requeued": 0}  # now pending
    assert await settle(graph, 1) == {"delivered": 4, "failed": 2}
    assert (await retry({})).json() == {"success": True, "requeued": 2}
    assert await settle(graph, 1) == {"delivered": 6}
    assert {s["id"] for s in receiver.statuses()} == {first, second}


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"state": "delivered"}, "Only failed deliveries can be retried: state must be failed."),
        ({"bogus": "1"}, "Unknown filter bogus; the filters are id, state, wamid, app_id, field."),
        ({"id": "7a"}, "id must be a delivery id (a positive integer), got '7a'."),
        ({"id": True}, "id must be a delivery id (a positive integer), got 'True'."),
        ({"wamid": 5}, None),
    ],
)
async def test_a_retry_with_bad_filters_changes_nothing(
    graph: Graph, body: dict[str, Any], details: str | None
) -> None:
    response = await graph.http.post("/_wamm/webhooks/retry", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == 100
    if details is not None:
        assert error == invalid_parameter_error(details)
