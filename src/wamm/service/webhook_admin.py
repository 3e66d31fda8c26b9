"""Webhook configuration and inspection: callbacks, subscriptions, the delivery log."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import msgspec

from wamm.core.coerce import as_str
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.fields import decode_cursor, encode_cursor
from wamm.core.model import App, Waba
from wamm.core.webhook_wire import envelope_bytes, sign
from wamm.core.webhooks import callback_url
from wamm.service import nodes
from wamm.service.call import GraphCall
from wamm.service.delivery import verify_callback
from wamm.service.runtime import Runtime
from wamm.service.status_payloads import materialize
from wamm.store.base import Attempt, Delivery, DeliveryQuery, Subscription

log = logging.getLogger("wamm.webhooks")
_decode = msgspec.json.Decoder()
# What a Graph caller learns of any failed handshake: the same words for a closed port, a
# server that is not HTTP and a wrong answer, so that wamm is no port scanner for tenants.
NOT_VERIFIED = "The callback URL did not answer the verification request with hub.challenge."
NO_CALLBACK = (
    "No app has a webhook callback, so no webhook is delivered: run `wamm webhooks listen` "
    "(it registers itself as the app's callback) or POST /_wamm/apps/{app_id}/webhook."
)


async def verify_or_fail(rt: Runtime, url: str, verify_token: str, *, explain: bool) -> None:
    """Meta checks a new callback with the hub.challenge handshake before saving it (2200).
    Why it failed goes to the log, and to the caller only if `explain` (the control API)."""
    async with aiohttp.ClientSession() as session:
        result = await verify_callback(
            session, url, verify_token, rt.settings.webhooks.timeout_seconds
        )
    if not result.ok:
        log.info("verification of the callback %s failed: %s", url, result.error)
        raise GraphError(2200, result.error if explain else NOT_VERIFIED)


async def set_app_webhook(rt: Runtime, app: App, body: dict[str, Any]) -> dict[str, Any]:
    """Set the app's callback after the handshake (`"verify": false` skips it: restoring a
    callback saved earlier, whose receiver may be down), or clear it (`"url": null`)."""
    if "url" in body and body["url"] is None:
        await save_app(rt, msgspec.structs.replace(app, webhook_url=None, verify_token=None))
        return {"id": app.id, "webhook": None}
    url = callback_url(body.get("url"), "url")
    verify_token = as_str(body.get("verify_token", ""), "verify_token")
    verify = body.get("verify", True)
    if not isinstance(verify, bool):
        raise invalid_parameter("verify must be true or false.")
    if verify:
        await verify_or_fail(rt, url, verify_token, explain=True)
    await save_app(rt, msgspec.structs.replace(app, webhook_url=url, verify_token=verify_token))
    return {"id": app.id, "webhook": {"url": url, "verify_token": verify_token}, "verified": verify}


async def save_app(rt: Runtime, app: App) -> None:
    """Store an app's changed callback settings and use them at once in this process."""
    await rt.store.write([app])
    rt.catalog.put(app)


def callback_warning(rt: Runtime) -> str | None:
    """Why no webhook is delivered at all, when no app has a callback (a new user's first
    surprise: sends work, and nothing arrives)."""
    catalog = rt.catalog
    overridden = any(
        s.override_callback_uri for subs in catalog.subscriptions.values() for s in subs.values()
    )
    if overridden or any(app.webhook_url for app in catalog.apps.values()):
        return None
    return NO_CALLBACK


# --- Graph: /{waba_id}/subscribed_apps ---------------------------------------------------


def _token_app(call: GraphCall) -> App:
    app = call.rt.catalog.apps.get(call.token.app_id or "")
    if app is None:
        raise invalid_parameter(
            "The access token does not belong to an app, so no app can be subscribed."
        )
    return app


async def list_subscriptions(call: GraphCall, waba: Waba) -> dict[str, Any]:
    data = nodes.subscribed_apps(call.rt.catalog, waba.id)["data"]
    subscriptions = call.rt.catalog.subscriptions.get(waba.id, {})
    for item in data:
        app_id = item["whatsapp_business_api_data"]["id"]
        override = subscriptions[app_id].override_callback_uri
        if override:
            item["override_callback_uri"] = override
    return {"data": data}


