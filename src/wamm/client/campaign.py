"""`send_campaign`: one template to many recipients, concurrently, within the rate limit.

A campaign is a job like any call: its program gathers one send program per recipient, so the
same code runs on threads under `Client` and on asyncio tasks under `AsyncClient`. Each send
goes through the client's rate limiter, retries and idempotency guard; a failure is recorded
for its recipient and never stops the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wamm.client.errors import WhatsAppError
from wamm.client.models import SendResult
from wamm.client.operations import get_waba, send_marketing, send_template
from wamm.client.parameters import SendComponentLike, TemplateMessage
from wamm.client.transport import Engine, Gather, Program, SendCall, Settled
from wamm.core.model import ROUTE_CLOUD, ROUTE_MM
from wamm.core.phones import is_bsuid
from wamm.core.sending import POLICY_STRICT


@dataclass(frozen=True)
class CampaignRecipient:
    """One recipient: a phone number (`to`) or a BSUID (`recipient`), optionally with its own
    template values and callback data."""

    to: str | None = None
    recipient: str | None = None
    components: Sequence[SendComponentLike] | None = None
    biz_opaque_callback_data: str | None = None

    @property
    def address(self) -> str:
        """The phone number or BSUID."""
        return self.to or self.recipient or ""

    @classmethod
    def of(cls, value: str | CampaignRecipient) -> CampaignRecipient:
        """A recipient from a phone number or BSUID string."""
        if isinstance(value, CampaignRecipient):
            return value
        return cls(recipient=value) if is_bsuid(value) else cls(to=value)


@dataclass(frozen=True)
class RecipientResult:
    """What happened to one recipient's send: accepted (with wamid and route, when known),
    or the error."""

    recipient: str
    accepted: bool
    wamid: str | None = None
    route: str | None = None
    error: WhatsAppError | None = None


@dataclass(frozen=True)
class CampaignSummary:
    """Counts: accepted and failed sends, accepted sends by route, failures by error class."""

    total: int
    accepted: int
    failed: int
    routes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CampaignReport:
    """Per-recipient results, in the order given, and their summary."""

    results: list[RecipientResult]
    summary: CampaignSummary

    def failures(self) -> list[RecipientResult]:
        """The results that were not accepted."""
        return [result for result in self.results if not result.accepted]


def summarize(results: Sequence[RecipientResult]) -> CampaignSummary:
    """Count a campaign's results."""
    accepted = [r for r in results if r.accepted]
    routes = Counter(r.route or "unknown" for r in accepted)
    errors = Counter(type(r.error).__name__ for r in results if r.error is not None)
    return CampaignSummary(
        total=len(results),
        accepted=len(accepted),
        failed=len(results) - len(accepted),
        routes=dict(routes),
        errors=dict(errors),
    )


@dataclass(frozen=True)
class Campaign:
    """The job `send_campaign` describes."""

    phone_number_id: str
    template: TemplateMessage
    recipients: tuple[CampaignRecipient, ...]
    marketing: bool = True
    product_policy: str | None = None
    message_activity_sharing: bool | None = None
    bid_multiplier: float | None = None
    concurrency: int = 8
    campaign_id: str | None = None
    waba_id: str | None = None

    def program(self, engine: Engine) -> Program[CampaignReport]:
        """Look up the route if needed, then send to everyone and collect the results."""
        onboarding = None
        if self.waba_id is not None and self._route(None) is None:
            fields = ("marketing_messages_onboarding_status",)
            waba = yield from get_waba(self.waba_id, fields).program(engine)
            onboarding = waba.marketing_messages_onboarding_status
        sends = tuple(self._send(engine, recipient) for recipient in self.recipients)
        settled: list[Settled[SendResult]] = yield Gather(sends, self.concurrency)
        route = self._route(onboarding)
        results = [
            self._result(recipient, outcome, route)
            for recipient, outcome in zip(self.recipients, settled, strict=True)
        ]
        return CampaignReport(results, summarize(results))

    def _route(self, onboarding: str | None) -> str | None:
        """Where accepted messages go: /messages always uses the Cloud API; STRICT never falls
        back; otherwise it depends on the WABA's onboarding (None: unknown)."""
        if not self.marketing:
            return ROUTE_CLOUD
        if (self.product_policy or "").upper() == POLICY_STRICT:
            return ROUTE_MM
        if onboarding is None:
            return None
        return ROUTE_MM if onboarding == "ONBOARDED" else ROUTE_CLOUD

    def _send(self, engine: Engine, recipient: CampaignRecipient) -> Program[SendResult]:
        call = self._call(recipient)  # a recipient Meta would reject fails here, alone
        return (yield from call.program(engine))

    def _call(self, recipient: CampaignRecipient) -> SendCall:
        template = self.template
        if recipient.components is not None:
            template = TemplateMessage(template.name, template.language, recipient.components)
        addressing: dict[str, Any] = {
            "to": recipient.to,
            "recipient": recipient.recipient,
            "biz_opaque_callback_data": recipient.biz_opaque_callback_data,
            "idempotency_key": f"{self.campaign_id}:{recipient.address}"
            if self.campaign_id
            else None,
        }
        if not self.marketing:
            return send_template(self.phone_number_id, template, **addressing)
        return send_marketing(
            self.phone_number_id,
            template,
            product_policy=self.product_policy,
            message_activity_sharing=self.message_activity_sharing,
            bid_multiplier=self.bid_multiplier,
            **addressing,
        )

    @staticmethod
    def _result(
        recipient: CampaignRecipient, outcome: Settled[SendResult], route: str | None
    ) -> RecipientResult:
        if outcome.error is not None:
            if not isinstance(outcome.error, WhatsAppError):
                raise outcome.error
            return RecipientResult(recipient.address, accepted=False, error=outcome.error)
        assert outcome.value is not None
        return RecipientResult(recipient.address, True, wamid=outcome.value.wamid, route=route)


def send_campaign(
    phone_number_id: str,
    template: TemplateMessage,
    recipients: Iterable[str | CampaignRecipient],
    *,
    marketing: bool = True,
    product_policy: str | None = None,
    message_activity_sharing: bool | None = None,
    bid_multiplier: float | None = None,
    concurrency: int = 8,
    campaign_id: str | None = None,
    waba_id: str | None = None,
) -> Campaign:
    """Send `template` to every recipient (phone numbers or BSUIDs), `concurrency` at a time
    within the client's rate limit; returns a `CampaignReport`.

    `marketing` sends through /marketing_messages (else /messages). `campaign_id` makes the
    campaign idempotent: each recipient's send is keyed `campaign_id:recipient`, so running the
    campaign again on the same client sends only to recipients not yet accepted. With `waba_id`
    the WABA's onboarding status is read once so each result's `route` is known.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    return Campaign(
        phone_number_id,
        template,
        tuple(CampaignRecipient.of(r) for r in recipients),
        marketing=marketing,
        product_policy=product_policy,
        message_activity_sharing=message_activity_sharing,
        bid_multiplier=bid_multiplier,
        concurrency=concurrency,
        campaign_id=campaign_id,
        waba_id=waba_id,
    )
