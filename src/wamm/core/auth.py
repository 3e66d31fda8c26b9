"""Access tokens: validity, permissions (scopes) and which objects a token may touch."""

from __future__ import annotations

from wamm.core.errors import GraphError
from wamm.core.model import SCOPE_BUSINESS, SCOPE_MANAGEMENT, SCOPE_MESSAGING, Token

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


def require_scope(token: Token, scope: str) -> None:
    """Meta answers a missing messaging permission with code 10 and others with code 200."""
    if scope in token.scopes:
        return
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
