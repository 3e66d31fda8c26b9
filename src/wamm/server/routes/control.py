"""The control API under `/_wamm/`: reset, seed, inspection and simulation knobs.

Guarded by an admin token when one is configured (`--admin-token` / WAMM_ADMIN_TOKEN), sent as
`Authorization: Bearer <token>` or `X-Wamm-Admin-Token`. Errors use the Graph envelope.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wamm.core import seed as schema
from wamm.core.clock import advance_seconds
from wamm.core.coerce import as_bool, as_str
from wamm.core.errors import GraphError, invalid_parameter
from wamm.core.ids import fbtrace_id
from wamm.core.media import Blob
from wamm.core.model import Business, PhoneNumber, Template, Waba
from wamm.core.text import check_text
from wamm.server.delivery_process import DeliveryProcess
from wamm.server.openapi import openapi_document
from wamm.server.request import (
    NUL_IN_JSON,
    NUL_IN_URL,
    bearer_token,
    decode_json_object,
    is_json_type,
    media_type,
    origin,
    read_body,
)
from wamm.server.responses import JSONResponse, error_response, internal_error
from wamm.service import (
    account_events,
    conversions,
    media,
    partners,
    qr_codes,
    templates,
    uploads,
    webhook_admin,
)
from wamm.service import audiences as audience_cases
from wamm.service import control as use_cases
from wamm.service.delivery import Dispatcher
from wamm.service.runtime import Runtime
from wamm.service.seeding import apply_seed, reset_to_seed

log = logging.getLogger("wamm.control")
MAX_SEED_BYTES = 16 * 1024 * 1024

ControlHandler = Callable[[Request, Runtime], Awaitable[Any]]


def seed_error_response(error: schema.SeedError) -> JSONResponse:
    return JSONResponse(
        {
            "error": {
                "message": f"Invalid seed at {error.path}: {error.problem}",
                "type": "WammSeedError",
                "code": 100,
                "error_data": {"path": error.path, "details": error.problem},
                "fbtrace_id": fbtrace_id(),
            }
        },
        status_code=400,
    )


def _authorized(request: Request) -> bool:
    expected: str | None = request.app.state.admin_token
    if not expected:
        return True
    header = request.headers.get("authorization", "")
    given = (
        header[7:]
        if header.lower().startswith("bearer ")
        else request.headers.get("x-wamm-admin-token", "")
    )
    return hmac.compare_digest(given.encode(), expected.encode())


def endpoint_for(
    handler: ControlHandler, *, guarded: bool = True
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if guarded and not _authorized(request):
            return error_response(
                GraphError(
                    190,
                    message="A valid admin token is required for the wamm control API.",
                    with_error_data=False,
                )
            )
        try:
            _check_request_text(request)
            result = await handler(request, request.app.state.runtime)
        except schema.SeedError as error:
            return seed_error_response(error)
        except GraphError as error:
            return error_response(error)
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return internal_error()
        return result if isinstance(result, Response) else JSONResponse(result)

    return endpoint


def _check_request_text(request: Request) -> None:
    """Refuse a NUL in the path or the query (filters reach the database as text, which
    PostgreSQL cannot hold a NUL in)."""
    if NUL_IN_URL in request.scope["query_string"]:
        check_text(dict(request.query_params))
    check_text(request.path_params)


async def no_such_route(request: Request, error: Exception) -> Response:
    """A path or method the control API lacks: the Graph envelope, not Starlette's text."""
    status = error.status_code if isinstance(error, HTTPException) else 404
    return error_response(
        GraphError(
            100,
            f"The wamm control API has no {request.method} {request.url.path}; its routes are "
            "listed at /_wamm/openapi.json.",
            http_status=status,
        )
    )


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await read_body(request)
    body = decode_json_object(raw) if raw.strip() else {}
    if NUL_IN_JSON in raw:
        check_text(body)
    return body


def _json_content(request: Request) -> bool | None:
    """`as_json` for a seed body: by its content type, else decided by the text."""
    content_type = media_type(request.headers)
    if is_json_type(content_type):
        return True
    return False if "yaml" in content_type else None


async def _seed_document(request: Request) -> Any:
    """A seed body: JSON (a JSON content type, or text that starts with `{`) or YAML."""
    raw = await read_body(request, MAX_SEED_BYTES)
    return schema.parse_text(raw, as_json=_json_content(request)) if raw.strip() else None


async def reset(request: Request, rt: Runtime) -> dict[str, Any]:
    document = await _seed_document(request)
    return {"success": True, "applied": await reset_to_seed(rt, document)}


async def seed(request: Request, rt: Runtime) -> dict[str, Any]:
    document = await _seed_document(request)
    if document is None:
        raise invalid_parameter("The request body must be a seed document (YAML or JSON).")
    return {"success": True, "applied": await apply_seed(rt, document)}


