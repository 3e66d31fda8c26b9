"""The inspector's pages and actions under `/_wamm/ui/`: messages (live), one message with its
phone preview, the webhook delivery log, the clock, and the admin-token login."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import msgspec
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from wamm.core.clock import advance_seconds
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.fields import encode_cursor
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM
from wamm.server.inspector import live, security
from wamm.server.inspector.preview import message_preview
from wamm.server.inspector.rendering import page
from wamm.service import control as use_cases
from wamm.service import webhook_admin
from wamm.service.runtime import Runtime

log = logging.getLogger("wamm.inspector")
PAGE_SIZE = 50
STATUSES = ("accepted", "sent", "delivered", "read", "failed")
ROUTES = {ROUTE_MM: "Marketing Messages API", ROUTE_CLOUD: "Cloud API"}
_decode = msgspec.json.Decoder()

PageHandler = Callable[[Request, Runtime], Awaitable[Response]]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{security.UI_PATH}/login?{urlencode({'next': target})}", 303)


def _refused(request: Request, status_code: int, message: str) -> Response:
    return page(request, "error.html", status_code, message=message)


def guarded(handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
    """A page behind the admin token (when one is set); a POST needs the CSRF value too."""

    async def endpoint(request: Request) -> Response:
        if not security.signed_in(request):
            if request.method == "GET" and not is_htmx(request):
                return _login_redirect(request)
            return _refused(request, 401, "Sign in with the admin token first.")
        if request.method == "POST" and not security.csrf_valid(
            request, form_text((await request.form()).get(security.CSRF_FIELD))
        ):
            return _refused(request, 403, "The form has expired: reload the page and retry.")
        try:
            return await handler(request, request.app.state.runtime)
        except GraphError as error:
            return _refused(request, error.http_status, error.details or error.message)
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return _refused(request, 500, "wamm failed to show this page: its log says why.")

    return endpoint


def form_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def form_values(request: Request, *names: str) -> dict[str, str]:
    """The form's text values of `names` (empty when missing)."""
    form = await request.form()
    return {name: form_text(form.get(name)) or "" for name in names}


def back_to(path: str) -> Response:
    """After an action: the page it was made from (POST-redirect-GET)."""
    return RedirectResponse(f"{security.UI_PATH}{path}", 303)


def clock_view(rt: Runtime) -> dict[str, Any]:
    return {"mode": rt.clock.mode, "now": rt.now()}


# --- messages ---------------------------------------------------------------------------------


def _filter_choices(rt: Runtime) -> dict[str, Any]:
    catalog = rt.catalog
    return {
        "phone_numbers": sorted(catalog.phone_numbers.values(), key=lambda p: p.id),
        "routes": ROUTES,
        "statuses": STATUSES,
        "templates": sorted({t.name for t in catalog.templates.values()}),
    }


async def messages_page(request: Request, rt: Runtime) -> Response:
    filters = live.MessageFilters.from_query(request.query_params)
    after = request.query_params.get("after")
    query = {**filters.query(), "limit": str(PAGE_SIZE)}
    if after:
        query["after"] = after
    now = rt.now()
    found, next_after = await use_cases.find_messages(rt, query, now)
    cursor = f"{max((m.seq for m in found), default=0)}:{now!r}"
    return page(
        request,
        "messages.html",
        messages=[use_cases.message_view(m, now) for m in found],
        filters=filters,
        choices=_filter_choices(rt),
        older=urlencode({**filters.query(), "after": encode_cursor(next_after)})
        if next_after is not None
        else None,
        events_url=None if after else f"events?{urlencode({**filters.query(), 'at': cursor})}",
        clock=clock_view(rt),
        routes=ROUTES,
    )


async def message_events(request: Request, rt: Runtime) -> Response:
    """The live stream of the message list (see `live.py`)."""
    cursor = live.parse_cursor(request.headers.get("last-event-id")) or live.parse_cursor(
        request.query_params.get("at")
    )
    if cursor is None:
        raise invalid_parameter("at must be <seq>:<virtual time>.")
    filters = live.MessageFilters.from_query(request.query_params)
    watch = live.MessageWatch(filters, *cursor)
    return StreamingResponse(
        live.stream(rt, watch),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


def _request_as_sent(message: dict[str, Any], payload: Any) -> dict[str, Any]:
    """The send request as wamm stored it (the fields it keeps)."""
    request: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "to": message["recipient"]["input"],
        "type": message["type"],
        message["type"]: payload,
    }
    for name in ("product_policy", "message_activity_sharing", "biz_opaque_callback_data"):
        if message[name] is not None:
            request[name] = message[name]
    return request


