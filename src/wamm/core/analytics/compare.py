"""Template comparison, GET /{template_id}/compare: how often two templates of a WABA were
sent in a lookback window, which is blocked less, and each one's top block reason.

Meta's limits: two templates at a time (the target and one id in `template_ids`), a window
of exactly 7, 30, 60 or 90 days, and at least 1,000 sends of each template inside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from wamm.core.analytics.values import DAY, parse_list, parse_time
from wamm.core.coerce import required
from wamm.core.errors import invalid_parameter

WINDOW_DAYS = (7, 30, 60, 90)
MIN_SENDS = 1000
# Simulated users never block a business, and Meta names this reason when there is too
# little block data to name another.
NO_BLOCK_DATA_REASON = "UNKNOWN_BLOCK_REASON"


class CompareQuery(msgspec.Struct, frozen=True):
    template_ids: tuple[str, str]  # the target first
    start: int
    end: int


def parse_compare_query(target_id: str, params: Mapping[str, Any]) -> CompareQuery:
    others = parse_list(required(params, "template_ids"), "template_ids")
    if len(others) != 1:
        raise invalid_parameter(
            f"Param template_ids must name exactly one template: only two templates can be "
            f"compared at a time; got {len(others)}."
        )
    if others[0] == target_id:
        raise invalid_parameter("Param template_ids must name another template than the target.")
    start = parse_time(required(params, "start"), "start")
    end = parse_time(required(params, "end"), "end")
    if end - start not in {days * DAY for days in WINDOW_DAYS}:
        raise invalid_parameter(
            "The timeframe from start to end must be exactly 7, 30, 60 or 90 days; got "
            f"{end - start} seconds."
        )
    return CompareQuery((target_id, others[0]), start, end)


def compare_body(template_ids: Sequence[str], sends: Mapping[str, int]) -> dict[str, Any]:
    """Meta's three metrics for the templates, the target first."""
    for template_id in template_ids:
        if sends[template_id] < MIN_SENDS:
            raise invalid_parameter(
                f"Template {template_id} was sent {sends[template_id]} times in this timeframe; "
                f"comparing needs at least {MIN_SENDS} sends of each template."
            )
    return {
        "data": [
            # No blocks: every block rate is 0, so the order is the request's.
            {
                "metric": "BLOCK_RATE",
                "type": "RELATIVE",
                "order_by_relative_metric": list(template_ids),
            },
            {
                "metric": "MESSAGE_SENDS",
                "type": "NUMBER_VALUES",
                "number_values": [{"key": t, "value": sends[t]} for t in template_ids],
            },
            {
                "metric": "TOP_BLOCK_REASON",
                "type": "STRING_VALUES",
                "string_values": [{"key": t, "value": NO_BLOCK_DATA_REASON} for t in template_ids],
            },
        ]
    }