async def messages(request: Request, rt: Runtime) -> dict[str, Any]:
    return await use_cases.list_messages(rt, dict(request.query_params))


async def message(request: Request, rt: Runtime) -> dict[str, Any]:
    wamid = request.path_params["wamid"]
    found = await use_cases.list_messages(rt, {"wamid": wamid, "limit": "1"})
    if not found["data"]:
        raise GraphError(100, f"No message with id {wamid}.", http_status=404)
    result: dict[str, Any] = found["data"][0]
    return result


async def qr_image(request: Request, rt: Runtime) -> Response:
    """The image of a message QR code (public, like Meta's CDN URL)."""
    params = request.path_params
    content, media_type = qr_codes.image_of(rt, params["phone_number_id"], params["name"])
    return Response(content, media_type=media_type)


async def users(request: Request, rt: Runtime) -> dict[str, Any]:
    return await use_cases.list_users(rt, dict(request.query_params))


async def audiences(request: Request, rt: Runtime) -> dict[str, Any]:
    if request.method == "PUT":
        return await audience_cases.replace(rt, await _json_body(request))
    return audience_cases.view(rt)


async def audience_numbers(request: Request, rt: Runtime) -> dict[str, Any]:
    name = request.path_params["name"]
    return audience_cases.numbers(rt, name, dict(request.query_params))


async def update_user(request: Request, rt: Runtime) -> dict[str, Any]:
    return await use_cases.update_user(rt, request.path_params["phone"], await _json_body(request))


def _business(request: Request, rt: Runtime) -> Business:
    business_id = request.path_params["business_id"]
    business = rt.catalog.businesses.get(business_id)
    if business is None:
        raise GraphError(100, f"Unknown business {business_id}.", http_status=404)
    return business


async def mm_terms(request: Request, rt: Runtime) -> dict[str, Any]:
    business = _business(request, rt)
    return await use_cases.set_mm_terms(rt, business, await _json_body(request))


async def max_price_agreement(request: Request, rt: Runtime) -> dict[str, Any]:
    """The signer accepts the portfolio's pending max price agreement (the emailed link)."""
    return await partners.accept_agreement(rt, _business(request, rt))


def _template(request: Request, rt: Runtime) -> Template:
    return templates.template_by_id(rt, request.path_params["template_id"])


def _template_answer(template: Template) -> dict[str, Any]:
    return {
        "id": template.id,
        "status": template.status,
        "category": template.category,
        "quality_score": template.quality_score,
        "rejected_reason": template.rejected_reason,
    }


async def review(request: Request, rt: Runtime) -> dict[str, Any]:
    template = _template(request, rt)
    body = await _json_body(request)
    reason = body.get("reason")
    updated = await templates.review(
        rt,
        template,
        as_str(body.get("decision"), "decision"),
        None if reason is None else as_str(reason, "reason"),
    )
    return _template_answer(updated)


