"""Template pacing (Meta's "Template pacing" page), as pure rules.

Meta may pace marketing and utility templates that are new, unpaused, or without a GREEN
quality rating: sends past a threshold are held (`message_status:
"held_for_quality_assessment"` in the send answer) until Meta has a quality signal, then
released (the usual statuses) or, when the template is paused for low quality, dropped
(a `failed` status with the pause's code). Meta does not pace every WABA, so wamm paces only
the WABAs seeded with `template_pacing: true`, and holds every send of a paced template (the
threshold is Meta's and unpublished; see decisions.md).

`paced` is a flag on the template, worked out here whenever the template changes, so a send
reads one boolean.
"""

from __future__ import annotations

from wamm.core.model import Template
from wamm.core.templates.sendable import UNSENDABLE_STATUSES

PACED_CATEGORIES = frozenset({"MARKETING", "UTILITY"})
HELD = "held_for_quality_assessment"
ACCEPTED = "accepted"
RELEASE = 0  # `held_outcome`: the held sends go out
TEMPLATE_GONE = 132001  # a held send whose template was deleted fails as a missing template


def may_be_paced(template: Template, pacing_on: bool) -> bool:
    return (
        pacing_on
        and template.status == "APPROVED"
        and template.category in PACED_CATEGORIES
        and template.quality_score != "GREEN"
    )


def paced_after(previous: Template | None, updated: Template, pacing_on: bool) -> bool:
    """Whether `updated` is paced: a template that becomes APPROVED (created, unpaused) or
    is approved with new content (edited) starts paced when it may be; a GREEN rating ends
    pacing; otherwise nothing changes."""
    approved_now = updated.status == "APPROVED" and (
        previous is None
        or previous.status != "APPROVED"
        or previous.components != updated.components
    )
    if approved_now:
        return may_be_paced(updated, pacing_on)
    return previous is not None and previous.paced and may_be_paced(updated, pacing_on)


def held_outcome(previous: Template | None, updated: Template) -> int | None:
    """What happens to the sends `previous` held: RELEASE (still APPROVED), the error code
    they fail with (132015 paused, 132016 disabled, 132001 for a template gone), or None
    (they stay held)."""
    if previous is None or not previous.paced or updated.paced:
        return None
    if updated.status == "APPROVED":
        return RELEASE
    return UNSENDABLE_STATUSES.get(updated.status, TEMPLATE_GONE)


def send_status(template: Template) -> str:
    """The `message_status` of a template send's answer."""
    return HELD if template.paced else ACCEPTED
