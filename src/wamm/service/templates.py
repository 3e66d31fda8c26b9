"""Message templates: create, list, read, edit, delete, unpause and review decisions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from wamm.core.analytics.values import enum_words, parse_time
from wamm.core.coerce import as_str
from wamm.core.errors import GraphError, invalid_parameter, missing_parameter
from wamm.core.fields import page_request, paged_body, paginate
from wamm.core.model import CATEGORIES, TEMPLATE_STATUSES, Template, Waba
from wamm.core.onboarding import onboarding_status
from wamm.core.templates import (
    TemplateSpec,
    duplicate_error,
    limit_error,
    name_being_deleted_error,
    pacing,
    parse_create,
    parse_edit,
)
from wamm.core.templates.library import library_create_body
from wamm.service import events, held_sends, nodes, recategorise, uploads
from wamm.service.call import GraphCall
from wamm.service.runtime import Runtime

NAME_HOLD_SECONDS = 30 * 86400  # a deleted approved template's name is held for 30 days
NAME_HOLDING_STATUSES = ("APPROVED", "PAUSED")
MAX_DELETE_IDS = 100
SUMMARY_FIELDS = (
    "total_count",
    "message_template_count",
    "message_template_limit",
    "are_translations_complete",
)
REVIEW_DECISIONS = ("APPROVED", "REJECTED")
QUALITY_SCORES = ("GREEN", "YELLOW", "RED", "UNKNOWN")
ENUM_FILTERS = {
    "category": CATEGORIES,
    "quality_score": QUALITY_SCORES,
    "status": TEMPLATE_STATUSES,
}
UNPAUSED = {"title": "UNPAUSE", "description": "The template was unpaused and can be sent again."}
# Meta pauses a template whose quality turns RED: 3 hours, then 6 hours, then disables it.
PAUSES = (
    ("FIRST_PAUSE", "paused for 3 hours because its quality dropped to low"),
    ("SECOND_PAUSE", "paused for 6 hours because its quality dropped to low again"),
)


def review_status(rt: Runtime) -> str:
    return "APPROVED" if rt.settings.template_review == "auto" else "PENDING"


def _view(call: GraphCall, template: Template) -> dict[str, Any]:
    waba = call.rt.catalog.wabas[template.waba_id]
    onboarded = onboarding_status(call.rt.catalog.business_of(waba), waba) == "ONBOARDED"
    return nodes.template_node(
        template, call.fields(), onboarded=onboarded, rng_seed=call.rt.rng_seed
    )


async def _save(
    rt: Runtime,
    templates: list[Template],
    other_info: dict[str, str] | None = None,
    event: str | None = None,
) -> None:
    """Persist templates; each status change is announced with
    `message_template_status_update` (its event the new status, or `event`). Pacing follows
    the change: sends held for a template whose pacing ends are released or dropped."""
    previous = {t.id: rt.catalog.templates.get(t.id) for t in templates}
    templates = [_with_pacing(rt, previous[t.id], t) for t in templates]
    changed = [t for t in templates if (p := previous[t.id]) is None or p.status != t.status]
    await rt.store.write(templates)
    for template in templates:
        rt.catalog.put(template)
    for template in changed:
        await events.template_status(
            rt, template, event or template.status, template.rejected_reason, other_info
        )
    for template in templates:
        if (outcome := pacing.held_outcome(previous[template.id], template)) is not None:
            await held_sends.settle_held(rt, template, outcome)


def _with_pacing(rt: Runtime, previous: Template | None, template: Template) -> Template:
    pacing_on = rt.catalog.wabas[template.waba_id].template_pacing
    paced = pacing.paced_after(previous, template, pacing_on)
    return template if paced == template.paced else msgspec.structs.replace(template, paced=paced)


# --- create -----------------------------------------------------------------------------


async def create(call: GraphCall, waba: Waba) -> dict[str, Any]:
    """POST /{waba_id}/message_templates; a library template is approved at once (its content
    is Meta's own, already reviewed)."""
    from_library = call.params.get("library_template_name") is not None
    spec = parse_create(library_create_body(call.params) if from_library else call.params)
    status = "APPROVED" if from_library else review_status(call.rt)
    template = await add_template(call, waba, spec, status)
    return {"id": template.id, "status": template.status, "category": template.category}


async def add_template(call: GraphCall, waba: Waba, spec: TemplateSpec, status: str) -> Template:
    """A new template of the WABA from a validated create request."""
    rt = call.rt
    if (waba.id, spec.name, spec.language) in rt.catalog.templates_by_key:
        raise duplicate_error(spec.language)
    now = rt.now()
    if _name_held(rt, waba.id, spec.name, spec.language, now):
        raise name_being_deleted_error(spec.language)
    if len(rt.catalog.live_templates(waba.id)) >= waba.template_limit:
        raise limit_error(waba.template_limit)
    seq, template_id = await rt.object_id("template")
    template = Template.from_spec(
        spec,
        id=template_id,
        waba_id=waba.id,
        seq=seq,
        status=status,
        created_at=now,
        updated_at=now,
    )
    components = await uploads.keep_sample(call, template, template.components)
    template = msgspec.structs.replace(template, components=components)
    await _save(rt, [template])
    return template


def _name_held(rt: Runtime, waba_id: str, name: str, language: str, now: float) -> bool:
    return any(
        t.status == "DELETED"
        and t.name == name
        and t.language == language
        and t.deleted_at is not None
        and now - t.deleted_at < NAME_HOLD_SECONDS
        for t in rt.catalog.waba_templates[waba_id].values()
    )


# --- list and read ----------------------------------------------------------------------


def _list_values(value: Any, name: str) -> list[str]:
    """A filter given as `a,b`, as a JSON array, or repeated."""
    if isinstance(value, list):  # ids may be written as JSON numbers: [1412202725948627]
        return [
            str(v) if isinstance(v, int) and not isinstance(v, bool) else as_str(v, name)
            for v in value
        ]
    text = as_str(value, name).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise invalid_parameter(f"Param {name} is not a valid JSON array.") from None
        return _list_values(parsed, name)
    return [part.strip() for part in text.split(",") if part.strip()]


def _template_text(template: Template) -> str:
    return " ".join(str(c.get("text", "")) for c in template.components)


def _attribute_in(attribute: str, wanted: set[str]) -> Callable[[Template], bool]:
    return lambda template: getattr(template, attribute) in wanted


def _filters(params: dict[str, Any]) -> list[Callable[[Template], bool]]:
    checks: list[Callable[[Template], bool]] = []
    for name, allowed in ENUM_FILTERS.items():
        if name in params:
            checks.append(_attribute_in(name, set(enum_words(params[name], name, allowed))))
    if "language" in params:
        checks.append(_attribute_in("language", set(_list_values(params["language"], "language"))))
    if "since" in params:
        since = parse_time(params["since"], "since")
        checks.append(lambda t: t.created_at >= since)
    if "until" in params:
        until = parse_time(params["until"], "until")
        checks.append(lambda t: t.created_at <= until)
    if "name" in params:
        needle = as_str(params["name"], "name").lower()
        checks.append(lambda t: needle in t.name.lower())
    if "content" in params:
        text = as_str(params["content"], "content").lower()
        checks.append(lambda t: text in _template_text(t).lower())
    if "name_or_content" in params:
        either = as_str(params["name_or_content"], "name_or_content").lower()
        checks.append(lambda t: either in t.name.lower() or either in _template_text(t).lower())
    return checks


def _summary_fields(requested: Any) -> tuple[str, ...]:
    """The summary fields asked for: `true` (all of them), `false` (none) or their names."""
    names = _list_values(requested, "summary")
    if [name.lower() for name in names] in (["true"], ["1"]):
        return SUMMARY_FIELDS
    if [name.lower() for name in names] in (["false"], ["0"]):
        return ()
    if unknown := [name for name in names if name not in SUMMARY_FIELDS]:
        raise invalid_parameter(
            f"Param summary has an invalid value '{unknown[0]}': expected true, false or "
            f"field names among {', '.join(SUMMARY_FIELDS)}."
        )
    return tuple(names)


def _summary(names: tuple[str, ...], matching: int, waba: Waba, live: int) -> dict[str, Any]:
    values = {
        "total_count": matching,
        "message_template_count": live,
        "message_template_limit": waba.template_limit,
        "are_translations_complete": True,
    }
    return {name: values[name] for name in names}


async def list_templates(call: GraphCall, waba: Waba) -> dict[str, Any]:
    catalog = call.rt.catalog
    await recategorise.apply_due(call.rt, catalog.waba_templates[waba.id].values())
    include_deleted = "DELETED" in str(call.params.get("status", "")).upper()
    pool: Iterable[Template] = (
        sorted(catalog.waba_templates[waba.id].values(), key=lambda t: t.seq, reverse=True)
        if include_deleted
        else catalog.live_templates(waba.id)
    )
    checks = _filters(call.params)
    summary = _summary_fields(call.params["summary"]) if "summary" in call.params else ()
    matching = [t for t in pool if all(check(t) for check in checks)]

    def position(template: Template) -> int:
        return template.seq

    page = paginate(matching, position, page_request(call.query))
    body = paged_body([_view(call, t) for t in page.items], page, position, call.url, call.query)
    if summary:
        live = len(catalog.live_templates(waba.id))
        body["summary"] = _summary(summary, len(matching), waba, live)
    return body


async def get_template(call: GraphCall, template: Template) -> dict[str, Any]:
    return _view(call, await recategorise.current(call.rt, template))


# --- edit, unpause, delete ----------------------------------------------------------------


async def edit(call: GraphCall, template: Template) -> dict[str, Any]:
    updated = await apply_edit(call, template, call.params)
    return {"success": True, "id": updated.id, "name": updated.name, "category": updated.category}


async def apply_edit(call: GraphCall, template: Template, body: dict[str, Any]) -> Template:
    """Edit a template; new components are announced with `message_template_components_update`."""
    rt = call.rt
    now = rt.now()
    changes = parse_edit(template, body, now)
    if "components" in changes:
        changes["components"] = await uploads.keep_sample(
            call, template, changes["components"], template.components
        )
    was_approved = template.status == "APPROVED"
    edit_times = [*template.edit_times, now] if was_approved else template.edit_times
    if "category" in changes and changes["category"] != template.category:
        changes["previous_category"] = template.category
    updated = msgspec.structs.replace(
        template,
        **changes,
        status=review_status(rt),
        edit_times=edit_times,
        updated_at=now,
        rejected_reason="NONE",
    )
    await _save(rt, [updated])
    if updated.components != template.components:
        await events.template_components(rt, updated)
    return updated


async def unpause(call: GraphCall, template: Template) -> dict[str, Any]:
    if template.status != "PAUSED":
        raise invalid_parameter(
            f"Only a PAUSED template can be unpaused; this one is {template.status}."
        )
    updated = msgspec.structs.replace(template, status="APPROVED", updated_at=call.rt.now())
    await _save(call.rt, [updated], UNPAUSED)
    return {"success": True}


def _to_delete(call: GraphCall, waba: Waba) -> list[Template]:
    params = call.params
    live = call.rt.catalog.live_templates(waba.id)
    if "hsm_ids" in params:
        if "name" in params or "hsm_id" in params:
            raise invalid_parameter("Param hsm_ids cannot be combined with name or hsm_id.")
        wanted = _list_values(params["hsm_ids"], "hsm_ids")
        if not wanted or len(wanted) > MAX_DELETE_IDS:
            raise invalid_parameter(f"Param hsm_ids must list 1 to {MAX_DELETE_IDS} template ids.")
        by_id = {t.id: t for t in live}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise invalid_parameter(f"Message templates not found: {', '.join(missing)}.")
        return [by_id[i] for i in wanted]
    if "name" not in params:
        raise missing_parameter("name")
    name = as_str(params["name"], "name")
    found = [t for t in live if t.name == name]
    if "hsm_id" in params:
        hsm_id = as_str(params["hsm_id"], "hsm_id")
        found = [t for t in found if t.id == hsm_id]
    if not found:
        raise GraphError(
            100,
            details=f'Message template "{name}" not found.',
            message="(#100) Invalid parameter",
            subcode=2593002,
        )
    return found


async def delete(call: GraphCall, waba: Waba) -> dict[str, Any]:
    doomed = _to_delete(call, waba)
    disabled = [t.name for t in doomed if t.status == "DISABLED"]
    if disabled:
        raise invalid_parameter(f"Disabled templates cannot be deleted: {', '.join(disabled)}.")
    now = call.rt.now()
    deleted = [
        msgspec.structs.replace(
            t,
            status="DELETED",
            updated_at=now,
            deleted_at=now if t.status in NAME_HOLDING_STATUSES else None,
        )
        for t in doomed
    ]
    await _save(call.rt, deleted)
    return {"success": True}


# --- control: review decisions --------------------------------------------------------------


def template_by_id(rt: Runtime, template_id: str) -> Template:
    """A template of the catalog, for the control API's actions (404 when unknown)."""
    template = rt.catalog.templates.get(template_id)
    if template is None:
        raise GraphError(100, f"Unknown template {template_id}.", http_status=404)
    return template


async def review(rt: Runtime, template: Template, decision: str, reason: str | None) -> Template:
    """Decide a PENDING template (manual review mode); returns the updated template."""
    decision = decision.upper()
    if decision not in REVIEW_DECISIONS:
        raise invalid_parameter(f"decision must be APPROVED or REJECTED, got '{decision}'.")
    if template.status != "PENDING":
        raise invalid_parameter(f"Template {template.id} is {template.status}, not PENDING.")
    updated = msgspec.structs.replace(
        template,
        status=decision,
        updated_at=rt.now(),
        rejected_reason=(reason or "INVALID_FORMAT") if decision == "REJECTED" else "NONE",
    )
    await _save(rt, [updated])
    return updated


async def set_quality(rt: Runtime, template: Template, score: str) -> Template:
    """A new quality rating (`message_template_quality_update`); RED pauses an approved
    template (first and second time) and then disables it."""
    score = score.upper()
    if score not in QUALITY_SCORES:
        raise invalid_parameter(f"score must be one of {', '.join(QUALITY_SCORES)}.")
    previous = template.quality_score
    updated = msgspec.structs.replace(template, quality_score=score, updated_at=rt.now())
    other_info = None
    if score == "RED" and template.status == "APPROVED":
        if template.pause_count < len(PAUSES):
            title, text = PAUSES[template.pause_count]
            other_info = {"title": title, "description": f"The template was {text}."}
            updated = msgspec.structs.replace(
                updated, status="PAUSED", pause_count=template.pause_count + 1
            )
        else:
            updated = msgspec.structs.replace(updated, status="DISABLED")
    await _save(rt, [updated], other_info)
    await events.template_quality(rt, updated, previous)
    return updated


async def archive(rt: Runtime, template: Template) -> Template:
    """Meta archives an approved template unused for a year (service/template_clock.py)."""
    updated = msgspec.structs.replace(template, status="ARCHIVED", updated_at=rt.now())
    await _save(rt, [updated])
    return updated


async def unarchive(rt: Runtime, template: Template) -> Template:
    """An archived template made usable again (WhatsApp Manager's unarchive: Meta has no API
    for it): APPROVED without a new review, announced with event UNARCHIVED."""
    if template.status != "ARCHIVED":
        raise invalid_parameter(f"Template {template.id} is {template.status}, not ARCHIVED.")
    updated = msgspec.structs.replace(template, status="APPROVED", updated_at=rt.now())
    await _save(rt, [updated], event="UNARCHIVED")
    return updated


async def set_category(
    rt: Runtime, template: Template, category: str, notice: bool = False
) -> Template:
    """Meta re-categorises a template (`template_category_update`): at once, or announced
    24 hours ahead (`notice`, Meta's automated process)."""
    category = category.upper()
    if category not in CATEGORIES:
        raise invalid_parameter(f"category must be one of {', '.join(CATEGORIES)}.")
    if category == template.category:
        raise invalid_parameter(f"The template is already {category}.")
    if notice:
        return await recategorise.announce(rt, template, category)
    updated = msgspec.structs.replace(
        template, category=category, previous_category=template.category, updated_at=rt.now()
    )
    await _save(rt, [updated])
    await events.template_category(rt, updated, template.category)
    return updated