async def quality(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    score = as_str(body.get("score"), "score")
    return _template_answer(await templates.set_quality(rt, _template(request, rt), score))


async def category(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    new = as_str(body.get("category"), "category")
    notice = as_bool(body.get("notice", False), "notice")
    updated = await templates.set_category(rt, _template(request, rt), new, notice)
    return _template_answer(updated)


async def unarchive(request: Request, rt: Runtime) -> dict[str, Any]:
    return _template_answer(await templates.unarchive(rt, _template(request, rt)))


async def clock(_request: Request, rt: Runtime) -> dict[str, Any]:
    return {"mode": rt.clock.mode, "now": rt.now()}


async def advance_clock(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    seconds = advance_seconds(body.get("seconds"), rt.now())
    return {"mode": rt.clock.mode, "now": await rt.advance_clock(seconds)}


async def inbound(request: Request, rt: Runtime) -> dict[str, Any]:
    if request.method == "GET":
        return await use_cases.list_inbound(rt, dict(request.query_params))
    return await use_cases.inbound(rt, await _json_body(request), origin(request))


async def reply(request: Request, rt: Runtime) -> dict[str, Any]:
    wamid = request.path_params["wamid"]
    return await use_cases.reply(rt, wamid, await _json_body(request))


async def click(request: Request, rt: Runtime) -> dict[str, Any]:
    wamid = request.path_params["wamid"]
    return await use_cases.click(rt, wamid, await _json_body(request))


async def conversion(request: Request, rt: Runtime) -> dict[str, Any]:
    wamid = request.path_params["wamid"]
    return await conversions.record(rt, wamid, await _json_body(request))


async def marketing(request: Request, rt: Runtime) -> dict[str, Any]:
    phone = request.path_params["phone"]
    return await use_cases.marketing_preference(rt, phone, await _json_body(request))


def _phone(request: Request, rt: Runtime) -> PhoneNumber:
    phone_number_id = request.path_params["phone_number_id"]
    phone = rt.catalog.phone_numbers.get(phone_number_id)
    if phone is None:
        raise GraphError(100, f"Unknown phone number {phone_number_id}.", http_status=404)
    return phone


def _waba(request: Request, rt: Runtime) -> Waba:
    waba_id = request.path_params["waba_id"]
    waba = rt.catalog.wabas.get(waba_id)
    if waba is None:
        raise GraphError(100, f"Unknown WABA {waba_id}.", http_status=404)
    return waba


async def phone_quality(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    return await account_events.set_quality(rt, _phone(request, rt), body)


async def system_error(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    return await account_events.system_error(rt, _phone(request, rt), body)


async def account_alert(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    return await account_events.account_alert(rt, _waba(request, rt), body)


async def business_capability(request: Request, rt: Runtime) -> dict[str, Any]:
    body = await _json_body(request)
    return await account_events.business_capability(rt, _waba(request, rt), body)


async def app_webhook(request: Request, rt: Runtime) -> dict[str, Any]:
    app_id = request.path_params["app_id"]
    app = rt.catalog.apps.get(app_id)
    if app is None:
        raise GraphError(100, f"Unknown app {app_id}.", http_status=404)
    return await webhook_admin.set_app_webhook(rt, app, await _json_body(request))


async def webhooks(request: Request, rt: Runtime) -> dict[str, Any]:
    return await webhook_admin.list_deliveries(rt, dict(request.query_params))


async def retry_webhooks(request: Request, rt: Runtime) -> dict[str, Any]:
    return await webhook_admin.retry_failed(rt, await _json_body(request))


async def drain(request: Request, _rt: Runtime) -> dict[str, Any]:
    """Wait until every due webhook is delivered or rescheduled (tests use this after
    advancing the clock instead of sleeping)."""
    dispatcher: Dispatcher | None = request.app.state.dispatcher
    if dispatcher is None:
        raise GraphError(100, "This process runs no webhook dispatcher.", http_status=409)
    body = await _json_body(request)
    timeout = body.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        raise invalid_parameter("timeout must be a number of seconds between 0 and 300.")
    return {"summary": await dispatcher.drain(float(timeout))}


async def state(_request: Request, rt: Runtime) -> dict[str, Any]:
    catalog = rt.catalog
    return {
        "settings": msgspec.structs.asdict(rt.settings),
        "businesses": [
            {"id": b.id, "name": b.name, "mm_terms": b.mm_terms, "client_of": list(b.client_of)}
            for b in catalog.businesses.values()
        ],
        "wabas": [
            {"id": w.id, "business_id": w.business_id, "name": w.name}
            for w in catalog.wabas.values()
        ],
        "phone_numbers": [
            {"id": p.id, "waba_id": p.waba_id, "display_phone_number": p.display_phone_number}
            for p in catalog.phone_numbers.values()
        ],
        "apps": [
            {
                "id": a.id,
                "name": a.name,
                "secret": a.secret,
                "require_appsecret_proof": a.require_appsecret_proof,
                "webhook": (
                    {"url": a.webhook_url, "verify_token": a.verify_token}
                    if a.webhook_url
                    else None
                ),
            }
            for a in catalog.apps.values()
        ],
        "tokens": [
            {
                "value": t.value,
                "scopes": sorted(t.scopes),
                "wabas": sorted(t.wabas),
                "business_id": t.business_id,
            }
            for t in catalog.tokens.values()
        ],
        "templates": len(catalog.templates),
    }


async def openapi(request: Request, _rt: Runtime) -> dict[str, Any]:
    """This API's OpenAPI document, naming this server (it describes no data: never guarded)."""
    return openapi_document(str(request.base_url))


async def health(_request: Request, _rt: Runtime) -> dict[str, Any]:
    """Liveness: the process answers."""
    return {"status": "ok"}


async def ready(request: Request, rt: Runtime) -> Response:
    """Readiness: the database answers and the catalog is loaded."""
    try:
        await rt.store.ping()
    except Exception as error:
        return JSONResponse(
            {"status": "unavailable", "error": f"database: {error}"}, status_code=503
        )
    return JSONResponse(
        {
            "status": "ready",
            "shared_store": rt.store.shared,
            "catalog_version": rt.version,
            "dispatcher": request.app.state.dispatcher is not None,
            "delivery_process": _delivery_pid(request.app.state.delivery_process),
            "delivery_process_delivering": _delivering(request.app.state.delivery_process),
        }
    )


def _delivery_pid(courier: DeliveryProcess | None) -> int | None:
    return courier.pid if courier is not None else None


def _delivering(courier: DeliveryProcess | None) -> bool | None:
    return courier.delivering if courier is not None else None


async def media_download(request: Request, rt: Runtime) -> Response:
    """A media's bytes behind the URL `GET /{media_id}` answered (needs the Graph token)."""
    query = dict(request.query_params)
    raw_token = bearer_token(dict(request.headers), query)
    blob, content = await media.download(rt, raw_token, query)
    return Response(content, media_type=blob.mime_type)


async def template_sample(request: Request, rt: Runtime) -> Response:
    """A template's header sample, public like Meta's sample URLs."""
    found = await uploads.kept(rt, "sample", request.path_params["template_id"])
    return _kept_file(found, "This template has no uploaded sample.")


async def profile_picture(request: Request, rt: Runtime) -> Response:
    """A business phone number's profile picture, public like Meta's CDN links."""
    found = await uploads.kept(rt, "picture", request.path_params["phone_number_id"])
    return _kept_file(found, "This phone number has no profile picture.")


def _kept_file(found: tuple[Blob, bytes] | None, missing: str) -> Response:
    if found is None:
        raise GraphError(100, missing, http_status=404)
    blob, content = found
    return Response(content, media_type=blob.mime_type)


ROUTES = [
    Route("/openapi.json", endpoint_for(openapi, guarded=False), methods=["GET"]),
    Route("/health", endpoint_for(health, guarded=False), methods=["GET"]),
    Route("/ready", endpoint_for(ready, guarded=False), methods=["GET"]),
    Route("/state", endpoint_for(state), methods=["GET"]),
    Route("/reset", endpoint_for(reset), methods=["POST"]),
    Route("/seed", endpoint_for(seed), methods=["POST"]),
    Route("/messages", endpoint_for(messages), methods=["GET"]),
    Route("/messages/{wamid}", endpoint_for(message), methods=["GET"]),
    Route("/users", endpoint_for(users), methods=["GET"]),
    Route("/users/{phone}", endpoint_for(update_user), methods=["POST"]),
    Route("/audiences", endpoint_for(audiences), methods=["GET", "PUT"]),
    Route("/audiences/{name}/numbers", endpoint_for(audience_numbers), methods=["GET"]),
    Route("/qr/{phone_number_id}/{name}", endpoint_for(qr_image, guarded=False), methods=["GET"]),
    Route("/businesses/{business_id}/mm_terms", endpoint_for(mm_terms), methods=["POST"]),
    Route(
        "/businesses/{business_id}/max_price_agreement",
        endpoint_for(max_price_agreement),
        methods=["POST"],
    ),
    Route("/templates/{template_id}/review", endpoint_for(review), methods=["POST"]),
    Route("/clock", endpoint_for(clock), methods=["GET"]),
    Route("/clock/advance", endpoint_for(advance_clock), methods=["POST"]),
    Route("/inbound", endpoint_for(inbound), methods=["GET", "POST"]),
    Route("/messages/{wamid}/reply", endpoint_for(reply), methods=["POST"]),
    Route("/messages/{wamid}/click", endpoint_for(click), methods=["POST"]),
    Route("/messages/{wamid}/conversion", endpoint_for(conversion), methods=["POST"]),
    Route("/users/{phone}/marketing", endpoint_for(marketing), methods=["POST"]),
    Route("/templates/{template_id}/quality", endpoint_for(quality), methods=["POST"]),
    Route("/templates/{template_id}/category", endpoint_for(category), methods=["POST"]),
    Route("/templates/{template_id}/unarchive", endpoint_for(unarchive), methods=["POST"]),
    Route("/apps/{app_id}/webhook", endpoint_for(app_webhook), methods=["POST"]),
    Route(
        "/phone_numbers/{phone_number_id}/quality",
        endpoint_for(phone_quality),
        methods=["POST"],
    ),
    Route("/phone_numbers/{phone_number_id}/errors", endpoint_for(system_error), methods=["POST"]),
    Route("/wabas/{waba_id}/account_alerts", endpoint_for(account_alert), methods=["POST"]),
    Route(
        "/wabas/{waba_id}/business_capability",
        endpoint_for(business_capability),
        methods=["POST"],
    ),
    Route("/webhooks", endpoint_for(webhooks), methods=["GET"]),
    Route("/webhooks/drain", endpoint_for(drain), methods=["POST"]),
    Route("/webhooks/retry", endpoint_for(retry_webhooks), methods=["POST"]),
    Route("/media/download", endpoint_for(media_download, guarded=False), methods=["GET"]),
    Route(
        "/media/samples/{template_id}",
        endpoint_for(template_sample, guarded=False),
        methods=["GET"],
    ),
    Route(
        "/media/profile_pictures/{phone_number_id}",
        endpoint_for(profile_picture, guarded=False),
        methods=["GET"],
    ),
]