async def message_page(request: Request, rt: Runtime) -> Response:
    wamid = request.query_params.get("wamid", "")
    now = rt.now()
    found, _ = await use_cases.find_messages(rt, {"wamid": wamid, "limit": "1"}, now)
    if not found:
        raise GraphError(100, f"No message with id {wamid}.", http_status=404)
    message = use_cases.message_view(found[0], now)
    message["payload"] = payload = _decode.decode(message["payload"])
    template = rt.catalog.templates.get(found[0].template_id or "")
    deliveries = await webhook_admin.list_deliveries(rt, {"wamid": wamid, "limit": "100"})
    preview = message_preview(message, template)
    replies = [button.text for button in preview.buttons if button.kind == "QUICK_REPLY"]
    return page(
        request,
        "message.html",
        message=message,
        happened=[event.at <= now for event in found[0].events],
        preview=preview,
        reply_text=replies[0] if replies else "Yes",  # what the recipient's tap sends
        request_as_sent=_request_as_sent(message, payload),
        deliveries=deliveries["data"],
        clock=clock_view(rt),
        routes=ROUTES,
    )


# --- webhooks ---------------------------------------------------------------------------------


async def webhooks_page(request: Request, rt: Runtime) -> Response:
    state = request.query_params.get("state") or None
    query = {"limit": "100", **({"state": state} if state else {})}
    log_page = await webhook_admin.list_deliveries(rt, query)
    return page(
        request,
        "webhooks.html",
        deliveries=log_page["data"],
        summary=log_page["summary"],
        state=state,
        clock=clock_view(rt),
    )


async def retry_webhooks(request: Request, rt: Runtime) -> Response:
    """Send one failed delivery (the form's `id`) or every failed one again: the control API's
    `POST /_wamm/webhooks/retry`."""
    delivery_id = form_text((await request.form()).get("id"))
    await webhook_admin.retry_failed(rt, {"id": delivery_id} if delivery_id else {})
    return RedirectResponse(f"{security.UI_PATH}/webhooks", 303)


# --- the clock --------------------------------------------------------------------------------


async def advance_clock(request: Request, rt: Runtime) -> Response:
    raw = form_text((await request.form()).get("seconds")) or ""
    try:
        seconds = advance_seconds(float(raw), rt.now())
    except (ValueError, GraphError):
        message = "Give the seconds to advance as a number from 0 to 10 years."
        return page(request, "clock.html", 422, clock=clock_view(rt), error=message)
    await rt.advance_clock(seconds)
    if not is_htmx(request):
        return RedirectResponse(f"{security.UI_PATH}/", 303)
    return page(request, "clock.html", clock=clock_view(rt), error=None)


# --- signing in -------------------------------------------------------------------------------


def _next_page(value: str | None) -> str:
    """Where to go after signing in: a page of the inspector, never another site."""
    home = f"{security.UI_PATH}/"
    if value and value.startswith(home) and not value.startswith(f"{home}/"):
        return value
    return home


def _login_form(request: Request, status_code: int = 200, error: str | None = None) -> Response:
    target = _next_page(request.query_params.get("next"))
    return page(request, "login.html", status_code, next_page=target, error=error)


async def login_page(request: Request) -> Response:
    if security.admin_token(request) is None:
        return RedirectResponse(f"{security.UI_PATH}/", 303)
    return _login_form(request)


async def login(request: Request) -> Response:
    form: FormData = await request.form()
    if not security.csrf_valid(request, form_text(form.get(security.CSRF_FIELD))):
        return _login_form(request, 403, "The form has expired: please try again.")
    if not security.token_accepted(request, form_text(form.get("token")) or ""):
        return _login_form(request, 401, "That is not the admin token.")
    response = RedirectResponse(_next_page(form_text(form.get("next"))), 303)
    security.start_session(response, request, security.admin_token(request) or "")
    return response


async def logout(_request: Request, _rt: Runtime) -> Response:
    response = RedirectResponse(f"{security.UI_PATH}/login", 303)
    security.end_session(response)
    return response
