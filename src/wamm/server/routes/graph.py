"""Graph API dispatch: `/[vNN.N/]{object_id}[/{edge}[/{item_id}]]` to the use case for that
node type.

Order of checks follows Graph: the request's parameters (a POST body may carry the token),
token (190), `appsecret_proof` (100), object visible to the token (100/33), the rest of the
path known on the node (100 "Tried accessing nonexisting field" for one unknown segment, 2500
"Unknown path components" past it), operation supported by the node (100/33), permission
(10 / 200), then the use case's own validation. A method Graph has no operation for at all
(PUT, PATCH) is refused before any of these (100, GraphMethodException).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from wamm.core import app_tokens
from wamm.core.ad_objects import Ad, AdAccount, AdCampaign, AdObject, AdSet
from wamm.core.auth import check_appsecret_proof, check_token, require_scope
from wamm.core.errors import (
    GraphError,
    ResetDuringRequest,
    TooManyCalls,
    invalid_parameter,
    unknown_object,
    unknown_path,
    unsupported_method,
)
from wamm.core.fields import unknown_field
from wamm.core.media import MAX_MEDIA_BYTES, Media
from wamm.core.model import (
    SCOPE_APP_TOKEN,
    SCOPE_BUSINESS,
    SCOPE_MANAGEMENT,
    SCOPE_MESSAGING,
    App,
    Business,
    PhoneNumber,
    Template,
    Token,
    Waba,
)
from wamm.core.sending import ENDPOINT_MARKETING, ENDPOINT_MESSAGES
from wamm.core.uploads import UploadSession, is_session_id
from wamm.core.versions import LATEST_API_VERSION
from wamm.server.graph_headers import Headers, graph_headers
from wamm.server.inspector.security import UI_PATH
from wamm.server.request import (
    RawRequest,
    Receive,
    Scope,
    bearer_token,
    read_params,
    read_raw_upload,
)
from wamm.server.responses import INTERNAL_ERROR, encode, error_parts, send_json
from wamm.service import (
    accounts,
    analytics,
    apps,
    blocking,
    insights,
    media,
    messaging,
    partners,
    phone_numbers,
    qr_codes,
    template_compare,
    template_library,
    template_upsert,
    templates,
    uploads,
    webhook_admin,
)
from wamm.service.call import GraphCall
from wamm.service.catalog import Catalog
from wamm.service.runtime import Runtime

log = logging.getLogger("wamm.graph")
VERSION_RE = re.compile(r"^v(\d{1,2})\.(\d{1,2})$")
ALLOWED_METHODS = frozenset({"GET", "POST", "DELETE"})

Node = Waba | PhoneNumber | Template | Business | App | Media | UploadSession | AdObject
Handler = Callable[[GraphCall, Any], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Operation:
    handler: Handler
    scope: str


def _send(endpoint: str) -> Handler:
    # A partial, not a wrapping coroutine: every frame on the send path costs on each resume.
    return functools.partial(messaging.send, endpoint=endpoint)


# A business number's settings (`{edge}/{id}` edges take an item id as a third path segment).
PHONE_SETTINGS: dict[tuple[str | None, str], Operation] = {
    (None, "POST"): Operation(phone_numbers.update, SCOPE_MANAGEMENT),
    ("request_code", "POST"): Operation(phone_numbers.request_code, SCOPE_MANAGEMENT),
    ("verify_code", "POST"): Operation(phone_numbers.verify_code, SCOPE_MANAGEMENT),
    ("register", "POST"): Operation(phone_numbers.register, SCOPE_MANAGEMENT),
    ("deregister", "POST"): Operation(phone_numbers.deregister, SCOPE_MANAGEMENT),
    ("whatsapp_business_profile", "GET"): Operation(phone_numbers.get_profile, SCOPE_MANAGEMENT),
    ("whatsapp_business_profile", "POST"): Operation(
        phone_numbers.update_profile, SCOPE_MANAGEMENT
    ),
    ("conversational_automation", "POST"): Operation(
        phone_numbers.update_automation, SCOPE_MANAGEMENT
    ),
    ("block_users", "GET"): Operation(blocking.list_blocked, SCOPE_MESSAGING),
    ("block_users", "POST"): Operation(blocking.block, SCOPE_MESSAGING),
    ("block_users", "DELETE"): Operation(blocking.unblock, SCOPE_MESSAGING),
    ("message_qrdls", "GET"): Operation(qr_codes.list_codes, SCOPE_MANAGEMENT),
    ("message_qrdls", "POST"): Operation(qr_codes.create_or_update, SCOPE_MANAGEMENT),
    ("message_qrdls/{id}", "GET"): Operation(qr_codes.get_code, SCOPE_MANAGEMENT),
    ("message_qrdls/{id}", "DELETE"): Operation(qr_codes.delete_code, SCOPE_MANAGEMENT),
}

OPERATIONS: dict[tuple[type, str | None, str], Operation] = {
    (Waba, None, "GET"): Operation(accounts.get_waba, SCOPE_MANAGEMENT),
    (Waba, None, "POST"): Operation(accounts.update_waba, SCOPE_MANAGEMENT),
    (Waba, "message_templates", "GET"): Operation(templates.list_templates, SCOPE_MANAGEMENT),
    (Waba, "message_templates", "POST"): Operation(templates.create, SCOPE_MANAGEMENT),
    (Waba, "message_templates", "DELETE"): Operation(templates.delete, SCOPE_MANAGEMENT),
    (Waba, "upsert_message_templates", "POST"): Operation(template_upsert.upsert, SCOPE_MANAGEMENT),
    (Waba, "phone_numbers", "GET"): Operation(accounts.list_phone_numbers, SCOPE_MANAGEMENT),
    (Waba, "template_analytics", "GET"): Operation(analytics.template_analytics, SCOPE_MANAGEMENT),
    (Waba, "subscribed_apps", "GET"): Operation(webhook_admin.list_subscriptions, SCOPE_MANAGEMENT),
    (Waba, "subscribed_apps", "POST"): Operation(webhook_admin.subscribe, SCOPE_MANAGEMENT),
    (Waba, "subscribed_apps", "DELETE"): Operation(webhook_admin.unsubscribe, SCOPE_MANAGEMENT),
    (Template, None, "GET"): Operation(templates.get_template, SCOPE_MANAGEMENT),
    (Template, None, "POST"): Operation(templates.edit, SCOPE_MANAGEMENT),
    (Template, "unpause", "POST"): Operation(templates.unpause, SCOPE_MANAGEMENT),
    (Template, "compare", "GET"): Operation(template_compare.compare, SCOPE_MANAGEMENT),
    (PhoneNumber, None, "GET"): Operation(accounts.get_phone_number, SCOPE_MANAGEMENT),
    (PhoneNumber, ENDPOINT_MESSAGES, "POST"): Operation(_send(ENDPOINT_MESSAGES), SCOPE_MESSAGING),
    (PhoneNumber, ENDPOINT_MARKETING, "POST"): Operation(
        _send(ENDPOINT_MARKETING), SCOPE_MESSAGING
    ),
    (Business, None, "GET"): Operation(accounts.get_business, SCOPE_BUSINESS),
    (Business, "owned_whatsapp_business_accounts", "GET"): Operation(
        partners.owned_wabas, SCOPE_BUSINESS
    ),
    (Business, "client_whatsapp_business_accounts", "GET"): Operation(
        partners.client_wabas, SCOPE_BUSINESS
    ),
    (Business, "onboard_partners_to_mm_lite", "POST"): Operation(
        partners.onboard_partner, SCOPE_MANAGEMENT
    ),
    (Business, "max_price_agreements", "GET"): Operation(partners.get_agreement, SCOPE_BUSINESS),
    (Business, "max_price_agreements", "POST"): Operation(
        partners.request_agreement, SCOPE_BUSINESS
    ),
    (Business, "max_price_end_businesses", "GET"): Operation(
        partners.list_end_businesses, SCOPE_BUSINESS
    ),
    (Business, "max_price_end_businesses", "POST"): Operation(
        partners.enrol_end_businesses, SCOPE_BUSINESS
    ),
    (Business, "max_price_end_businesses", "DELETE"): Operation(
        partners.remove_end_businesses, SCOPE_BUSINESS
    ),
    (PhoneNumber, "media", "POST"): Operation(media.upload, SCOPE_MESSAGING),
    (Media, None, "GET"): Operation(media.get, SCOPE_MESSAGING),
    (Media, None, "DELETE"): Operation(media.delete, SCOPE_MESSAGING),
    (App, "uploads", "POST"): Operation(uploads.create_session, SCOPE_MANAGEMENT),
    (UploadSession, None, "GET"): Operation(uploads.get_session, SCOPE_MANAGEMENT),
    (UploadSession, None, "POST"): Operation(uploads.upload_part, SCOPE_MANAGEMENT),
    (App, "subscriptions", "GET"): Operation(apps.list_subscriptions, SCOPE_APP_TOKEN),
    (App, "subscriptions", "POST"): Operation(apps.subscribe, SCOPE_APP_TOKEN),
    (App, "subscriptions", "DELETE"): Operation(apps.unsubscribe, SCOPE_APP_TOKEN),
    **{(PhoneNumber, edge, method): op for (edge, method), op in PHONE_SETTINGS.items()},
    # The read-only ad objects of MM-linked templates (Marketing API Insights).
    **{
        (kind, "insights", "GET"): Operation(insights.ad_insights, SCOPE_MANAGEMENT)
        for kind in (Ad, AdSet, AdCampaign, AdAccount)
    },
}
# Graph's name of each node type in its errors (as in the field errors of `service.nodes`).
NODE_TYPES: dict[type, str] = {
    Waba: "WhatsAppBusinessAccount",
    PhoneNumber: "WhatsAppBusinessPhoneNumber",
    Template: "WhatsAppMessageTemplate",
    Business: "Business",
    App: "Application",
    Ad: "Ad",
    AdSet: "AdSet",
    AdCampaign: "Campaign",
    AdAccount: "AdAccount",
}
# The edges each node type has (an `{edge}/{id}` entry: the edge takes an item id).
EDGES: dict[type, frozenset[str]] = {
    kind: frozenset(edge for node_kind, edge, _ in OPERATIONS if node_kind is kind and edge)
    for kind in {node_kind for node_kind, _, _ in OPERATIONS}
}
# Bodies that carry a file may be as large as Meta's largest media (a 100 MB document).
MAX_FILE_BODY = MAX_MEDIA_BYTES + 64 * 1024


MAX_CACHED_PATH = 256  # Graph paths are short: a long one is not worth remembering


def split_path(path: str) -> tuple[int | None, tuple[str, ...]]:
    """(API major version, None when unversioned; path segments without the version prefix)."""
    return _split_cached(path) if len(path) <= MAX_CACHED_PATH else _split(path)


def _split(path: str) -> tuple[int | None, tuple[str, ...]]:
    segments = tuple(s for s in path.split("/") if s)
    if segments and (match := VERSION_RE.match(segments[0])):
        return int(match[1]), segments[1:]
    return None, segments


def answering_version(rt: Runtime, token: Token, version: int | None) -> int:
    """The version in the path; an unversioned call answers as the token's app's default
    API version, as Graph does (the latest when the token names no app wamm knows)."""
    if version is not None:
        return version
    app = rt.catalog.apps.get(token.app_id or "")
    return app.api_version if app is not None else LATEST_API_VERSION


# A campaign sends to the same few paths over and over.
_split_cached = functools.lru_cache(maxsize=4096)(_split)


def resolve(catalog: Catalog, object_id: str) -> Node | None:
    return (
        catalog.phone_numbers.get(object_id)
        or catalog.wabas.get(object_id)
        or catalog.templates.get(object_id)
        or catalog.businesses.get(object_id)
        or catalog.apps.get(object_id)
    )


def visible(catalog: Catalog, token: Token, node: Node) -> bool:
    match node:
        case Waba():
            return catalog.reaches(token, node.id)
        case PhoneNumber() | Template():  # the send path: the token's own WABAs first
            return node.waba_id in token.wabas or catalog.reaches(token, node.waba_id)
        case Media():
            return catalog.reaches(token, node.blob.owner)
        case App():
            return token.app_id == node.id
        case UploadSession():
            return token.app_id == node.blob.owner
        case AdObject():
            return node.waba_id in token.wabas
        case Business():
            return _reaches_business(catalog, token, node)
    return False


def _reaches_business(catalog: Catalog, token: Token, business: Business) -> bool:
    """A portfolio of one of the token's WABAs, the token's own portfolio, or a client of it
    (a partner calls the intent API on its client's id)."""
    owner = token.business_id
    if owner is not None and (business.id == owner or owner in business.client_of):
        return True
    return any(
        catalog.wabas[w].business_id == business.id for w in token.wabas if w in catalog.wabas
    )


def _operation(
    rt: Runtime, token: Token, method: str, segments: tuple[str, ...], node: Node | None
) -> Operation:
    object_id = segments[0]
    deleted = isinstance(node, Template) and node.status == "DELETED"
    if node is None or deleted or not visible(rt.catalog, token, node):
        raise unknown_object(method, object_id)
    operation = OPERATIONS.get((type(node), _edge(type(node), segments, method), method))
    if operation is None:
        raise unknown_object(method, object_id)
    return operation


def _edge(kind: type, segments: tuple[str, ...], method: str) -> str | None:
    """The OPERATIONS edge key the path after the object id names, or Graph's error for a
    path the node does not have. Media and upload sessions, whose Graph type names Meta's
    docs do not give, keep the unknown-object answer."""
    if len(segments) == 1:
        return None
    edges, node_type = EDGES.get(kind, frozenset()), NODE_TYPES.get(kind)
    if node_type is None:
        raise unknown_object(method, segments[0])
    edge = segments[1]
    if edge not in edges:
        if len(segments) == 2:
            raise unknown_field(node_type, edge)
        raise unknown_path("/" + "/".join(segments[1:]))
    if len(segments) == 2:
        return edge
    item_edge = f"{edge}/{{id}}"
    if item_edge not in edges:
        raise unknown_path("/" + "/".join(segments[2:]))
    if len(segments) > 3:
        raise unknown_path("/" + "/".join(segments[3:]))
    return item_edge


def _opens_a_page(request: RawRequest) -> bool:
    """A browser opening `/` (Graph clients never ask for a path without an object id)."""
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


async def answer(rt: Runtime, request: RawRequest) -> tuple[int, bytes, Headers]:
    """Status, JSON body and headers for one Graph request."""
    epoch = rt.epoch
    answered, usage = LATEST_API_VERSION, None
    try:
        version, segments = split_path(request.path)
        answered = LATEST_API_VERSION if version is None else version
        if not segments:
            if _opens_a_page(request):
                return 307, b"", [(b"location", f"{UI_PATH}/".encode())]
            raise invalid_parameter("Unsupported request: give an object id in the path.")
        if segments[0] in ROOT_PATHS:
            body = encode(await _root(rt, request, version, segments, epoch))
            return 200, body, graph_headers(answered, None)
        params, body = await _read(rt, request, segments)
        token = _token(rt, request, params)
        answered = answering_version(rt, token, version)
        # Media and upload sessions live in the store, not the catalog: looked up only on a miss.
        node = (
            resolve(rt.catalog, segments[0])
            or await media.find(rt, segments[0])
            or insights.find_ad_object(rt, segments[0])
        )
        operation = _operation(rt, token, request.method, segments, node)
        require_scope(token, operation.scope)
        usage = await _business_use_case(rt, token, operation, node)
        item = segments[2] if len(segments) == 3 else None
        call = GraphCall(rt, token, params, request.query, answered, request.url, epoch, body, item)
        return 200, encode(await operation.handler(call, node)), graph_headers(answered, usage)
    except TooManyCalls as error:
        return error_parts(error, answered, error.usage)
    except GraphError as error:
        return error_parts(error, answered, usage)
    except Exception:
        if rt.epoch != epoch:  # what the request had looked up vanished in a reset
            return error_parts(ResetDuringRequest(), answered, usage)
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_parts(INTERNAL_ERROR, answered, usage)


def waba_of(node: Node | None) -> str | None:
    """The WABA a node belongs to, if any."""
    match node:
        case PhoneNumber() | Template():
            return node.waba_id
        case Waba():
            return node.id
        case Media():
            return node.blob.owner
    return None


async def _business_use_case(
    rt: Runtime, token: Token, operation: Operation, node: Node | None
) -> bytes | None:
    """`x-business-use-case-usage` of the call's WABA: a management call counts against the
    WABA's rate (80008 past it); any other call reports the usage as it stands."""
    waba_id = waba_of(node)
    if waba_id is None:
        return None
    use_cases = rt.business_use_cases
    if operation.scope != SCOPE_MANAGEMENT:
        return use_cases.last(token.app_id, waba_id)
    limit = rt.settings.business_use_case
    return await use_cases.count(rt.catalog, limit, token.app_id, waba_id, rt.now())


async def _read(
    rt: Runtime, request: RawRequest, segments: tuple[str, ...]
) -> tuple[dict[str, Any], bytes]:
    """Parameters, and the raw body of a Resumable Upload part. A media upload or an upload
    part may be as large as a file Meta takes; other bodies are held to max_request_bytes."""
    if request.method == "POST" and is_session_id(segments[0]):
        return await read_raw_upload(request, MAX_FILE_BODY)
    limit = MAX_FILE_BODY if segments[1:] == ("media",) else rt.settings.max_request_bytes
    return await read_params(request, limit), b""


def _token(rt: Runtime, request: RawRequest, params: dict[str, Any]) -> Token:
    """The request's token (header, query or body): a seeded one, or an app access token
    (`{app_id}|{app_secret}`, looked up only when no seeded token matches)."""
    raw = bearer_token(request.headers, request.query, _body_token(params))
    catalog = rt.catalog
    token = check_token(
        raw, catalog.tokens.get(raw or "") or app_tokens.app_token(raw, catalog.apps), rt.now()
    )
    check_appsecret_proof(token, catalog.apps.get(token.app_id or ""), params)
    return token


async def _root(
    rt: Runtime, request: RawRequest, version: int | None, segments: tuple[str, ...], epoch: int
) -> dict[str, Any]:
    """A path that names no object (see ROOT_OPERATIONS)."""
    handler = ROOT_OPERATIONS.get(("/".join(segments), request.method))
    if handler is None:
        raise unknown_object(request.method, segments[0])
    params = await read_params(request, rt.settings.max_request_bytes)
    return await handler(RootCall(rt, request, params, version, epoch))


@dataclass(frozen=True)
class RootCall:
    rt: Runtime
    request: RawRequest
    params: dict[str, Any]
    version: int | None  # None: unversioned path
    epoch: int


async def _app_token(call: RootCall) -> dict[str, Any]:
    # No access token: the client credentials are the proof.
    return apps.issue_app_token(call.rt, call.params)


def _graph_call(call: RootCall) -> GraphCall:
    """The call of the request's token holder (the token checked)."""
    request = call.request
    token = _token(call.rt, request, call.params)
    version = answering_version(call.rt, token, call.version)
    return GraphCall(call.rt, token, call.params, request.query, version, request.url, call.epoch)


async def _debug_token(call: RootCall) -> dict[str, Any]:
    return await apps.debug_token(_graph_call(call), None)


async def _template_library(call: RootCall) -> dict[str, Any]:
    graph_call = _graph_call(call)
    require_scope(graph_call.token, SCOPE_MANAGEMENT)
    return await template_library.list_library(graph_call)


# Graph paths that name no object, by (path, method).
ROOT_OPERATIONS: dict[tuple[str, str], Callable[[RootCall], Awaitable[dict[str, Any]]]] = {
    ("oauth/access_token", "GET"): _app_token,
    ("debug_token", "GET"): _debug_token,
    ("message_template_library", "GET"): _template_library,
}
ROOT_PATHS = frozenset(path.partition("/")[0] for path, _ in ROOT_OPERATIONS)


def _body_token(params: dict[str, Any]) -> str | None:
    """An `access_token` sent as a POST parameter, which Graph accepts like the header."""
    value = params.pop("access_token", None)
    return value if isinstance(value, str) else None


ASGIApp = Callable[[Scope, Receive, Any], Awaitable[None]]


class GraphApp:
    """The Graph API as a plain ASGI app (see server/request.py for why no Starlette).

    Anything else (the life cycle, HTTP paths under `other_prefix`) goes to `other`: checked
    here rather than in an app in front, which would add a coroutine frame to every send.
    """

    def __init__(
        self, runtime_of: Callable[[], Runtime], other: ASGIApp, other_prefix: str
    ) -> None:
        self._runtime_of = runtime_of
        self._other = other
        self._other_prefix = other_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self._other_prefix):
            await self._other(scope, receive, send)
            return
        if scope["method"] not in ALLOWED_METHODS:
            status, body, headers = error_parts(unsupported_method(scope["method"]))
        else:
            request = RawRequest.from_scope(scope, receive)
            status, body, headers = await answer(self._runtime_of(), request)
        await send_json(send, status, body, headers)
