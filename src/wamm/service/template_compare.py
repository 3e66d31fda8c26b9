"""GET /{template_id}/compare: the target template against one other of its WABA, counted
from the messages wamm stored."""

from __future__ import annotations

from collections import Counter
from typing import Any

from wamm.core.analytics.billing import event_time
from wamm.core.analytics.compare import compare_body, parse_compare_query
from wamm.core.errors import invalid_parameter
from wamm.core.model import Template
from wamm.service.call import GraphCall


async def compare(call: GraphCall, template: Template) -> dict[str, Any]:
    rt = call.rt
    query = parse_compare_query(template.id, call.params)
    other_id = query.template_ids[1]
    other = rt.catalog.templates.get(other_id)
    if other is None or other.status == "DELETED" or other.waba_id != template.waba_id:
        raise invalid_parameter(
            f"Param template_ids: {other_id} is not a template of the WhatsApp Business "
            f"Account of template {template.id}; both templates must be in the same account."
        )
    now = rt.now()
    messages = await rt.store.messages_between(template.waba_id, query.start, query.end)
    sends = Counter(
        m.template_id
        for m in messages
        if m.template_id in query.template_ids and event_time(m, "sent", now) is not None
    )
    return compare_body(query.template_ids, {t: sends[t] for t in query.template_ids})
