"""Text no request may carry: NUL characters, refused wherever they appear.

Meta's text fields are for people to read, and PostgreSQL cannot hold a NUL in a text value,
so a NUL anywhere in a request (a value, a key, at any depth) is code 100 naming its path,
instead of a send that stores it or a lookup that fails with a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.errors import invalid_parameter

NUL = "\x00"


def nul_path(value: Any, path: str) -> str | None:
    """The path of the first string holding a NUL inside `value`, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = where if NUL in str(key) else nul_path(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def check_no_nul(params: Mapping[str, Any]) -> None:
    """Code 100 naming the first parameter that holds a NUL character."""
    path = nul_path(params, "")
    if path is not None:
        raise invalid_parameter(f"Param {path.replace(NUL, '')} must not contain NUL characters.")
