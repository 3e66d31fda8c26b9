"""Jinja2 for the inspector: autoescaping on for every template, and the filters pages use."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from wamm.server.inspector import security
from wamm.server.inspector.formatting import whatsapp_html


def virtual_time(timestamp: float | None) -> str:
    """A (virtual) Unix time as people read it, in UTC."""
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("wamm.server.inspector", "templates"),
    autoescape=True,  # every template, whatever its name: values from requests stay text
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters.update(
    whatsapp=whatsapp_html, virtual_time=virtual_time, pretty_json=pretty_json
)
ENVIRONMENT.globals["ui"] = security.UI_PATH


def fragment(name: str, **context: Any) -> str:
    """A rendered template, for a page or an event of the live stream."""
    return ENVIRONMENT.get_template(name).render(**context)


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A full page (or an htmx fragment) with the security headers and the CSRF value."""
    session = security.admin_token(request) is not None and security.signed_in(request)
    html = fragment(name, csrf_token=security.csrf_token(request), session=session, **context)
    response = HTMLResponse(html, status_code=status_code)
    security.secure(response, request)
    return response
