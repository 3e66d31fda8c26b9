"""Lenient readers for request values.

Graph accepts the same parameter as JSON (`true`, `3`) or form-encoded text (`"true"`, `"3"`),
so rules read values through these helpers, which raise code 100 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.errors import invalid_parameter, missing_parameter

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def type_name(value: Any) -> str:
    return {
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def as_str(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    raise invalid_parameter(f"Param {name} must be a string, got {type_name(value)}.")


def as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise invalid_parameter(f"Param {name} must be a boolean (true or false).")


def as_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise invalid_parameter(f"Param {name} must be an integer, got boolean.")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise invalid_parameter(f"Param {name} must be an integer.")


def as_object(value: Any, name: str) -> Mapping[str, Any]:
    if type(value) is dict or isinstance(value, Mapping):  # the exact type first: JSON bodies
        return value
    raise invalid_parameter(f"Param {name} must be a JSON object, got {type_name(value)}.")


def as_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, list):
        return value
    raise invalid_parameter(f"Param {name} must be a JSON array, got {type_name(value)}.")


def required(body: Mapping[str, Any], key: str, prefix: str = "") -> Any:
    if body.get(key) is None:
        raise missing_parameter(f"{prefix}{key}")
    return body[key]
