"""The control API over generated audiences: list them, replace them, page through the phone
numbers of one. They live in the settings (`core.audiences`), so every process sharing the
store derives the same members."""

from __future__ import annotations

from typing import Any

import msgspec

from wamm.core import seed as schema
from wamm.core.audiences import Audience
from wamm.core.coerce import as_int
from wamm.core.errors import GraphError, invalid_parameter
from wamm.service.runtime import Runtime

MAX_NUMBERS_PAGE = 10_000


def view(rt: Runtime) -> dict[str, Any]:
    return {"data": [msgspec.to_builtins(audience) for audience in rt.settings.audiences]}


async def replace(rt: Runtime, body: dict[str, Any]) -> dict[str, Any]:
    """Replace every audience by `body["audiences"]`, checked as the seed's `audiences` key
    (a SeedError names the bad path)."""
    if not isinstance(body.get("audiences"), list):
        raise invalid_parameter("The body must be an object with a list `audiences`.")
    audiences = schema.decode({"audiences": body["audiences"]}).audiences or []
    async with rt.store.exclusive("wamm-seed"):
        await rt.refresh_if_changed()
        await rt.change_settings(msgspec.structs.replace(rt.settings, audiences=audiences))
    return view(rt)


def find(rt: Runtime, name: str) -> Audience:
    audience = next((a for a in rt.settings.audiences if a.name == name), None)
    if audience is None:
        raise GraphError(100, f"No audience named {name}.", http_status=404)
    return audience


def numbers(rt: Runtime, name: str, query: dict[str, str]) -> dict[str, Any]:
    """One page of an audience's phone numbers in member order; `after` is the cursor the
    previous page answered."""
    audience = find(rt, name)
    limit = as_int(query.get("limit", 1000), "limit")
    if not 1 <= limit <= MAX_NUMBERS_PAGE:
        raise invalid_parameter(f"limit must be between 1 and {MAX_NUMBERS_PAGE}.")
    start = as_int(query.get("after", 0), "after")
    if start < 0:
        raise invalid_parameter("after must be a cursor this route answered.")
    body: dict[str, Any] = {
        "data": list(audience.phones(rt.rng_seed, start, limit)),
        "summary": {"name": audience.name, "size": audience.size},
    }
    if start + limit < audience.size:
        body["paging"] = {"cursors": {"after": str(start + limit)}}
    return body
