"""What an accepted message will go through, decided when it is sent: its planned status events
and, for every app subscribed to the WABA, the outbox rows that will announce them.

Both are committed with the message, so a restart loses nothing and the same seed and requests
give the same webhooks. The rows name their event only: `status_payloads` builds the payload
when a row is delivered, so the send path writes no payload bytes.
"""

from __future__ import annotations

from wamm.core import reactions
from wamm.core.analytics.template_report import template_info
from wamm.core.model import ROUTE_MM, Message, Template, User
from wamm.core.recipients import (
    Behaviour,
    SendContext,
    counts_toward_marketing_limit,
    message_rng,
    plan_delivery,
    subject_to_marketing_limit,
)
from wamm.core.templates.pacing import HELD
from wamm.core.templates.sendable import ttl_seconds
from wamm.core.webhook_wire import Field
from wamm.service.runtime import Runtime
from wamm.store.base import Delivery

DEFAULT_BEHAVIOUR = Behaviour()


async def _over_marketing_limit(rt: Runtime, user: User, now: float) -> bool:
    """Meta's per-user marketing cap, counted in the store so every process shares it."""
    limit = rt.settings.marketing_limit
    if limit is None:
        return False
    return limit.reached(await rt.store.count_marketing(user.phone, limit.window_start(now)))


async def plan(
    rt: Runtime,
    message: Message,
    user: User | None,
    template: Template | None,
    start: float | None = None,
) -> reactions.Reactions | None:
    """Decide the message's status events from `start` (default: when it was sent); flag
    whether it counts toward the marketing limit. A held send has none until released.
    Returns what the user will do with it besides (a click, an opt-out), if anything."""
    if message.status == HELD:
        return None
    now = message.created_at if start is None else start
    category = template.category if template else None
    subject = subject_to_marketing_limit(category, user is not None, message.in_window)
    behaviour = user.behaviour if user else DEFAULT_BEHAVIOUR
    reaction_draws = reactions.draws(rt.rng_seed, message.seq)
    over = subject and (
        reactions.hits_marketing_limit(behaviour, reaction_draws)
        or (user is not None and await _over_marketing_limit(rt, user, now))
    )
    context = SendContext(
        now=now,
        mm_route=message.route == ROUTE_MM,
        category=category,
        country=user.country if user else None,
        ttl_seconds=ttl_seconds(template),
        over_marketing_limit=over,
        marketing_stopped=user is not None and message.waba_id in user.marketing_stopped,
        blocked_by_business=user is not None and rt.is_blocked(message.phone_number_id, user.phone),
    )
    message.events = plan_delivery(
        behaviour, context, rt.settings.recipients, message_rng(rt.rng_seed, message.seq)
    )
    message.counts_marketing = counts_toward_marketing_limit(subject, message.events)
    return reactions.plan_reactions(
        behaviour,
        message.events,
        sent_at=now,
        marketing=category == "MARKETING",
        url_button=behaviour.click_probability > 0 and _has_url_button(template),
        rng=reaction_draws,
    )


def _has_url_button(template: Template | None) -> bool:
    return template is not None and template_info(template).url_button is not None


def status_deliveries(rt: Runtime, message: Message) -> list[Delivery]:
    """One row per (planned event, subscribed app), naming the event; no payload yet."""
    targets = rt.catalog.webhook_targets(message.waba_id, Field.MESSAGES)
    return [
        Delivery(
            app_id=app.id,
            waba_id=message.waba_id,
            field=Field.MESSAGES,
            value=b"",
            wamid=message.wamid,
            message_seq=message.seq,
            event_index=index,
            event_at=event.at,
            due_at=event.at,
            next_attempt_at=event.at,
        )
        for index, event in enumerate(message.events)
        for app, _ in targets
    ]
