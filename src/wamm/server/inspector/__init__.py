"""The inspector: web pages under `/_wamm/ui/` to watch and steer a wamm world.

Server-rendered with Jinja2; htmx and its SSE extension (shipped in `static/vendor/`, their
versions and licences in `static/vendor/README.md`) swap in live updates. No script is inline,
so the pages run under a Content-Security-Policy without 'unsafe-inline'.
"""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from wamm.server.inspector import pages, template_pages, world_pages

ROUTES = [
    Route("/", pages.guarded(pages.messages_page), methods=["GET"]),
    Route("/events", pages.guarded(pages.message_events), methods=["GET"]),
    Route("/message", pages.guarded(pages.message_page), methods=["GET"]),
    Route("/webhooks", pages.guarded(pages.webhooks_page), methods=["GET"]),
    Route("/webhooks/retry", pages.guarded(pages.retry_webhooks), methods=["POST"]),
    Route("/templates", pages.guarded(template_pages.templates_page), methods=["GET"]),
    Route("/templates/review", pages.guarded(template_pages.review_template), methods=["POST"]),
    Route("/templates/quality", pages.guarded(template_pages.rate_template), methods=["POST"]),
    Route(
        "/templates/category",
        pages.guarded(template_pages.recategorise_template),
        methods=["POST"],
    ),
    Route("/world", pages.guarded(world_pages.world_page), methods=["GET"]),
    Route("/world/terms", pages.guarded(world_pages.sign_terms), methods=["POST"]),
    Route("/world/marketing", pages.guarded(world_pages.user_marketing), methods=["POST"]),
    Route("/world/inbound", pages.guarded(world_pages.user_writes), methods=["POST"]),
    Route("/message/reply", pages.guarded(world_pages.user_replies), methods=["POST"]),
    Route("/message/click", pages.guarded(world_pages.user_clicks), methods=["POST"]),
    Route("/analytics", pages.guarded(world_pages.analytics_page), methods=["GET"]),
    Route("/clock/advance", pages.guarded(pages.advance_clock), methods=["POST"]),
    Route("/login", pages.login_page, methods=["GET"]),
    Route("/login", pages.login, methods=["POST"]),
    Route("/logout", pages.guarded(pages.logout), methods=["POST"]),
    Mount("/static", StaticFiles(packages=[("wamm.server.inspector", "static")]), name="static"),
]
