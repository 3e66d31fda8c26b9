"""The context component validation depends on: the template's category and parameter format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wamm.core.templates.errors import reject


@dataclass(frozen=True, slots=True)
class Rules:
    """What component validation depends on."""

    category: str
    named: bool  # parameter_format NAMED: variables are {{name}} rather than {{1}}


# A component check: normalises the component in place or raises.
Check = Callable[[dict[str, Any], str, Rules], None]


def check_available(
    value: str, allowed: frozenset[str], rules: Rules, field: str, subcode: int | None
) -> None:
    """`value` (a component type, header format or button type) is allowed in the category."""
    if rules.category not in allowed:
        raise reject(subcode, f"{field} {value} isn't available for {rules.category} templates.")
