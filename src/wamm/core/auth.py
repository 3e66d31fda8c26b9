"""Access tokens: validity, `appsecret_proof`, permissions (scopes) and which objects a token
may touch."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import MutableMapping
from typing import Any

from wamm.core.errors import GRAPH_METHOD, GraphError
from wamm.core.model import (
    SCOPE_APP_TOKEN,
    SCOPE_BUSINESS,
    SCOPE_MANAGEMENT,
    SCOPE_MESSAGING,
    TOKEN_APP,
    App,
    Token,
)

KNOWN_SCOPES = frozenset(
    {
        SCOPE_MESSAGING,
        SCOPE_MANAGEMENT,
        SCOPE_BUSINESS,
        "whatsapp_business_manage_events",
        "ads_read",
    }
)


def check_token(raw: str | None, token: Token | None, now: float) -> Token:
    """The token for `raw`, or Meta's 190 (missing, unknown or expired token)."""
    if not raw:
        raise GraphError(
            190,
            message="An access token is required to request this resource.",
            with_error_data=False,
        )
    if token is None:
        raise GraphError(
            190,
            message="Invalid OAuth access token - Cannot parse access token",
            with_error_data=False,
        )
    if token.expires_at is not None and token.expires_at <= now:
        raise GraphError(
            190,
            message="Error validating access token: Session has expired.",
            subcode=463,
            with_error_data=False,
        )
    return token


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """What Graph expects as `appsecret_proof`: HMAC-SHA256 of the token keyed with the app
    secret, in hex."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def check_appsecret_proof(token: Token, app: App | None, params: MutableMapping[str, Any]) -> None:
    """Graph checks an `appsecret_proof` parameter whenever one is sent, and requires one from
    apps that enabled "Require app secret"; both errors are code 100 GraphMethodException."""
    proof = params.pop("appsecret_proof", None)
    if proof is None:
        if app is not None and app.require_appsecret_proof:
            raise _proof_error("API calls from the server require an appsecret_proof argument")
        return
    expected = appsecret_proof(app.secret, token.value) if app is not None else ""
    if not (isinstance(proof, str) and expected and hmac.compare_digest(proof.lower(), expected)):
        raise _proof_error("Invalid appsecret_proof provided in the API argument")


def _proof_error(message: str) -> GraphError:
    return GraphError(100, message=message, error_type=GRAPH_METHOD, with_error_data=False)


def require_scope(token: Token, scope: str) -> None:
    """Meta answers a missing messaging permission with code 10 and others with code 200; an
    operation for app tokens only, called with another token, with code 15."""
    if scope in token.scopes:
        return
    if scope == SCOPE_APP_TOKEN:
        if token.kind == TOKEN_APP:
            return
        raise GraphError(
            15,
            message="(#15) This method must be called with an app access_token.",
            with_error_data=False,
        )
    if scope == SCOPE_MESSAGING:
        raise GraphError(
            10,
            message="(#10) Application does not have permission for this action",
            details=f"The access token lacks the {scope} permission.",
        )
    raise GraphError(
        200,
        message=f"(#200) Requires {scope} permission to manage the object",
        with_error_data=False,
    )
