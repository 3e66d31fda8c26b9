"""Graph `fields=` selection and cursor paging.

Grammar accepted for `fields`: a comma list of `name`, each optionally followed by modifiers
`.param(value)` and a nested selection `{...}`, e.g.
`name,owner_business_info{name},pricing_analytics.start(1).end(2).granularity(DAILY)`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from wamm.core.errors import GraphError, invalid_parameter

T = TypeVar("T")

_CLOSERS = {"(": ")", "{": "}", "[": "]"}
# Brackets may nest this deep in `fields` (Graph documents no limit; real selections use 2-3).
MAX_NESTING = 32


@dataclass(frozen=True)
class FieldRequest:
    name: str
    params: dict[str, str] = field(default_factory=dict)
    subfields: tuple[FieldRequest, ...] | None = None


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, start = [], [], 0
    for index, char in enumerate(text):
        if char in _CLOSERS:
            depth.append(_CLOSERS[char])
            if len(depth) > MAX_NESTING:
                raise invalid_parameter(
                    f"Syntax error in fields: brackets nested deeper than {MAX_NESTING} levels"
                )
        elif depth and char == depth[-1]:
            depth.pop()
        elif char in ")}]":
            raise invalid_parameter(f"Syntax error in fields: unexpected '{char}'")
        elif char == separator and not depth:
            parts.append(text[start:index])
            start = index + 1
    if depth:
        raise invalid_parameter(f"Syntax error in fields: missing '{depth[-1]}'")
    parts.append(text[start:])
    return parts


def _parse_one(text: str) -> FieldRequest:
    text = text.strip()
    subfields = None
    if text.endswith("}"):
        brace = text.index("{")
        subfields = parse_fields(text[brace + 1 : -1])
        text = text[:brace]
    name, *modifiers = _split_top_level(text, ".")
    params: dict[str, str] = {}
    for modifier in modifiers:
        if "(" not in modifier or not modifier.endswith(")"):
            raise invalid_parameter(
                f"Syntax error in fields: expected param(value), got '{modifier}'"
            )
        key, value = modifier[:-1].split("(", 1)
        params[key.strip()] = value.strip()
    name = name.strip()
    if not name or not all(c.isalnum() or c == "_" for c in name):
        raise invalid_parameter(f"Syntax error in fields: invalid field name '{name}'")
    return FieldRequest(name, params, subfields)


def parse_fields(text: str | None) -> tuple[FieldRequest, ...] | None:
    """Parse a `fields` value; None (or blank) means "the node's default fields"."""
    if text is None or not text.strip():
        return None
    return tuple(_parse_one(part) for part in _split_top_level(text, ",") if part.strip())


Getter = Callable[[FieldRequest], Any]


def unknown_field(node_type: str, name: str) -> GraphError:
    return GraphError(
        100,
        message=f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})",
        with_error_data=False,
    )


def select(
    node_type: str,
    node_id: str,
    getters: Mapping[str, Getter],
    requested: Sequence[FieldRequest] | None,
    default: Sequence[str],
) -> dict[str, Any]:
    """Build a Graph node: the requested (or default) fields that have a value, plus `id`.

    Meta puts `id` last when specific fields are asked for and first in default reads.
    """
    wanted = requested if requested is not None else tuple(FieldRequest(n) for n in default)
    for request in wanted:
        if request.name not in getters and request.name != "id":
            raise unknown_field(node_type, request.name)
    out: dict[str, Any] = {}
    if requested is None:
        out["id"] = node_id
    for request in wanted:
        if request.name == "id":
            continue
        value = getters[request.name](request)
        if value is not None:
            out[request.name] = project(value, request.subfields)
    out["id"] = node_id
    return out


def project(value: Any, subfields: Sequence[FieldRequest] | None) -> Any:
    """Apply a nested `{a,b}` selection to a dict (or to each item of `{"data": [...]}`)."""
    if not subfields or not isinstance(value, dict):
        return value
    if isinstance(value.get("data"), list):
        return {**value, "data": [project(item, subfields) for item in value["data"]]}
    names = [sub.name for sub in subfields]
    return {
        name: project(value[name], sub.subfields)
        for name, sub in zip(names, subfields, strict=True)
        if name in value
    }


# --- paging -------------------------------------------------------------------------------

DEFAULT_LIMIT = 25
MAX_LIMIT = 1000
MAX_POSITION = 2**63 - 1  # cursors hold row positions, which the stores keep as 64-bit integers


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: int | None = None
    before: int | None = None


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"wamm:{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, name: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, value = raw.split(":", 1)
        position = int(value)
        if prefix != "wamm" or not 0 <= position <= MAX_POSITION:
            raise ValueError(prefix)
        return position
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise invalid_parameter(f"Invalid cursor in parameter {name}: '{cursor}'") from None


def page_request(query: Mapping[str, str]) -> PageRequest:
    raw_limit = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise invalid_parameter(f"Param limit must be an integer, got '{raw_limit}'") from None
        if limit < 0:
            raise invalid_parameter("Param limit must be a non-negative integer")
        limit = min(limit, MAX_LIMIT) or DEFAULT_LIMIT
    after, before = query.get("after"), query.get("before")
    return PageRequest(
        limit=limit,
        after=decode_cursor(after, "after") if after else None,
        before=decode_cursor(before, "before") if before else None,
    )


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    has_previous: bool


def paginate(items: Sequence[T], position: Callable[[T], int], page: PageRequest) -> Page[T]:
    """Slice `items` (already in display order, positions strictly decreasing) by cursor."""
    if page.after is not None:
        start = next((i for i, it in enumerate(items) if position(it) < page.after), len(items))
        chunk = list(items[start : start + page.limit])
        return Page(chunk, start + page.limit < len(items), start > 0)
    if page.before is not None:
        end = next((i for i, it in enumerate(items) if position(it) <= page.before), len(items))
        begin = max(0, end - page.limit)
        return Page(list(items[begin:end]), end < len(items), begin > 0)
    return Page(list(items[: page.limit]), page.limit < len(items), False)


def paged_body(
    data: list[Any],
    page: Page[T],
    position: Callable[[T], int],
    base_url: str,
    query: Mapping[str, str],
) -> dict[str, Any]:
    """`{"data": [...], "paging": {...}}` with `next` / `previous` links back to this server."""
    body: dict[str, Any] = {"data": data}
    if not page.items:
        return body
    first, last = encode_cursor(position(page.items[0])), encode_cursor(position(page.items[-1]))
    paging: dict[str, Any] = {"cursors": {"before": first, "after": last}}
    kept = {k: v for k, v in query.items() if k not in {"after", "before"}}
    if page.has_previous:
        paging["previous"] = f"{base_url}?{urlencode({**kept, 'before': first})}"
    if page.has_next:
        paging["next"] = f"{base_url}?{urlencode({**kept, 'after': last})}"
    body["paging"] = paging
    return body
