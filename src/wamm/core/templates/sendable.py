"""Whether a template can be sent, and how long its messages stay deliverable.

Only an APPROVED template is sent. A PAUSED one (low quality) answers 132015 and a DISABLED one
132016; any other status (PENDING, REJECTED, ...) is answered as a template the WABA lacks,
132001. A message's validity period is the template's `message_send_ttl_seconds`, or Meta's
default for its category (30 days for marketing, facts §3.4); `recipients.plan_delivery`
applies it on the MM route only.
"""

from __future__ import annotations

from wamm.core.errors import GraphError
from wamm.core.model import Template

UNSENDABLE_STATUSES = {"PAUSED": 132015, "DISABLED": 132016}
_KNOWN_STATUSES = frozenset({"APPROVED", *UNSENDABLE_STATUSES})
DEFAULT_TTL_SECONDS = {"MARKETING": 30 * 86_400}


def sendable(template: Template | None, name: str, language: str) -> Template:
    """`template` (the WABA's of that name and language, if any), if it can be sent."""
    if template is None or template.status not in _KNOWN_STATUSES:
        raise GraphError(132001, f"template name ({name}) does not exist in {language}")
    if template.status in UNSENDABLE_STATUSES:
        raise GraphError(UNSENDABLE_STATUSES[template.status])
    return template


def ttl_seconds(template: Template | None) -> int | None:
    """The validity period of a message of `template` (None: not a template, or no limit)."""
    if template is None:
        return None
    return template.message_send_ttl_seconds or DEFAULT_TTL_SECONDS.get(template.category)
