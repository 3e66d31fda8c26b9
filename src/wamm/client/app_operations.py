"""The SDK's app and token operations: app access tokens, the app's webhook subscription and
`debug_token`. `Client` and `AsyncClient` expose each as a method (see `api`)."""

from __future__ import annotations

from collections.abc import Sequence

from wamm.client.models import AppAccessToken, AppSubscription, Page, Success, TokenDebug
from wamm.client.transport import Call, decoder

WABA_OBJECT = "whatsapp_business_account"


def app_access_token(app_id: str, app_secret: str) -> Call[AppAccessToken]:
    """The app access token (`{app_id}|{app_secret}`) for the app's credentials; the client's
    own token is not needed."""
    params = {"grant_type": "client_credentials", "client_id": app_id, "client_secret": app_secret}
    return Call("GET", "oauth/access_token", decoder(AppAccessToken), params=params)


def list_app_subscriptions(app_id: str, app_token: str) -> Call[Page[AppSubscription]]:
    """The app's webhook subscription (empty while it has no callback); needs the app access
    token (`app_access_token`)."""
    params = {"access_token": app_token}
    return Call("GET", f"{app_id}/subscriptions", decoder(Page[AppSubscription]), params=params)


def subscribe_app_webhooks(
    app_id: str, app_token: str, callback_url: str, verify_token: str, fields: Sequence[str]
) -> Call[Success]:
    """Make `callback_url` the app's webhook callback for `fields` (the callback must answer
    the `hub.challenge` handshake with `verify_token`; 2200 otherwise). The app then receives
    only those fields."""
    body = {
        "access_token": app_token,
        "object": WABA_OBJECT,
        "callback_url": callback_url,
        "verify_token": verify_token,
        "fields": ",".join(fields),
    }
    return Call("POST", f"{app_id}/subscriptions", decoder(Success), body=body)


def unsubscribe_app_webhooks(
    app_id: str, app_token: str, fields: Sequence[str] = ()
) -> Call[Success]:
    """Remove the app's webhook subscription, or only some of its `fields`."""
    params = {"access_token": app_token, "object": WABA_OBJECT}
    if fields:
        params["fields"] = ",".join(fields)
    return Call("DELETE", f"{app_id}/subscriptions", decoder(Success), params=params)


def debug_token(input_token: str) -> Call[TokenDebug]:
    """What `input_token` is and may do: type, app, expiry, validity, permissions and the WABAs
    each WhatsApp permission covers. An unknown or expired token answers `is_valid` false."""
    return Call("GET", "debug_token", decoder(TokenDebug), params={"input_token": input_token})
