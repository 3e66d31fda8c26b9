"""POST /{waba_id}/upsert_message_templates: an authentication template in several languages
at once, each language created or, when the WABA has it already, edited."""

from __future__ import annotations

from typing import Any

from wamm.core.errors import invalid_parameter
from wamm.core.model import Template, Waba
from wamm.core.templates import TemplateSpec
from wamm.core.templates.upsert import parse_upsert
from wamm.service import templates
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime


async def upsert(call: GraphCall, waba: Waba) -> dict[str, Any]:
    specs = parse_upsert(call.params)
    rt = call.rt
    for spec in specs:  # a category clash is found before any language is written
        _existing(rt, waba, spec)
    written = [await _write(call, waba, spec) for spec in specs]
    return {"data": [_result(template) for template in written]}


def _existing(rt: Runtime, waba: Waba, spec: TemplateSpec) -> Template | None:
    template = rt.catalog.templates_by_key.get((waba.id, spec.name, spec.language))
    if template is not None and template.category != spec.category:
        raise invalid_parameter(
            f"Template {spec.name} ({spec.language}) is {template.category}; "
            "upsert_message_templates updates only AUTHENTICATION templates."
        )
    return template


async def _write(call: GraphCall, waba: Waba, spec: TemplateSpec) -> Template:
    existing = _existing(call.rt, waba, spec)
    if existing is None:
        return await templates.add_template(call, waba, spec, templates.review_status(call.rt))
    edit = {
        "components": spec.components,
        "message_send_ttl_seconds": spec.message_send_ttl_seconds,
    }
    return await templates.apply_edit(call, existing, edit)


def _result(template: Template) -> dict[str, Any]:
    return {
        "id": template.id,
        "status": template.status,
        "language": template.language,
        "category": template.category,
    }
