"""Template changes Meta makes as time passes, run by the webhook dispatcher between claims
(never on the send path, which stays free of any extra store round trip):

- an announced recategorisation (`recategorise.announce`) is applied once its
  `category_update_timestamp` comes due, whether or not the template is sent or read;
- an APPROVED template of a WABA with auto-archival on (seed `template_auto_archival_enabled`,
  Meta's WABA field of that name; on by default as at Meta) that has not been sent for
  `ARCHIVE_AFTER_SECONDS` becomes ARCHIVED, announced by `message_template_status_update` with
  event ARCHIVED (Meta's template management page: templates unused for 12 months are archived;
  the webhook reference lists archival among its triggers).

A template's last use is read from the stored messages, and only for templates already past the
period by their own times (created, last updated): most checks cost nothing. The check runs
when virtual time has moved `CHECK_EVERY_SECONDS` since the last one (or moved back: a reset),
and at the due time of the next announced recategorisation (announced 24 hours ahead, so a
check has seen it before it comes due): the change is applied at its timestamp.
"""

from __future__ import annotations

import math

from wamm.core.model import Template
from wamm.service import recategorise, templates
from wamm.service.runtime import Runtime
from wamm.store.base import MessageQuery

ARCHIVE_AFTER_SECONDS = 365 * 86_400
CHECK_EVERY_SECONDS = 60.0
_LAST_USE_PAGE = 1000  # the newest messages of the template's name looked at for its last send


class TemplateClock:
    """One dispatcher's view of when templates were last checked and last sent."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._checked_at = -math.inf
        self._last_use: dict[str, float] = {}  # template id -> its newest send found
        self._next_category_update = math.inf

    def due(self) -> bool:
        now = self.rt.now()
        moved = abs(now - self._checked_at) >= CHECK_EVERY_SECONDS
        return moved or self._next_category_update <= now

    async def run(self) -> None:
        """Apply what came due; several processes sharing a store take turns."""
        now = self.rt.now()
        if now < self._checked_at:
            self._last_use.clear()  # the clock went back (a reset): forget what was seen
        self._checked_at = now
        self._next_category_update = math.inf
        async with self.rt.store.exclusive("wamm-template-clock"):
            catalog = list(self.rt.catalog.templates.values())
            await recategorise.apply_due(
                self.rt, [t for t in catalog if (t.category_update_at or math.inf) <= now]
            )
            for template_id in [t.id for t in catalog]:
                template = self.rt.catalog.templates.get(template_id)
                if template is not None and await self._unused(template, now):
                    await templates.archive(self.rt, template)
            # Only times ahead: one that stayed due (a failed change) waits for the next check
            # instead of making the dispatcher spin.
            pending = (t.category_update_at for t in self.rt.catalog.templates.values())
            self._next_category_update = min(
                (at for at in pending if at is not None and at > now), default=math.inf
            )

    async def _unused(self, template: Template, now: float) -> bool:
        waba = self.rt.catalog.wabas.get(template.waba_id)
        if template.status != "APPROVED" or waba is None or not waba.template_auto_archival:
            return False
        since = max(template.created_at, template.updated_at, self._last_use.get(template.id, 0.0))
        if since + ARCHIVE_AFTER_SECONDS > now:
            return False
        last = await self._last_send(template)
        if last is not None:
            self._last_use[template.id] = last
        return (last or since) + ARCHIVE_AFTER_SECONDS <= now

    async def _last_send(self, template: Template) -> float | None:
        query = MessageQuery(template=template.name, limit=_LAST_USE_PAGE)
        sent = await self.rt.store.list_messages(query)
        return next((m.created_at for m in sent if m.template_id == template.id), None)
