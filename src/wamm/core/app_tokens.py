"""App access tokens and `debug_token`: Meta's rules, as pure functions.

- An app access token is `{app_id}|{app_secret}`. Graph takes it wherever an app token is
  needed (`/{app_id}/subscriptions`); `GET /oauth/access_token?grant_type=client_credentials
  &client_id=&client_secret=` hands it out (`{"access_token", "token_type": "bearer"}`).
- `GET /debug_token?input_token=` describes any token to a caller with a valid token:
  `app_id`, `type`, `application`, `expires_at` (0: never), `is_valid`, `scopes`, and
  `granular_scopes` naming the WABAs each WhatsApp permission covers. A token Graph does not
  know is still a 200, with `is_valid: false` and an `error` inside `data`.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping
from typing import Any

from wamm.core.errors import GraphError, invalid_parameter, missing_parameter
from wamm.core.model import (
    SCOPE_MANAGEMENT,
    SCOPE_MESSAGING,
    TOKEN_APP,
    App,
    Token,
)

SEPARATOR = "|"
CLIENT_CREDENTIALS = "client_credentials"
# The permissions whose grants are per WhatsApp Business Account (`granular_scopes`).
PER_WABA_SCOPES = (SCOPE_MANAGEMENT, SCOPE_MESSAGING)


def app_token_value(app: App) -> str:
    return f"{app.id}{SEPARATOR}{app.secret}"


def app_token(raw: str | None, apps: Mapping[str, App]) -> Token | None:
    """The app access token `raw` is, if it names an app with its secret."""
    if not raw or SEPARATOR not in raw:
        return None
    app_id, _, secret = raw.partition(SEPARATOR)
    app = apps.get(app_id)
    if app is None or not hmac.compare_digest(app.secret.encode(), secret.encode()):
        return None
    return Token(value=raw, app_id=app.id, kind=TOKEN_APP)


def issue_app_token(params: Mapping[str, Any], apps: Mapping[str, App]) -> dict[str, str]:
    """`GET /oauth/access_token` with the client credentials grant."""
    grant = params.get("grant_type")
    if grant != CLIENT_CREDENTIALS:
        raise invalid_parameter(f"Param grant_type must be '{CLIENT_CREDENTIALS}', got '{grant}'.")
    app = apps.get(str(params.get("client_id", "")))
    if app is None:
        raise GraphError(
            101,
            message="Error validating application. Invalid application ID.",
            with_error_data=False,
        )
    secret = str(params.get("client_secret", ""))
    if not hmac.compare_digest(app.secret.encode(), secret.encode()):
        raise GraphError(1, message="Error validating client secret.", with_error_data=False)
    return {"access_token": app_token_value(app), "token_type": "bearer"}


def token_info(
    token: Token, app: App | None, now: float, wabas: Collection[str] | None = None
) -> dict[str, Any]:
    """`debug_token`'s `data` for a token Graph knows (valid or expired); `wabas` are the WABAs
    it reaches (default its own `wabas`), the targets of its per-WABA permissions."""
    info: dict[str, Any] = {"type": token.kind}
    if app is not None:
        info |= {"app_id": app.id, "application": app.name}
    expired = token.expires_at is not None and token.expires_at <= now
    info |= {
        "data_access_expires_at": 0,
        "expires_at": int(token.expires_at or 0),
        "is_valid": not expired,
        "scopes": sorted(token.scopes),
    }
    granular = [
        {"scope": scope, "target_ids": sorted(token.wabas if wabas is None else wabas)}
        for scope in PER_WABA_SCOPES
        if scope in token.scopes
    ]
    if granular:
        info["granular_scopes"] = granular
    if expired:
        info["error"] = {
            "code": 190,
            "message": "Error validating access token: Session has expired.",
            "subcode": 463,
        }
    return info


def unknown_token_info() -> dict[str, Any]:
    """`debug_token`'s `data` for a token Graph cannot parse."""
    return {
        "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
        "is_valid": False,
        "scopes": [],
    }


def input_token(params: Mapping[str, Any]) -> str:
    value = params.get("input_token")
    if not isinstance(value, str) or not value:
        raise missing_parameter("input_token")
    return value
