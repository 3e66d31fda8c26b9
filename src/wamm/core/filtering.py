"""Graph's `filtering` parameter on edges: a JSON array of `{field, operator, value}`
conditions, all of which a node must meet.

Meta's onboarding guide filters a partner's client WABAs with
`filtering=[{'field':'marketing_messages_onboarding_status','operator':'IN','value':['ELIGIBLE']}]`
(source: marketing-messages/onboarding): single quotes, as Graph reads them, are accepted.
The operators are Graph's for text fields: EQUAL and NOT_EQUAL take a string, IN and NOT_IN
an array of strings.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from wamm.core.coerce import type_name
from wamm.core.errors import invalid_parameter

SCALAR_OPERATORS = ("EQUAL", "NOT_EQUAL")
LIST_OPERATORS = ("IN", "NOT_IN")
OPERATORS = SCALAR_OPERATORS + LIST_OPERATORS


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    values: frozenset[str]

    def holds(self, value: str) -> bool:
        inside = value in self.values
        return inside if self.operator in ("EQUAL", "IN") else not inside


def parse(raw: Any, fields: Collection[str]) -> tuple[Condition, ...]:
    """The conditions of a `filtering` value (text or already decoded); `fields` are the ones
    the edge filters on. None or blank: no condition."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ()
    conditions = _decode(raw) if isinstance(raw, str) else raw
    if not isinstance(conditions, list):
        raise invalid_parameter(
            f"Param filtering must be a JSON array of conditions, got {type_name(conditions)}."
        )
    return tuple(_condition(item, index, fields) for index, item in enumerate(conditions))


def _decode(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    if '"' not in text:  # Meta's own example quotes with '
        try:
            return json.loads(text.replace("'", '"'))
        except ValueError:
            pass
    raise invalid_parameter("Param filtering must be valid JSON.")


def _condition(item: Any, index: int, fields: Collection[str]) -> Condition:
    where = f"filtering[{index}]"
    if not isinstance(item, dict):
        raise invalid_parameter(f"Param {where} must be a JSON object, got {type_name(item)}.")
    field, operator, value = item.get("field"), item.get("operator"), item.get("value")
    if not isinstance(field, str) or field not in fields:
        raise invalid_parameter(
            f"Param {where}.field must be one of {', '.join(sorted(fields))}, got {field!r}."
        )
    if operator not in OPERATORS:
        raise invalid_parameter(
            f"Param {where}.operator must be one of {', '.join(OPERATORS)}, got {operator!r}."
        )
    if operator in SCALAR_OPERATORS:
        if not isinstance(value, str):
            raise invalid_parameter(f"Param {where}.value must be a string for {operator}.")
        return Condition(field, operator, frozenset((value,)))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_parameter(f"Param {where}.value must be an array of strings for {operator}.")
    return Condition(field, operator, frozenset(value))


def matches(conditions: tuple[Condition, ...], values: Mapping[str, str]) -> bool:
    """Whether a node whose filterable fields are `values` meets every condition."""
    return all(c.holds(values[c.field]) for c in conditions)
