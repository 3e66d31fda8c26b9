"""The inspector's guard: the admin token asked once and kept as a session cookie, CSRF checks
on every state-changing request, and the headers every page carries.

The session cookie holds an HMAC of the admin token, never the token itself, so it is valid in
every server process sharing the token and stops working when the token changes. CSRF uses a
double-submitted random value: an HttpOnly cookie and the same value in each form (or the
`X-CSRF-Token` header htmx sends), plus a same-origin check of the `Origin` header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

UI_PATH = "/_wamm/ui"
SESSION_COOKIE = "wamm_inspector_session"
CSRF_COOKIE = "wamm_inspector_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_SALT = b"wamm inspector session"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # "no-referrer" would make forms send `Origin: null`
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def admin_token(request: Request) -> str | None:
    token: str | None = request.app.state.admin_token
    return token or None


def session_value(token: str) -> str:
    return hmac.new(token.encode(), SESSION_SALT, hashlib.sha256).hexdigest()


def signed_in(request: Request) -> bool:
    """True without an admin token, else when the session cookie matches it."""
    token = admin_token(request)
    if token is None:
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def token_accepted(request: Request, given: str) -> bool:
    token = admin_token(request)
    return token is not None and hmac.compare_digest(given.encode(), token.encode())


def _cookie(response: Response, request: Request, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        path=UI_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def start_session(response: Response, request: Request, token: str) -> None:
    _cookie(response, request, SESSION_COOKIE, session_value(token))


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=UI_PATH)


def csrf_token(request: Request) -> str:
    """The request's CSRF value: its cookie's, or a new one `secure` sets on the response."""
    current = request.cookies.get(CSRF_COOKIE)
    if current:
        return current
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = request.state.new_csrf = secrets.token_urlsafe(32)
    return fresh


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def csrf_valid(request: Request, submitted: str | None) -> bool:
    """The form's (or header's) value matches the cookie, from a page of this server."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = submitted or request.headers.get(CSRF_HEADER, "")
    return (
        bool(expected)
        and hmac.compare_digest(given.encode(), expected.encode())
        and _same_origin(request)
    )


def secure(response: Response, request: Request) -> Response:
    """Add the security headers, and the CSRF cookie when this request created the value."""
    response.headers.update(SECURITY_HEADERS)
    fresh = getattr(request.state, "new_csrf", None)
    if fresh:
        _cookie(response, request, CSRF_COOKIE, fresh)
    return response
