"""Text no request or seed may carry: NUL characters and lone UTF-16 surrogates.

Meta's text fields are for people to read; PostgreSQL cannot hold a NUL in a text value, and a
lone surrogate (`"\\ud800"` in JSON) cannot be written as UTF-8 at all. Either, anywhere in a
request or a seed (a value or a key, at any depth), is refused naming its path, instead of a
send that stores it or a write that fails with a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wamm.core.errors import invalid_parameter

NUL = "\x00"


def _problem(text: str) -> str | None:
    if NUL in text:
        return "must not contain NUL characters"
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            return "must not contain lone UTF-16 surrogates"
    return None


def text_problem(value: Any, path: str) -> tuple[str, str] | None:
    """(path, problem) of the first unwritable string inside `value`, or None."""
    if isinstance(value, str):
        problem = _problem(value)
        return None if problem is None else (path, problem)
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = text_problem(str(key), where) or text_problem(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = text_problem(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def check_text(params: Mapping[str, Any]) -> None:
    """Code 100 naming the first parameter that holds a NUL or a lone surrogate."""
    found = text_problem(params, "")
    if found is not None:
        path, problem = found
        printable = path.encode("utf-8", "replace").decode().replace(NUL, "")
        raise invalid_parameter(f"Param {printable} {problem}.")
