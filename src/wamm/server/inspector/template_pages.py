"""The templates view: each WABA's templates with their review state, category, quality,
creative optimisation spec and a phone preview; and the control API's template actions
(review decision, quality and category changes) as CSRF-protected forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from wamm.core.model import CATEGORIES, Template
from wamm.core.templates import creative_features_read
from wamm.server.inspector.pages import back_to, clock_view, form_values
from wamm.server.inspector.preview import template_preview
from wamm.server.inspector.rendering import page
from wamm.service import templates as template_cases
from wamm.service.runtime import Runtime


def template_view(template: Template) -> dict[str, Any]:
    spec = creative_features_read(template.creative_features)["creative_features_spec"]
    return {
        "template": template,
        "preview": template_preview(template, {}),
        "creative_features": [(f["key"], f["value"]["enroll_status"]) for f in spec],
    }


def _wabas(rt: Runtime, chosen: str | None) -> list[dict[str, Any]]:
    catalog = rt.catalog
    listed = []
    for waba in sorted(catalog.wabas.values(), key=lambda w: w.id):
        if chosen and waba.id != chosen:
            continue
        mine = [t for t in catalog.templates.values() if t.waba_id == waba.id and not t.deleted_at]
        ordered = sorted(mine, key=lambda t: (t.name, t.language))
        listed.append({"waba": waba, "templates": [template_view(t) for t in ordered]})
    return listed


async def templates_page(request: Request, rt: Runtime) -> Response:
    chosen = request.query_params.get("waba_id") or None
    return page(
        request,
        "templates.html",
        wabas=_wabas(rt, chosen),
        all_wabas=sorted(rt.catalog.wabas.values(), key=lambda w: w.id),
        chosen=chosen,
        review_mode=rt.settings.template_review,
        categories=CATEGORIES,
        quality_scores=template_cases.QUALITY_SCORES,
        clock=clock_view(rt),
    )


def _back(template: Template) -> Response:
    return back_to(f"/templates?{urlencode({'waba_id': template.waba_id})}")


async def review_template(request: Request, rt: Runtime) -> Response:
    """Approve or reject a PENDING template (`POST /_wamm/templates/{id}/review`)."""
    form = await form_values(request, "template_id", "decision", "reason")
    template = template_cases.template_by_id(rt, form["template_id"])
    await template_cases.review(rt, template, form["decision"], form["reason"] or None)
    return _back(template)


async def rate_template(request: Request, rt: Runtime) -> Response:
    """A new quality rating (`POST /_wamm/templates/{id}/quality`)."""
    form = await form_values(request, "template_id", "score")
    template = template_cases.template_by_id(rt, form["template_id"])
    await template_cases.set_quality(rt, template, form["score"])
    return _back(template)


async def recategorise_template(request: Request, rt: Runtime) -> Response:
    """Meta's re-categorisation (`POST /_wamm/templates/{id}/category`)."""
    form = await form_values(request, "template_id", "category")
    template = template_cases.template_by_id(rt, form["template_id"])
    await template_cases.set_category(rt, template, form["category"])
    return _back(template)
