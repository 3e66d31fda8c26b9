"""What a simulated user does with a message beyond its statuses, decided with its plan: a
per-user marketing limit hit, a click on its URL button, a marketing opt-out.

The draws come from a stream of the message's own (seed, sequence number, "reactions"), apart
from the status plan's, so that users whose behaviour has none of these probabilities plan
exactly the statuses they did before, and the same seed and requests give the same reactions.
"""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.core.recipients import Behaviour, Delay, Draws, PlannedEvent

# Meta tracks Marketing Messages clicks for 7 days after the send (MM-CLICK); template
# analytics count clicks for as long.
CLICK_WINDOW_SECONDS = 7 * 86400.0
DEFAULT_CLICK_DELAY = Delay(distribution="lognormal", median=30.0, sigma=1.0)
DEFAULT_OPT_OUT_DELAY = Delay(distribution="lognormal", median=60.0, sigma=1.0)
_STREAM = b":reactions"


class Reactions(msgspec.Struct, frozen=True):
    click_at: float | None = None  # the user clicks the message's URL button
    stop_at: float | None = None  # the user stops marketing messages from the business


def draws(seed: int, seq: int) -> Draws:
    return Draws(seed, seq, _STREAM)


def hits_marketing_limit(behaviour: Behaviour, rng: Draws) -> bool:
    """Whether this marketing send finds the user at Meta's per-user marketing limit (131049);
    the first draw of the stream, made only for sends subject to the limit."""
    probability = behaviour.marketing_limit_probability
    return probability > 0 and rng.random() < probability


def plan_reactions(
    behaviour: Behaviour,
    events: list[PlannedEvent],
    *,
    sent_at: float,
    marketing: bool,
    url_button: bool,
    rng: Draws,
) -> Reactions | None:
    """Click and opt-out of a message whose planned events are `events`: both follow its read
    (a user acts on what they have seen). None when the user does neither."""
    if behaviour.click_probability == 0 and behaviour.opt_out_probability == 0:
        return None
    read_at = next((event.at for event in events if event.status == "read"), None)
    if read_at is None:
        return None
    # Both draws are always made, so a change to one probability leaves the other's outcome.
    clicks = rng.random() < behaviour.click_probability
    stops = rng.random() < behaviour.opt_out_probability
    click_at = stop_at = None
    if clicks and url_button:
        at = read_at + (behaviour.click_delay or DEFAULT_CLICK_DELAY).sample(rng)
        click_at = at if at <= sent_at + CLICK_WINDOW_SECONDS else None
    if stops and marketing:
        stop_at = read_at + (behaviour.opt_out_delay or DEFAULT_OPT_OUT_DELAY).sample(rng)
    if click_at is None and stop_at is None:
        return None
    return Reactions(click_at=click_at, stop_at=stop_at)


def click_action(
    at: float, click_id: str, tracking_token: str | None, component: str = "cta"
) -> dict[str, Any]:
    """The `user_actions[]` entry of a click on a marketing message's link (MM-CLICK:
    `marketing_messages_link_click`; `click_component` "cta" for the call-to-action button,
    "body" for a link in the body)."""
    click: dict[str, Any] = {"click_component": component, "click_id": click_id}
    if tracking_token is not None:
        click["tracking_token"] = tracking_token
    return {
        "action_type": "marketing_messages_link_click",
        "timestamp": str(int(at)),
        "marketing_messages_link_click_data": click,
    }
