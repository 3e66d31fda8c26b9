"""The inspector: web pages under `/_wamm/ui/` to watch and steer a wamm world.

Server-rendered with Jinja2; htmx and its SSE extension (shipped in `static/vendor/`, their
versions and licences in `static/vendor/README.md`) swap in live updates. No script is inline,
so the pages run under a Content-Security-Policy without 'unsafe-inline'.
"""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from wamm.server.inspector import pages

ROUTES = [
    Route("/", pages.guarded(pages.messages_page), methods=["GET"]),
    Route("/events", pages.guarded(pages.message_events), methods=["GET"]),
    Route("/message", pages.guarded(pages.message_page), methods=["GET"]),
    Route("/webhooks", pages.guarded(pages.webhooks_page), methods=["GET"]),
    Route("/webhooks/retry", pages.guarded(pages.retry_webhooks), methods=["POST"]),
    Route("/clock/advance", pages.guarded(pages.advance_clock), methods=["POST"]),
    Route("/login", pages.login_page, methods=["GET"]),
    Route("/login", pages.login, methods=["POST"]),
    Route("/logout", pages.guarded(pages.logout), methods=["POST"]),
    Mount("/static", StaticFiles(packages=[("wamm.server.inspector", "static")]), name="static"),
]
