"""A small blocking client of wamm's control API (`/_wamm/...`, see docs/control-api.md)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import httpx

from wamm.core.versions import split_api_version

CONTROL_TIMEOUT = 30.0
PAGE_LIMIT = 1000
AUDIENCE_PAGE = 10_000  # numbers per page of /_wamm/audiences/{name}/numbers


class ControlError(Exception):
    """The control API answered with an error (`status_code`, raw `body`), or could not be
    reached (`status_code` 0)."""

    def __init__(self, message: str, *, status_code: int = 0, body: bytes = b"") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class Control:
    """Calls to one wamm server's control API. Calling the object itself is the generic call:
    `control("POST", "/inbound", json={...})` returns the decoded JSON answer.

    `base_url` is the server's root; a Graph base URL (`.../v25.0`) is taken as its root.
    `admin_token` is sent as a bearer token (servers started with `--admin-token`).
    """

    def __init__(
        self,
        base_url: str,
        *,
        admin_token: str | None = None,
        timeout: float = CONTROL_TIMEOUT,
    ) -> None:
        self.base_url = split_api_version(base_url)[0].rstrip("/")
        self._headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self._timeout = timeout

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        """`method /_wamm{path}`; raises `ControlError` unless the answer is a 2xx."""
        url = f"{self.base_url}/_wamm{path}"
        try:
            response = httpx.request(
                method, url, headers=self._headers, timeout=self._timeout, **kwargs
            )
        except httpx.TransportError as error:
            raise ControlError(f"{method} {url} failed: {error!r}") from error
        if not response.is_success:
            message = f"{method} {url} answered {response.status_code}: {response.text}"
            raise ControlError(message, status_code=response.status_code, body=response.content)
        return response.json()

    def health(self) -> bool:
        """Whether the server answers `GET /_wamm/health`."""
        try:
            self("GET", "/health")
        except ControlError:
            return False
        return True

    def state(self) -> dict[str, Any]:
        """Settings, businesses, WABAs, phone numbers, apps and tokens."""
        state: dict[str, Any] = self("GET", "/state")
        return state

    def reset(self, seed: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Replace the whole state by `seed` (None: an empty state) in one step; a seed the
        server refuses changes nothing."""
        answer: dict[str, Any] = self("POST", "/reset", json=seed)
        return answer

    def seed(self, seed: Mapping[str, Any]) -> dict[str, Any]:
        """Upsert `seed`; returns `{"success": true, "applied": {...}}`."""
        answer: dict[str, Any] = self("POST", "/seed", json=seed)
        return answer

    def clock(self) -> dict[str, Any]:
        """`{"mode": ..., "now": ...}`."""
        clock: dict[str, Any] = self("GET", "/clock")
        return clock

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the virtual clock forward; what is due fires (webhooks are queued)."""
        answer: dict[str, Any] = self("POST", "/clock/advance", json={"seconds": seconds})
        return answer

    def drain(self, timeout: float = 20.0) -> dict[str, int]:
        """Wait until every due webhook is delivered or rescheduled; the outbox by state."""
        answer = self("POST", "/webhooks/drain", json={"timeout": timeout})
        summary: dict[str, int] = answer["summary"]
        return summary

    def settle(self, seconds: float) -> dict[str, int]:
        """`advance(seconds)`, then `drain()`: everything due by then is delivered."""
        self.advance(seconds)
        return self.drain()

    def messages(self, **filters: str) -> list[dict[str, Any]]:
        """Every stored message (newest first), following the cursor; `filters` are the
        listing's (`recipient`, `route`, `status`, `phone_number_id`, `wamid`)."""
        return self._every("/messages", filters)

    def message(self, wamid: str) -> dict[str, Any]:
        """One stored message: route, pricing category, status, payload..."""
        message: dict[str, Any] = self("GET", f"/messages/{wamid}")
        return message

    def click(self, wamid: str, component: str = "cta") -> dict[str, Any]:
        """The recipient clicks a link of a delivered marketing message: its CTA button
        (`cta`) or a link in the body (`body`). Returns the `user_actions` entry of the
        webhook."""
        answer: dict[str, Any] = self(
            "POST", f"/messages/{wamid}/click", json={"component": component}
        )
        return answer

    def conversion(
        self, wamid: str, conversion_type: str, value: float | None = None
    ) -> dict[str, Any]:
        """The recipient converts after clicking the message's link: `conversion_type` is one
        of Meta's conversion metric names (`WEBSITE_PURCHASES`, `APP_ADD_TO_CART`, ...),
        `value` a purchase's value in the WABA's currency. MM insights report it."""
        body = _given({"type": conversion_type, "value": value})
        answer: dict[str, Any] = self("POST", f"/messages/{wamid}/conversion", json=body)
        return answer

    def webhooks(self, **filters: str) -> list[dict[str, Any]]:
        """The webhook delivery log (newest first), following the cursor; `filters`: `state`,
        `wamid`, `app_id`, `field`."""
        return self._every("/webhooks", filters)

    def retry_webhooks(self, **filters: str) -> dict[str, Any]:
        """Re-queue the failed deliveries the filters select (`wamid`, `app_id`, `field`; none:
        every failed one): `{"success": true, "requeued": N}`."""
        answer: dict[str, Any] = self("POST", "/webhooks/retry", json=filters)
        return answer

    def page(self, path: str, limit: int, **filters: str) -> list[dict[str, Any]]:
        """The first `limit` items of a listing (`/messages`, `/webhooks`, `/users`)."""
        page: dict[str, Any] = self("GET", path, params={**filters, "limit": limit})
        items: list[dict[str, Any]] = page["data"]
        return items

    def users(self) -> list[dict[str, Any]]:
        """Every simulated user wamm knows (phone, country, BSUID, behaviour)."""
        return self._every("/users", {})

    def audiences(self) -> list[dict[str, Any]]:
        """The generated audiences, each with every setting (defaults filled in)."""
        listed: list[dict[str, Any]] = self("GET", "/audiences")["data"]
        return listed

    def set_audiences(self, audiences: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Replace every generated audience by `audiences` (each as the seed's `audiences[]`:
        `name`, `size`, `prefix` and the shares and distributions); returns them as stored."""
        answer: list[dict[str, Any]] = self("PUT", "/audiences", json={"audiences": audiences})[
            "data"
        ]
        return answer

    def audience_numbers(self, name: str, limit: int | None = None) -> list[str]:
        """The phone numbers of the audience `name` in member order: all of them, or the first
        `limit` (what a campaign sends to)."""
        numbers: list[str] = []
        params: dict[str, Any] = {}
        while limit is None or len(numbers) < limit:
            wanted = AUDIENCE_PAGE if limit is None else min(AUDIENCE_PAGE, limit - len(numbers))
            page = self("GET", f"/audiences/{name}/numbers", params={**params, "limit": wanted})
            numbers.extend(page["data"])
            after = (page.get("paging") or {}).get("cursors", {}).get("after")
            if not after:
                break
            params["after"] = after
        return numbers

    def inbound(
        self,
        phone_number_id: str,
        sender: str,
        text: str = "Hello",
        *,
        message_type: str = "text",
        content: dict[str, Any] | list[Any] | None = None,
        data: bytes | None = None,
        context: str | None = None,
        referral: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The user `sender` sends a message to the business number: the customer-service
        window opens and an inbound `messages` webhook is queued. `text` for a text message;
        otherwise `message_type` and its object as `content` (as Meta's webhook carries it),
        with a media file's bytes as `data`; `context` is the wamid of the business message
        replied to. `message_type="system"` changes the user's BSUID. `referral` (Meta's
        object: `source_url`, `source_id`, `source_type`, `headline`, `ctwa_clid`, ...) sends
        it from a click-to-WhatsApp ad or a post's button: the business's answer within 24
        hours opens a 72-hour free entry point window (the answer's `entry_point`)."""
        body: dict[str, Any] = {
            "phone_number_id": phone_number_id,
            "from": sender,
            "type": message_type,
        }
        if message_type == "text":
            body["text"] = text
        elif content is not None or data is not None:
            body[message_type] = content if content is not None else {}
        if data is not None:
            body[message_type] = {**body[message_type], "data": base64.b64encode(data).decode()}
        if context is not None:
            body["context"] = {"id": context}
        if referral is not None:
            body["referral"] = dict(referral)
        answer: dict[str, Any] = self("POST", "/inbound", json=body)
        return answer

    def set_country(self, phone: str, country: str) -> dict[str, Any]:
        """The user's country (ISO 3166 alpha-2), which prices messages to it by Meta's
        per-country rules (e.g. `authentication_international`); answers the user."""
        answer: dict[str, Any] = self("POST", f"/users/{phone}", json={"country": country})
        return answer

    def marketing(self, phone: str, phone_number_id: str, *, stop: bool) -> dict[str, Any]:
        """The user stops (or resumes) marketing messages from that business number."""
        body = {"action": "stop" if stop else "resume", "phone_number_id": phone_number_id}
        answer: dict[str, Any] = self("POST", f"/users/{phone}/marketing", json=body)
        return answer

    def phone_quality(
        self,
        phone_number_id: str,
        *,
        quality_rating: str | None = None,
        messaging_limit_tier: str | None = None,
        event: str | None = None,
    ) -> dict[str, Any]:
        """Set the number's quality rating (GREEN, YELLOW, RED, UNKNOWN) and / or messaging
        limit tier; the `phone_number_quality_update` webhooks the change implies (FLAGGED,
        UNFLAGGED, DOWNGRADE, UPGRADE) are queued, or only `event` when given."""
        body = {
            "quality_rating": quality_rating,
            "messaging_limit_tier": messaging_limit_tier,
            "event": event,
        }
        answer: dict[str, Any] = self(
            "POST", f"/phone_numbers/{phone_number_id}/quality", json=_given(body)
        )
        return answer

    def system_error(
        self, phone_number_id: str, code: int, details: str | None = None
    ) -> dict[str, Any]:
        """A `messages` webhook with a system-level error (`value.errors`), e.g. 131000."""
        body = _given({"code": code, "details": details})
        answer: dict[str, Any] = self("POST", f"/phone_numbers/{phone_number_id}/errors", json=body)
        return answer

    def account_alert(
        self,
        waba_id: str,
        alert_type: str,
        *,
        alert_severity: str | None = None,
        alert_status: str | None = None,
        alert_description: str | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
    ) -> dict[str, Any]:
        """An `account_alerts` webhook (by default about the WABA's business portfolio,
        WARNING, ACTIVE)."""
        body = {
            "alert_type": alert_type,
            "alert_severity": alert_severity,
            "alert_status": alert_status,
            "alert_description": alert_description,
            "entity_type": entity_type,
            "entity_id": entity_id,
        }
        answer: dict[str, Any] = self("POST", f"/wabas/{waba_id}/account_alerts", json=_given(body))
        return answer

    def business_capability(self, waba_id: str, **capabilities: int | str) -> dict[str, Any]:
        """A `business_capability_update` to every WABA of the portfolio; `capabilities` are
        its keys (`max_daily_conversations_per_business="TIER_2K"`, ...). A messaging limit
        becomes the tier of the portfolio's numbers."""
        answer: dict[str, Any] = self(
            "POST", f"/wabas/{waba_id}/business_capability", json=capabilities
        )
        return answer

    def mm_terms(self, business_id: str, state: str = "signed") -> dict[str, Any]:
        """Move the portfolio's Marketing Messages terms (`not_started`, `request_sent`,
        `signed`): signing is the business accepting a partner's request, and sends an
        `MM_LITE_TERMS_SIGNED` account update for each of its WABAs."""
        body = {"state": state}
        answer: dict[str, Any] = self("POST", f"/businesses/{business_id}/mm_terms", json=body)
        return answer

    def accept_max_price_agreement(self, business_id: str) -> dict[str, Any]:
        """The signer accepts the portfolio's pending max price agreement (the link emailed
        by `POST /{business_id}/max_price_agreements`)."""
        path = f"/businesses/{business_id}/max_price_agreement"
        answer: dict[str, Any] = self("POST", path, json={})
        return answer

    def set_webhook(
        self, app_id: str, url: str | None, verify_token: str = "", *, verify: bool = True
    ) -> dict[str, Any]:
        """Give the app a callback: wamm runs the `hub.challenge` handshake first, unless
        `verify` is false (restoring a callback whose receiver may be down). `url` None
        removes the app's callback."""
        body: dict[str, Any] = {"url": url}
        if url is not None:
            body |= {"verify_token": verify_token, "verify": verify}
        answer: dict[str, Any] = self("POST", f"/apps/{app_id}/webhook", json=body)
        return answer

    def _every(self, path: str, filters: Mapping[str, str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {**filters, "limit": PAGE_LIMIT}
        while True:
            page = self("GET", path, params=params)
            items.extend(page["data"])
            after = (page.get("paging") or {}).get("cursors", {}).get("after")
            if not after or not page["data"]:
                return items
            params["after"] = after


def _given(body: dict[str, Any]) -> dict[str, Any]:
    """The body without its None values."""
    return {key: value for key, value in body.items() if value is not None}
