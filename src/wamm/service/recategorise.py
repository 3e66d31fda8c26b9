"""Meta's automated recategorisation of an approved template: `template_category_update`
announces it 24 hours ahead (`correct_category`, `category_update_timestamp`), then the change
itself follows with its own `template_category_update`.

Both webhooks are queued when the change is announced, the second with the change's time as
its due time on the outbox. The webhook dispatcher applies the change when that time comes
(`template_clock`); a send or read that comes first applies it then: a template with a change
ahead carries `category_update_at`, so sends of the others only test that one field.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from wamm.core import webhooks
from wamm.core.model import Template
from wamm.core.webhook_wire import Field
from wamm.service import events
from wamm.service.runtime import Runtime

NOTICE_SECONDS = 24 * 3600


async def announce(rt: Runtime, template: Template, category: str) -> Template:
    now = rt.now()
    at = now + NOTICE_SECONDS
    updated = msgspec.structs.replace(
        template, correct_category=category, category_update_at=at, updated_at=now
    )
    await _store(rt, updated)
    changed = msgspec.structs.replace(updated, category=category)
    for value, when in (
        (webhooks.template_category_notice_value(updated, at), now),
        (webhooks.template_category_value(changed, template.category, category), at),
    ):
        await events.emit(rt, template.waba_id, Field.TEMPLATE_CATEGORY, value, at=when)
    return updated


async def current(rt: Runtime, template: Template) -> Template:
    """The template with its announced change applied once that change is due."""
    due = template.category_update_at
    if due is None or rt.now() < due or template.correct_category is None:
        return template
    changed = msgspec.structs.replace(
        template,
        category=template.correct_category,
        previous_category=template.category,
        correct_category=None,
        category_update_at=None,
        updated_at=due,
    )
    await _store(rt, changed)
    return changed


async def apply_due(rt: Runtime, templates: Iterable[Template]) -> None:
    for template in [t for t in templates if t.category_update_at is not None]:
        await current(rt, template)


async def _store(rt: Runtime, template: Template) -> None:
    await rt.store.write([template])
    rt.catalog.put(template)
