"""Whether a template can be sent, and its messages' validity period, table-first."""

from __future__ import annotations

import pytest

from wamm.core.errors import GraphError
from wamm.core.model import TEMPLATE_STATUSES, Template
from wamm.core.templates.sendable import sendable, ttl_seconds


def template(
    status: str = "APPROVED", category: str = "MARKETING", ttl: int | None = None
) -> Template:
    return Template(
        id="1",
        waba_id="w",
        seq=1,
        name="sale",
        language="en_US",
        category=category,
        status=status,
        components=[],
        created_at=0.0,
        message_send_ttl_seconds=ttl,
    )


EXPECTED_CODE = {"APPROVED": None, "PAUSED": 132015, "DISABLED": 132016}


@pytest.mark.parametrize("status", TEMPLATE_STATUSES)
def test_only_approved_templates_are_sent(status: str) -> None:
    code = EXPECTED_CODE.get(status, 132001)
    if code is None:
        found = template(status)
        assert sendable(found, "sale", "en_US") is found
        return
    with pytest.raises(GraphError) as raised:
        sendable(template(status), "sale", "en_US")
    assert raised.value.code == code


def test_a_missing_template_names_what_was_asked_for() -> None:
    with pytest.raises(GraphError) as raised:
        sendable(None, "sale", "pt_BR")
    assert (raised.value.code, raised.value.details) == (
        132001,
        "template name (sale) does not exist in pt_BR",
    )


@pytest.mark.parametrize(
    ("found", "ttl"),
    [
        (None, None),
        (template(), 30 * 86_400),  # Meta's default for marketing
        (template(ttl=43_200), 43_200),
        (template(category="UTILITY"), None),
        (template(category="UTILITY", ttl=600), 600),
        (template(category="AUTHENTICATION", ttl=-1), -1),
    ],
)
def test_ttl_seconds(found: Template | None, ttl: int | None) -> None:
    assert ttl_seconds(found) == ttl
