"""`wamm webhooks listen` as an app's callback: which app, which URL, and the callback to put
back when the receiver stops."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from typing import Any

from wamm.cli.common import CommandError, UsageError
from wamm.client.control import Control

# Listening on every interface: wamm reaches the receiver through loopback.
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def receiver_url(host: str, port: int) -> str:
    """The URL wamm posts to for a receiver listening on `host`:`port`."""
    host = _ANY_ADDRESS.get(host, host)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}/"
    return f"http://[{literal}]:{port}/" if literal.version == 6 else f"http://{host}:{port}/"


def new_verify_token() -> str:
    """A verify token nobody has to choose: the receiver and wamm are told the same one."""
    return secrets.token_urlsafe(12)


def choose_app(control: Control, app_id: str | None) -> dict[str, Any]:
    """The app (as `GET /_wamm/state` shows it) whose callback the receiver becomes: the one
    named, or the only one."""
    apps: list[dict[str, Any]] = control.state()["apps"]
    ids = ", ".join(app["id"] for app in apps)
    if app_id is not None:
        for app in apps:
            if app["id"] == app_id:
                return app
        raise UsageError(
            f"wamm has no app {app_id} (its apps: {ids or 'none'})", param_hint="--app-id"
        )
    if len(apps) == 1:
        return apps[0]
    if not apps:
        raise CommandError("wamm has no app to receive webhooks for: seed one (docs/seed.md)")
    raise UsageError(f"wamm has {len(apps)} apps ({ids}): choose one with --app-id")


@dataclass(frozen=True)
class Registration:
    """The receiver as `app`'s callback on a wamm server, and what to restore."""

    control: Control
    app: dict[str, Any]
    url: str
    verify_token: str

    def register(self) -> None:
        """Make the receiver the app's callback (wamm's handshake reaches it: it must serve)."""
        self.control.set_webhook(self.app["id"], self.url, self.verify_token)

    def restore(self) -> str:
        """Put the app's previous callback back (without a handshake: its receiver may be
        down), or remove the receiver's; says what it did."""
        previous = self.app["webhook"]
        if previous is None:
            self.control.set_webhook(self.app["id"], None)
            return f"removed the callback of app {self.app['id']}"
        self.control.set_webhook(
            self.app["id"], previous["url"], previous["verify_token"] or "", verify=False
        )
        return f"restored the callback of app {self.app['id']}: {previous['url']}"
