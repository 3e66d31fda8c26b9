"""Reading analytics parameter values (times, arrays, enums) and cutting time into buckets.

Graph takes arrays in several spellings: JSON (`["A","B"]`, `[1,2]`), bracketed bare words
(`[A,B]`), or a comma list (`A,B`); Meta's own examples even quote a comma list as one item
(`["COUNTRY,PHONE"]`). All of them read the same here. Every bad value is code 100 naming the
parameter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from wamm.core.clock import LATEST_TIME
from wamm.core.coerce import type_name
from wamm.core.errors import invalid_parameter

DAY = 86400
HALF_HOUR = 1800


def parse_time(value: Any, name: str) -> int:
    """A UNIX timestamp (seconds) or a UTC date `YYYY-MM-DD` (its 00:00 UTC), before the year
    9000 (wamm's latest time)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return _not_too_late(value, name)
    text = value.strip() if isinstance(value, str) else ""
    if text.isdigit():
        with contextlib.suppress(ValueError):  # more digits than Python converts
            return _not_too_late(int(text), name)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise invalid_parameter(
            f"Param {name} must be a UNIX timestamp or a date YYYY-MM-DD, got '{value}'."
        ) from None
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _not_too_late(seconds: int, name: str) -> int:
    if seconds > LATEST_TIME:
        raise invalid_parameter(f"Param {name} must be a time before the year 9000.")
    return seconds


def _items(text: str, name: str) -> list[Any]:
    if not (text.startswith("[") and text.endswith("]")):
        return [text]
    try:
        decoded = json.loads(text)
    except ValueError:
        return [text[1:-1]]
    if not isinstance(decoded, list):
        raise invalid_parameter(f"Param {name} must be an array.")
    return decoded


def _is_word(item: Any) -> bool:
    return isinstance(item, str | int) and not isinstance(item, bool)


def parse_list(value: Any, name: str) -> list[str]:
    """The non-empty words of an array parameter, in order."""
    if value is None:
        return []
    if isinstance(value, list):
        items: list[Any] = value
    elif _is_word(value):
        items = _items(str(value).strip(), name)
    else:
        raise invalid_parameter(f"Param {name} must be an array, got {type_name(value)}.")
    words: list[str] = []
    for item in items:
        if not _is_word(item):
            raise invalid_parameter(
                f"Param {name} must be an array of strings, got {type_name(item)}."
            )
        words.extend(part.strip().strip("\"'").strip() for part in str(item).split(","))
    return [word for word in words if word]


def enum_words(value: Any, name: str, options: Sequence[str]) -> frozenset[str]:
    """The upper-cased words of an enum array, each one of `options`."""
    chosen = frozenset(word.upper() for word in parse_list(value, name))
    if unknown := sorted(chosen - set(options)):
        raise invalid_parameter(
            f"Param {name} has an invalid value '{unknown[0]}': expected one of "
            f"{', '.join(options)}."
        )
    return chosen


def parse_enums(value: Any, name: str, allowed: Iterable[str]) -> frozenset[str]:
    """An enum array where an empty or missing array means every value (Meta's rule)."""
    options = tuple(allowed)
    return enum_words(value, name, options) or frozenset(options)


def parse_enum(value: Any, name: str, allowed: Iterable[str]) -> str:
    """One enum value, case-insensitive (Meta's examples send `granularity=daily`)."""
    options = tuple(allowed)
    word = value.strip().upper() if isinstance(value, str) else None
    if word is None or word not in options:
        raise invalid_parameter(f"Param {name} must be one of {', '.join(options)}, got '{value}'.")
    return word


def day_floor(at: float) -> int:
    """00:00 UTC of the day holding `at`."""
    return int(at // DAY * DAY)


def bucket(at: float, granularity: str) -> tuple[int, int]:
    """The [start, end) of the DAILY / HALF_HOUR / MONTHLY bucket (UTC) holding `at`."""
    if granularity == "HALF_HOUR":
        start = int(at // HALF_HOUR * HALF_HOUR)
        return start, start + HALF_HOUR
    if granularity == "DAILY":
        return day_floor(at), day_floor(at) + DAY
    moment = dt.datetime.fromtimestamp(at, dt.UTC)
    first = dt.datetime(moment.year, moment.month, 1, tzinfo=dt.UTC)
    following = dt.datetime(
        moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=dt.UTC
    )
    return int(first.timestamp()), int(following.timestamp())
