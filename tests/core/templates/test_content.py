"""A template's components list as a whole (core/templates/content.py): its structure."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.templates.builders import SEED_BODY, create, expect_error
from wamm.core.templates import parse_create


@pytest.mark.parametrize(
    ("components", "code", "subcode", "field"),
    [
        # structure
        ([SEED_BODY, {"type": "SIDEBAR"}], 100, None, "components[1]['type']"),
        ([SEED_BODY, "body"], 100, None, "components[1]"),
        ([{"text": "Hi"}], 100, None, "components[0].type"),
        ([SEED_BODY, SEED_BODY], 100, None, "only one BODY"),
        ([{"type": "FOOTER", "text": "Bye"}], 100, None, "must contain a BODY"),
        ([{"type": "BODY"}], 100, None, "components[0].text"),
        ([{"type": "BODY", "text": "   "}], 100, None, "components[0].text"),
    ],
)
def test_component_list_errors(
    components: list[Any], code: int, subcode: int | None, field: str
) -> None:
    expect_error(lambda: parse_create(create(components)), code, subcode, field)