async def subscribe(call: GraphCall, waba: Waba) -> dict[str, Any]:
    app = _token_app(call)
    override = call.params.get("override_callback_uri")
    if override is not None:
        override = callback_url(override, "override_callback_uri")
        verify_token = as_str(call.params.get("verify_token", ""), "verify_token")
        await verify_or_fail(call.rt, override, verify_token, explain=False)
    subscription = Subscription(waba_id=waba.id, app_id=app.id, override_callback_uri=override)
    await call.rt.store.write([subscription])
    call.rt.catalog.put(subscription)
    return {"success": True}


async def unsubscribe(call: GraphCall, waba: Waba) -> dict[str, Any]:
    app = _token_app(call)
    await call.rt.store.delete_subscription(waba.id, app.id)
    call.rt.catalog.remove_subscription(waba.id, app.id)
    return {"success": True}


# --- the delivery log ----------------------------------------------------------------------


def delivery_view(rt: Runtime, delivery: Delivery, attempts: list[Attempt]) -> dict[str, Any]:
    body = envelope_bytes([delivery]) if delivery.value else None  # None: message gone
    app = rt.catalog.apps.get(delivery.app_id)
    return {
        "id": delivery.id,
        "app_id": delivery.app_id,
        "waba_id": delivery.waba_id,
        "field": delivery.field,
        "wamid": delivery.wamid,
        "state": delivery.state,
        "event_at": delivery.event_at,
        "due_at": delivery.due_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "attempt_count": delivery.attempts,
        "last_error": delivery.last_error,
        "payload": _decode.decode(body) if body else None,
        "signature": sign(app.secret, body) if app and body else None,
        "attempts": [
            {
                "at": a.at,
                "real_at": a.real_at,
                "url": a.url,
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "batch_size": a.batch_size,
            }
            for a in attempts
        ],
    }


FILTERS = ("state", "wamid", "app_id", "field")  # of the listing, and of a retry
RETRY_FILTERS = ("id", *FILTERS)  # a retry may also name one delivery


def _delivery_id(value: Any) -> int:
    """A delivery id as the log shows it: a JSON integer or its digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    raise invalid_parameter(f"id must be a delivery id (a positive integer), got '{value}'.")


async def retry_failed(rt: Runtime, body: dict[str, Any]) -> dict[str, Any]:
    """Re-queue the failed deliveries the filters select (the listing's, or one delivery's
    `id`): due now, with a new retry window (the attempts made so far stay in their history).
    No filter: every failed one."""
    unknown = sorted(set(body) - set(RETRY_FILTERS))
    if unknown:
        raise invalid_parameter(
            f"Unknown filter {unknown[0]}; the filters are {', '.join(RETRY_FILTERS)}."
        )
    chosen = {name: as_str(body[name], name) for name in FILTERS if body.get(name) is not None}
    if chosen.get("state", "failed") != "failed":
        raise invalid_parameter("Only failed deliveries can be retried: state must be failed.")
    query = DeliveryQuery(
        id=None if body.get("id") is None else _delivery_id(body["id"]),
        state="failed",
        wamid=chosen.get("wamid"),
        app_id=chosen.get("app_id"),
        field=chosen.get("field"),
    )
    requeued = await rt.store.requeue_failed(query, rt.now())
    rt.notify_outbox()
    return {"success": True, "requeued": requeued}


async def list_deliveries(rt: Runtime, query: dict[str, str]) -> dict[str, Any]:
    limit = int(query.get("limit", "100")) if query.get("limit", "100").isdigit() else 0
    if not 1 <= limit <= 1000:
        raise invalid_parameter("limit must be between 1 and 1000.")
    after = query.get("after")
    rows = await rt.store.list_deliveries(
        DeliveryQuery(
            limit=limit + 1,
            after_id=decode_cursor(after, "after") if after else None,
            state=query.get("state"),
            wamid=query.get("wamid"),
            app_id=query.get("app_id"),
            field=query.get("field"),
        )
    )
    page = rows[:limit]
    await materialize(rt, page)
    attempts = await rt.store.attempts_of([d.id for d in page])
    by_delivery: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_delivery.setdefault(attempt.delivery_id, []).append(attempt)
    body: dict[str, Any] = {
        "data": [delivery_view(rt, d, by_delivery.get(d.id, [])) for d in page],
        "summary": await rt.store.delivery_counts(),
    }
    warning = callback_warning(rt)
    if warning:
        body["warning"] = warning
    if len(rows) > limit:
        body["paging"] = {"cursors": {"after": encode_cursor(page[-1].id)}}
    return body
