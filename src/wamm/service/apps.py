"""Apps and tokens the Graph way: `/{app_id}/subscriptions`, `GET /oauth/access_token` and
`GET /debug_token` (Meta's rules in core/app_tokens.py and core/app_subscriptions.py)."""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.core import app_subscriptions, app_tokens
from wamm.core.model import App
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime
from wamm.service.webhook_admin import save_app, verify_or_fail

SUCCESS = {"success": True}


async def list_subscriptions(_call: GraphCall, app: App) -> dict[str, Any]:
    return {"data": app_subscriptions.subscriptions_view(app)}


async def subscribe(call: GraphCall, app: App) -> dict[str, Any]:
    wanted = app_subscriptions.parse_subscribe(call.params)
    await verify_or_fail(call.rt, wanted.callback_url, wanted.verify_token, explain=False)
    await save_app(
        call.rt,
        msgspec.structs.replace(
            app,
            webhook_url=wanted.callback_url,
            verify_token=wanted.verify_token,
            webhook_fields=wanted.fields,
            webhook_version=call.api_version,
        ),
    )
    return SUCCESS


async def unsubscribe(call: GraphCall, app: App) -> dict[str, Any]:
    left = app_subscriptions.remaining_fields(app, call.params)
    if left is None:
        updated = msgspec.structs.replace(
            app, webhook_url=None, verify_token=None, webhook_fields=()
        )
    else:
        updated = msgspec.structs.replace(app, webhook_fields=left)
    await save_app(call.rt, updated)
    return SUCCESS


def issue_app_token(rt: Runtime, params: dict[str, Any]) -> dict[str, Any]:
    """GET /oauth/access_token (no access token needed: the client credentials are the proof)."""
    return app_tokens.issue_app_token(params, rt.catalog.apps)


async def debug_token(call: GraphCall, _node: None) -> dict[str, Any]:
    rt = call.rt
    raw = app_tokens.input_token(call.params)
    token = rt.catalog.tokens.get(raw) or app_tokens.app_token(raw, rt.catalog.apps)
    if token is None:
        return {"data": app_tokens.unknown_token_info()}
    app = rt.catalog.apps.get(token.app_id or "")
    wabas = [w for w in rt.catalog.wabas if rt.catalog.reaches(token, w)]
    return {"data": app_tokens.token_info(token, app, rt.now(), wabas)}
