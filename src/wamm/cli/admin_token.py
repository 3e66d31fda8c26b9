"""Which admin token guards the control API of `wamm serve`.

The control API can wipe every tenant's data and lists every access token: left open, it is
safe only where nobody else can reach it. On a loopback address it stays open unless a token
is given (the newcomer's case); on any other address without one, a token is generated and
printed in the banner. A placeholder copied from an example is refused."""

from __future__ import annotations

import ipaddress
import secrets

from wamm.cli.common import UsageError

# Values copied from examples and compose files rather than chosen.
PLACEHOLDERS = frozenset(
    {"change-me", "changeme", "change_me", "changeit", "replace-me", "your-token"}
    | {"secret", "password", "admin", "token", "xxx", "todo"}
)


def control_token(bound_address: str, given: str | None) -> tuple[str | None, bool]:
    """The admin token to require (None: the control API is open) and whether it was
    generated here. `UsageError` for a placeholder token."""
    if given:
        if given.strip().lower() in PLACEHOLDERS:
            message = f"{given!r} is a placeholder: choose a secret of your own"
            raise UsageError(message, param_hint="--admin-token")
        return given, False
    if ipaddress.ip_address(bound_address).is_loopback:
        return None, False
    return secrets.token_urlsafe(24), True
