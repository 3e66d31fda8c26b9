"""Readers for template request values: JSON text in form posts, enums, members of objects,
bounded text and bounded arrays.

Type and presence problems are plain code 100 (`invalid_parameter`); length problems are
content Meta would reject (`reject`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import msgspec

from wamm.core.coerce import as_bool, as_list, as_str, required
from wamm.core.content_cursor import meta_path
from wamm.core.errors import invalid_parameter, param_not_in
from wamm.core.templates.errors import reject
from wamm.core.templates.limits import SUBCODE_CHAR_LIMIT

T = TypeVar("T")


def decoded(value: Any) -> Any:
    """Form-encoded requests carry objects and arrays as JSON text; decode those."""
    if isinstance(value, str):
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError:
            return value
    return value


def enum(value: Any, field: str, allowed: Collection[str]) -> str:
    """A case-insensitive enum value, returned upper-case (any other: Graph's enum error)."""
    text = as_str(value, field).upper()
    if text not in allowed:
        raise param_not_in(meta_path(field), allowed, value)
    return text


def member(obj: Mapping[str, Any], key: str, field: str, read: Callable[[Any, str], T]) -> T:
    """The required `obj[key]` of the object at `field`, read by `read` as `field.key`."""
    return read(required(obj, key, f"{field}."), f"{field}.{key}")


def member_enum(obj: Mapping[str, Any], key: str, field: str, allowed: Collection[str]) -> str:
    """The required enum `obj[key]` of the object at `field`, upper-cased."""
    return enum(required(obj, key, f"{field}."), f"{field}.{key}", allowed)


def optional_str(body: Mapping[str, Any], key: str) -> str | None:
    value = body.get(key)
    return None if value is None else as_str(value, key)


def optional_bool(body: Mapping[str, Any], key: str) -> bool:
    value = body.get(key)
    return False if value is None else as_bool(value, key)


def check_length(value: str, field: str, limit: int) -> None:
    if len(value) > limit:
        raise reject(
            SUBCODE_CHAR_LIMIT, f"{field} is {len(value)} characters long; the limit is {limit}."
        )


def text(obj: Mapping[str, Any], key: str, field: str, limit: int) -> str:
    """The required, non-empty string `obj[key]` of at most `limit` characters."""
    value = member(obj, key, field, as_str)
    if not value.strip():
        raise invalid_parameter(f"Param {field}.{key} must not be empty.")
    check_length(value, f"{field}.{key}", limit)
    return value


def bounded_list(obj: Mapping[str, Any], key: str, field: str, limit: int) -> list[Any]:
    """The required array `obj[key]` (e.g. "buttons", "cards") holding 1 to `limit` items."""
    items = member(obj, key, field, as_list)
    if not 1 <= len(items) <= limit:
        raise reject(None, f"{field}.{key} must hold 1 to {limit} {key}; got {len(items)}.")
    return items
